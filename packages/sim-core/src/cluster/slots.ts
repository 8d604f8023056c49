import { CLUSTER_SLOTS } from "../redis-constants";

/**
 * A set of hash slots as sorted, disjoint, non-adjacent inclusive ranges: `[[0, 5460]]`.
 * Values are never changed in place — a new set replaces the old — so one set can be shared by a
 * node's state and the messages it sends, and compared by reference first.
 */
export type SlotRange = readonly [first: number, last: number];
export type SlotRanges = readonly SlotRange[];

export const NO_SLOTS: SlotRanges = [];

/** Normalises any list of slots and ranges into SlotRanges. */
export function slotRanges(parts: readonly (number | readonly [number, number])[]): SlotRanges {
  const ranges = parts
    .map((p): [number, number] => (typeof p === "number" ? [p, p] : [p[0], p[1]]))
    .filter(([a, b]) => a <= b)
    .sort((x, y) => x[0] - y[0]);
  for (const [a, b] of ranges) {
    if (a < 0 || b >= CLUSTER_SLOTS || !Number.isInteger(a) || !Number.isInteger(b)) throw new RangeError(`slot range ${a}-${b} is outside 0-${CLUSTER_SLOTS - 1}`);
  }
  const merged: [number, number][] = [];
  for (const [a, b] of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

export function slotCount(ranges: SlotRanges): number {
  let n = 0;
  for (const [a, b] of ranges) n += b - a + 1;
  return n;
}

export function sameSlots(a: SlotRanges, b: SlotRanges): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false;
  return true;
}

export function hasSlot(ranges: SlotRanges, slot: number): boolean {
  for (const [a, b] of ranges) {
    if (slot < a) return false;
    if (slot <= b) return true;
  }
  return false;
}

export function* eachSlot(ranges: SlotRanges): Generator<number> {
  for (const [a, b] of ranges) for (let s = a; s <= b; s++) yield s;
}

/** `0-5460 10923` as CLUSTER NODES prints a node's slots (single slots without a dash). */
export function formatSlotRanges(ranges: SlotRanges, separator = " "): string {
  return ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(separator);
}

/** SlotRanges of the slots whose entry in a 16384-slot table equals `owner`. */
export function rangesOwnedBy<T>(table: readonly T[], owner: T): SlotRanges {
  const out: [number, number][] = [];
  let start = -1;
  for (let s = 0; s <= table.length; s++) {
    const mine = s < table.length && table[s] === owner;
    if (mine && start < 0) start = s;
    else if (!mine && start >= 0) {
      out.push([start, s - 1]);
      start = -1;
    }
  }
  return out;
}

/**
 * How `redis-cli --cluster create` splits the slots among `masters` (redis-cli.c,
 * clusterManagerCommandCreate): `slots_per_node` is a C float (16384 / masters); the i-th master's
 * range ends at lround(cursor + slots_per_node − 1), the cursor advancing by slots_per_node, and
 * the last master takes the rest. For 3 masters: 0-5460, 5461-10922, 10923-16383.
 */
export function createSplit(masters: number): SlotRanges[] {
  const perNode = Math.fround(CLUSTER_SLOTS / masters);
  let first = 0;
  let cursor = Math.fround(0);
  const out: SlotRanges[] = [];
  for (let i = 0; i < masters; i++) {
    let last = Math.round(Math.fround(cursor + perNode - 1));
    if (last > CLUSTER_SLOTS || i === masters - 1) last = CLUSTER_SLOTS - 1;
    if (last < first) last = first;
    out.push([[first, last]]);
    first = last + 1;
    cursor = Math.fround(cursor + perNode);
  }
  return out;
}

/** `ranges` plus one slot (a new set; `ranges` is left as it was). */
export function withSlot(ranges: SlotRanges, slot: number): SlotRanges {
  if (hasSlot(ranges, slot)) return ranges;
  return slotRanges([...ranges, slot]);
}

/** `ranges` less one slot (a new set; `ranges` is left as it was). */
export function withoutSlot(ranges: SlotRanges, slot: number): SlotRanges {
  if (!hasSlot(ranges, slot)) return ranges;
  const out: [number, number][] = [];
  for (const [a, b] of ranges) {
    if (slot < a || slot > b) out.push([a, b]);
    else {
      if (a < slot) out.push([a, slot - 1]);
      if (slot < b) out.push([slot + 1, b]);
    }
  }
  return out;
}
