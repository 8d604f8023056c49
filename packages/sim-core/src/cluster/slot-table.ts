import { CLUSTER_SLOTS } from "../redis-constants";
import type { SlotRanges } from "./slots";
import { unwrapRecorded } from "../trace/patch-recorder";

/**
 * A node's slot table (clusterState.slots): the owner of each of the 16384 slots, or null. It is
 * kept in chunks of 128 slots so that a change copies one chunk, not 16384 entries, when a
 * handler runs under immer in trace mode — a reshard changes the table thousands of times.
 */
export type SlotTable = (string | null)[][];

const CHUNK_BITS = 7;
const CHUNK_SLOTS = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SLOTS - 1;

/**
 * An empty chunk to copy. Built element by element, so that it and its copies are packed arrays
 * (`new Array(n).fill(…)` stays holey, and every read of a holey array checks for a hole).
 */
const EMPTY_CHUNK: readonly (string | null)[] = Array.from({ length: CHUNK_SLOTS }, () => null);

export function emptySlotTable(): SlotTable {
  const table: SlotTable = [];
  for (let c = 0; c < CLUSTER_SLOTS / CHUNK_SLOTS; c++) table.push(EMPTY_CHUNK.slice());
  return table;
}

/**
 * Gives slots first…last to `owner`, a chunk at a time: for loading a table at boot
 * (clusterLoadConfig), outside any handler. Handlers go through setSlotOwner, which touches a
 * chunk only when a slot really changes.
 */
export function loadSlotRange(table: SlotTable, first: number, last: number, owner: string): void {
  for (let slot = first; slot <= last; ) {
    const chunk = table[slot >> CHUNK_BITS]!;
    const from = slot & CHUNK_MASK;
    const to = Math.min(CHUNK_SLOTS, from + (last - slot) + 1);
    chunk.fill(owner, from, to);
    slot += to - from;
  }
}

/** The owner of `slot`, or null. */
export function slotOwnerOf(table: SlotTable, slot: number): string | null {
  // A read: in trace mode it may skip the recording proxies (loops over all 16384 slots call it).
  return unwrapRecorded(table)[slot >> CHUNK_BITS]![slot & CHUNK_MASK] ?? null;
}

/** Every slot's owner as one flat array (a copy): for reads that visit all 16384 slots. */
export function flatSlotOwners(tableOrProxy: SlotTable): (string | null)[] {
  const table = unwrapRecorded(tableOrProxy);
  const out = new Array<string | null>(CLUSTER_SLOTS);
  for (let c = 0, slot = 0; c < table.length; c++) {
    const chunk = table[c]!;
    for (let i = 0; i < CHUNK_SLOTS; i++) out[slot++] = chunk[i] ?? null;
  }
  return out;
}

/** Whether two tables give every slot the same owner (chunk by chunk, no copies). */
export function sameSlotOwners(aOrProxy: SlotTable, bOrProxy: SlotTable): boolean {
  const a = unwrapRecorded(aOrProxy);
  const b = unwrapRecorded(bOrProxy);
  for (let c = 0; c < a.length; c++) {
    const ca = a[c]!;
    const cb = b[c]!;
    if (ca === cb) continue;
    for (let i = 0; i < CHUNK_SLOTS; i++) if ((ca[i] ?? null) !== (cb[i] ?? null)) return false;
  }
  return true;
}

/** A run of consecutive slots with one owner (or none). */
export interface SlotOwnerRun {
  readonly first: number;
  readonly last: number;
  readonly owner: string | null;
}

/** The table as runs of one owner, in slot order: a settled cluster's table is a handful of them. */
export function slotOwnerRuns(tableOrProxy: SlotTable): SlotOwnerRun[] {
  const table = unwrapRecorded(tableOrProxy);
  const runs: SlotOwnerRun[] = [];
  let first = 0;
  let owner = table[0]![0] ?? null;
  for (let c = 0, slot = 0; c < table.length; c++) {
    const chunk = table[c]!;
    for (let i = 0; i < CHUNK_SLOTS; i++, slot++) {
      const o = chunk[i] ?? null;
      if (o === owner) continue;
      runs.push({ first, last: slot - 1, owner });
      first = slot;
      owner = o;
    }
  }
  runs.push({ first, last: CLUSTER_SLOTS - 1, owner });
  return runs;
}

export function setSlotOwner(table: SlotTable, slot: number, owner: string | null): void {
  const chunk = table[slot >> CHUNK_BITS]!;
  // Only a real change touches the chunk (and so makes immer copy it).
  if (chunk[slot & CHUNK_MASK] !== owner) chunk[slot & CHUNK_MASK] = owner;
}

/** SlotRanges of the slots `owner` holds in the table. */
export function rangesOwnedInTable(tableOrProxy: SlotTable, owner: string): SlotRanges {
  const table = unwrapRecorded(tableOrProxy);
  const out: [number, number][] = [];
  let start = -1;
  for (let slot = 0; slot <= CLUSTER_SLOTS; slot++) {
    const mine = slot < CLUSTER_SLOTS && table[slot >> CHUNK_BITS]![slot & CHUNK_MASK] === owner;
    if (mine && start < 0) start = slot;
    else if (!mine && start >= 0) {
      out.push([start, slot - 1]);
      start = -1;
    }
  }
  return out;
}
