import type { ClusterNodeState } from "../cluster/state";
import { CLUSTER_SLOTS } from "../redis-constants";
import { disjointWhenSorted } from "../cluster/slot-claims";
import { clusterNodesOf, isUp } from "./views";
import { msOf, type Finding, type RunView } from "./findings";

/**
 * Safety: rules that must hold at every instant of every run, whatever the faults. A breach is
 * always a `violation`: Redis keeps these rules by construction.
 */

/**
 * At most one replica wins each election epoch. cluster.c:clusterHandleSlaveFailover takes the
 * epoch from currentEpoch + 1 and needs a majority of masters, each voting once per epoch
 * (clusterSendFailoverAuthIfNeeded), so two winners in one epoch would need a double vote.
 */
export function checkOneWinnerPerEpoch(run: RunView): Finding[] {
  const winners = new Map<number, { node: string; atUs: number }[]>();
  for (const r of run.trace) {
    if (r.type !== "electionWon") continue;
    const list = winners.get(r.epoch) ?? [];
    list.push({ node: r.node, atUs: r.atUs });
    winners.set(r.epoch, list);
  }
  const findings: Finding[] = [];
  for (const [epoch, list] of [...winners].sort((a, b) => a[0] - b[0])) {
    if (list.length < 2) continue;
    findings.push({
      property: "oneWinnerPerEpoch",
      kind: "violation",
      message: `${list.length} replicas won the election of epoch ${epoch}: ${list.map((w) => `${w.node} at ${msOf(w.atUs)} ms`).join(", ")}`,
      atMs: msOf(list[1]!.atUs),
    });
  }
  return findings;
}

/**
 * Each master grants at most one failover vote per epoch (cluster.c:clusterSendFailoverAuthIfNeeded,
 * `lastVoteEpoch == currentEpoch` refuses). Read from the voters' authGranted events.
 */
export function checkOneVotePerEpoch(run: RunView): Finding[] {
  const seen = new Map<string, { to: string; atUs: number }>();
  const findings: Finding[] = [];
  for (const r of run.trace) {
    if (r.type !== "authGranted") continue;
    const key = `${r.node}/${r.epoch}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, { to: r.to, atUs: r.atUs });
      continue;
    }
    findings.push({
      property: "oneVotePerEpoch",
      kind: "violation",
      message: `${r.node} voted twice in epoch ${r.epoch}: for ${first.to.slice(0, 8)}… at ${msOf(first.atUs)} ms and for ${r.to.slice(0, 8)}… at ${msOf(r.atUs)} ms`,
      atMs: msOf(r.atUs),
    });
  }
  return findings;
}

/**
 * No two live masters claim one slot with the same configEpoch. Redis breaks configEpoch ties
 * (cluster.c:clusterHandleConfigEpochCollision) precisely so that every slot has one winning
 * claim; two equal claims left at the end of a run mean the tie-break failed.
 */
export function checkSlotOwnerEpochUnique(run: RunView): Finding[] {
  // Each slot's claims as (owner, configEpoch); almost every slot has one, so the first claim
  // lives in typed arrays and only later claims go to a list.
  const firstOwner = new Int32Array(CLUSTER_SLOTS).fill(-1);
  const firstEpoch = new Float64Array(CLUSTER_SLOTS);
  const later = new Map<number, { owner: number; epoch: number }[]>();
  const findings: Finding[] = [];
  const masters = clusterNodesOf(run).filter(({ pid }) => isUp(run, pid));
  // Almost always no two masters claim a slot: then their ranges, sorted, do not overlap and no
  // slot needs a look.
  const claimed: { first: number; last: number }[] = [];
  for (const { state } of masters) {
    const me = state.nodes[state.myId];
    if (me !== undefined && state.replication.masterHost === null) for (const [first, last] of me.slots) claimed.push({ first, last });
  }
  if (disjointWhenSorted(claimed.sort((a, b) => a.first - b.first))) return findings;
  masters.forEach(({ pid, state }, owner) => {
    const me = state.nodes[state.myId];
    if (me === undefined || state.replication.masterHost !== null) return;
    for (const [first, last] of me.slots) {
      for (let slot = first; slot <= last; slot++) {
        if (firstOwner[slot] === -1) {
          firstOwner[slot] = owner;
          firstEpoch[slot] = me.configEpoch;
          continue;
        }
        const claims = [{ owner: firstOwner[slot]!, epoch: firstEpoch[slot]! }, ...(later.get(slot) ?? [])];
        const same = claims.find((c) => c.epoch === me.configEpoch);
        if (same !== undefined) {
          findings.push({
            property: "slotOwnerEpochUnique",
            kind: "violation",
            message: `${masters[same.owner]!.pid} and ${pid} both claim slot ${slot} with configEpoch ${me.configEpoch}`,
            atMs: msOf(run.nowUs),
          });
          return;
        }
        later.set(slot, [...(later.get(slot) ?? []), { owner, epoch: me.configEpoch }]);
      }
    }
  });
  return findings;
}

/**
 * Sentinel: at most one replica promoted per failover epoch, and one leader per epoch
 * (sentinel.c:sentinelVoteLeader grants one vote per epoch; the leader alone promotes).
 * A failover's epoch is the `+new-epoch` its Sentinel logged right before `+try-failover`.
 */
export function checkSentinelOnePromotionPerEpoch(run: RunView): Finding[] {
  const lastEpoch = new Map<string, number>();
  const failoverEpoch = new Map<string, number>();
  const leaders = new Map<number, string[]>();
  const promotions = new Map<number, { node: string; atUs: number }[]>();
  for (const r of run.trace) {
    if (r.type === "newEpoch") lastEpoch.set(r.node, r.epoch);
    else if (r.type === "tryFailover") failoverEpoch.set(r.node, lastEpoch.get(r.node) ?? 0);
    else if (r.type === "electedLeader") {
      const epoch = failoverEpoch.get(r.node) ?? 0;
      leaders.set(epoch, [...(leaders.get(epoch) ?? []), r.node]);
    } else if (r.type === "promotedSlave") {
      const epoch = failoverEpoch.get(r.node) ?? 0;
      promotions.set(epoch, [...(promotions.get(epoch) ?? []), { node: r.node, atUs: r.atUs }]);
    }
  }
  const findings: Finding[] = [];
  for (const [epoch, list] of leaders) {
    if (list.length > 1) findings.push({ property: "sentinelOnePromotionPerEpoch", kind: "violation", message: `Sentinels ${list.join(", ")} were all elected leader of epoch ${epoch}`, atMs: msOf(run.nowUs) });
  }
  for (const [epoch, list] of promotions) {
    if (list.length > 1) {
      findings.push({
        property: "sentinelOnePromotionPerEpoch",
        kind: "violation",
        message: `${list.length} replicas promoted in Sentinel failover epoch ${epoch} (by ${list.map((p) => `${p.node} at ${msOf(p.atUs)} ms`).join(", ")})`,
        atMs: msOf(list[1]!.atUs),
      });
    }
  }
  return findings;
}

export type { ClusterNodeState };
