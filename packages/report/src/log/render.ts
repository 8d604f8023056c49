import type { TraceEvent, TraceRecord } from "@failover-lab/sim-core/trace";
import { logMessages } from "./messages";
import { LOG_LEVEL_RANK, formatLogLine, pidOf, wallClockMs, type LogLevel, type RoleChar } from "./prefix";

/**
 * The Redis log of a process, rebuilt from its trace records: each record's messages (see
 * messages.ts) behind the prefix serverLogRaw writes — pid, role character, the process's own
 * wall clock, level character.
 *
 * Records must be fed in trace order, one process at a time per context: the pid, the clock
 * offset and the role character are states that earlier records set.
 *
 * - pid: the port at first start, port + 100000 × n after the n-th restart (`processStarted`
 *   carries n as `incarnation`), CONTRACTS §1.
 * - clock: simulated time 0 is 2026-12-30 15:28:00.000 UTC; `clockJumped` moves this process's
 *   clock by `deltaMs` from that record on (cumulative, kept across restarts like the kernel's).
 * - role: see `roleBefore` / `roleAfter` below.
 */

export type Verbosity = LogLevel;
export type ProcessKind = "server" | "sentinel";

export interface LogOptions {
  /** Redis's `loglevel`: lines below it are dropped. Default "notice", Redis's default. */
  readonly verbosity?: Verbosity;
  /**
   * What the process is. Without it a process on a 26xxx port is taken for a Sentinel (the
   * drills' convention, CONTRACTS §2) and any other for a server.
   */
  readonly kind?: ProcessKind;
}

/** What a process's log depends on so far. Plain data; `logLines` updates it record by record. */
export interface LogContext {
  readonly process: string;
  readonly port: number;
  readonly kind: ProcessKind;
  readonly verbosity: Verbosity;
  incarnation: number;
  wallOffsetMs: number;
  /** Whether server.masterhost is set: the role character of a server is `S` when it is. */
  replicaOf: boolean;
  /**
   * A replicationSetMaster / replicationUnsetMaster that the cluster code has announced and
   * whose replication lines may follow in the same handler (see roleBefore).
   */
  pending: "setMaster" | "unsetMaster" | null;
  /** A cluster configuration line was logged since the last start (redisAsciiArt's mode). */
  clusterMode: boolean;
}

const SENTINEL_PORTS = { from: 26_000, to: 26_999 } as const;

export function createLogContext(process: string, options: LogOptions = {}): LogContext {
  if (!/^\d+$/.test(process)) {
    throw new RangeError(`a Redis log belongs to a process named by its port (e.g. "7001", "26400"); got "${process}"`);
  }
  const port = Number(process);
  const guessed: ProcessKind = port >= SENTINEL_PORTS.from && port <= SENTINEL_PORTS.to ? "sentinel" : "server";
  return {
    process,
    port,
    kind: options.kind ?? guessed,
    verbosity: options.verbosity ?? "notice",
    incarnation: 0,
    wallOffsetMs: 0,
    replicaOf: false,
    pending: null,
    clusterMode: false,
  };
}

/**
 * Replica-side replication events: only a server with a master configured logs them, so they
 * print `S` whatever came before (this also repairs the role after a path the trace does not
 * show, e.g. a REPLICAOF command, which has no event yet).
 */
const REPLICA_SIDE: ReadonlySet<TraceEvent["type"]> = new Set<TraceEvent["type"]>([
  "connectingToMaster",
  "reconnectingToMaster",
  "syncStarted",
  "syncError",
  "syncConnectFired",
  "masterPingReplied",
  "partialResyncAttempt",
  "partialResyncNotPossible",
  "fullResyncFromMaster",
  "partialResyncSucceeded",
  "masterReplidChanged",
  "masterAcceptedPartialResync",
  "masterUnableToPsync",
  "handshakeReadFailed",
  "connectTimeout",
  "receivingStreamedRdb",
  "syncFlushingOldData",
  "syncLoadingDb",
  "syncFinished",
  "syncIoError",
  "bulkTimeout",
  "masterTimeout",
  "cachedMasterSynthesized",
]);

/**
 * The role character follows replication, server.masterhost (serverLogRaw: `X` in Sentinel mode,
 * else `S` if masterhost is set, else `M`), not the cluster flags: a restarted cluster replica
 * logs `M` until clusterCron calls replicationSetMaster. The trace has no masterhost field, so
 * it is rebuilt from the events around the places Redis 7.0.15 sets and clears it:
 *
 * - A start clears it (a cluster node cannot have `replicaof` in its config file).
 * - replicationSetMaster (replication.c) clears masterhost, frees a connected master client
 *   (`Connection with master lost.`, `Caching the disconnected master state.` — both print `M`),
 *   sets masterhost, then may discard a cached master and synthesize one
 *   (`Discarding previously cached master state.`, `Before turning into a replica, …`) and logs
 *   `Connecting to MASTER` — all `S`. The cluster code calls it right after
 *   `Configuration change detected…`, `I'm a sub-replica!…` and `Migrating to orphaned master…`
 *   (those lines keep the old character); clusterCron calls it silently after a restart.
 * - replicationUnsetMaster clears masterhost first, then frees the master client, discards the
 *   cached master and shifts the replication id — all `M`. The cluster code calls it after
 *   `Failover election won` (and `configEpoch set to … after successful failover`, still `S`)
 *   and after `Taking over the master (user request).` (and its `New configEpoch set to`).
 * - Any replica-side replication line prints `S` (REPLICA_SIDE).
 *
 * Where this is an approximation: the three lines that both a plain link loss and the
 * set/unset paths write (`Connection with master lost.`, `Caching the disconnected master
 * state.`, `Discarding previously cached master state.`) are told apart only by the cluster line
 * that announced the path. Paths that no earlier event announces print `S` there where Redis
 * prints `M`: `CLUSTER REPLICATE` and `REPLICAOF host port` given to a connected replica, and
 * `REPLICAOF NO ONE` (whose `MASTER MODE enabled` line comes after the replication lines). A
 * standalone server started with `replicaof` in its config file prints `M` until its first
 * replication line.
 */
function roleBefore(context: LogContext, event: TraceEvent): void {
  switch (event.type) {
    case "masterLinkLost":
    case "masterCached":
      context.replicaOf = context.pending === null;
      return;
    case "cachedMasterDiscarded":
      // In replicationSetMaster the discard comes after masterhost is set; in readSyncBulkPayload
      // the server is a replica; only replicationUnsetMaster discards with masterhost cleared.
      context.replicaOf = context.pending !== "unsetMaster";
      if (context.pending === "setMaster") context.pending = null;
      return;
    case "replicationIdShifted":
      // shiftReplicationId runs only inside replicationUnsetMaster.
      context.replicaOf = false;
      context.pending = null;
      return;
    default:
      if (REPLICA_SIDE.has(event.type)) {
        context.replicaOf = true;
        context.pending = null;
      }
  }
}

function roleAfter(context: LogContext, event: TraceEvent): void {
  switch (event.type) {
    case "processStarted":
      context.incarnation = event.incarnation;
      context.replicaOf = false;
      context.pending = null;
      context.clusterMode = false;
      return;
    case "clockJumped":
      context.wallOffsetMs += event.deltaMs;
      return;
    case "clusterConfigLoaded":
    case "clusterConfigCreated":
      context.clusterMode = true;
      return;
    case "reconfiguredAsReplica":
    case "reconfiguredToGrandmaster":
    case "migratingToOrphanedMaster":
      // clusterSetMaster → replicationSetMaster clears masterhost before freeing a connected
      // master, so those lines print M (roleBefore); it is set again before anything else logs.
      context.pending = "setMaster";
      return;
    case "electionWon":
      context.pending = "unsetMaster";
      return;
    case "manualFailoverAccepted":
      if (event.mode === "takeover") context.pending = "unsetMaster";
      return;
    default:
      return;
  }
}

function roleChar(context: LogContext): RoleChar {
  if (context.kind === "sentinel") return "X";
  return context.replicaOf ? "S" : "M";
}

/**
 * The log lines (without newlines) that one record writes, at or above the context's
 * verbosity, and the context updated past it. A record of another process is an error.
 */
export function logLines(record: TraceRecord, context: LogContext): string[] {
  if (record.node !== context.process) {
    throw new Error(`a record of "${record.node}" was given to the log of "${context.process}"`);
  }
  roleBefore(context, record);
  const messages = logMessages(record, { kind: context.kind, clusterMode: context.clusterMode });
  const lines: string[] = [];
  if (messages.length > 0) {
    const pid = pidOf(context.port, context.incarnation);
    const role = roleChar(context);
    const wallMs = wallClockMs(record.atUs, context.wallOffsetMs);
    const minRank = LOG_LEVEL_RANK[context.verbosity];
    for (const message of messages) {
      if (LOG_LEVEL_RANK[message.level] >= minRank) lines.push(formatLogLine(pid, role, wallMs, message.level, message.text));
    }
  }
  roleAfter(context, record);
  return lines;
}

/** The Redis log of one process (its port, e.g. "7006"), as the lines of `logs/<port>.log`. */
export function renderLog(records: readonly TraceRecord[], process: string, options: LogOptions = {}): string[] {
  const context = createLogContext(process, options);
  const lines: string[] = [];
  for (const record of records) {
    if (record.node === process) lines.push(...logLines(record, context));
  }
  return lines;
}

export interface MergedLogLine {
  readonly atUs: number;
  /** The index of the trace record the line was rendered from. */
  readonly recordIndex: number;
  readonly process: string;
  readonly line: string;
}

/** A process for mergedLog: its name, or its name and kind. */
export type ProcessSpec = string | { readonly process: string; readonly kind?: ProcessKind };

/**
 * Every listed process's log lines in one list, in trace order (simulated time, then the order
 * the kernel recorded them), each with the process it came from: the terminal story's log view.
 * Without a list, every process named by a port that appears in the trace is included.
 */
export function mergedLog(
  records: readonly TraceRecord[],
  processes?: readonly ProcessSpec[],
  options: { readonly verbosity?: Verbosity } = {},
): MergedLogLine[] {
  const specs = processes ?? [...new Set(records.map((r) => r.node))].filter((node) => /^\d+$/.test(node));
  const contexts = new Map<string, LogContext>();
  for (const spec of specs) {
    const name = typeof spec === "string" ? spec : spec.process;
    const kind = typeof spec === "string" ? undefined : spec.kind;
    contexts.set(name, createLogContext(name, { verbosity: options.verbosity, kind }));
  }
  const merged: MergedLogLine[] = [];
  for (const [recordIndex, record] of records.entries()) {
    const context = contexts.get(record.node);
    if (context === undefined) continue;
    for (const line of logLines(record, context)) merged.push({ atUs: record.atUs, recordIndex, process: record.node, line });
  }
  return merged;
}
