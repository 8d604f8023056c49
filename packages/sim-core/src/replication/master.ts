import { assert } from "../kernel/assert";
import type { Micros } from "../kernel/time";
import type { ConnId, Ctx, ProcessId } from "../process/model";
import { backlogCommandsFrom, clearReplicationId2, createReplicationBacklog, feedBacklog, trimBacklogBlocks } from "./backlog";
import {
  NOMASTERLINK_ERROR,
  RDB_TRANSFER_BYTES_PER_SEC,
  RDB_TRANSFER_SETUP_US,
  REPLICATION_TRANSFER_TIMER,
  REPL_DISKLESS_SYNC_DELAY_S,
} from "./constants";
import { newReplid, unixSeconds, type ReplicaClient, type ReplicationMessage, type ReplicationState, type ServerCore } from "./state";
import { copyData, estimateRdbBytes, replCommand, type ReplCommand } from "./stream";
import { shared } from "../kernel/shared-value";

/**
 * The master side of replication: replicas attach with PSYNC, get a partial or a full resync,
 * then the stream (replication.c: syncCommand, masterTryPartialResynchronization,
 * startBgsaveForReplication, updateSlavesWaitingBgsave, replconfCommand, replicationFeedSlaves).
 * A replica with sub-replicas runs this side too, for them.
 */

function send(ctx: Ctx, conn: ConnId, message: ReplicationMessage): void {
  ctx.send(conn, message);
}

// ---- the PSYNC decision -------------------------------------------------------------------------

export type PsyncDecision =
  | { readonly kind: "continue" }
  /** PSYNC ? -1 */
  | { readonly kind: "fullResyncRequested" }
  | { readonly kind: "replidMismatch" }
  | { readonly kind: "secondIdTooFar" }
  | { readonly kind: "backlogMissing"; readonly beyondMasterOffset: boolean };

/**
 * masterTryPartialResynchronization (7.0.15), the decision alone: a partial resync needs the
 * asked id to be our replid, or our replid2 with an offset up to second_replid_offset; and the
 * backlog to hold the asked offset (up to master_repl_offset + 1, which means "nothing missing").
 */
export function psyncDecision(
  rs: Pick<ReplicationState, "replid" | "replid2" | "secondReplIdOffset" | "backlog" | "masterReplOffset">,
  replid: string,
  offset: number,
): PsyncDecision {
  const asked = replid.toLowerCase();
  if (asked !== rs.replid && (asked !== rs.replid2 || offset > rs.secondReplIdOffset)) {
    if (asked.startsWith("?")) return { kind: "fullResyncRequested" };
    if (asked !== rs.replid && asked !== rs.replid2) return { kind: "replidMismatch" };
    return { kind: "secondIdTooFar" };
  }
  const backlog = rs.backlog;
  if (backlog === null || offset < backlog.offset || offset > backlog.offset + backlog.histlen) {
    return { kind: "backlogMissing", beyondMasterOffset: offset > rs.masterReplOffset };
  }
  return { kind: "continue" };
}

// ---- clients on the replication channel --------------------------------------------------------

export function findReplica(rs: ReplicationState, conn: ConnId): ReplicaClient | undefined {
  return rs.replicas.find((r) => r.conn === conn);
}

/** A replica connected: for now it is a plain client (it becomes a replica with PSYNC). */
export function acceptReplicationClient(core: ServerCore, conn: ConnId, peer: ProcessId): void {
  core.replication.pendingClients.push({ conn, peer, listeningPort: 0 });
}

/** A message from a client or replica of ours. Returns false when the connection is not ours. */
export function handleMasterSideMessage(core: ServerCore, ctx: Ctx, conn: ConnId, message: ReplicationMessage): boolean {
  const rs = core.replication;
  const now = unixSeconds(ctx);
  const replica = findReplica(rs, conn);
  if (replica !== undefined) {
    replica.lastInteraction = now;
    if (message.type === "replconfAck") replconfAck(rs, ctx, replica, message.offset, now);
    // SYNC/PSYNC from a client that is already a replica is ignored (syncCommand).
    return true;
  }
  const client = rs.pendingClients.find((c) => c.conn === conn);
  if (client === undefined) return false;
  switch (message.type) {
    case "replPing":
      send(ctx, conn, { type: "replPong" });
      return true;
    case "replconf":
      client.listeningPort = message.listeningPort;
      send(ctx, conn, { type: "replconfOk" });
      return true;
    case "psync":
      syncCommand(core, ctx, conn, message.replid, message.offset);
      return true;
    default:
      // REPLCONF ACK from a client that is not a replica is ignored (replconfCommand).
      return true;
  }
}

/** The peer closed a client or replica connection of ours (networking.c:freeClient). */
export function handleMasterSideClosed(core: ServerCore, ctx: Ctx, conn: ConnId): boolean {
  const rs = core.replication;
  const index = rs.replicas.findIndex((r) => r.conn === conn);
  if (index >= 0) {
    freeReplicaClient(core, ctx, index);
    return true;
  }
  const pending = rs.pendingClients.findIndex((c) => c.conn === conn);
  if (pending < 0) return false;
  rs.pendingClients.splice(pending, 1);
  return true;
}

/**
 * freeClient of a replica: `Connection with replica … lost.`; with the last replica gone the
 * backlog's time to live starts counting, and the good-replica count is refreshed at once.
 */
export function freeReplicaClient(core: ServerCore, ctx: Ctx, index: number): void {
  const rs = core.replication;
  const replica = rs.replicas[index]!;
  ctx.emit({ type: "replicaLinkLost", replica: replica.peer });
  ctx.close(replica.conn);
  rs.replicas.splice(index, 1);
  if (rs.replicas.length === 0) rs.noReplicasSince = unixSeconds(ctx);
  refreshGoodReplicasCount(core, ctx);
  // rdbPipeReadHandler: with no replica left to write to, the fork child is killed.
  if (replica.state === "wait_bgsave_end" && rs.rdbChild !== null && !rs.replicas.some((r) => r.state === "wait_bgsave_end")) {
    ctx.emit({ type: "rdbTransferAborted" });
    rs.rdbChild = null;
    ctx.cancelTimer(REPLICATION_TRANSFER_TIMER);
  }
  trimBacklogBlocks(rs);
}

/** disconnectSlaves: every replica is dropped (they may partially resync back). */
export function disconnectReplicas(core: ServerCore, ctx: Ctx): void {
  while (core.replication.replicas.length > 0) freeReplicaClient(core, ctx, 0);
}

// ---- SYNC / PSYNC -----------------------------------------------------------------------------

/** syncCommand (7.0.15), for PSYNC from a client on the replication channel. */
function syncCommand(core: ServerCore, ctx: Ctx, conn: ConnId, replid: string, offset: number): void {
  const rs = core.replication;
  // A replica whose own link is down cannot serve a sync.
  if (rs.masterHost !== null && rs.replState !== "connected") {
    send(ctx, conn, { type: "psyncError", error: NOMASTERLINK_ERROR });
    return;
  }
  const index = rs.pendingClients.findIndex((c) => c.conn === conn);
  const client = rs.pendingClients[index]!;
  const peer = client.peer;
  const listeningPort = client.listeningPort;
  rs.pendingClients.splice(index, 1);
  ctx.emit({ type: "replicaAsksForSync", replica: peer });
  const now = unixSeconds(ctx);
  const decision = psyncDecision(rs, replid, offset);

  if (decision.kind === "continue") {
    rs.replicas.push({
      conn,
      peer,
      listeningPort,
      state: "online",
      ackOffset: 0,
      ackTime: now,
      lastInteraction: now,
      sentOffset: rs.masterReplOffset,
      streaming: true,
    });
    send(ctx, conn, { type: "psyncContinue", replid: rs.replid });
    const commands = backlogCommandsFrom(rs, offset);
    if (commands.length > 0) send(ctx, conn, { type: "stream", offset, commands });
    ctx.emit({ type: "partialResyncAccepted", replica: peer, bytes: rs.masterReplOffset - offset + 1, fromOffset: offset });
    refreshGoodReplicasCount(core, ctx);
    return;
  }

  switch (decision.kind) {
    case "fullResyncRequested":
      ctx.emit({ type: "fullResyncRequested", replica: peer });
      break;
    case "replidMismatch":
      ctx.emit({ type: "psyncReplidMismatch", replica: peer, requestedReplid: replid, replid: rs.replid, replid2: rs.replid2 });
      break;
    case "secondIdTooFar":
      ctx.emit({ type: "psyncSecondIdTooFar", replica: peer, requestedOffset: offset, secondReplidOffset: rs.secondReplIdOffset });
      break;
    case "backlogMissing":
      ctx.emit({ type: "psyncBacklogMissing", replica: peer, requestedOffset: offset, beyondMasterOffset: decision.beyondMasterOffset });
      break;
  }

  // Full resynchronization: the replica waits for the next BGSAVE.
  rs.replicas.push({
    conn,
    peer,
    listeningPort,
    state: "wait_bgsave_start",
    ackOffset: 0,
    ackTime: 0,
    lastInteraction: now,
    sentOffset: rs.masterReplOffset,
    streaming: false,
  });
  if (rs.replicas.length === 1 && rs.backlog === null) {
    // A backlog made from scratch starts a new history: new replid, replid2 cleared.
    rs.replid = newReplid(ctx);
    clearReplicationId2(rs);
    createReplicationBacklog(rs);
    ctx.emit({ type: "backlogCreated", replid: rs.replid, replid2: rs.replid2 });
  }
  if (rs.rdbChild !== null) ctx.emit({ type: "waitingForNextBgsave", replica: peer });
  else ctx.emit({ type: "disklessSyncDelayed", replica: peer });
}

/** REPLCONF ACK <offset>: the first ACK after a diskless RDB starts the command stream. */
function replconfAck(rs: ReplicationState, ctx: Ctx, replica: ReplicaClient, offset: number, now: number): void {
  if (offset > replica.ackOffset) replica.ackOffset = offset;
  replica.ackTime = now;
  if (replica.state === "online" && !replica.streaming) {
    // replicaStartCommandStream: what accumulated since the fork goes out now.
    const from = replica.sentOffset + 1;
    const commands = backlogCommandsFrom(rs, from);
    if (commands.length > 0) send(ctx, replica.conn, { type: "stream", offset: from, commands });
    replica.sentOffset = rs.masterReplOffset;
    replica.streaming = true;
    trimBacklogBlocks(rs);
  }
}

// ---- the diskless full sync -------------------------------------------------------------------

/**
 * shouldStartChildReplication: no child running, and the longest-waiting replica has been idle
 * for repl-diskless-sync-delay seconds (so that more replicas may join the same transfer).
 */
function shouldStartChildReplication(rs: ReplicationState, now: number): boolean {
  if (rs.rdbChild !== null) return false;
  let waiting = 0;
  let maxIdle = 0;
  for (const r of rs.replicas) {
    if (r.state !== "wait_bgsave_start") continue;
    waiting++;
    maxIdle = Math.max(maxIdle, now - r.lastInteraction);
  }
  return waiting > 0 && maxIdle >= REPL_DISKLESS_SYNC_DELAY_S;
}

/** replicationStartPendingFork → startBgsaveForReplication → rdbSaveToSlavesSockets. */
export function replicationStartPendingFork(core: ServerCore, ctx: Ctx): void {
  const rs = core.replication;
  if (!shouldStartChildReplication(rs, unixSeconds(ctx))) return;
  const rdbBytes = estimateRdbBytes(core.data);
  const transferUs = rdbTransferUs(rdbBytes);
  const targets = rs.replicas.filter((r) => r.state === "wait_bgsave_start");
  ctx.emit({ type: "bgsaveForSyncStarted", replicas: targets.map((r) => r.peer), offset: rs.masterReplOffset, rdbBytes, transferUs });
  for (const r of targets) {
    // replicationSetupSlaveForFullResync: +FULLRESYNC with the offset at fork time; the
    // replica's output buffer starts there.
    r.state = "wait_bgsave_end";
    r.sentOffset = rs.masterReplOffset;
    r.streaming = false;
    send(ctx, r.conn, { type: "fullresync", replid: rs.replid, offset: rs.masterReplOffset, rdbBytes, transferUs });
  }
  // The next command must be preceded by a SELECT, which the new replicas need.
  rs.replSelDb = -1;
  rs.rdbChild = {
    snapshot: copyData(core.data),
    replid: rs.replid,
    offset: rs.masterReplOffset,
    rdbBytes,
    startedUs: ctx.nowUs,
    doneUs: ctx.nowUs + transferUs,
  };
  ctx.setTimer(REPLICATION_TRANSFER_TIMER, transferUs as Micros);
}

/** The simulator's transfer time of an RDB: set-up plus its bytes at the LAN's payload rate. */
export function rdbTransferUs(rdbBytes: number): number {
  return RDB_TRANSFER_SETUP_US + Math.ceil((rdbBytes * 1_000_000) / RDB_TRANSFER_BYTES_PER_SEC);
}

/**
 * The fork child finished streaming (rdbPipeReadHandler EOF, then backgroundSaveDoneHandlerSocket
 * → updateSlavesWaitingBgsave): every replica it fed is put online, and gets its command stream
 * after its first REPLCONF ACK. Does nothing before the child's end.
 */
export function finishRdbTransferIfDone(core: ServerCore, ctx: Ctx): void {
  const rs = core.replication;
  const child = rs.rdbChild;
  if (child === null || ctx.nowUs < child.doneUs) return;
  const targets = rs.replicas.filter((r) => r.state === "wait_bgsave_end");
  ctx.emit({ type: "rdbTransferDone", replicasStillUp: targets.length });
  const snapshot = copyData(child.snapshot);
  const now = unixSeconds(ctx);
  for (const r of targets) {
    send(ctx, r.conn, { type: "rdbTransfer", snapshot, rdbBytes: child.rdbBytes });
    r.state = "online";
    r.ackTime = now;
    r.streaming = false;
    ctx.emit({ type: "replicaSyncSucceeded", replica: r.peer });
  }
  rs.rdbChild = null;
  refreshGoodReplicasCount(core, ctx);
  // checkChildrenDone: start any pending fork at once.
  replicationStartPendingFork(core, ctx);
}

// ---- the stream ---------------------------------------------------------------------------------

/**
 * Feeds commands to the backlog (advancing master_repl_offset) and to every replica that is
 * streaming. The top-level master's own writes come through `replicationFeedSlaves`; a replica
 * proxies its master's stream through here unchanged (replicationFeedStreamFromMasterStream).
 */
export function feedStream(core: ServerCore, ctx: Ctx, commands: readonly ReplCommand[]): void {
  const rs = core.replication;
  if (rs.backlog === null) {
    assert(rs.replicas.length === 0, "replicas attached without a backlog");
    return;
  }
  const before = rs.masterReplOffset;
  if (commands.length === 0 || !feedBacklog(rs, core.config, commands)) return;
  // The commands themselves go out, as a node's SlotRanges go out in its bus headers (shared):
  // a command is never changed once made, so the backlog and every replica may hold the same one.
  const sent = shared(commands);
  for (const r of rs.replicas) {
    if (!r.streaming) continue;
    assert(r.sentOffset === before, () => `replica ${r.peer} was sent up to ${r.sentOffset}, the stream is at ${before}`);
    send(ctx, r.conn, { type: "stream", offset: before + 1, commands: sent });
    r.sentOffset = rs.masterReplOffset;
  }
}

/**
 * replicationFeedSlaves for a top-level master: a SELECT first when the selected db is unknown
 * (after a full-sync set-up or a promotion), then the command. A replica never feeds its own.
 */
export function replicationFeedSlaves(core: ServerCore, ctx: Ctx, cmd: ReplCommand): void {
  const rs = core.replication;
  if (rs.masterHost !== null) return;
  if (rs.backlog === null && rs.replicas.length === 0) return;
  const commands: ReplCommand[] = [];
  // PING is fed with dictid = slaveseldb, so it never triggers a SELECT.
  if (cmd.op !== "ping" && rs.replSelDb !== 0) {
    commands.push(replCommand({ op: "select", db: 0 }));
    rs.replSelDb = 0;
  }
  commands.push(cmd);
  feedStream(core, ctx, commands);
}

// ---- min-replicas ---------------------------------------------------------------------------------

/**
 * refreshGoodSlavesCount: replicas online whose last ACK is at most min-replicas-max-lag seconds
 * old. Only while the feature is on (both options non-zero); the count is cached until the next
 * refresh, as Redis does.
 */
export function refreshGoodReplicasCount(core: ServerCore, ctx: Pick<Ctx, "wallMs">): void {
  const toWrite = core.config["min-replicas-to-write"];
  const maxLag = core.config["min-replicas-max-lag"];
  if (toWrite === 0 || maxLag === 0) return;
  const now = unixSeconds(ctx);
  let good = 0;
  for (const r of core.replication.replicas) if (r.state === "online" && now - r.ackTime <= maxLag) good++;
  core.replication.goodReplicas = good;
}
