import type { ConnId } from "../process/model";

/**
 * Open connections by id, as a slot map: an id is a slot index plus a generation, so a send
 * finds its connection with one array read instead of a hash lookup, and the table stays about as
 * small as the number of connections open at once — however many a reconnect storm opens and
 * closes (plus one retired slot per 64 of them, see MAX_GENERATION). A stale id (its slot reused
 * since) never finds the new occupant: the generation differs.
 */
const SLOT_SPACE = 1 << 24;
const SLOT_MASK = SLOT_SPACE - 1;
/**
 * A slot is reused at most this many times, then retired: ids stay below 2^30, small integers to
 * the engine. Past that they would be heap numbers: every id read, compared or used as a key
 * would box and deoptimize the code that handles it — and a dead peer's reconnect attempts,
 * ten a second, reuse one slot over and over. Retiring costs one array entry per 64 connections.
 */
const MAX_GENERATION = 63;

export interface HasConnId {
  readonly id: ConnId;
}

export class ConnectionTable<C extends HasConnId> {
  private readonly slots: (C | undefined)[] = [undefined]; // slot 0 is never used: no id is 0
  private readonly generations: number[] = [0];
  private readonly free: number[] = [];
  private live = 0;

  /** The id the next `add` will use. */
  nextId(): ConnId {
    const index = this.free.length > 0 ? this.free[this.free.length - 1]! : this.slots.length;
    return (this.generations[index] ?? 0) * SLOT_SPACE + index;
  }

  /** Stores a connection made with the id `nextId()` returned. */
  add(conn: C): void {
    const index = this.free.length > 0 ? this.free.pop()! : this.slots.length;
    if (index >= SLOT_SPACE) throw new RangeError(`more than ${SLOT_SPACE - 1} connections open at once`);
    if (index === this.slots.length) {
      this.slots.push(undefined);
      this.generations.push(0);
    }
    if (conn.id !== this.generations[index]! * SLOT_SPACE + index) throw new Error(`connection ${conn.id} was not made with this table's next id`);
    this.slots[index] = conn;
    this.live++;
  }

  get(id: ConnId): C | undefined {
    const conn = this.slots[id & SLOT_MASK];
    return conn !== undefined && conn.id === id ? conn : undefined;
  }

  delete(id: ConnId): void {
    const index = id & SLOT_MASK;
    if (this.slots[index]?.id !== id) return;
    this.slots[index] = undefined;
    if (++this.generations[index]! <= MAX_GENERATION) this.free.push(index);
    this.live--;
  }

  get size(): number {
    return this.live;
  }
}
