import type { Micros } from "./time";

/**
 * The kernel's agenda: a binary min-heap ordered by (time, insertion sequence), so that two
 * entries due at the same microsecond run in the order they were scheduled. That tie-break is
 * what makes a run a pure function of its inputs.
 *
 * Entries are never removed from the middle; a cancelled timer is left in place and skipped
 * when it surfaces (see Simulation), which keeps every operation O(log n).
 */
export interface Scheduled {
  atUs: Micros;
  seq: number;
}

export class EventQueue<E extends Scheduled> {
  private readonly heap: E[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Stamps the entry with the next sequence number and inserts it. */
  push(entry: E): void {
    entry.seq = this.nextSeq++;
    const heap = this.heap;
    let i = heap.length;
    heap.push(entry);
    // Sift up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (p.atUs < entry.atUs || (p.atUs === entry.atUs && p.seq < entry.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  peek(): E | undefined {
    return this.heap[0];
  }

  pop(): E | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      // Sift the last entry down from the root.
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        let child = left;
        let c = heap[left]!;
        if (right < n) {
          const r = heap[right]!;
          if (r.atUs < c.atUs || (r.atUs === c.atUs && r.seq < c.seq)) {
            child = right;
            c = r;
          }
        }
        if (last.atUs < c.atUs || (last.atUs === c.atUs && last.seq < c.seq)) break;
        heap[i] = c;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}
