/**
 * The honest baseline for the kernel's throughput (CONTRACTS §7): the least a discrete-event
 * loop can do per event. A minimal binary min-heap of {atUs, seq} entries ordered by (time,
 * sequence), written here rather than borrowed from the kernel, holding the same number of
 * pending entries as the kernel has pending timers; per event it pops the minimum, makes ONE
 * draw from the kernel's seeded RandomStream (seedrandom's Alea), makes ONE call of a handler
 * that does nothing, and pushes a new entry about 100 ms later using the draw.
 */
import { RandomStream } from "../packages/sim-core/src/index";

interface BareEntry {
  atUs: number;
  seq: number;
}

/** The handler that does nothing; called through an array so V8 must keep the call. */
type BareHandler = (atUs: number) => number;
const HANDLERS: BareHandler[] = [(atUs) => atUs & 1];

class BareHeap {
  private readonly heap: BareEntry[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(entry: BareEntry): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (p.atUs < entry.atUs || (p.atUs === entry.atUs && p.seq < entry.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  pop(): BareEntry | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        let child = left;
        let c = heap[left]!;
        const right = left + 1;
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

export interface BareLoop {
  /** Handles `events` events; returns a value derived from every handler call (keep it). */
  run(events: number): number;
}

/** A bare loop with `pendingEntries` entries on its heap, one per simulated process. */
export function bareLoop(pendingEntries: number, intervalUs: number, seed: string): BareLoop {
  const heap = new BareHeap();
  const stream = new RandomStream("bench/bare-loop", seed);
  let nextSeq = 0;
  let nowUs = 0;
  let sink = 0;
  for (let i = 0; i < pendingEntries; i++) heap.push({ atUs: 1 + stream.int(intervalUs), seq: nextSeq++ });
  return {
    run(events: number): number {
      for (let handled = 0; handled < events; handled++) {
        const entry = heap.pop()!;
        nowUs = entry.atUs;
        const draw = stream.next();
        sink += HANDLERS[0]!(nowUs);
        // Uniform in [interval/2, 3·interval/2): a timer re-armed about 100 ms ahead.
        heap.push({ atUs: nowUs + (intervalUs >> 1) + Math.floor(draw * intervalUs), seq: nextSeq++ });
      }
      return sink;
    },
  };
}
