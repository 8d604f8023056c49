import type { Micros } from "./time";

/**
 * The kernel's agenda: a binary min-heap ordered by (time, insertion sequence), so that two
 * entries due at the same microsecond run in the order they were scheduled. That tie-break is
 * what makes a run a pure function of its inputs.
 *
 * The keys live in typed arrays beside the entries: most entries the kernel pushes are packet
 * arrivals due within a millisecond, which climb to near the top of the heap, and comparing keys
 * in contiguous memory is what keeps that climb cheap with thousands of entries.
 *
 * Entries are never removed from the middle; a cancelled timer is left in place and skipped
 * when it surfaces (see Simulation), which keeps every operation O(log n).
 */
export interface Scheduled {
  atUs: Micros;
  seq: number;
}

export class EventQueue<E extends Scheduled> {
  private items: (E | undefined)[] = [];
  private times = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private count = 0;
  private nextSeq = 0;

  get size(): number {
    return this.count;
  }

  /**
   * Stamps the entry with the next sequence number and inserts it. Queues that must interleave
   * (see Agenda) share one counter by passing `seq`; it must exceed every sequence pushed before.
   */
  push(entry: E, seq: number = this.nextSeq++): void {
    entry.seq = seq;
    if (this.count === this.times.length) this.grow();
    const { items, times, seqs } = this;
    const atUs = entry.atUs;
    let i = this.count++;
    // Sift up. The new entry has the highest sequence, so it only passes strictly later times.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! <= atUs) break;
      items[i] = items[parent];
      times[i] = times[parent]!;
      seqs[i] = seqs[parent]!;
      i = parent;
    }
    items[i] = entry;
    times[i] = atUs;
    seqs[i] = seq;
  }

  peek(): E | undefined {
    return this.count > 0 ? this.items[0] : undefined;
  }

  pop(): E | undefined {
    if (this.count === 0) return undefined;
    const { items, times, seqs } = this;
    const top = items[0];
    const n = --this.count;
    const last = items[n];
    const lastTime = times[n]!;
    const lastSeq = seqs[n]!;
    items[n] = undefined;
    if (n > 0) {
      // Sift the last entry down from the root, toward the earlier child.
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        const right = child + 1;
        if (right < n && (times[right]! < times[child]! || (times[right] === times[child] && seqs[right]! < seqs[child]!))) child = right;
        if (lastTime < times[child]! || (lastTime === times[child] && lastSeq < seqs[child]!)) break;
        items[i] = items[child];
        times[i] = times[child]!;
        seqs[i] = seqs[child]!;
        i = child;
      }
      items[i] = last;
      times[i] = lastTime;
      seqs[i] = lastSeq;
    }
    return top;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.seqs = seqs;
  }
}

/**
 * Two queues read as one, in (time, sequence) order with one shared sequence counter: the order
 * is exactly that of a single queue. Packet arrivals go to `near` — few are in flight at once, and
 * they are due within a millisecond — and everything else (timers, faults, starts) to `far`,
 * where new entries mostly land at the bottom. Keeping the short-lived arrivals out of the big
 * heap spares them its climb.
 */
export class Agenda<E extends Scheduled> {
  private readonly near = new EventQueue<E>();
  private readonly far = new EventQueue<E>();
  private nextSeq = 0;

  get size(): number {
    return this.near.size + this.far.size;
  }

  pushNear(entry: E): void {
    this.near.push(entry, this.nextSeq++);
  }

  pushFar(entry: E): void {
    this.far.push(entry, this.nextSeq++);
  }

  peek(): E | undefined {
    const a = this.near.peek();
    const b = this.far.peek();
    if (a === undefined) return b;
    if (b === undefined) return a;
    return a.atUs < b.atUs || (a.atUs === b.atUs && a.seq < b.seq) ? a : b;
  }

  pop(): E | undefined {
    const a = this.near.peek();
    const b = this.far.peek();
    if (a === undefined) return this.far.pop();
    if (b === undefined) return this.near.pop();
    return a.atUs < b.atUs || (a.atUs === b.atUs && a.seq < b.seq) ? this.near.pop() : this.far.pop();
  }
}
