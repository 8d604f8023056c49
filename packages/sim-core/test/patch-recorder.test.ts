import fc from "fast-check";
import { applyPatches, enablePatches } from "immer";
import { describe, expect, it } from "vitest";
import { Simulation, seconds, type ProcessModel } from "../src/index";
import { PatchRecorder, isRecordedProxy, snapshot, unwrapRecorded } from "../src/trace/patch-recorder";

enablePatches();

/**
 * A small state tree like a model's: records of records, arrays of objects, numbers and strings.
 * Each edit is applied twice — to a plain copy, and through a recorder's proxy to another copy —
 * and the recorded patches are replayed with immer on a third copy: all three must agree.
 */
type Tree = { nodes: Record<string, { flags: number; reports: { from: string; timeMs: number }[] }>; order: string[]; data: Record<string, string>; log: { n: number }[]; epoch: number };

const treeArb: fc.Arbitrary<Tree> = fc.record({
  nodes: fc.dictionary(
    fc.constantFrom("a", "b", "c", "d"),
    fc.record({ flags: fc.nat(7), reports: fc.array(fc.record({ from: fc.constantFrom("a", "b"), timeMs: fc.nat(100) }), { maxLength: 3 }) }),
  ),
  order: fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 4 }),
  data: fc.dictionary(fc.constantFrom("k1", "k2", "k3"), fc.string({ maxLength: 3 })),
  log: fc.array(fc.record({ n: fc.nat(9) }), { maxLength: 4 }),
  epoch: fc.nat(5),
});

type Edit = (s: Tree, n: number) => void;

/** Edits a handler makes, each written as plain code: it must behave the same on either copy. */
const EDITS: Record<string, Edit> = {
  bumpEpoch: (s, n) => void (s.epoch += n),
  setFlag: (s, n) => {
    const node = s.nodes[["a", "b", "c", "d"][n % 4]!];
    if (node !== undefined) node.flags = n;
  },
  addNode: (s, n) => void (s.nodes[`n${n}`] = { flags: n, reports: [] }),
  addNodeThenFill: (s, n) => {
    // A new object is stored, then changed through the handler's own reference.
    const fresh = { flags: 0, reports: [] as { from: string; timeMs: number }[] };
    s.nodes[`f${n}`] = fresh;
    fresh.flags = n;
    fresh.reports.push({ from: "a", timeMs: n });
  },
  deleteNode: (s, n) => void delete s.nodes[["a", "b", "c", "d"][n % 4]!],
  pushReport: (s, n) => {
    for (const id of Object.keys(s.nodes)) s.nodes[id]!.reports.push({ from: "b", timeMs: n });
  },
  expireReports: (s, n) => {
    for (const node of Object.values(s.nodes)) node.reports = node.reports.filter((r) => r.timeMs > n * 10);
  },
  spliceReports: (s, n) => {
    for (const node of Object.values(s.nodes)) node.reports.splice(n % 3, 1, { from: "c", timeMs: n });
  },
  shiftThenWrite: (s, n) => {
    // Elements move when the array shifts: a held element must be written at its new index.
    const held = s.log[1];
    s.log.shift();
    if (held !== undefined) held.n = n;
  },
  popAndMove: (s) => {
    const moved = s.log.pop();
    if (moved !== undefined) {
      s.log.unshift(moved);
      moved.n += 100;
    }
  },
  sortOrder: (s) => void s.order.sort(),
  reverseLog: (s) => void s.log.reverse(),
  truncateLog: (s, n) => void (s.log.length = Math.min(s.log.length, n % 3)),
  setData: (s, n) => void (s.data[`k${n % 4}`] = String(n)),
  clearData: (s) => {
    for (const key of Object.keys(s.data)) delete s.data[key];
  },
  replaceData: (s, n) => void (s.data = { [`x${n}`]: "y" }),
  copyNodeUnder: (s, n) => {
    // A new object built from pieces of the state (proxies in trace mode) and stored.
    const first = Object.values(s.nodes)[0];
    if (first !== undefined) s.nodes[`c${n}`] = { ...first, reports: [...first.reports] };
  },
  sameValue: (s) => void (s.epoch = s.epoch),
};

const editArb = fc.tuple(fc.constantFrom(...Object.keys(EDITS)), fc.nat(20));

describe("PatchRecorder", () => {
  it("changes the state as plain code would, and its patches replayed by immer rebuild it", () => {
    fc.assert(
      fc.property(treeArb, fc.array(fc.array(editArb, { maxLength: 6 }), { maxLength: 6 }), (tree, handlers) => {
        const plain = snapshot(tree);
        const recorded = snapshot(tree);
        let replayed: Tree = snapshot(tree);
        const recorder = new PatchRecorder();
        for (const edits of handlers) {
          for (const [name, n] of edits) EDITS[name]!(plain, n);
          const draft = recorder.begin(recorded);
          try {
            for (const [name, n] of edits) EDITS[name]!(draft, n);
          } finally {
            replayed = applyPatches(replayed, recorder.end());
          }
          expect(recorded).toEqual(plain);
          expect(replayed).toEqual(recorded);
          // What the recorder kept of each object before its first change rebuilds the start.
          expect(recorder.initialCopy(recorded)).toEqual(tree);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("records nothing when a handler only reads or writes the values already there", () => {
    const recorder = new PatchRecorder();
    const state = { a: { b: [1, 2] }, c: "x" };
    const draft = recorder.begin(state);
    draft.c = "x";
    draft.a.b[0] = 1;
    expect(draft.a.b.length + draft.a.b[1]!).toBe(4);
    // The prototype is not part of the state: reading it marks nothing on Object.prototype.
    const symbolsBefore = Object.getOwnPropertySymbols(Object.prototype).length;
    expect((draft as { __proto__?: unknown }).__proto__).toBe(Object.prototype);
    expect(Object.getOwnPropertySymbols(Object.prototype).length).toBe(symbolsBefore);
    expect(recorder.end()).toEqual([]);
  });

  it("refuses a proxy used after its handler returned", () => {
    const recorder = new PatchRecorder();
    const state = { a: { b: 1 } };
    const kept = recorder.begin(state).a;
    recorder.end();
    expect(() => kept.b).toThrow(/after its handler returned/);
    expect(() => {
      kept.b = 2;
    }).toThrow(/after its handler returned/);
    expect(state.a.b).toBe(1);
  });

  it("never stores a proxy in the state, and hands out the object behind one", () => {
    const recorder = new PatchRecorder();
    const state: { list: { v: number }[]; copy: { v: number }[] } = { list: [{ v: 1 }], copy: [] };
    const draft = recorder.begin(state);
    draft.copy = draft.list.slice();
    expect(isRecordedProxy(draft.list[0])).toBe(true);
    expect(unwrapRecorded(draft.list[0])).toBe(state.list[0]);
    recorder.end();
    expect(isRecordedProxy(state.copy[0])).toBe(false);
    expect(state.copy[0]).toBe(state.list[0]);
  });

  it("in a trace-mode run, refuses a message that holds a piece of the sender's state", () => {
    interface Leaky {
      readonly peers: { readonly id: string }[];
    }
    // A model that sends its own state's array: fast mode cannot tell, trace mode must.
    const leaky: ProcessModel<Leaky, { readonly type: "peers"; readonly peers: unknown }, unknown> = {
      kind: "leaky",
      init: () => ({ peers: [{ id: "a" }] }),
      persist: () => undefined,
      restore: () => ({ peers: [] }),
      handle(state, event, ctx) {
        if (event.type === "start") ctx.connect("7002", "bus");
        if (event.type === "connected") ctx.send(event.conn, { type: "peers", peers: state.peers });
      },
    };
    const run = (mode: "fast" | "trace"): void => {
      const sim = new Simulation({ seed: 1, mode });
      sim.addProcess("7001", leaky);
      sim.addProcess("7002", { ...leaky, handle: () => undefined });
      sim.runUntil(seconds(1));
    };
    expect(() => run("fast")).not.toThrow();
    expect(() => run("trace")).toThrow(/7001 sent a peers message holding a piece of its state/);
  });
});
