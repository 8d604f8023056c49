import { CLUSTER_SLOTS } from "../redis-constants";
import type { SlotRanges } from "./slots";
import { unwrapRecorded } from "../trace/patch-recorder";
import type { SlotRun } from "./slot-claims";

/**
 * A node's slot table (clusterState.slots): the owner of each of the 16384 slots, or null.
 *
 * It is kept in 128 chunks of 128 slots, so that a change in trace mode records one chunk, not
 * 16384 entries (a reshard changes the table thousands of times). A chunk whose slots all have
 * one owner is kept as that owner alone (a node id, or null); it becomes an array of 128 owners
 * at its first change that splits it. A settled cluster's tables are then 128 entries each
 * instead of 16384: a run of a sweep builds six of them, the 1000-node bench a thousand, and the
 * checkers' scans step over whole chunks.
 */
export type SlotTable = SlotChunk[];
type SlotChunk = string | null | (string | null)[];

const CHUNK_BITS = 7;
const CHUNK_SLOTS = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SLOTS - 1;
const CHUNKS = CLUSTER_SLOTS / CHUNK_SLOTS;

/** Is the chunk one owner for all its slots (an id or null), rather than an array of them? */
function isUniform(chunk: SlotChunk): chunk is string | null {
  return chunk === null || typeof chunk === "string";
}

/** A chunk's 128 owners as an array, every one `owner` (built element by element: a packed array). */
function expanded(owner: string | null): (string | null)[] {
  const out: (string | null)[] = [];
  for (let i = 0; i < CHUNK_SLOTS; i++) out.push(owner);
  return out;
}

export function emptySlotTable(): SlotTable {
  const table: SlotTable = [];
  for (let c = 0; c < CHUNKS; c++) table.push(null);
  return table;
}

/**
 * Gives slots first…last to `owner`, a chunk at a time: for loading a table at boot
 * (clusterLoadConfig), outside any handler. Handlers go through setSlotOwner.
 */
export function loadSlotRange(table: SlotTable, first: number, last: number, owner: string): void {
  for (let slot = first; slot <= last; ) {
    const c = slot >> CHUNK_BITS;
    const from = slot & CHUNK_MASK;
    const to = Math.min(CHUNK_SLOTS, from + (last - slot) + 1);
    if (from === 0 && to === CHUNK_SLOTS) {
      table[c] = owner;
    } else {
      const chunk = table[c]!;
      const owners = isUniform(chunk) ? (table[c] = expanded(chunk)) : chunk;
      owners.fill(owner, from, to);
    }
    slot += to - from;
  }
}

/** The owner of `slot`, or null. */
export function slotOwnerOf(table: SlotTable, slot: number): string | null {
  // A read: in trace mode it may skip the recording proxies (loops over all 16384 slots call it).
  const chunk = unwrapRecorded(table)[slot >> CHUNK_BITS]!;
  return isUniform(chunk) ? chunk : (chunk[slot & CHUNK_MASK] ?? null);
}

export function setSlotOwner(table: SlotTable, slot: number, owner: string | null): void {
  const c = slot >> CHUNK_BITS;
  const chunk = table[c]!;
  // Only a real change touches the chunk (and so makes trace mode record it).
  if (isUniform(chunk)) {
    if (chunk === owner) return;
    const owners = expanded(chunk);
    owners[slot & CHUNK_MASK] = owner;
    table[c] = owners;
    return;
  }
  if (chunk[slot & CHUNK_MASK] !== owner) chunk[slot & CHUNK_MASK] = owner;
}

/** Every slot's owner as one flat array (a copy): for reads that visit all 16384 slots. */
export function flatSlotOwners(tableOrProxy: SlotTable): (string | null)[] {
  const table = unwrapRecorded(tableOrProxy);
  const out = new Array<string | null>(CLUSTER_SLOTS);
  for (let c = 0, slot = 0; c < CHUNKS; c++) {
    const chunk = table[c]!;
    for (let i = 0; i < CHUNK_SLOTS; i++) out[slot++] = isUniform(chunk) ? chunk : (chunk[i] ?? null);
  }
  return out;
}

/** Whether two tables give every slot the same owner (chunk by chunk, no copies). */
export function sameSlotOwners(aOrProxy: SlotTable, bOrProxy: SlotTable): boolean {
  const a = unwrapRecorded(aOrProxy);
  const b = unwrapRecorded(bOrProxy);
  for (let c = 0; c < CHUNKS; c++) {
    const ca = a[c]!;
    const cb = b[c]!;
    if (ca === cb) continue;
    const ua = isUniform(ca);
    const ub = isUniform(cb);
    if (ua && ub) return false;
    for (let i = 0; i < CHUNK_SLOTS; i++) {
      const oa = ua ? ca : (ca[i] ?? null);
      const ob = ub ? cb : (cb[i] ?? null);
      if (oa !== ob) return false;
    }
  }
  return true;
}

/** The table as runs of one owner, in slot order: a settled cluster's table is a handful of them. */
export function slotOwnerRuns(tableOrProxy: SlotTable): SlotRun<string | null>[] {
  const table = unwrapRecorded(tableOrProxy);
  const runs: SlotRun<string | null>[] = [];
  let first = 0;
  let owner = slotOwnerOf(table, 0);
  const visit = (slot: number, o: string | null): void => {
    if (o === owner) return;
    runs.push({ first, last: slot - 1, owner });
    first = slot;
    owner = o;
  };
  for (let c = 0, slot = 0; c < CHUNKS; c++, slot += CHUNK_SLOTS) {
    const chunk = table[c]!;
    if (isUniform(chunk)) visit(slot, chunk);
    else for (let i = 0; i < CHUNK_SLOTS; i++) visit(slot + i, chunk[i] ?? null);
  }
  runs.push({ first, last: CLUSTER_SLOTS - 1, owner });
  return runs;
}

/** SlotRanges of the slots `owner` holds in the table. */
export function rangesOwnedInTable(tableOrProxy: SlotTable, owner: string): SlotRanges {
  const out: [number, number][] = [];
  for (const run of slotOwnerRuns(tableOrProxy)) if (run.owner === owner) out.push([run.first, run.last]);
  return out;
}
