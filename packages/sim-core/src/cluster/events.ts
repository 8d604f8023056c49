import type { NodeId, ClusterHealth } from "./state";

/**
 * Semantic events of a Redis Cluster node (cluster.c 7.0.15). Each stands for one log line, named
 * in its comment with the level character Redis prints (`#` warning, `*` notice, `-` verbose,
 * `.` debug); the report renders them. Node ids are full 40-character ids.
 */
export type ClusterEvent =
  /** `* Node configuration loaded, I'm %.40s` */
  | { readonly type: "clusterConfigLoaded"; readonly myId: NodeId }
  /** `* No cluster configuration found, I'm %.40s` */
  | { readonly type: "clusterConfigCreated"; readonly myId: NodeId }
  /** `. *** NODE %.40s possibly failing` */
  | { readonly type: "nodePossiblyFailing"; readonly peer: NodeId }
  /** `- Node %.40s reported node %.40s as not reachable.` */
  | { readonly type: "failureReported"; readonly reporter: NodeId; readonly peer: NodeId }
  /** `- Node %.40s reported node %.40s is back online.` */
  | { readonly type: "failureReportRemoved"; readonly reporter: NodeId; readonly peer: NodeId }
  /** `* Marking node %.40s as failing (quorum reached).` */
  | { readonly type: "nodeMarkedFailing"; readonly peer: NodeId; readonly reports: number; readonly quorum: number }
  /** `* FAIL message received from %.40s about %.40s` */
  | { readonly type: "failMessageReceived"; readonly from: NodeId; readonly about: NodeId }
  /** `* Clear FAIL state for node %.40s: …` (three wordings by `reason`) */
  | { readonly type: "failStateCleared"; readonly peer: NodeId; readonly reason: "replica" | "masterWithoutSlots" | "nobodyServing" }
  /** `# Cluster state changed: ok|fail` */
  | { readonly type: "clusterStateChanged"; readonly state: ClusterHealth }
  /** `# Start of election delayed for %lld milliseconds (rank #%d, offset %lld).` */
  | { readonly type: "electionDelayed"; readonly delayMs: number; readonly rank: number; readonly offset: number }
  /** `# Replica rank updated to #%d, added %lld milliseconds of delay.` */
  | { readonly type: "replicaRankUpdated"; readonly rank: number; readonly addedDelayMs: number }
  /** `# Starting a failover election for epoch %llu.` */
  | { readonly type: "electionStarted"; readonly epoch: number }
  /** `# Failover election won: I'm the new master.` */
  | { readonly type: "electionWon"; readonly epoch: number }
  /** `# configEpoch set to %llu after successful failover` */
  | { readonly type: "configEpochSetAfterFailover"; readonly epoch: number }
  /** `# Currently unable to failover: %s` */
  | { readonly type: "cantFailover"; readonly reason: "dataAge" | "waitingDelay" | "expired" | "waitingVotes" }
  /** `# Failover auth granted to %.40s for epoch %llu` */
  | { readonly type: "authGranted"; readonly to: NodeId; readonly epoch: number }
  /** `# Failover auth denied to %.40s: …` (seven wordings by `reason`, with their numbers) */
  | {
      readonly type: "authDenied";
      readonly to: NodeId;
      readonly reason: "staleRequestEpoch" | "alreadyVoted" | "isMaster" | "masterUnknown" | "masterUp" | "tooSoon" | "slotEpoch";
      /** staleRequestEpoch: the request's and my currentEpoch; alreadyVoted: the epoch. */
      readonly requestEpoch?: number;
      readonly currentEpoch?: number;
      /** tooSoon: milliseconds until a vote about this master is allowed again. */
      readonly waitMs?: number;
      /** slotEpoch: the first slot bound here with a newer configEpoch. */
      readonly slot?: number;
      readonly slotEpoch?: number;
    }
  /** `# Configuration change detected. Reconfiguring myself as a replica of %.40s` */
  | { readonly type: "reconfiguredAsReplica"; readonly master: NodeId }
  /** `# I'm a sub-replica! Reconfiguring myself as a replica of grandmaster %.40s` */
  | { readonly type: "reconfiguredToGrandmaster"; readonly master: NodeId }
  /** `- Node %.40s has old slots configuration, sending an UPDATE message about %.40s` */
  | { readonly type: "updateSent"; readonly to: NodeId; readonly about: NodeId }
  /** `# Discarding UPDATE message about myself.` */
  | { readonly type: "updateAboutMyselfDiscarded" }
  /** `# New configEpoch set to %llu` */
  | { readonly type: "configEpochBumped"; readonly epoch: number }
  /** `- WARNING: configEpoch collision with node %.40s. configEpoch set to %llu` */
  | { readonly type: "configEpochCollision"; readonly other: NodeId; readonly epoch: number }
  /** `# configEpoch set to %llu via CLUSTER SET-CONFIG-EPOCH` */
  | { readonly type: "configEpochSetByCommand"; readonly epoch: number }
  /** `- Connection with Node %.40s at %s:%d failed: %s` */
  | { readonly type: "busConnectFailed"; readonly peer: NodeId; readonly port: number; readonly error: string }
  /** `# Manual failover user request accepted.` / `Forced failover …` / `Taking over the master (user request).` */
  | { readonly type: "manualFailoverAccepted"; readonly mode: "default" | "force" | "takeover" }
  /** `# Manual failover requested by replica %.40s.` */
  | { readonly type: "manualFailoverRequested"; readonly replica: NodeId }
  /** `# Received replication offset for paused master manual failover: %lld` */
  | { readonly type: "manualFailoverMasterOffset"; readonly offset: number }
  /** `# All master replication stream processed, manual failover can start.` */
  | { readonly type: "manualFailoverCanStart" }
  /** `# Manual failover timed out.` */
  | { readonly type: "manualFailoverTimedOut" }
  /** `# Migrating to orphaned master %.40s` */
  | { readonly type: "migratingToOrphanedMaster"; readonly master: NodeId }
  /** `# configEpoch updated after importing slot %d` (CLUSTER SETSLOT … NODE closing an import) */
  | { readonly type: "configEpochUpdatedAfterImport"; readonly slot: number };
