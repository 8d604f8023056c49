import { assert } from "../kernel/assert";
import type { ConnId, Ctx, ProcessId } from "../process/model";
import { clearReplicationId2, createReplicationBacklog, freeReplicationBacklog } from "./backlog";
import { REPLICATION_CHANNEL } from "./constants";
import { disconnectReplicas, feedStream } from "./master";
import { newReplid, transferLastIoSeconds, unixSeconds, type ReplicationMessage, type ServerCore } from "./state";
import { applyCommand, copyData, type ReplCommand } from "./stream";

/**
 * The replica side of replication: the link to the master, the handshake, PSYNC, loading the
 * RDB, applying the stream, and the cached master that lets a replica continue after a break
 * (replication.c: replicationSetMaster, replicationUnsetMaster, connectWithMaster, syncWithMaster,
 * slaveTryPartialResynchronization, readSyncBulkPayload, replicationCacheMaster; networking.c:
 * freeClient of the master).
 */

function send(ctx: Ctx, conn: ConnId, message: ReplicationMessage): void {
  ctx.send(conn, message);
}

// ---- REPLICAOF host port / REPLICAOF NO ONE ------------------------------------------------------

/**
 * replicationSetMaster (7.0.15): follow `master`. A live master link is dropped and cached; a
 * server that was a master synthesises a cached master from its own replid and offset, so it
 * may continue with a partial resync from whoever was promoted in its place. Sub-replicas are
 * kept. The connection starts at once.
 */
export function replicationSetMaster(core: ServerCore, ctx: Ctx, master: ProcessId): void {
  const rs = core.replication;
  const previous = rs.masterHost;
  const wasMaster = previous === null;
  // masterhost is cleared first, so that freeing the master client does not reconnect.
  rs.masterHost = null;
  if (rs.master !== null) freeMasterClient(core, ctx, previous!);
  rs.masterHost = master;
  cancelReplicationHandshake(core, ctx, false);
  if (wasMaster) {
    replicationDiscardCachedMaster(core, ctx);
    replicationCacheMasterUsingMyself(core, ctx);
  }
  rs.replState = "connect";
  ctx.emit({ type: "connectingToMaster", master });
  connectWithMaster(core, ctx);
}

/**
 * replicationUnsetMaster (7.0.15): become a master. The cached master is discarded, the
 * replication id shifts (the old one stays valid as replid2 up to offset + 1, so the former
 * siblings can partially resync), and the sub-replicas are disconnected to learn the new id.
 */
export function replicationUnsetMaster(core: ServerCore, ctx: Ctx): void {
  const rs = core.replication;
  const previous = rs.masterHost;
  if (previous === null) return;
  rs.masterHost = null;
  if (rs.master !== null) freeMasterClient(core, ctx, previous);
  replicationDiscardCachedMaster(core, ctx);
  cancelReplicationHandshake(core, ctx, false);
  shiftReplicationId(core, ctx);
  disconnectReplicas(core, ctx);
  rs.replState = "none";
  rs.handshakeStep = null;
  rs.sync = null;
  // The new master's stream must start with a SELECT.
  rs.replSelDb = -1;
  // The backlog's time to live counts from the promotion, not from the last replica seen.
  const now = unixSeconds(ctx);
  rs.noReplicasSince = now;
  rs.downSince = 0;
}

/** shiftReplicationId: replid2 = replid valid up to offset + 1, and a new replid. */
export function shiftReplicationId(core: ServerCore, ctx: Ctx): void {
  const rs = core.replication;
  rs.replid2 = rs.replid;
  rs.secondReplIdOffset = rs.masterReplOffset + 1;
  rs.replid = newReplid(ctx);
  ctx.emit({ type: "replicationIdShifted", replid2: rs.replid2, validUpToOffset: rs.secondReplIdOffset, replid: rs.replid });
}

// ---- the cached master ----------------------------------------------------------------------------

/** replicationDiscardCachedMaster. */
export function replicationDiscardCachedMaster(core: ServerCore, ctx: Ctx): void {
  const rs = core.replication;
  if (rs.cachedMaster === null) return;
  ctx.emit({ type: "cachedMasterDiscarded" });
  rs.cachedMaster = null;
}

/** replicationCacheMasterUsingMyself: our own replid and offset, as if we had been a replica. */
function replicationCacheMasterUsingMyself(core: ServerCore, ctx: Ctx): void {
  const rs = core.replication;
  ctx.emit({ type: "cachedMasterSynthesized", replid: rs.replid, offset: rs.masterReplOffset });
  rs.cachedMaster = { replid: rs.replid, reploff: rs.masterReplOffset };
}

/**
 * freeClient(server.master) → replicationCacheMaster → replicationHandleMasterDisconnection:
 * the link is gone, its state is kept for PSYNC, and if a master is still configured the
 * replica reconnects at once.
 */
function freeMasterClient(core: ServerCore, ctx: Ctx, linkedTo: ProcessId): void {
  const rs = core.replication;
  const client = rs.master;
  assert(client !== null, "freeMasterClient without a master client");
  assert(rs.cachedMaster === null, "a master client and a cached master at once");
  ctx.emit({ type: "masterLinkLost", master: linkedTo });
  if (rs.link !== null) ctx.close(rs.link);
  rs.link = null;
  rs.cachedMaster = { replid: client.replid, reploff: client.reploff };
  ctx.emit({ type: "masterCached", replid: client.replid, offset: client.reploff });
  rs.master = null;
  rs.replState = "connect";
  rs.downSince = unixSeconds(ctx);
  if (rs.masterHost !== null) {
    ctx.emit({ type: "reconnectingToMaster", master: rs.masterHost, afterFailure: false });
    connectWithMaster(core, ctx);
  }
}

// ---- connecting -----------------------------------------------------------------------------------

/** connectWithMaster: a non-blocking connect; syncWithMaster runs when it fires. */
export function connectWithMaster(core: ServerCore, ctx: Ctx): void {
  const rs = core.replication;
  assert(rs.masterHost !== null, "connectWithMaster without a master");
  rs.link = ctx.connect(rs.masterHost, REPLICATION_CHANNEL);
  rs.transferLastIo = unixSeconds(ctx);
  rs.replState = "connecting";
  rs.handshakeStep = null;
  ctx.emit({ type: "syncStarted", master: rs.masterHost });
}

/**
 * cancelReplicationHandshake: abort a connect, handshake or transfer in progress (state
 * CONNECT after it); with `reconnect`, try again at once. Returns whether one was in progress.
 */
export function cancelReplicationHandshake(core: ServerCore, ctx: Ctx, reconnect: boolean): boolean {
  const rs = core.replication;
  if (rs.replState !== "transfer" && rs.replState !== "connecting" && rs.replState !== "handshake") return false;
  if (rs.link !== null) ctx.close(rs.link);
  rs.link = null;
  rs.replState = "connect";
  rs.handshakeStep = null;
  rs.sync = null;
  if (!reconnect || rs.masterHost === null) return true;
  ctx.emit({ type: "reconnectingToMaster", master: rs.masterHost, afterFailure: true });
  connectWithMaster(core, ctx);
  return true;
}

/** syncWithMaster's error path: close, and let replicationCron connect again (state CONNECT). */
function abortSync(core: ServerCore, ctx: Ctx): void {
  const rs = core.replication;
  if (rs.link !== null) ctx.close(rs.link);
  rs.link = null;
  rs.replState = "connect";
  rs.handshakeStep = null;
  rs.sync = null;
}

// ---- events on the link to the master -------------------------------------------------------------

/** Our connect to the master was established (syncWithMaster, state CONNECTING): PING it. */
export function onMasterLinkConnected(core: ServerCore, ctx: Ctx): void {
  const rs = core.replication;
  if (rs.replState !== "connecting" || rs.link === null) return;
  ctx.emit({ type: "syncConnectFired", master: rs.masterHost! });
  rs.replState = "handshake";
  rs.handshakeStep = "ping";
  send(ctx, rs.link, { type: "replPing" });
}

/** The connect was refused (syncWithMaster: the socket is in error). */
export function onMasterLinkConnectFailed(core: ServerCore, ctx: Ctx, error: string): void {
  const rs = core.replication;
  ctx.emit({ type: "syncError", master: rs.masterHost!, error });
  rs.link = null;
  rs.replState = "connect";
  rs.handshakeStep = null;
}

/** The master's end of the link closed. */
export function onMasterLinkClosed(core: ServerCore, ctx: Ctx, reason: "eof" | "reset"): void {
  const rs = core.replication;
  switch (rs.replState) {
    case "connected":
      // The link is already closed on our side: freeMasterClient's close is a no-op.
      freeMasterClient(core, ctx, rs.masterHost!);
      return;
    case "handshake":
      ctx.emit({ type: "handshakeReadFailed", step: rs.handshakeStep ?? "ping", reason });
      abortSync(core, ctx);
      return;
    case "transfer":
      // readSyncBulkPayload: a read of 0 bytes.
      ctx.emit({ type: "syncIoError", error: "connection lost" });
      cancelReplicationHandshake(core, ctx, true);
      return;
    default:
      rs.link = null;
      return;
  }
}

/** A message from our master. */
export function onMasterLinkMessage(core: ServerCore, ctx: Ctx, message: ReplicationMessage): void {
  const rs = core.replication;
  const link = rs.link!;
  switch (message.type) {
    case "replPong":
      if (rs.handshakeStep !== "ping") return;
      ctx.emit({ type: "masterPingReplied", master: rs.masterHost! });
      send(ctx, link, { type: "replconf", listeningPort: core.port });
      rs.handshakeStep = "replconf";
      return;
    case "replconfOk":
      if (rs.handshakeStep !== "replconf") return;
      rs.handshakeStep = "psync";
      slaveTryPartialResynchronization(core, ctx, link);
      return;
    case "psyncContinue":
      if (rs.handshakeStep !== "psync") return;
      onPsyncContinue(core, ctx, message.replid);
      return;
    case "fullresync":
      if (rs.handshakeStep !== "psync") return;
      ctx.emit({ type: "fullResyncFromMaster", replid: message.replid, offset: message.offset });
      rs.replState = "transfer";
      rs.handshakeStep = null;
      rs.sync = { replid: message.replid, offset: message.offset, rdbBytes: message.rdbBytes, startedUs: ctx.nowUs, transferUs: message.transferUs };
      rs.transferLastIo = unixSeconds(ctx);
      // The child's first bytes ($EOF:<mark>) follow the reply at once.
      ctx.emit({ type: "receivingStreamedRdb" });
      return;
    case "psyncError":
      if (rs.handshakeStep !== "psync") return;
      ctx.emit({ type: "masterUnableToPsync", error: message.error });
      abortSync(core, ctx);
      return;
    case "rdbTransfer":
      if (rs.replState !== "transfer") return;
      loadRdbFromMaster(core, ctx, message.snapshot);
      return;
    case "stream":
      if (rs.replState !== "connected") return;
      applyStream(core, ctx, message.offset, message.commands);
      return;
    default:
      return;
  }
}

/** slaveTryPartialResynchronization, writing half: PSYNC <cached replid> <cached offset + 1>, or PSYNC ? -1. */
function slaveTryPartialResynchronization(core: ServerCore, ctx: Ctx, link: ConnId): void {
  const cached = core.replication.cachedMaster;
  if (cached !== null) {
    ctx.emit({ type: "partialResyncAttempt", replid: cached.replid, offset: cached.reploff + 1 });
    send(ctx, link, { type: "psync", replid: cached.replid, offset: cached.reploff + 1 });
  } else {
    ctx.emit({ type: "partialResyncNotPossible" });
    send(ctx, link, { type: "psync", replid: "?", offset: -1 });
  }
}

/** +CONTINUE <replid>: the cached master comes back to life (replicationResurrectCachedMaster). */
function onPsyncContinue(core: ServerCore, ctx: Ctx, newReplidFromMaster: string): void {
  const rs = core.replication;
  const cached = rs.cachedMaster;
  assert(cached !== null, "+CONTINUE without a cached master");
  ctx.emit({ type: "partialResyncSucceeded" });
  if (newReplidFromMaster !== cached.replid) {
    // The master's history went on under a new id: ours too, keeping the old one as replid2
    // for our own sub-replicas, which must hear of the change.
    ctx.emit({ type: "masterReplidChanged", replid: newReplidFromMaster });
    rs.replid2 = cached.replid;
    rs.secondReplIdOffset = rs.masterReplOffset + 1;
    rs.replid = newReplidFromMaster;
    cached.replid = newReplidFromMaster;
    disconnectReplicas(core, ctx);
  }
  rs.master = { replid: cached.replid, reploff: cached.reploff, lastInteraction: unixSeconds(ctx) };
  rs.cachedMaster = null;
  rs.replState = "connected";
  rs.handshakeStep = null;
  rs.downSince = 0;
  if (rs.backlog === null) createReplicationBacklog(rs);
  assert(rs.masterReplOffset === rs.master.reploff, () => `resurrected master at ${rs.master!.reploff}, own offset ${rs.masterReplOffset}`);
  ctx.emit({ type: "masterAcceptedPartialResync" });
}

/**
 * readSyncBulkPayload, once the whole RDB is in (repl-diskless-load disabled: it lands in
 * dump.rdb first, then is loaded): old data flushed, the master's replid and offset adopted,
 * replid2 cleared, a backlog created, and a first REPLCONF ACK sent so that the master starts
 * the stream.
 */
function loadRdbFromMaster(core: ServerCore, ctx: Ctx, snapshot: Readonly<Record<string, string>>): void {
  const rs = core.replication;
  const sync = rs.sync;
  assert(sync !== null, "an RDB arrived without +FULLRESYNC");
  // replicationAttachToNewMaster: nothing of the old history can be continued.
  replicationDiscardCachedMaster(core, ctx);
  disconnectReplicas(core, ctx);
  if (rs.backlog !== null) freeReplicationBacklog(rs);
  ctx.emit({ type: "syncFlushingOldData" });
  core.data = copyData(snapshot);
  rs.rdbFile = { data: copyData(snapshot), replInfo: { replid: sync.replid, offset: sync.offset } };
  ctx.emit({ type: "syncLoadingDb", keys: Object.keys(core.data).length });
  const now = unixSeconds(ctx);
  rs.master = { replid: sync.replid, reploff: sync.offset, lastInteraction: now };
  rs.replState = "connected";
  rs.downSince = 0;
  rs.replid = sync.replid;
  rs.masterReplOffset = sync.offset;
  clearReplicationId2(rs);
  createReplicationBacklog(rs);
  rs.sync = null;
  ctx.emit({ type: "syncFinished", replid: rs.replid, offset: rs.masterReplOffset });
  send(ctx, rs.link!, { type: "replconfAck", offset: sync.offset });
}

/** The stream: applied to the dataset, counted in reploff, proxied to our own backlog and sub-replicas. */
function applyStream(core: ServerCore, ctx: Ctx, offset: number, commands: readonly ReplCommand[]): void {
  const rs = core.replication;
  const client = rs.master!;
  assert(offset === client.reploff + 1, () => `stream from offset ${offset}, but processed up to ${client.reploff}`);
  assert(rs.backlog !== null && rs.masterReplOffset === client.reploff, () => `processed up to ${client.reploff}, but master_repl_offset is ${rs.masterReplOffset}${rs.backlog === null ? " and there is no backlog" : ""}`);
  client.lastInteraction = unixSeconds(ctx);
  for (const cmd of commands) applyCommand(core.data, cmd);
  // Feeding its own backlog (replicationFeedStreamFromMasterStream) advances master_repl_offset
  // by exactly the bytes processed: the master client's offset follows it.
  feedStream(core, ctx, commands);
  client.reploff = rs.masterReplOffset;
}

// ---- replicationCron, replica half ---------------------------------------------------------------

/** replicationCron's replica half: timeouts, reconnection, REPLCONF ACK. */
export function replicaCron(core: ServerCore, ctx: Ctx): void {
  const rs = core.replication;
  const now = unixSeconds(ctx);
  const timeout = core.config["repl-timeout"];
  if (rs.masterHost !== null && (rs.replState === "connecting" || rs.replState === "handshake") && now - rs.transferLastIo > timeout) {
    ctx.emit({ type: "connectTimeout", master: rs.masterHost });
    cancelReplicationHandshake(core, ctx, true);
  }
  if (rs.masterHost !== null && rs.replState === "transfer" && now - transferLastIoSeconds(core, ctx) > timeout) {
    ctx.emit({ type: "bulkTimeout" });
    cancelReplicationHandshake(core, ctx, true);
  }
  if (rs.masterHost !== null && rs.replState === "connected" && now - rs.master!.lastInteraction > timeout) {
    ctx.emit({ type: "masterTimeout", master: rs.masterHost, silentS: now - rs.master!.lastInteraction });
    freeMasterClient(core, ctx, rs.masterHost);
  }
  if (rs.replState === "connect" && rs.masterHost !== null) {
    ctx.emit({ type: "connectingToMaster", master: rs.masterHost });
    connectWithMaster(core, ctx);
  }
  if (rs.masterHost !== null && rs.master !== null && rs.link !== null) {
    send(ctx, rs.link, { type: "replconfAck", offset: rs.master.reploff });
  }
}
