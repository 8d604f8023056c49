import { keyedRecord } from "../keyed-record";
import type { BootCtx, ProcessId } from "../process/model";
import { createReplicationBacklog, freeReplicationBacklog } from "./backlog";
import { bootUnixSeconds, type RdbFile, type ServerCore } from "./state";
import { copyData } from "./stream";

/**
 * What of a server's data and replication survives a restart (server.c:loadDataFromDisk,
 * rdb.c:rdbPopulateSaveInfo, prepareForShutdown). Two files can exist:
 *
 * - `dump.rdb`: written at SHUTDOWN when `save-on-shutdown` is on (the dataset, plus the
 *   replication id and offset when the server had replication info), and written by every full
 *   sync a replica receives (repl-diskless-load disabled and rdb-del-sync-files no, the 7.0
 *   defaults, leave the master's RDB in place). A crash writes nothing: the last file stays.
 * - the AOF (`appendonly yes`): every write applied up to the end (the fsync-everysec window of
 *   loss is not modelled), and no replication info: 7.0 does not restore ids from an AOF.
 *
 * At start, the AOF wins when appendonly is on; otherwise dump.rdb is loaded if it exists;
 * otherwise the dataset is empty. The fresh replid drawn by `initialReplication` stays unless the
 * RDB carried replication info, which is restored as §15.2 says: a master keeps the old id as
 * replid2 (valid up to the saved offset + 1) and continues the offset with an empty backlog; a
 * replica takes the id and offset as its own and as a cached master, to try a partial resync.
 */
export interface PersistedReplication {
  readonly rdb: RdbFile | null;
  readonly aof: Readonly<Record<string, string>> | null;
}

export interface RestoreOptions {
  /**
   * Whether the server starts as a master (Redis's iAmMaster(): no `replicaof` in the config,
   * or, in cluster mode, nodes.conf says myself is a master). It decides how the RDB's
   * replication info is restored. Defaults to: no `replicaOf` given.
   */
  readonly iAmMaster?: boolean;
  /** A `replicaof` in the config file: the server starts in state CONNECT toward it. */
  readonly replicaOf?: ProcessId | null;
}

/**
 * rdbPopulateSaveInfo: a master has replication info only with a backlog; a replica only with a
 * master or a cached master. The RDB stores server.replid and server.master_repl_offset.
 */
export function rdbReplicationInfo(core: ServerCore): RdbFile["replInfo"] {
  const rs = core.replication;
  const has = rs.masterHost === null ? rs.backlog !== null : rs.master !== null || rs.cachedMaster !== null;
  return has ? { replid: rs.replid, offset: rs.masterReplOffset } : null;
}

/** What a crash (`kill -9`) or an exit (`SHUTDOWN`) leaves on disk. */
export function persistReplication(core: ServerCore, how: "crash" | "exit"): PersistedReplication {
  const rdb = how === "exit" && core.config["save-on-shutdown"] ? { data: copyData(core.data), replInfo: rdbReplicationInfo(core) } : core.replication.rdbFile;
  return { rdb, aof: core.config.appendonly ? copyData(core.data) : null };
}

/**
 * loadDataFromDisk, into a core whose replication is fresh from `initialReplication` (its random
 * replid is kept unless the RDB restores one). Copies everything it takes from `persisted`.
 */
export function restoreReplication(core: ServerCore, persisted: PersistedReplication | undefined, ctx: BootCtx, options: RestoreOptions = {}): void {
  const rs = core.replication;
  const replicaOf = options.replicaOf ?? null;
  const iAmMaster = options.iAmMaster ?? replicaOf === null;
  const rdb = persisted?.rdb ?? null;
  rs.rdbFile = rdb === null ? null : { data: copyData(rdb.data), replInfo: rdb.replInfo === null ? null : { ...rdb.replInfo } };
  if (replicaOf !== null) replicaOfAtBoot(core, replicaOf);

  if (core.config.appendonly) {
    core.data = persisted?.aof ? copyData(persisted.aof) : keyedRecord();
    return;
  }
  if (rdb === null) {
    core.data = keyedRecord();
    return;
  }
  // A master creates its backlog before loading (expired keys are fed to it as DELs).
  if (iAmMaster) createReplicationBacklog(rs);
  core.data = copyData(rdb.data);
  const info = rdb.replInfo;
  if (info === null) {
    if (rs.backlog !== null) freeReplicationBacklog(rs);
    return;
  }
  if (!iAmMaster) {
    rs.replid = info.replid;
    rs.masterReplOffset = info.offset;
    // replicationCacheMasterUsingMyself (its log line is not emitted: there is no trace at boot).
    rs.cachedMaster = { replid: info.replid, reploff: info.offset };
  } else {
    rs.replid2 = info.replid;
    rs.secondReplIdOffset = info.offset + 1;
    rs.masterReplOffset += info.offset;
    const backlog = rs.backlog!;
    backlog.offset = rs.masterReplOffset - backlog.histlen + 1;
    rs.noReplicasSince = bootUnixSeconds(ctx);
  }
}

/** `replicaof <host> <port>` in the config file: a replica from the start, connecting at the first replicationCron. */
export function replicaOfAtBoot(core: ServerCore, master: ProcessId): void {
  core.replication.masterHost = master;
  core.replication.replState = "connect";
}
