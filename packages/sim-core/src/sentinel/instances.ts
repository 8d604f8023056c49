import { closeLinkConnection, emitOn, type SentinelCtx } from "./links";
import {
  SRI_MASTER,
  SRI_O_DOWN,
  SRI_S_DOWN,
  SRI_SENTINEL,
  SRI_SLAVE,
  createInstanceLink,
  createSri,
  replicaName,
  type SentinelState,
  type Sri,
} from "./state";

/**
 * The instance tables of one master (sentinel.c: createSentinelRedisInstance,
 * sentinelResetMaster, sentinelResetMasterAndChangeAddress) and two helpers the rules share.
 */

/**
 * Inserts into a "dict" at a seeded position: Redis's dicts iterate in an order that is
 * pseudo-random per process (the hash seed), which decides vote ties and reconfiguration order.
 */
function dictInsert<T>(list: T[], item: T, ctx: Pick<SentinelCtx, "rng">): void {
  list.splice(ctx.rng("dict-order").int(list.length + 1), 0, item);
}

export function addSlave(s: SentinelState, port: number, now: number, ctx: Pick<SentinelCtx, "rng">): Sri {
  const slave = createSri(SRI_SLAVE, replicaName(port), port, s.master.downAfterMs, now);
  dictInsert(s.master.slaves, slave, ctx);
  return slave;
}

export function addSentinel(s: SentinelState, runId: string, port: number, now: number, ctx: Pick<SentinelCtx, "rng">): Sri {
  const si = createSri(SRI_SENTINEL, runId, port, s.master.downAfterMs, now);
  si.runId = runId;
  dictInsert(s.master.sentinels, si, ctx);
  return si;
}

/**
 * sentinelMasterLooksSane: our master is a master, says so in INFO, is neither SDOWN nor ODOWN,
 * and its INFO is less than 2 INFO periods old.
 */
export function masterLooksSane(s: SentinelState, now: number): boolean {
  const m = s.master;
  return (m.flags & SRI_MASTER) !== 0 && m.roleReported === "master" && (m.flags & (SRI_S_DOWN | SRI_O_DOWN)) === 0 && now - m.infoRefresh < 10_000 * 2;
}

/**
 * sentinelRedisInstanceNoDownFor: the instance last *entered* SDOWN or ODOWN more than `ms` ago
 * (or never did). s_down_since_time is not cleared by -sdown.
 */
export function noDownFor(ri: Sri, ms: number, now: number): boolean {
  const t = Math.max(ri.sDownSinceTime, ri.oDownSinceTime);
  return t === 0 || now - t > ms;
}

/**
 * sentinelResetMaster(master, SENTINEL_RESET_NO_SENTINELS): replicas dropped, sentinels kept,
 * links closed, flags back to MASTER (no -sdown/-odown), vote, failover and runid forgotten.
 */
export function resetMaster(s: SentinelState, now: number, ctx: SentinelCtx): void {
  const m = s.master;
  for (const slave of m.slaves) {
    closeLinkConnection(slave, "cc", ctx);
    closeLinkConnection(slave, "pc", ctx);
  }
  m.slaves = [];
  closeLinkConnection(m, "cc", ctx);
  closeLinkConnection(m, "pc", ctx);
  m.flags &= SRI_MASTER;
  m.leader = null;
  m.failoverState = "none";
  m.failoverStateChangeTime = 0;
  m.failoverStartTime = 0;
  m.promotedSlave = null;
  m.runId = null;
  m.slaveMasterHost = null;
  m.link = { ...createInstanceLink(now), lastReconnTime: m.link.lastReconnTime };
  m.roleReportedTime = now;
  m.roleReported = "master";
}

/**
 * sentinelResetMasterAndChangeAddress: the new replica list is every old replica but the new
 * master, plus the old master; reset; switch the address; re-create the replicas (`+slave` each).
 */
export function resetMasterAndChangeAddress(s: SentinelState, newPort: number, now: number, ctx: SentinelCtx): void {
  const m = s.master;
  const ports = m.slaves.filter((r) => r.port !== newPort).map((r) => r.port);
  if (newPort !== m.port) ports.push(m.port);
  resetMaster(s, now, ctx);
  m.port = newPort;
  m.oDownSinceTime = 0;
  m.sDownSinceTime = 0;
  for (const port of ports) {
    const slave = addSlave(s, port, now, ctx);
    emitOn(s, ctx, "slaveAdded", slave);
  }
}
