import fc from "fast-check";
import { applyPatches, enablePatches, type Patch } from "immer";
import { describe, expect, it } from "vitest";
import { diffStates } from "@failover-lab/report";

enablePatches();

/** Plain JSON states, with the shapes node states have: nested records, arrays, nulls. */
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, fc.constantFrom(null, true, false), fc.integer(), fc.string({ maxLength: 4 }), tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 4 }),
  object: fc.dictionary(fc.constantFrom("a", "b", "flags", "nodes", "0", "x y"), tie("value"), { maxKeys: 4 }),
})).value;

describe("diffStates (sampled states of the 1000-node report, replayed by the page's applyPatches)", () => {
  it("gives patches that turn the first state into the second, for all JSON states", () => {
    fc.assert(
      fc.property(json, json, (before, after) => {
        const patches = diffStates(before, after) as Patch[];
        expect(applyPatches(before as object, patches)).toEqual(after);
      }),
      { numRuns: 500 },
    );
  });

  it("gives nothing for equal states, and one leaf for one changed field", () => {
    const state = { nodes: { a: { flags: 1, reports: [1, 2] } }, epoch: 6 };
    expect(diffStates(state, structuredClone(state))).toEqual([]);
    expect(diffStates(state, { ...state, nodes: { a: { flags: 9, reports: [1, 2] } } })).toEqual([{ op: "replace", path: ["nodes", "a", "flags"], value: 9 }]);
  });
});
