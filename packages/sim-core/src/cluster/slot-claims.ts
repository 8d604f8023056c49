import { CLUSTER_SLOTS } from "../redis-constants";

/**
 * Claims on ranges of slots, and who wins each slot. Two readers need the same rule: a client
 * reading `CLUSTER NODES` (each master's line claims its ranges) and the durability check looking
 * for each key's final owner (each live master claims the slots of its own table). A slot claimed
 * twice goes to the higher config epoch, as it does between Redis Cluster nodes once they hear of
 * each other (cluster.c:clusterUpdateSlotsConfigWith); between equal epochs, to the claim listed
 * first.
 */

export interface SlotClaim<T> {
  readonly first: number;
  readonly last: number;
  readonly epoch: number;
  readonly owner: T;
}

/** Slots `first`…`last`, all won by `owner`. */
export interface SlotRun<T> {
  readonly first: number;
  readonly last: number;
  readonly owner: T;
}

/**
 * Every claimed slot's winner, as sorted, disjoint runs (adjacent runs may share an owner). A
 * settled cluster claims each slot once, and then the claims, sorted, are the runs; otherwise
 * the claims are settled slot by slot. Ends are clamped to whole slots within 0…16383.
 */
export function settleSlotClaims<T>(claims: readonly SlotClaim<T>[]): SlotRun<T>[] {
  // Array.prototype.sort is stable: claims that start on the same slot stay in listed order.
  const sorted = [...claims].sort((a, b) => a.first - b.first);
  const whole = sorted.every((c) => Number.isInteger(c.first) && Number.isInteger(c.last) && c.first >= 0 && c.last < CLUSTER_SLOTS);
  if (whole && disjointWhenSorted(sorted)) return sorted.filter((c) => c.first <= c.last).map(({ first, last, owner }) => ({ first, last, owner }));

  const winner = new Int32Array(CLUSTER_SLOTS).fill(-1);
  claims.forEach((c, index) => {
    const last = Math.min(Math.floor(c.last), CLUSTER_SLOTS - 1);
    for (let slot = Math.max(0, Math.ceil(c.first)); slot <= last; slot++) {
      const held = winner[slot]!;
      if (held < 0 || c.epoch > claims[held]!.epoch) winner[slot] = index;
    }
  });
  const runs: SlotRun<T>[] = [];
  let start = 0;
  for (let slot = 1; slot <= CLUSTER_SLOTS; slot++) {
    if (slot < CLUSTER_SLOTS && winner[slot] === winner[start]) continue;
    if (winner[start]! >= 0) runs.push({ first: start, last: slot - 1, owner: claims[winner[start]!]!.owner });
    start = slot;
  }
  return runs;
}

/** Whether ranges sorted by their first slot leave no slot to two of them. */
export function disjointWhenSorted(sorted: readonly { readonly first: number; readonly last: number }[]): boolean {
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.first <= sorted[i - 1]!.last) return false;
  return true;
}

/** The index of the run holding `slot` among sorted, disjoint runs (binary search), or -1. */
export function runHolding(runs: readonly { readonly first: number; readonly last: number }[], slot: number): number {
  let lo = 0;
  let hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const run = runs[mid]!;
    if (slot < run.first) hi = mid - 1;
    else if (slot > run.last) lo = mid + 1;
    else return mid;
  }
  return -1;
}
