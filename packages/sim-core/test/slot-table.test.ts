import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emptySlotTable, flatSlotOwners, loadSlotRange, sameSlotOwners, setSlotOwner, slotOwnerOf, slotOwnerRuns } from "../src/cluster/slot-table";

const OWNERS = ["a", "b", "c"] as const;
const range = fc.tuple(fc.integer({ min: 0, max: 16383 }), fc.integer({ min: 0, max: 3000 }), fc.constantFrom(...OWNERS)).map(([first, length, owner]) => ({ first, last: Math.min(16383, first + length), owner }));

describe("the chunked slot table", () => {
  it("loads a range chunk by chunk exactly as slot-by-slot assignment does", () => {
    fc.assert(
      fc.property(fc.array(range, { maxLength: 6 }), (ranges) => {
        const chunked = emptySlotTable();
        const bySlot = emptySlotTable();
        for (const r of ranges) {
          loadSlotRange(chunked, r.first, r.last, r.owner);
          for (let slot = r.first; slot <= r.last; slot++) setSlotOwner(bySlot, slot, r.owner);
        }
        expect(flatSlotOwners(chunked)).toEqual(flatSlotOwners(bySlot));
      }),
      { numRuns: 200 },
    );
  });

  it("describes a table as runs of one owner that cover every slot once and agree with each slot", () => {
    fc.assert(
      fc.property(fc.array(range, { maxLength: 6 }), (ranges) => {
        const table = emptySlotTable();
        for (const r of ranges) loadSlotRange(table, r.first, r.last, r.owner);
        const runs = slotOwnerRuns(table);
        expect(runs[0]!.first).toBe(0);
        expect(runs.at(-1)!.last).toBe(16383);
        runs.forEach((run, i) => {
          if (i > 0) expect(run.first).toBe(runs[i - 1]!.last + 1);
          if (i > 0) expect(run.owner).not.toBe(runs[i - 1]!.owner);
          for (const slot of [run.first, (run.first + run.last) >> 1, run.last]) expect(slotOwnerOf(table, slot)).toBe(run.owner);
        });
      }),
      { numRuns: 200 },
    );
  });

  it("calls two tables the same exactly when every slot has the same owner in both", () => {
    fc.assert(
      fc.property(fc.array(range, { maxLength: 4 }), fc.array(range, { maxLength: 4 }), fc.boolean(), (ra, rb, copy) => {
        const a = emptySlotTable();
        const b = emptySlotTable();
        for (const r of ra) loadSlotRange(a, r.first, r.last, r.owner);
        for (const r of copy ? ra : rb) loadSlotRange(b, r.first, r.last, r.owner);
        const equal = JSON.stringify(flatSlotOwners(a)) === JSON.stringify(flatSlotOwners(b));
        expect(sameSlotOwners(a, b)).toBe(equal);
        if (copy) expect(equal).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
