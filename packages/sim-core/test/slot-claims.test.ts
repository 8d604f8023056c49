import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runHolding, settleSlotClaims, type SlotClaim } from "../src/cluster/slot-claims";

/** The rule, slot by slot: the highest epoch among a slot's claims, the first listed on a tie. */
function oracle(claims: readonly SlotClaim<string>[], slot: number): string | null {
  let best: SlotClaim<string> | null = null;
  for (const c of claims) if (slot >= c.first && slot <= c.last && (best === null || c.epoch > best.epoch)) best = c;
  return best?.owner ?? null;
}

// Claims bunched in the first slots and near the last, so that they overlap often and reach the ends.
const slotArb = fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 16_200, max: 16_383 }));
const claimArb: fc.Arbitrary<SlotClaim<string>> = fc
  .record({ a: slotArb, b: slotArb, epoch: fc.integer({ min: 0, max: 3 }), owner: fc.constantFrom("a", "b", "c", "d") })
  .map(({ a, b, epoch, owner }) => ({ first: Math.min(a, b), last: Math.max(a, b), epoch, owner }));

describe("settling claims on slots", () => {
  it("gives every slot the winner the rule gives it, as sorted disjoint runs", () => {
    fc.assert(
      fc.property(fc.array(claimArb, { maxLength: 8 }), (claims) => {
        const runs = settleSlotClaims(claims);
        runs.forEach((r, i) => {
          expect(r.first).toBeLessThanOrEqual(r.last);
          if (i > 0) expect(r.first).toBeGreaterThan(runs[i - 1]!.last);
        });
        for (const slot of [...Array(202).keys(), ...Array.from({ length: 185 }, (_, k) => 16_199 + k)]) {
          const i = runHolding(runs, slot);
          expect(i < 0 ? null : runs[i]!.owner).toBe(oracle(claims, slot));
        }
      }),
    );
  });

  it("keeps a settled cluster's claims as they are, sorted", () => {
    const claims = [
      { first: 10923, last: 16383, epoch: 3, owner: "c" },
      { first: 0, last: 5460, epoch: 1, owner: "a" },
      { first: 5461, last: 10922, epoch: 2, owner: "b" },
    ];
    expect(settleSlotClaims(claims)).toEqual([
      { first: 0, last: 5460, owner: "a" },
      { first: 5461, last: 10922, owner: "b" },
      { first: 10923, last: 16383, owner: "c" },
    ]);
  });
});
