import type { ConnId, Ctx } from "../process/model";
import { CLIENT_CHANNEL, type ClientMessage, type Reply } from "../client/protocol";
import type { SentinelEvent } from "./events";
import {
  SENTINEL_HELLO_CHANNEL,
  SENTINEL_INFO_PERIOD_FAST_MS,
  SENTINEL_INFO_PERIOD_MS,
  SENTINEL_MAX_PENDING_COMMANDS,
  SENTINEL_MIN_LINK_RECONNECT_PERIOD_MS,
  SENTINEL_PING_PERIOD_MS,
  SENTINEL_PUBLISH_PERIOD_MS,
  SRI_FAILOVER_IN_PROGRESS,
  SRI_MASTER,
  SRI_O_DOWN,
  SRI_SENTINEL,
  SRI_SLAVE,
  instanceRef,
  isDisconnected,
  type PendingKind,
  type SentinelState,
  type Sri,
} from "./state";

/**
 * Links to instances (sentinel.c: sentinelReconnectInstance, instanceLinkCloseConnection,
 * sentinelSendPeriodicCommands, sentinelSendPing, sentinelSendHello, sentinelCheckSubjectivelyDown's
 * link-closing half) and sending commands on them.
 */

export type SentinelCtx = Ctx<ClientMessage>;

/** Every instance of this Sentinel: the master, its replicas, the other Sentinels. */
export function allInstances(s: SentinelState): Sri[] {
  return [s.master, ...s.master.slaves, ...s.master.sentinels];
}

export function emit(ctx: SentinelCtx, event: SentinelEvent): void {
  ctx.emit(event);
}

/** Emits an `%@` event on `ri`. */
export function emitOn(s: SentinelState, ctx: SentinelCtx, type: Extract<SentinelEvent, { instance: unknown }>["type"], ri: Sri): void {
  ctx.emit({ type, instance: instanceRef(s, ri) } as SentinelEvent);
}

/** redisAsyncCommand on the cc link: false when there is no link. */
export function sendCommand(s: SentinelState, ri: Sri, argv: readonly string[], kind: PendingKind, ctx: SentinelCtx): boolean {
  const cc = ri.link.cc;
  if (cc === null) return false;
  const id = s.nextCommandId++;
  ctx.send(cc, { type: "command", id, argv: [...argv] });
  ri.link.pending.push({ id, kind });
  return true;
}

/** instanceLinkCloseConnection: the connection goes, and the link counts as disconnected. */
export function closeLinkConnection(ri: Sri, which: "cc" | "pc", ctx: SentinelCtx): void {
  const conn = ri.link[which];
  if (conn === null) return;
  ctx.close(conn);
  ri.link[which] = null;
  if (which === "cc") ri.link.pending = [];
}

/** sentinelReconnectInstance: at most one attempt a second; a pending connect counts as a link. */
export function reconnectInstance(s: SentinelState, ri: Sri, now: number, ctx: SentinelCtx): void {
  if (!isDisconnected(ri)) return;
  const link = ri.link;
  if (now - link.lastReconnTime < SENTINEL_PING_PERIOD_MS) return;
  link.lastReconnTime = now;
  const id8 = s.myId.slice(0, 8);
  if (link.cc === null) {
    link.cc = ctx.connect(String(ri.port), CLIENT_CHANNEL);
    link.pending = [];
    link.ccConnTime = now;
    sendCommand(s, ri, ["CLIENT", "SETNAME", `sentinel-${id8}-cmd`], "discard", ctx);
    // A PING as soon as the link is there.
    sendPing(s, ri, now, ctx);
  }
  if ((ri.flags & (SRI_MASTER | SRI_SLAVE)) !== 0 && link.pc === null) {
    link.pc = ctx.connect(String(ri.port), CLIENT_CHANNEL);
    link.pcConnTime = now;
    ctx.send(link.pc, { type: "command", id: s.nextCommandId++, argv: ["CLIENT", "SETNAME", `sentinel-${id8}-pubsub`] });
    ctx.send(link.pc, { type: "command", id: s.nextCommandId++, argv: ["SUBSCRIBE", SENTINEL_HELLO_CHANNEL] });
  }
}

/** sentinelSendPing: act_ping_time is set only when no earlier PING is still unanswered. */
export function sendPing(s: SentinelState, ri: Sri, now: number, ctx: SentinelCtx): boolean {
  if (!sendCommand(s, ri, ["PING"], "ping", ctx)) return false;
  ri.link.lastPingTime = now;
  if (ri.link.actPingTime === 0) ri.link.actPingTime = now;
  return true;
}

/** sentinelSendPeriodicCommands: INFO (10 s, or 1 s for replicas in a failover), PING (1 s), hello (2 s). */
export function sendPeriodicCommands(s: SentinelState, ri: Sri, now: number, ctx: SentinelCtx): void {
  const link = ri.link;
  if (isDisconnected(ri)) return;
  if (link.pending.length >= SENTINEL_MAX_PENDING_COMMANDS) return;
  const master = s.master;
  const infoPeriod =
    (ri.flags & SRI_SLAVE) !== 0 && ((master.flags & (SRI_O_DOWN | SRI_FAILOVER_IN_PROGRESS)) !== 0 || ri.masterLinkDownTime !== 0)
      ? SENTINEL_INFO_PERIOD_FAST_MS
      : SENTINEL_INFO_PERIOD_MS;
  const pingPeriod = Math.min(ri.downAfterMs, SENTINEL_PING_PERIOD_MS);
  if ((ri.flags & SRI_SENTINEL) === 0 && (ri.infoRefresh === 0 || now - ri.infoRefresh > infoPeriod)) {
    sendCommand(s, ri, ["INFO"], "info", ctx);
  }
  if (now - link.lastPongTime > pingPeriod && now - link.lastPingTime > pingPeriod / 2) sendPing(s, ri, now, ctx);
  if (now - ri.lastPubTime > SENTINEL_PUBLISH_PERIOD_MS) sendHello(s, ri, ctx);
}

/** sentinelSendHello: `ip,port,runid,current_epoch,master_name,master_ip,master_port,master_config_epoch`. */
export function sendHello(s: SentinelState, ri: Sri, ctx: SentinelCtx): boolean {
  if (isDisconnected(ri)) return false;
  const master = s.master;
  const addr = currentMasterPort(s);
  const payload = `127.0.0.1,${s.port},${s.myId},${s.currentEpoch},${master.name},127.0.0.1,${addr},${master.configEpoch}`;
  return sendCommand(s, ri, ["PUBLISH", SENTINEL_HELLO_CHANNEL, payload], "publish", ctx);
}

/**
 * sentinelGetCurrentMasterAddress: the promoted replica's address once the failover has reached
 * RECONF_SLAVES, else the master's.
 */
export function currentMasterPort(s: SentinelState): number {
  const m = s.master;
  if ((m.flags & SRI_FAILOVER_IN_PROGRESS) !== 0 && m.promotedSlave !== null && (m.failoverState === "reconf_slaves" || m.failoverState === "update_config")) {
    const promoted = m.slaves.find((r) => r.name === m.promotedSlave);
    if (promoted !== undefined) return promoted.port;
  }
  return m.port;
}

/**
 * sentinelCheckSubjectivelyDown's first half: close a command link that has been waiting for a
 * PONG more than down_after/2, and a pub/sub link silent for 3 publish periods (both only once
 * the link is 15 s old).
 */
export function closeDeadLinks(ri: Sri, now: number, ctx: SentinelCtx): void {
  const link = ri.link;
  if (
    link.cc !== null &&
    now - link.ccConnTime > SENTINEL_MIN_LINK_RECONNECT_PERIOD_MS &&
    link.actPingTime !== 0 &&
    now - link.actPingTime > ri.downAfterMs / 2 &&
    now - link.lastPongTime > ri.downAfterMs / 2
  ) {
    closeLinkConnection(ri, "cc", ctx);
  }
  if (link.pc !== null && now - link.pcConnTime > SENTINEL_MIN_LINK_RECONNECT_PERIOD_MS && now - link.pcLastActivity > SENTINEL_PUBLISH_PERIOD_MS * 3) {
    closeLinkConnection(ri, "pc", ctx);
  }
}

/** The instance and which of its connections `conn` is, if it is one of ours. */
export function findLink(s: SentinelState, conn: ConnId): { ri: Sri; which: "cc" | "pc" } | null {
  for (const ri of allInstances(s)) {
    if (ri.link.cc === conn) return { ri, which: "cc" };
    if (ri.link.pc === conn) return { ri, which: "pc" };
  }
  return null;
}

/** A reply as a plain string (status or bulk), or null. */
export function replyText(reply: Reply): string | null {
  if (reply.kind === "status" || reply.kind === "error") return reply.text;
  if (reply.kind === "bulk") return reply.text;
  return null;
}
