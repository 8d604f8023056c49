import {
  CLUSTER_CANT_FAILOVER_QUIET_MS,
  CLUSTER_CANT_FAILOVER_RELOG_PERIOD_S,
  CLUSTER_ELECTION_FIXED_DELAY_MS,
  CLUSTER_ELECTION_RANDOM_DELAY_MS,
  CLUSTER_ELECTION_RANK_DELAY_MS,
  CLUSTER_MIN_AUTH_TIMEOUT_MS,
} from "../redis-constants";
import { broadcast, broadcastPong, buildHeader, type BusCtx } from "./bus";
import { bindSlots, resetManualFailover, setNodeAsMaster } from "./config-update";
import { updateClusterState } from "./cluster-state";
import { MFLAG_FORCEACK, NODE_FAIL, NODE_NOFAILOVER } from "./flags";
import { replicaDataAgeInputs, replicaProcessedOffset, replicationPromote } from "./replication-view";
import {
  TODO_FSYNC_CONFIG,
  TODO_HANDLE_FAILOVER,
  TODO_SAVE_CONFIG,
  TODO_UPDATE_STATE,
  isMaster,
  myself,
  type CantFailoverReason,
  type ClusterNodeState,
} from "./state";

/**
 * A replica's side of a failover (cluster.c: clusterHandleSlaveFailover, clusterGetSlaveRank,
 * clusterLogCantFailover, clusterFailoverReplaceYourMaster): wait a delay that grows with how
 * far behind it is, ask the masters for votes in a new epoch, and take the slots over when a
 * majority agrees.
 */

/**
 * clusterGetSlaveRank: how many other replicas of my master (that may fail over) have seen
 * strictly more of its stream than I have. Equal offsets share a rank.
 */
export function replicaRank(s: ClusterNodeState): number {
  const me = myself(s);
  if (me.replicaOf === null) return 0;
  const myOffset = replicaProcessedOffset(s);
  let rank = 0;
  for (const id of s.nodeOrder) {
    const node = s.nodes[id]!;
    if (id === me.id || node.replicaOf !== me.replicaOf || isMaster(node)) continue;
    if ((node.flags & NODE_NOFAILOVER) !== 0) continue;
    if (node.replOffset > myOffset) rank++;
  }
  return rank;
}

/**
 * clusterLogCantFailover: say why at most once per reason every 300 s, and say nothing during
 * the first node timeout + 5 s after the master's FAIL (the normal wait is not news).
 */
function logCantFailover(s: ClusterNodeState, reason: Exclude<CantFailoverReason, "none">, nodeTimeoutMs: number, nowMs: number, ctx: BusCtx): void {
  const nowS = Math.floor(nowMs / 1000);
  if (reason === s.cantFailoverReason && nowS - s.cantFailoverLastLogS < CLUSTER_CANT_FAILOVER_RELOG_PERIOD_S) return;
  s.cantFailoverReason = reason;
  const master = myself(s).replicaOf === null ? undefined : s.nodes[myself(s).replicaOf!];
  if (master !== undefined && (master.flags & NODE_FAIL) !== 0 && nowMs - master.failTimeMs < nodeTimeoutMs + CLUSTER_CANT_FAILOVER_QUIET_MS) return;
  s.cantFailoverLastLogS = nowS;
  ctx.emit({ type: "cantFailover", reason });
}

/** clusterHandleSlaveFailover: called every cron tick on replicas and from beforeSleep. */
export function handleReplicaFailover(s: ClusterNodeState, nodeTimeoutMs: number, nowMs: number, ctx: BusCtx): void {
  const me = myself(s);
  const authAgeMs = nowMs - s.failoverAuthTimeMs;
  const neededQuorum = Math.floor(s.size / 2) + 1;
  const manual = s.mfEndMs !== 0 && s.mfCanStart;
  const authTimeoutMs = Math.max(nodeTimeoutMs * 2, CLUSTER_MIN_AUTH_TIMEOUT_MS);
  const authRetryTimeMs = authTimeoutMs * 2;
  s.todoBeforeSleep &= ~TODO_HANDLE_FAILOVER;

  const master = me.replicaOf === null ? undefined : s.nodes[me.replicaOf];
  if (
    isMaster(me) ||
    master === undefined ||
    ((master.flags & NODE_FAIL) === 0 && !manual) ||
    (s.config["cluster-replica-no-failover"] && !manual) ||
    master.numSlots === 0
  ) {
    s.cantFailoverReason = "none";
    return;
  }

  // How old my copy of the data is, in whole seconds as Redis counts it; the node timeout is
  // forgiven, since any replica of a failed master has been cut off at least that long.
  const { linkUp, lastInteractionS, downSinceS } = replicaDataAgeInputs(s);
  const nowS = Math.floor(nowMs / 1000);
  let dataAgeMs = (nowS - (linkUp ? lastInteractionS : downSinceS)) * 1000;
  if (dataAgeMs > nodeTimeoutMs) dataAgeMs -= nodeTimeoutMs;
  const validityFactor = s.config["cluster-replica-validity-factor"];
  if (validityFactor !== 0 && dataAgeMs > s.config["repl-ping-replica-period"] * 1000 + nodeTimeoutMs * validityFactor && !manual) {
    logCantFailover(s, "dataAge", nodeTimeoutMs, nowMs, ctx);
    return;
  }

  // Time for a new attempt: schedule it, later for replicas that are further behind.
  if (authAgeMs > authRetryTimeMs) {
    s.failoverAuthTimeMs = nowMs + CLUSTER_ELECTION_FIXED_DELAY_MS + ctx.rng("election").int(CLUSTER_ELECTION_RANDOM_DELAY_MS);
    s.failoverAuthCount = 0;
    s.failoverAuthSent = false;
    s.failoverAuthRank = replicaRank(s);
    s.failoverAuthTimeMs += s.failoverAuthRank * CLUSTER_ELECTION_RANK_DELAY_MS;
    if (s.mfEndMs !== 0) {
      s.failoverAuthTimeMs = nowMs;
      s.failoverAuthRank = 0;
      s.todoBeforeSleep |= TODO_HANDLE_FAILOVER;
    }
    ctx.emit({ type: "electionDelayed", delayMs: s.failoverAuthTimeMs - nowMs, rank: s.failoverAuthRank, offset: replicaProcessedOffset(s) });
    // Tell my siblings my offset, so their ranks are right.
    broadcastPong(s, "localReplicas", ctx, nowMs);
    return;
  }

  // While waiting, a worse rank adds delay; a better one never shortens it.
  if (!s.failoverAuthSent && s.mfEndMs === 0) {
    const newRank = replicaRank(s);
    if (newRank > s.failoverAuthRank) {
      const addedDelayMs = (newRank - s.failoverAuthRank) * CLUSTER_ELECTION_RANK_DELAY_MS;
      s.failoverAuthTimeMs += addedDelayMs;
      s.failoverAuthRank = newRank;
      ctx.emit({ type: "replicaRankUpdated", rank: newRank, addedDelayMs });
    }
  }

  if (nowMs < s.failoverAuthTimeMs) {
    logCantFailover(s, "waitingDelay", nodeTimeoutMs, nowMs, ctx);
    return;
  }
  if (authAgeMs > authTimeoutMs) {
    logCantFailover(s, "expired", nodeTimeoutMs, nowMs, ctx);
    return;
  }

  if (!s.failoverAuthSent) {
    s.currentEpoch++;
    s.failoverAuthEpoch = s.currentEpoch;
    ctx.emit({ type: "electionStarted", epoch: s.currentEpoch });
    // clusterRequestFailoverAuth: to every node with a link; only masters with slots answer.
    broadcast(s, { ...buildHeader(s, s.mfEndMs !== 0 ? MFLAG_FORCEACK : 0), type: "authRequest" }, ctx);
    s.failoverAuthSent = true;
    s.todoBeforeSleep |= TODO_SAVE_CONFIG | TODO_UPDATE_STATE | TODO_FSYNC_CONFIG;
    return;
  }

  if (s.failoverAuthCount >= neededQuorum) {
    ctx.emit({ type: "electionWon", epoch: s.failoverAuthEpoch });
    if (me.configEpoch < s.failoverAuthEpoch) {
      me.configEpoch = s.failoverAuthEpoch;
      ctx.emit({ type: "configEpochSetAfterFailover", epoch: me.configEpoch });
    }
    replaceMyMaster(s, nodeTimeoutMs, nowMs, ctx);
  } else {
    logCantFailover(s, "waitingVotes", nodeTimeoutMs, nowMs, ctx);
  }
}

/**
 * clusterFailoverReplaceYourMaster: become a master, take every slot of the old master, and
 * tell everyone at once with a PONG.
 */
export function replaceMyMaster(s: ClusterNodeState, nodeTimeoutMs: number, nowMs: number, ctx: BusCtx): void {
  const me = myself(s);
  const oldMaster = me.replicaOf === null ? undefined : s.nodes[me.replicaOf];
  if (isMaster(me) || oldMaster === undefined) return;
  setNodeAsMaster(s, me);
  replicationPromote(s, ctx);
  bindSlots(s, me.id, oldMaster.slots);
  updateClusterState(s, nodeTimeoutMs, nowMs, ctx);
  s.todoBeforeSleep |= TODO_SAVE_CONFIG | TODO_FSYNC_CONFIG;
  broadcastPong(s, "all", ctx, nowMs);
  resetManualFailover(s);
}
