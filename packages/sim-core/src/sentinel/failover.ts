import { emitOn, sendCommand, type SentinelCtx } from "./links";
import { getLeader } from "./election";
import { resetMasterAndChangeAddress } from "./instances";
import {
  SENTINEL_INFO_PERIOD_MS,
  SENTINEL_ELECTION_TIMEOUT_MS,
  SENTINEL_MAX_DESYNC_MS,
  SENTINEL_PING_PERIOD_MS,
  SENTINEL_SLAVE_RECONF_TIMEOUT_MS,
  SRI_FAILOVER_IN_PROGRESS,
  SRI_FORCE_FAILOVER,
  SRI_O_DOWN,
  SRI_PROMOTED,
  SRI_RECONF_DONE,
  SRI_RECONF_INPROG,
  SRI_RECONF_SENT,
  SRI_S_DOWN,
  failoverStateIndex,
  isDisconnected,
  type SentinelState,
  type Sri,
} from "./state";

/**
 * The failover (sentinel.c: sentinelStartFailoverIfNeeded, sentinelStartFailover,
 * sentinelFailoverStateMachine and its states, sentinelSelectSlave, sentinelAbortFailover,
 * sentinelFailoverSwitchToPromotedSlave, sentinelSendSlaveOf), §7, §9, §10.
 */

/**
 * sentinelSendSlaveOf: MULTI, SLAVEOF, CONFIG REWRITE, CLIENT KILL TYPE normal, CLIENT KILL TYPE
 * pubsub, EXEC, pipelined on the command link; replies discarded. `port` null is NO ONE.
 */
export function sendSlaveOf(s: SentinelState, ri: Sri, port: number | null, ctx: SentinelCtx): boolean {
  if (ri.link.cc === null) return false;
  const target = port === null ? ["NO", "ONE"] : ["127.0.0.1", String(port)];
  for (const argv of [["MULTI"], ["SLAVEOF", ...target], ["CONFIG", "REWRITE"], ["CLIENT", "KILL", "TYPE", "normal"], ["CLIENT", "KILL", "TYPE", "pubsub"], ["EXEC"]]) {
    sendCommand(s, ri, argv, "discard", ctx);
  }
  return true;
}

/**
 * sentinelStartFailoverIfNeeded: ODOWN, no failover running, and none started (or voted for
 * another Sentinel) within 2 × failover-timeout — else log when the next may start, once.
 */
export function startFailoverIfNeeded(s: SentinelState, now: number, ctx: SentinelCtx): boolean {
  const m = s.master;
  if ((m.flags & SRI_O_DOWN) === 0) return false;
  if ((m.flags & SRI_FAILOVER_IN_PROGRESS) !== 0) return false;
  if (now - m.failoverStartTime < m.failoverTimeoutMs * 2) {
    if (m.failoverDelayLogged !== m.failoverStartTime) {
      m.failoverDelayLogged = m.failoverStartTime;
      ctx.emit({ type: "nextFailoverDelay", notBeforeMs: m.failoverStartTime + m.failoverTimeoutMs * 2 });
    }
    return false;
  }
  startFailover(s, now, ctx);
  return true;
}

/** sentinelStartFailover: a new epoch, WAIT_START, and a start time moved by up to a second. */
export function startFailover(s: SentinelState, now: number, ctx: SentinelCtx): void {
  const m = s.master;
  m.failoverState = "wait_start";
  m.flags |= SRI_FAILOVER_IN_PROGRESS;
  m.failoverEpoch = ++s.currentEpoch;
  ctx.emit({ type: "newEpoch", epoch: s.currentEpoch });
  emitOn(s, ctx, "tryFailover", m);
  m.failoverStartTime = now + ctx.rng("failover-desync").int(SENTINEL_MAX_DESYNC_MS);
  m.failoverStateChangeTime = now;
}

/** sentinelFailoverStateMachine: one state handler per tick. */
export function failoverStateMachine(s: SentinelState, now: number, ctx: SentinelCtx): void {
  const m = s.master;
  if ((m.flags & SRI_FAILOVER_IN_PROGRESS) === 0) return;
  switch (m.failoverState) {
    case "wait_start":
      return failoverWaitStart(s, now, ctx);
    case "select_slave":
      return failoverSelectSlave(s, now, ctx);
    case "send_slaveof_noone":
      return failoverSendSlaveOfNoOne(s, now, ctx);
    case "wait_promotion":
      return failoverWaitPromotion(s, now, ctx);
    case "reconf_slaves":
      return failoverReconfNextSlave(s, now, ctx);
    default:
      return;
  }
}

/** sentinelFailoverWaitStart: lead, or give up after min(10 s, failover-timeout). */
function failoverWaitStart(s: SentinelState, now: number, ctx: SentinelCtx): void {
  const m = s.master;
  const leader = getLeader(s, m.failoverEpoch, now, ctx);
  const isLeader = leader !== null && leader.toLowerCase() === s.myId.toLowerCase();
  if (!isLeader && (m.flags & SRI_FORCE_FAILOVER) === 0) {
    const electionTimeout = Math.min(SENTINEL_ELECTION_TIMEOUT_MS, m.failoverTimeoutMs);
    if (now - m.failoverStartTime > electionTimeout) {
      emitOn(s, ctx, "failoverAbortNotElected", m);
      abortFailover(s, now);
    }
    return;
  }
  emitOn(s, ctx, "electedLeader", m);
  m.failoverState = "select_slave";
  m.failoverStateChangeTime = now;
  emitOn(s, ctx, "failoverStateSelectSlave", m);
}

/**
 * sentinelSelectSlave: the candidates (not down, linked, answered PING within 5 s, priority not
 * 0, fresh INFO, master link not down too long), best first by priority, offset, run id.
 */
export function selectSlave(s: SentinelState, now: number): Sri | null {
  const m = s.master;
  let maxMasterDownTime = 0;
  if ((m.flags & SRI_S_DOWN) !== 0) maxMasterDownTime += now - m.sDownSinceTime;
  maxMasterDownTime += m.downAfterMs * 10;
  const infoValidityMs = (m.flags & SRI_S_DOWN) !== 0 ? SENTINEL_PING_PERIOD_MS * 5 : SENTINEL_INFO_PERIOD_MS * 3;
  const candidates = m.slaves.filter(
    (r) =>
      (r.flags & (SRI_S_DOWN | SRI_O_DOWN)) === 0 &&
      !isDisconnected(r) &&
      now - r.link.lastAvailTime <= SENTINEL_PING_PERIOD_MS * 5 &&
      r.slavePriority !== 0 &&
      now - r.infoRefresh <= infoValidityMs &&
      r.masterLinkDownTime <= maxMasterDownTime,
  );
  if (candidates.length === 0) return null;
  candidates.sort(compareSlavesForPromotion);
  return candidates[0]!;
}

/** compareSlavesForPromotion: lower priority, then higher offset, then smaller run id (case-insensitive; none last). */
export function compareSlavesForPromotion(a: Pick<Sri, "slavePriority" | "slaveReplOffset" | "runId">, b: Pick<Sri, "slavePriority" | "slaveReplOffset" | "runId">): number {
  if (a.slavePriority !== b.slavePriority) return a.slavePriority - b.slavePriority;
  if (a.slaveReplOffset > b.slaveReplOffset) return -1;
  if (a.slaveReplOffset < b.slaveReplOffset) return 1;
  if (a.runId === null) return b.runId === null ? 0 : 1;
  if (b.runId === null) return -1;
  const x = a.runId.toLowerCase();
  const y = b.runId.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function failoverSelectSlave(s: SentinelState, now: number, ctx: SentinelCtx): void {
  const m = s.master;
  const slave = selectSlave(s, now);
  if (slave === null) {
    emitOn(s, ctx, "failoverAbortNoGoodSlave", m);
    abortFailover(s, now);
    return;
  }
  emitOn(s, ctx, "selectedSlave", slave);
  slave.flags |= SRI_PROMOTED;
  m.promotedSlave = slave.name;
  m.failoverState = "send_slaveof_noone";
  m.failoverStateChangeTime = now;
  emitOn(s, ctx, "failoverStateSendSlaveofNoone", slave);
}

function promoted(s: SentinelState): Sri | undefined {
  return s.master.slaves.find((r) => r.name === s.master.promotedSlave);
}

function failoverSendSlaveOfNoOne(s: SentinelState, now: number, ctx: SentinelCtx): void {
  const m = s.master;
  const slave = promoted(s)!;
  if (isDisconnected(slave)) {
    if (now - m.failoverStateChangeTime > m.failoverTimeoutMs) {
      emitOn(s, ctx, "failoverAbortSlaveTimeout", m);
      abortFailover(s, now);
    }
    return;
  }
  if (!sendSlaveOf(s, slave, null, ctx)) return;
  emitOn(s, ctx, "failoverStateWaitPromotion", slave);
  m.failoverState = "wait_promotion";
  m.failoverStateChangeTime = now;
}

/** sentinelFailoverWaitPromotion: only the timeout; the promotion itself is seen in INFO. */
function failoverWaitPromotion(s: SentinelState, now: number, ctx: SentinelCtx): void {
  const m = s.master;
  if (now - m.failoverStateChangeTime > m.failoverTimeoutMs) {
    emitOn(s, ctx, "failoverAbortSlaveTimeout", m);
    abortFailover(s, now);
  }
}

/** sentinelFailoverReconfNextSlave: at most parallel-syncs replicas between REPLICAOF and link up. */
function failoverReconfNextSlave(s: SentinelState, now: number, ctx: SentinelCtx): void {
  const m = s.master;
  const target = promoted(s)!;
  let inProgress = m.slaves.filter((r) => (r.flags & (SRI_RECONF_SENT | SRI_RECONF_INPROG)) !== 0).length;
  for (const slave of m.slaves) {
    if (inProgress >= m.parallelSyncs) break;
    if ((slave.flags & (SRI_PROMOTED | SRI_RECONF_DONE)) !== 0) continue;
    // Inside the loop, as in 7.0.15: with parallel-syncs slots all taken this never runs.
    if ((slave.flags & SRI_RECONF_SENT) !== 0 && now - slave.slaveReconfSentTime > SENTINEL_SLAVE_RECONF_TIMEOUT_MS) {
      emitOn(s, ctx, "slaveReconfSentTimeout", slave);
      slave.flags = (slave.flags & ~SRI_RECONF_SENT) | SRI_RECONF_DONE;
    }
    if ((slave.flags & (SRI_RECONF_SENT | SRI_RECONF_INPROG)) !== 0) continue;
    if (isDisconnected(slave)) continue;
    if (sendSlaveOf(s, slave, target.port, ctx)) {
      slave.flags |= SRI_RECONF_SENT;
      slave.slaveReconfSentTime = now;
      emitOn(s, ctx, "slaveReconfSent", slave);
      inProgress++;
    }
  }
  failoverDetectEnd(s, now, ctx);
}

/** sentinelFailoverDetectEnd: every reachable replica done, or failover-timeout since the promotion. */
function failoverDetectEnd(s: SentinelState, now: number, ctx: SentinelCtx): void {
  const m = s.master;
  const target = promoted(s);
  if (target === undefined || (target.flags & SRI_S_DOWN) !== 0) return;
  let notReconfigured = m.slaves.filter((r) => (r.flags & (SRI_PROMOTED | SRI_RECONF_DONE)) === 0 && (r.flags & SRI_S_DOWN) === 0).length;
  let timeout = false;
  if (now - m.failoverStateChangeTime > m.failoverTimeoutMs) {
    notReconfigured = 0;
    timeout = true;
    emitOn(s, ctx, "failoverEndForTimeout", m);
  }
  if (notReconfigured === 0) {
    emitOn(s, ctx, "failoverEnd", m);
    m.failoverState = "update_config";
    m.failoverStateChangeTime = now;
  }
  if (timeout) {
    for (const slave of m.slaves) {
      if ((slave.flags & (SRI_PROMOTED | SRI_RECONF_DONE | SRI_RECONF_SENT)) !== 0) continue;
      if (isDisconnected(slave)) continue;
      if (sendSlaveOf(s, slave, target.port, ctx)) {
        emitOn(s, ctx, "slaveReconfSentBe", slave);
        slave.flags |= SRI_RECONF_SENT;
      }
    }
  }
}

/** sentinelAbortFailover: only before the promotion; failover_start_time is kept (the retry gate). */
export function abortFailover(s: SentinelState, now: number): void {
  const m = s.master;
  if (failoverStateIndex(m.failoverState) > failoverStateIndex("wait_promotion")) throw new Error(`abortFailover in state ${m.failoverState}`);
  m.flags &= ~(SRI_FAILOVER_IN_PROGRESS | SRI_FORCE_FAILOVER);
  m.failoverState = "none";
  m.failoverStateChangeTime = now;
  const slave = promoted(s);
  if (slave !== undefined) slave.flags &= ~SRI_PROMOTED;
  m.promotedSlave = null;
}

/** sentinelFailoverSwitchToPromotedSlave: `+switch-master`, then reset onto the new address. */
export function switchToPromotedSlave(s: SentinelState, now: number, ctx: SentinelCtx): void {
  const m = s.master;
  const newPort = promoted(s)?.port ?? m.port;
  ctx.emit({ type: "switchMaster", masterName: m.name, oldIp: "127.0.0.1", oldPort: m.port, newIp: "127.0.0.1", newPort });
  resetMasterAndChangeAddress(s, newPort, now, ctx);
}
