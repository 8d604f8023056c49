import type { ConnId } from "../process/model";
import type { ServerCore } from "../replication/state";
import { NODE_MASTER, NODE_REPLICA } from "./flags";
import type { NodesConf } from "./nodes-conf";
import { NO_SLOTS, type SlotRanges } from "./slots";
import type { SlotTable } from "./slot-table";

/** A node's name on the bus: 40 hex characters, drawn once and kept in nodes.conf. */
export type NodeId = string;

/** A failure report: `from` (a master) said, at `timeMs`, that the node is PFAIL or FAIL. */
export interface FailReport {
  readonly from: NodeId;
  timeMs: number;
}

/**
 * One node as another node (or itself) sees it: cluster.h's clusterNode. Times are the viewer's
 * wall-clock milliseconds, 0 meaning "never", as in Redis.
 */
export interface NodeView {
  readonly id: NodeId;
  /** Client port; the bus port is this + 10000. It is also the node's process id. */
  port: number;
  flags: number;
  /** For a replica, its master's id (slaveof); null for a master or an unknown master. */
  replicaOf: NodeId | null;
  configEpoch: number;
  /** What it serves, in the viewer's slot table (masters only). */
  slots: SlotRanges;
  numSlots: number;
  pingSentMs: number;
  pongReceivedMs: number;
  dataReceivedMs: number;
  failTimeMs: number;
  /** When the viewer last voted for one of this master's replicas. */
  votedTimeMs: number;
  replOffset: number;
  replOffsetTimeMs: number;
  orphanedTimeMs: number;
  failReports: FailReport[];
  /** The viewer's outbound bus link to this node, and when it was created. */
  link: ConnId | null;
  linkCreatedMs: number;
  ctimeMs: number;
}

export type ClusterHealth = "ok" | "fail";

/** Why the last failover attempt could not proceed (cluster.h CLUSTER_CANT_FAILOVER_*). */
export type CantFailoverReason = "none" | "dataAge" | "waitingDelay" | "expired" | "waitingVotes";

/** clusterBeforeSleep's deferred work (cluster.c CLUSTER_TODO_*). */
export const TODO_HANDLE_FAILOVER = 1;
export const TODO_UPDATE_STATE = 2;
export const TODO_SAVE_CONFIG = 4;
export const TODO_FSYNC_CONFIG = 8;
export const TODO_HANDLE_MANUALFAILOVER = 16;

/** A Redis Cluster node's whole state: the server core plus clusterState. */
export interface ClusterNodeState extends ServerCore {
  readonly myId: NodeId;
  /** Every known node by id, myself included. */
  nodes: Record<NodeId, NodeView>;
  /**
   * The known node ids in a fixed order, standing in for the order of Redis's nodes dict: the
   * order they became known. Iteration and random picks use it, so both are deterministic.
   */
  nodeOrder: NodeId[];
  currentEpoch: number;
  lastVoteEpoch: number;
  state: ClusterHealth;
  /** Masters serving at least one slot, as last computed by clusterUpdateState. */
  size: number;
  /** Owner of each of the 16384 slots, or null, in chunks (slot-table.ts: read with slotOwnerOf). */
  slotOwner: SlotTable;

  // Election (clusterState.failover_auth_*).
  failoverAuthTimeMs: number;
  failoverAuthCount: number;
  failoverAuthSent: boolean;
  failoverAuthRank: number;
  failoverAuthEpoch: number;
  cantFailoverReason: CantFailoverReason;
  /** clusterLogCantFailover's static lastlog_time, in seconds. */
  cantFailoverLastLogS: number;

  // Manual failover (clusterState.mf_*).
  mfEndMs: number;
  mfReplica: NodeId | null;
  mfMasterOffset: number;
  mfCanStart: boolean;
  /** A master pauses client writes during a manual failover (pauseClients), until this time. */
  clientsPausedUntilMs: number;
  /** Write commands that arrived while writes were paused, in arrival order: they block. */
  pausedWrites: { conn: number; id: number; argv: readonly string[] }[];
  /** While SHUTDOWN waits for lagging replicas: when it gives up waiting (server.shutdown_mstime). */
  shutdownDeadlineMs: number;
  /**
   * A node that starts inside a converged cluster: peers whose link existed before the run began.
   * Their first connection stands for it, without the opening PING of a new link.
   */
  preexistingLinks: Record<NodeId, true>;

  // clusterUpdateState's statics.
  firstCallTimeMs: number;
  amongMinorityTimeMs: number;

  /** clusterCron's static iteration counter. */
  cronIteration: number;
  statsPfailNodes: number;
  /** CLUSTER_TODO_* flags for the next beforeSleep. */
  todoBeforeSleep: number;

  /** Bus links: our outbound connections by id, and inbound ones with the node they speak for. */
  outboundLinks: Record<number, NodeId>;
  inboundLinks: Record<number, NodeId | null>;

  statsSent: Record<string, number>;
  statsReceived: Record<string, number>;

  /** nodes.conf as last saved: what a restart will load. */
  nodesConf: NodesConf;

  // Slot migration (clusterState.migrating_slots_to / importing_slots_from), see migration.ts.
  /** Slot → the node its keys are being moved to (CLUSTER SETSLOT … MIGRATING). */
  migratingSlotsTo: Record<number, NodeId>;
  /** Slot → the node its keys come from (CLUSTER SETSLOT … IMPORTING). */
  importingSlotsFrom: Record<number, NodeId>;
  /** Client connections that sent ASKING: their next command may use an importing slot. */
  askingConns: Record<number, true>;
  /** CLUSTER FORGET's blacklist (clusterBlacklistAddNode): node id → when it expires, wall ms. */
  forgottenUntilMs: Record<NodeId, number>;
  /** The MIGRATE this node is running, if any: it blocks other client commands, as in Redis. */
  migrate: MigrateInFlight | null;
  /** Client commands that arrived while MIGRATE blocked the server, in arrival order. */
  heldCommands: { conn: number; id: number; argv: readonly string[] }[];
  /** migrateGetSocket's cached connections, by target port. */
  migrateConns: Record<number, ConnId>;
}

/** A MIGRATE waiting for its target's RESTORE-ASKING replies. */
export interface MigrateInFlight {
  /** The client that asked, and its command id, to answer when the target has replied. */
  readonly conn: number;
  readonly id: number;
  readonly targetPort: number;
  readonly targetConn: ConnId;
  /** The keys sent, in order, and how many replies are still due. */
  readonly keys: readonly string[];
  /** Request ids of the RESTORE-ASKING commands still unanswered. */
  waiting: number[];
  /** The first error the target answered, if any. */
  error: string | null;
  /** Keys the target stored and this node deleted. */
  restored: string[];
  /** MIGRATE's COPY (keep the keys here) and REPLACE (overwrite on the target) options. */
  readonly copy: boolean;
  readonly replace: boolean;
  /** Whether the RESTORE-ASKING pipeline has gone out (it waits for the connection). */
  sent: boolean;
  /** Request ids are 1…keys.length, in key order. */
  nextId: number;
}

export function newNodeView(id: NodeId, port: number, flags: number, nowMs: number): NodeView {
  return {
    id,
    port,
    flags,
    replicaOf: null,
    configEpoch: 0,
    slots: NO_SLOTS,
    numSlots: 0,
    pingSentMs: 0,
    pongReceivedMs: 0,
    dataReceivedMs: 0,
    failTimeMs: 0,
    votedTimeMs: 0,
    replOffset: 0,
    replOffsetTimeMs: 0,
    orphanedTimeMs: 0,
    failReports: [],
    link: null,
    linkCreatedMs: 0,
    ctimeMs: nowMs,
  };
}

export { emptySlotTable, slotOwnerOf, setSlotOwner } from "./slot-table";

export const myself = (s: ClusterNodeState): NodeView => s.nodes[s.myId]!;

export const isMaster = (n: NodeView): boolean => (n.flags & NODE_MASTER) !== 0;
export const isReplica = (n: NodeView): boolean => (n.flags & NODE_REPLICA) !== 0;
