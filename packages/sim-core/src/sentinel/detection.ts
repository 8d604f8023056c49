import type { Reply } from "../client/protocol";
import { closeDeadLinks, emitOn, sendCommand, type SentinelCtx } from "./links";
import { voteLeader } from "./election";
import {
  SENTINEL_ASK_PERIOD_MS,
  SRI_MASTER,
  SRI_MASTER_DOWN,
  SRI_O_DOWN,
  SRI_S_DOWN,
  instanceRef,
  isDisconnected,
  type SentinelState,
  type Sri,
} from "./state";

/**
 * Failure detection (sentinel.c: sentinelPingReplyCallback, sentinelCheckSubjectivelyDown,
 * sentinelCheckObjectivelyDown, sentinelAskMasterStateToOtherSentinels,
 * sentinelReceiveIsMasterDownReply, and the is-master-down-by-addr command), §4–5.
 */

/** sentinelPingReplyCallback: PONG, LOADING and MASTERDOWN count as the instance being available. */
export function onPingReply(ri: Sri, reply: Reply, now: number): void {
  const text = reply.kind === "status" || reply.kind === "error" ? reply.text : "";
  if (text.startsWith("PONG") || text.startsWith("LOADING") || text.startsWith("MASTERDOWN")) {
    ri.link.lastAvailTime = now;
    ri.link.actPingTime = 0;
  }
  ri.link.lastPongTime = now;
}

/**
 * sentinelCheckSubjectivelyDown: no valid PING reply for more than down-after-milliseconds, or a
 * master that has been reporting itself a replica for down-after + 2 INFO periods.
 */
export function checkSubjectivelyDown(s: SentinelState, ri: Sri, now: number, ctx: SentinelCtx): void {
  const link = ri.link;
  let elapsed = 0;
  if (link.actPingTime !== 0) elapsed = now - link.actPingTime;
  else if (isDisconnected(ri)) elapsed = now - link.lastAvailTime;
  closeDeadLinks(ri, now, ctx);
  const down =
    elapsed > ri.downAfterMs ||
    ((ri.flags & SRI_MASTER) !== 0 && ri.roleReported === "slave" && now - ri.roleReportedTime > ri.downAfterMs + 2 * 10_000);
  if (down) {
    if ((ri.flags & SRI_S_DOWN) === 0) {
      emitOn(s, ctx, "sdown", ri);
      ri.sDownSinceTime = now;
      ri.flags |= SRI_S_DOWN;
    }
  } else if ((ri.flags & SRI_S_DOWN) !== 0) {
    emitOn(s, ctx, "sdownCleared", ri);
    ri.flags &= ~SRI_S_DOWN;
  }
}

/** The number of Sentinels, ourselves included, that say the master is down (0 if we do not). */
export function odownCount(s: SentinelState): number {
  const m = s.master;
  if ((m.flags & SRI_S_DOWN) === 0) return 0;
  // We count ourselves.
  return 1 + m.sentinels.filter((si) => (si.flags & SRI_MASTER_DOWN) !== 0).length;
}

/** sentinelCheckObjectivelyDown: ODOWN when at least `quorum` Sentinels (us included) say SDOWN. */
export function checkObjectivelyDown(s: SentinelState, now: number, ctx: SentinelCtx): void {
  const m = s.master;
  const count = odownCount(s);
  const odown = count > 0 && count >= m.quorum;
  if (odown) {
    if ((m.flags & SRI_O_DOWN) === 0) {
      ctx.emit({ type: "odown", instance: instanceRef(s, m), count, quorum: m.quorum });
      m.flags |= SRI_O_DOWN;
      m.oDownSinceTime = now;
    }
  } else if ((m.flags & SRI_O_DOWN) !== 0) {
    emitOn(s, ctx, "odownCleared", m);
    m.flags &= ~SRI_O_DOWN;
  }
}

/**
 * sentinelAskMasterStateToOtherSentinels: expire answers older than 5 ask periods; while we hold
 * SDOWN, ask every connected peer once a second (or now, when `forced`), with our run id when we
 * are in a failover (a vote request) and `*` otherwise.
 */
export function askMasterStateToOtherSentinels(s: SentinelState, now: number, forced: boolean, ctx: SentinelCtx): void {
  const m = s.master;
  for (const si of m.sentinels) {
    const elapsed = now - si.lastMasterDownReplyTime;
    if (elapsed > SENTINEL_ASK_PERIOD_MS * 5) {
      si.flags &= ~SRI_MASTER_DOWN;
      si.leader = null;
    }
    if ((m.flags & SRI_S_DOWN) === 0) continue;
    if (isDisconnected(si)) continue;
    if (!forced && elapsed < SENTINEL_ASK_PERIOD_MS) continue;
    const runId = m.failoverState !== "none" ? s.myId : "*";
    sendCommand(s, si, ["SENTINEL", "is-master-down-by-addr", "127.0.0.1", String(m.port), String(s.currentEpoch), runId], "isMasterDown", ctx);
  }
}

/** sentinelReceiveIsMasterDownReply: only `[int, string, int]` is taken. */
export function onIsMasterDownReply(si: Sri, reply: Reply, now: number, ctx: SentinelCtx): void {
  if (reply.kind !== "array" || reply.items.length !== 3) return;
  const [down, leader, epoch] = reply.items;
  if (down!.kind !== "integer" || leader!.kind !== "bulk" || leader!.text === null || epoch!.kind !== "integer") return;
  si.lastMasterDownReplyTime = now;
  if (down!.value === 1) si.flags |= SRI_MASTER_DOWN;
  else si.flags &= ~SRI_MASTER_DOWN;
  if (leader!.text !== "*") {
    if (si.leaderEpoch !== epoch!.value) ctx.emit({ type: "peerVoted", peer: si.name, leader: leader!.text, epoch: epoch!.value });
    si.leader = leader!.text;
    si.leaderEpoch = epoch!.value;
  }
}

/**
 * SENTINEL is-master-down-by-addr <ip> <port> <epoch> <runid|*> (sentinelCommand): isdown is ours
 * (never in TILT); a run id asks for our vote, which is given even in TILT.
 */
export function isMasterDownByAddr(s: SentinelState, port: number, reqEpoch: number, runId: string, now: number, ctx: SentinelCtx): Reply {
  const m = s.master;
  const found = m.port === port ? m : null;
  const isDown = !s.tilt && found !== null && (found.flags & SRI_MASTER) !== 0 && (found.flags & SRI_S_DOWN) !== 0 ? 1 : 0;
  let leader: string | null = null;
  let leaderEpoch = 0;
  if (found !== null && runId !== "*") {
    const vote = voteLeader(s, reqEpoch, runId, now, ctx);
    leader = vote.leader;
    leaderEpoch = vote.epoch;
  }
  return {
    kind: "array",
    items: [
      { kind: "integer", value: isDown },
      { kind: "bulk", text: leader ?? "*" },
      { kind: "integer", value: leaderEpoch },
    ],
  };
}
