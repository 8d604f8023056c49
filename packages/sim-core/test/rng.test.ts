import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Seeds } from "../src/index";

const draws = (seeds: Seeds, path: string, n: number): number[] => {
  const stream = seeds.stream(path);
  return Array.from({ length: n }, () => stream.next());
};

describe("seeded streams", () => {
  it("give the same draws for the same seed and path", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (seed, path) => {
        expect(draws(new Seeds(seed), path, 20)).toEqual(draws(new Seeds(seed), path, 20));
      }),
    );
  });

  it("do not depend on what other streams drew, or on which streams exist", () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string({ minLength: 1 }), { maxLength: 5 }), fc.nat({ max: 50 }), (seed, others, otherDraws) => {
        const alone = draws(new Seeds(seed), "node/7001/election", 10);
        const seeds = new Seeds(seed);
        const crowd = others.map((p) => seeds.stream(`node/${p}/x`));
        const mine = seeds.stream("node/7001/election");
        for (let i = 0; i < otherDraws; i++) for (const s of crowd) s.next();
        expect(Array.from({ length: 10 }, () => mine.next())).toEqual(alone);
      }),
    );
  });

  it("differ between paths and between seeds", () => {
    const seeds = new Seeds("42");
    expect(draws(seeds, "node/7001/election", 5)).not.toEqual(draws(seeds, "node/7002/election", 5));
    expect(draws(seeds, "node/7001/election", 5)).not.toEqual(draws(new Seeds("43"), "node/7001/election", 5));
  });

  it("draw integers inside the asked range, reaching both ends", () => {
    const stream = new Seeds("range").stream("r");
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const v = stream.between(500, 509);
      expect(v).toBeGreaterThanOrEqual(500);
      expect(v).toBeLessThanOrEqual(509);
      seen.add(v);
    }
    expect(seen.size).toBe(10);
    expect(stream.hex(20)).toMatch(/^[0-9a-f]{40}$/);
  });
});
