import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Agenda, EventQueue, type Micros } from "../src/index";

interface Item {
  atUs: Micros;
  seq: number;
  label: number;
}

describe("EventQueue", () => {
  it("pops in time order, and in insertion order within one microsecond", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), (times) => {
        const queue = new EventQueue<Item>();
        times.forEach((t, label) => queue.push({ atUs: t as Micros, seq: 0, label }));
        const popped: number[] = [];
        for (let item = queue.pop(); item !== undefined; item = queue.pop()) popped.push(item.label);
        // The reference: a stable sort by time keeps insertion order for ties.
        const expected = times.map((t, label) => ({ t, label })).sort((a, b) => a.t - b.t).map((x) => x.label);
        expect(popped).toEqual(expected);
      }),
    );
  });

  it("keeps its order when pushes and pops interleave", () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 50 }), { freq: 3 }), { maxLength: 300 }), (ops) => {
        const queue = new EventQueue<Item>();
        const reference: { t: number; label: number }[] = [];
        let label = 0;
        for (const op of ops) {
          if (op === null) {
            const got = queue.pop();
            reference.sort((a, b) => a.t - b.t || a.label - b.label);
            const want = reference.shift();
            expect(got?.label).toBe(want?.label);
          } else {
            queue.push({ atUs: op as Micros, seq: 0, label });
            reference.push({ t: op, label: label++ });
          }
        }
        expect(queue.size).toBe(reference.length);
      }),
    );
  });
});

describe("Agenda", () => {
  it("pops exactly what one queue would, whichever of its two heaps each entry went to", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.option(fc.integer({ min: 0, max: 30 }), { freq: 4 }), fc.boolean()), { maxLength: 300 }), (ops) => {
        const agenda = new Agenda<Item>();
        const single = new EventQueue<Item>();
        let label = 0;
        let now = 0;
        for (const [op, near] of ops) {
          if (op === null) {
            const got = agenda.pop();
            expect(got?.label).toBe(single.pop()?.label);
            if (got !== undefined) now = got.atUs;
          } else {
            // Like the kernel, never schedule before the last popped instant.
            const atUs = (now + op) as Micros;
            const l = label++;
            if (near) agenda.pushNear({ atUs, seq: 0, label: l });
            else agenda.pushFar({ atUs, seq: 0, label: l });
            single.push({ atUs, seq: 0, label: l });
          }
        }
        expect(agenda.size).toBe(single.size);
      }),
    );
  });
});
