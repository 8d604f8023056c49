import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { countAtOrBefore } from "../packages/report/viewer/search";

describe("countAtOrBefore (the viewer's one binary search)", () => {
  it("counts exactly the items at or before the instant, for any sorted list", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 })), fc.integer({ min: -5, max: 55 }), (raw, atUs) => {
        const sorted = [...raw].sort((a, b) => a - b).map((t) => ({ atUs: t }));
        expect(countAtOrBefore(sorted, atUs, (x) => x.atUs)).toBe(sorted.filter((x) => x.atUs <= atUs).length);
      }),
    );
  });
});
