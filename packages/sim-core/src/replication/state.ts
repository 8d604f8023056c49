import { WALL_CLOCK_EPOCH_MS } from "../kernel/time";
import type { BootCtx, ConnId, Ctx, ProcessId } from "../process/model";
import type { RedisConfig } from "../redis-config";
import { CLEARED_REPLID, REPLID_RANDOM_BYTES } from "./constants";
import type { ReplCommand } from "./stream";

/**
 * The replication state of one Redis server (server.h: the `server.repl_*`, `server.masterhost`, `server.master`,
 * `server.cached_master` and `server.slaves` fields), as a plain object: no classes, no Maps, no
 * functions, so that it lives inside the host model's state and runs under immer unchanged.
 * Ordered collections are arrays in Redis's own order (server.slaves is a list).
 */

/** What every host state (cluster node, standalone server) carries for replication. */
export interface ServerCore {
  /** The client port; the process is named by it. */
  port: number;
  config: RedisConfig;
  /** The dataset: key → value. */
  data: Record<string, string>;
  replication: ReplicationState;
}

/**
 * server.repl_state. `handshake` folds Redis's RECEIVE_PING_REPLY … RECEIVE_PSYNC_REPLY states;
 * `handshakeStep` says which reply is awaited.
 */
export type ReplState = "none" | "connect" | "connecting" | "handshake" | "transfer" | "connected";
export type HandshakeStep = "ping" | "replconf" | "psync";

/**
 * The backlog (server.repl_backlog). `offset` and `histlen` follow the simulator's approximation
 * of §15.1: histlen = min(bytes fed since creation, repl-backlog-size), and the backlog covers
 * [offset, offset + histlen - 1], ending at master_repl_offset. The commands themselves are kept
 * in `blocks` (7.0 keeps a list of 16 KiB blocks too) so that a partial resync and a replica
 * waiting for its RDB can be sent the real commands; a block is dropped once neither the
 * backlog's range nor any replica still waiting for it reaches into it.
 */
export interface ReplBacklog {
  /** The first byte held, 1-based (repl_backlog->offset). */
  offset: number;
  histlen: number;
  blocks: BacklogBlock[];
}

export interface BacklogBlock {
  /** Offset of the block's first byte. */
  firstOffset: number;
  bytes: number;
  /** Its commands in stream order: each starts where the one before it ends (its `bytes` on). */
  commands: ReplCommand[];
}

/** A replica client state on its master (replstate); INFO prints both waits as `wait_bgsave`. */
export type ReplicaClientState = "wait_bgsave_start" | "wait_bgsave_end" | "online";

/** One replica attached to this server (an element of server.slaves). */
export interface ReplicaClient {
  conn: ConnId;
  peer: ProcessId;
  /** REPLCONF listening-port. */
  listeningPort: number;
  state: ReplicaClientState;
  /** repl_ack_off: the highest offset the replica acknowledged. */
  ackOffset: number;
  /** repl_ack_time, unix seconds. */
  ackTime: number;
  /** lastinteraction, unix seconds (the diskless delay counts from it). */
  lastInteraction: number;
  /** The offset of the last stream byte sent to it (its output buffer starts after it). */
  sentOffset: number;
  /**
   * Stream commands flow to it. False while it waits for its RDB, and after the RDB until its
   * first REPLCONF ACK (repl_start_cmd_stream_on_ack).
   */
  streaming: boolean;
}

/** A connection on the replication channel that has not sent PSYNC yet (a plain client). */
export interface PendingReplicaClient {
  conn: ConnId;
  peer: ProcessId;
  listeningPort: number;
}

/** The fork child of a diskless full sync (rdbSaveToSlavesSockets). */
export interface RdbChild {
  /** The dataset at fork time. */
  snapshot: Record<string, string>;
  replid: string;
  /** master_repl_offset at fork time: the +FULLRESYNC offset. */
  offset: number;
  rdbBytes: number;
  startedUs: number;
  doneUs: number;
}

/** server.master: the live link's client. */
export interface MasterClient {
  replid: string;
  /** reploff: the bytes of the stream processed. */
  reploff: number;
  /** lastinteraction, unix seconds. */
  lastInteraction: number;
}

/** server.cached_master: what a PSYNC after a disconnection asks to continue from. */
export interface CachedMaster {
  replid: string;
  reploff: number;
}

/** A full sync in progress on the replica (from +FULLRESYNC to the end of the RDB). */
export interface FullSyncProgress {
  replid: string;
  offset: number;
  /** The simulator's estimate of the RDB, announced with +FULLRESYNC for INFO's progress lines. */
  rdbBytes: number;
  startedUs: number;
  transferUs: number;
}

/** dump.rdb as it lies on disk. */
export interface RdbFile {
  data: Record<string, string>;
  /** The repl-id / repl-offset aux fields, when the writer had replication info (rdbPopulateSaveInfo). */
  replInfo: { replid: string; offset: number } | null;
}

export interface ReplicationState {
  replid: string;
  replid2: string;
  /** second_replid_offset: replid2 is valid for PSYNC offsets up to this one; -1 when cleared. */
  secondReplIdOffset: number;
  /** master_repl_offset: bytes ever fed to the stream (only while a backlog exists). */
  masterReplOffset: number;
  backlog: ReplBacklog | null;
  /** server.slaveseldb: -1 forces a SELECT before the next command. */
  replSelDb: number;
  /** replication_cron_loops: the PING period counts these. */
  cronLoops: number;

  // ---- master side
  /** server.slaves, in attach order. */
  replicas: ReplicaClient[];
  /** Replication-channel connections still in the handshake. */
  pendingClients: PendingReplicaClient[];
  /** repl_no_slaves_since, unix seconds. */
  noReplicasSince: number;
  /** repl_good_slaves_count, refreshed at the moments Redis refreshes it. */
  goodReplicas: number;
  rdbChild: RdbChild | null;

  // ---- replica side
  /** server.masterhost:masterport, or null on a master. */
  masterHost: ProcessId | null;
  replState: ReplState;
  handshakeStep: HandshakeStep | null;
  /** repl_transfer_s during connect, handshake and transfer; the master client's socket after. */
  link: ConnId | null;
  /** repl_transfer_lastio, unix seconds. */
  transferLastIo: number;
  /** server.master: the master client while the link is up (state connected). */
  master: MasterClient | null;
  cachedMaster: CachedMaster | null;
  /** repl_down_since, unix seconds; 0 = never down since it became a replica. */
  downSince: number;
  sync: FullSyncProgress | null;

  /** dump.rdb: written at SHUTDOWN (save-on-shutdown) and by every full sync as a replica. */
  rdbFile: RdbFile | null;
}

// ---- messages ---------------------------------------------------------------------------------

/**
 * What travels on a replication link. Every message is built from fresh values. Names are
 * distinct from the cluster bus's so that a `hold` by kind catches only what it means to.
 */
export type ReplicationMessage =
  /** The handshake PING and its +PONG. */
  | { readonly type: "replPing" }
  | { readonly type: "replPong" }
  /** REPLCONF listening-port <port> + REPLCONF capa eof capa psync2, pipelined; one +OK pair. */
  | { readonly type: "replconf"; readonly listeningPort: number }
  | { readonly type: "replconfOk" }
  /** PSYNC <replid> <offset>; `?` and -1 ask for a full resync. */
  | { readonly type: "psync"; readonly replid: string; readonly offset: number }
  /** +CONTINUE <replid>, followed by the backlog as `stream`. */
  | { readonly type: "psyncContinue"; readonly replid: string }
  /** +FULLRESYNC <replid> <offset>, sent when the fork starts; the RDB follows as `rdbTransfer`. */
  | { readonly type: "fullresync"; readonly replid: string; readonly offset: number; readonly rdbBytes: number; readonly transferUs: number }
  /** An error reply to PSYNC, e.g. `-NOMASTERLINK …`. */
  | { readonly type: "psyncError"; readonly error: string }
  /** The whole RDB payload, sent when the transfer ends. */
  | { readonly type: "rdbTransfer"; readonly snapshot: Record<string, string>; readonly rdbBytes: number }
  /** Stream commands; the first one's first byte is `offset`. */
  | { readonly type: "stream"; readonly offset: number; readonly commands: readonly ReplCommand[] }
  /** REPLCONF ACK <offset>. */
  | { readonly type: "replconfAck"; readonly offset: number };

export type ReplicationMessageType = ReplicationMessage["type"];

const MESSAGE_TYPES: ReadonlySet<string> = new Set<ReplicationMessageType>([
  "replPing",
  "replPong",
  "replconf",
  "replconfOk",
  "psync",
  "psyncContinue",
  "fullresync",
  "psyncError",
  "rdbTransfer",
  "stream",
  "replconfAck",
]);

export function isReplicationMessage(message: { readonly type: string }): message is ReplicationMessage {
  return MESSAGE_TYPES.has(message.type);
}

// ---- clocks -----------------------------------------------------------------------------------

/** server.unixtime: this process's wall clock in whole seconds. */
export function unixSeconds(ctx: Pick<Ctx, "wallMs">): number {
  return Math.floor(ctx.wallMs() / 1000);
}

/**
 * server.unixtime at boot. BootCtx may not offer the wall clock; then the simulated clock at the
 * shared epoch stands in (it differs only by a clockJump, and only the backlog TTL reads it).
 */
export function bootUnixSeconds(ctx: BootCtx): number {
  const wall = (ctx as Partial<Pick<Ctx, "wallMs">>).wallMs;
  return Math.floor((typeof wall === "function" ? wall.call(ctx) : WALL_CLOCK_EPOCH_MS + Math.floor(ctx.nowUs / 1000)) / 1000);
}

/** A fresh replication id (changeReplicationId), from the process's own `replid` stream. */
export function newReplid(ctx: Pick<BootCtx, "rng">): string {
  return ctx.rng("replid").hex(REPLID_RANDOM_BYTES);
}

/**
 * The time of the last bulk read. The RDB arrives as one message at the end of the transfer;
 * until then the replica is taken to read it steadily, as a real socket would.
 */
export function transferLastIoSeconds(core: ServerCore, ctx: { readonly nowUs: number; wallMs(): number }): number {
  const rs = core.replication;
  const sync = rs.sync;
  if (sync === null) return rs.transferLastIo;
  const readUntilUs = Math.min(ctx.nowUs, sync.startedUs + sync.transferUs);
  const wallAtMs = ctx.wallMs() - Math.floor((ctx.nowUs - readUntilUs) / 1000);
  return Math.max(rs.transferLastIo, Math.floor(wallAtMs / 1000));
}

// ---- boot -------------------------------------------------------------------------------------

/**
 * initServerConfig: a random replid, replid2 cleared, offset 0, no backlog, no master. The host
 * that is configured as a replica calls `replicationSetMaster` once it has started.
 */
export function initialReplication(ctx: BootCtx): ReplicationState {
  return {
    replid: newReplid(ctx),
    replid2: CLEARED_REPLID,
    secondReplIdOffset: -1,
    masterReplOffset: 0,
    backlog: null,
    replSelDb: -1,
    cronLoops: 0,
    replicas: [],
    pendingClients: [],
    noReplicasSince: bootUnixSeconds(ctx),
    goodReplicas: 0,
    rdbChild: null,
    masterHost: null,
    replState: "none",
    handshakeStep: null,
    link: null,
    transferLastIo: 0,
    master: null,
    cachedMaster: null,
    downSince: 0,
    sync: null,
    rdbFile: null,
  };
}
