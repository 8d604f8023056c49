import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { LabelSpace } from "../packages/report/viewer/label-space";

const box = fc.record({ x: fc.integer({ min: 0, max: 200 }), y: fc.integer({ min: 0, max: 100 }), w: fc.integer({ min: 1, max: 60 }), h: fc.integer({ min: 1, max: 14 }) });
const overlap = (a: { x: number; y: number; w: number; h: number }, b: typeof a): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe("LabelSpace (labels thinned so none overlaps)", () => {
  it("grants no two overlapping boxes, and refuses a box only when it overlaps one granted", () => {
    fc.assert(
      fc.property(fc.array(box, { maxLength: 40 }), (boxes) => {
        const space = new LabelSpace();
        const granted: (typeof boxes)[number][] = [];
        for (const b of boxes) {
          const ok = space.claim(b.x, b.y, b.w, b.h);
          expect(ok).toBe(!granted.some((g) => overlap(g, b)));
          if (ok) granted.push(b);
        }
      }),
    );
  });
});
