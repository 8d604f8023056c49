import type { ProcessId } from "../process/model";

/**
 * Semantic events of master–replica replication (replication.c, networking.c, rdb.c of Redis
 * 7.0.15). Each stands for the log line(s) quoted above it, with its level character
 * (`#` warning, `*` notice) and printf format; the report renders them. Fields carry facts, never
 * text: a replica or master is named by its ProcessId (its port), which the report prints as
 * `127.0.0.1:<port>` where Redis prints `ip:port` (replicationGetSlaveName, masterhost:masterport).
 */
export type ReplicationEvent =
  // ---- replica side: connecting and the handshake (replication.c:connectWithMaster, syncWithMaster)
  /** `* Connecting to MASTER %s:%d` (replicationSetMaster, and replicationCron in state CONNECT). */
  | { readonly type: "connectingToMaster"; readonly master: ProcessId }
  /**
   * `* Reconnecting to MASTER %s:%d` (replicationHandleMasterDisconnection), or with
   * `afterFailure`: `* Reconnecting to MASTER %s:%d after failure` (cancelReplicationHandshake).
   */
  | { readonly type: "reconnectingToMaster"; readonly master: ProcessId; readonly afterFailure: boolean }
  /** `* MASTER <-> REPLICA sync started` (connectWithMaster). */
  | { readonly type: "syncStarted"; readonly master: ProcessId }
  /** `# Error condition on socket for SYNC: %s` — `error` is the socket error, e.g. "Connection refused". */
  | { readonly type: "syncError"; readonly master: ProcessId; readonly error: string }
  /** `* Non blocking connect for SYNC fired the event.` */
  | { readonly type: "syncConnectFired"; readonly master: ProcessId }
  /** `* Master replied to PING, replication can continue...` */
  | { readonly type: "masterPingReplied"; readonly master: ProcessId }
  /** `* Trying a partial resynchronization (request %s:%s).` — replid and offset+1 of the cached master. */
  | { readonly type: "partialResyncAttempt"; readonly replid: string; readonly offset: number }
  /** `* Partial resynchronization not possible (no cached master)` */
  | { readonly type: "partialResyncNotPossible" }
  /** `* Full resync from master: %s:%lld` */
  | { readonly type: "fullResyncFromMaster"; readonly replid: string; readonly offset: number }
  /** `* Successful partial resynchronization with master.` */
  | { readonly type: "partialResyncSucceeded" }
  /** `# Master replication ID changed to %s` (the +CONTINUE carried a new id). */
  | { readonly type: "masterReplidChanged"; readonly replid: string }
  /** `* MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.` */
  | { readonly type: "masterAcceptedPartialResync" }
  /** `* Master is currently unable to PSYNC but should be in the future: %s` — `error` is the reply line. */
  | { readonly type: "masterUnableToPsync"; readonly error: string }
  /**
   * The master closed the link while the handshake waited for its reply. `step` says which:
   * `ping` and `replconf`: `# Failed to read response from the server: %s` then
   * `# Master did not respond to command during SYNC handshake`; `psync`: the same first line,
   * then `# Master did not reply to PSYNC, will try later`. `%s` is connGetLastError(), which the
   * synchronous read path does not set: real 7.0.15 prints `Success` (observed after a kill -9 of
   * the master, docs/observations/redis-7.0.15/nt2000-a/redis-7004.log). `reason` is what the
   * socket saw.
   */
  | { readonly type: "handshakeReadFailed"; readonly step: "ping" | "replconf" | "psync"; readonly reason: "eof" | "reset" }
  /** `# Timeout connecting to the MASTER...` (replicationCron; repl-timeout during connect/handshake). */
  | { readonly type: "connectTimeout"; readonly master: ProcessId }

  // ---- replica side: the full sync payload (replication.c:readSyncBulkPayload)
  /** `* MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk` */
  | { readonly type: "receivingStreamedRdb" }
  /** `* MASTER <-> REPLICA sync: Flushing old data` */
  | { readonly type: "syncFlushingOldData" }
  /**
   * `* MASTER <-> REPLICA sync: Loading DB in memory`, then rdbLoad's `* Loading RDB produced by
   * version 7.0.15`, `* RDB age %ld seconds`, `* RDB memory usage when created %.2f Mb` and
   * `* Done loading RDB, keys loaded: %lld, keys expired: %lld.` — `keys` loaded (none expire here).
   */
  | { readonly type: "syncLoadingDb"; readonly keys: number }
  /** `* MASTER <-> REPLICA sync: Finished with success` */
  | { readonly type: "syncFinished"; readonly replid: string; readonly offset: number }
  /** `# I/O error trying to sync with MASTER: connection lost` (the link closed mid-transfer). */
  | { readonly type: "syncIoError"; readonly error: string }
  /**
   * `# Timeout receiving bulk data from MASTER... If the problem persists try to set the
   * 'repl-timeout' parameter in redis.conf to a larger value.`
   */
  | { readonly type: "bulkTimeout" }

  // ---- replica side: the link and the cached master (networking.c:freeClient, replication.c)
  /** `# Connection with master lost.` */
  | { readonly type: "masterLinkLost"; readonly master: ProcessId }
  /** `* Caching the disconnected master state.` — the cached master's replid and processed offset. */
  | { readonly type: "masterCached"; readonly replid: string; readonly offset: number }
  /**
   * `* Before turning into a replica, using my own master parameters to synthesize a cached
   * master: I may be able to synchronize with the new master with just a partial transfer.`
   */
  | { readonly type: "cachedMasterSynthesized"; readonly replid: string; readonly offset: number }
  /** `* Discarding previously cached master state.` */
  | { readonly type: "cachedMasterDiscarded" }
  /** `# MASTER timeout: no data nor PING received...` (repl-timeout on a connected link). */
  | { readonly type: "masterTimeout"; readonly master: ProcessId; readonly silentS: number }

  // ---- replication ids and the backlog (replication.c)
  /**
   * `# Setting secondary replication ID to %s, valid up to offset: %lld. New replication ID is %s`
   * (shiftReplicationId, on promotion).
   */
  | { readonly type: "replicationIdShifted"; readonly replid2: string; readonly validUpToOffset: number; readonly replid: string }
  /** `* Replication backlog created, my new replication IDs are '%s' and '%s'` (syncCommand). */
  | { readonly type: "backlogCreated"; readonly replid: string; readonly replid2: string }
  /** `* Replication backlog freed after %d seconds without connected replicas.` */
  | { readonly type: "backlogFreed"; readonly afterSeconds: number }

  // ---- master side: SYNC / PSYNC (replication.c:syncCommand, masterTryPartialResynchronization)
  /** `* Replica %s asks for synchronization` */
  | { readonly type: "replicaAsksForSync"; readonly replica: ProcessId }
  /**
   * `* Partial resynchronization request from %s accepted. Sending %lld bytes of backlog
   * starting from offset %lld.`
   */
  | { readonly type: "partialResyncAccepted"; readonly replica: ProcessId; readonly bytes: number; readonly fromOffset: number }
  /** `* Full resync requested by replica %s` (PSYNC ? -1). */
  | { readonly type: "fullResyncRequested"; readonly replica: ProcessId }
  /**
   * `* Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '%s',
   * my replication IDs are '%s' and '%s')`
   */
  | {
      readonly type: "psyncReplidMismatch";
      readonly replica: ProcessId;
      readonly requestedReplid: string;
      readonly replid: string;
      readonly replid2: string;
    }
  /** `* Partial resynchronization not accepted: Requested offset for second ID was %lld, but I can reply up to %lld` */
  | { readonly type: "psyncSecondIdTooFar"; readonly replica: ProcessId; readonly requestedOffset: number; readonly secondReplidOffset: number }
  /**
   * `* Unable to partial resync with replica %s for lack of backlog (Replica request was: %lld).`
   * and, when `beyondMasterOffset`, also `# Warning: replica %s tried to PSYNC with an offset that
   * is greater than the master replication offset.`
   */
  | {
      readonly type: "psyncBacklogMissing";
      readonly replica: ProcessId;
      readonly requestedOffset: number;
      readonly beyondMasterOffset: boolean;
    }

  // ---- master side: the diskless full sync (replication.c, rdb.c:rdbSaveToSlavesSockets)
  /** `* Delay next BGSAVE for diskless SYNC` */
  | { readonly type: "disklessSyncDelayed"; readonly replica: ProcessId }
  /** `* Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC` */
  | { readonly type: "waitingForNextBgsave"; readonly replica: ProcessId }
  /**
   * `* Starting BGSAVE for SYNC with target: replicas sockets`, then (rdb.c)
   * `* Background RDB transfer started by pid %ld` (the simulator has no child pids). `rdbBytes`
   * and `transferUs` are the simulator's estimate of the snapshot and of its transfer.
   */
  | {
      readonly type: "bgsaveForSyncStarted";
      readonly replicas: readonly ProcessId[];
      readonly offset: number;
      readonly rdbBytes: number;
      readonly transferUs: number;
    }
  /**
   * `# Diskless rdb transfer, done reading from pipe, %d replicas still up.` then
   * `* Background RDB transfer terminated with success`.
   */
  | { readonly type: "rdbTransferDone"; readonly replicasStillUp: number }
  /** `# Diskless rdb transfer, last replica dropped, killing fork child.` */
  | { readonly type: "rdbTransferAborted" }
  /**
   * `* Streamed RDB transfer with replica %s succeeded (socket). Waiting for REPLCONF ACK from
   * slave to enable streaming` then `* Synchronization with replica %s succeeded` (replicaPutOnline).
   */
  | { readonly type: "replicaSyncSucceeded"; readonly replica: ProcessId }

  // ---- master side: replica links
  /** `# Connection with replica %s lost.` (networking.c:freeClient). */
  | { readonly type: "replicaLinkLost"; readonly replica: ProcessId }
  /** `# Disconnecting timedout replica (streaming sync): %s` (replicationCron). */
  | { readonly type: "replicaTimedOut"; readonly replica: ProcessId; readonly silentS: number };

export type ReplicationEventType = ReplicationEvent["type"];
