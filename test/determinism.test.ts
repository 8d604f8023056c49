import { createHash } from "node:crypto";
import fc from "fast-check";
import { applyPatches, enablePatches } from "immer";
import { describe, expect, it } from "vitest";
import { Simulation, heartbeatMesh, ms, seconds, type ScheduledFault, type SimulationMode } from "@failover-lab/sim-core";
import { faultScheduleArb } from "@failover-lab/sim-core/fc";

enablePatches();

/**
 * The kernel's promise: one seed and one scenario give one exact history, in fast and in trace
 * mode alike. These properties draw process graphs, fault schedules and seeds.
 */

interface World {
  readonly ids: string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly faults: ScheduledFault[];
  readonly seed: string;
}

const worldArb: fc.Arbitrary<World> = fc
  .record({
    n: fc.integer({ min: 2, max: 7 }),
    intervalMs: fc.integer({ min: 20, max: 500 }),
    timeoutFactor: fc.integer({ min: 2, max: 20 }),
    seed: fc.oneof(fc.string(), fc.nat().map(String)),
  })
  .chain(({ n, intervalMs, timeoutFactor, seed }) => {
    const ids = Array.from({ length: n }, (_, i) => String(7001 + i));
    return faultScheduleArb(ids, { maxFaults: 12, horizonMs: 20_000 }).map((faults) => ({
      ids,
      intervalMs,
      timeoutMs: intervalMs * timeoutFactor,
      faults,
      seed,
    }));
  });

interface Run {
  readonly sim: Simulation;
  readonly lines: string[];
}

function run(world: World, mode: SimulationMode): Run {
  const lines: string[] = [];
  const sim = new Simulation({ seed: world.seed, mode, scenario: "determinism", onTraceLine: (l) => lines.push(l) });
  for (const [id, model] of heartbeatMesh(world.ids, ms(world.intervalMs), ms(world.timeoutMs))) sim.addProcess(id, model);
  sim.scheduleAll(world.faults);
  sim.runUntil(seconds(25));
  return { sim, lines };
}

describe("determinism", () => {
  it("the same seed and schedule give the same trace hash", () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const a = run(world, "fast");
        const b = run(world, "fast");
        expect(b.sim.traceHash()).toBe(a.sim.traceHash());
        expect(b.sim.eventsHandled).toBe(a.sim.eventsHandled);
      }),
      { numRuns: 40 },
    );
  });

  it("fast and trace mode write the same trace, byte for byte", () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const fast = run(world, "fast");
        const traced = run(world, "trace");
        expect(traced.lines).toEqual(fast.lines);
        expect(traced.sim.traceHash()).toBe(fast.sim.traceHash());
        expect(traced.sim.eventsHandled).toBe(fast.sim.eventsHandled);
        // The hash is the SHA-256 of exactly those bytes.
        expect(createHash("sha256").update(fast.lines.join("")).digest("hex")).toBe(fast.sim.traceHash());
      }),
      { numRuns: 30 },
    );
  });

  it("fast and trace mode leave every process in the same state", () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const fast = run(world, "fast").sim;
        const traced = run(world, "trace").sim;
        for (const id of world.ids) {
          expect(traced.status(id)).toBe(fast.status(id));
          expect(JSON.stringify(traced.state(id))).toBe(JSON.stringify(fast.state(id)));
        }
      }),
      { numRuns: 30 },
    );
  });

  it("trace mode's patches, replayed on the initial states, rebuild every final state", () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { sim } = run(world, "trace");
        const states: Record<string, unknown> = { ...sim.initialStates };
        for (const record of sim.patchLog) states[record.node] = applyPatches(states[record.node] as object, record.patches);
        for (const id of world.ids) expect(states[id]).toEqual(sim.state(id));
      }),
      { numRuns: 30 },
    );
  });

  it("seeds change the history only through the random draws", () => {
    const world: World = { ids: ["7001", "7002", "7003"], intervalMs: 100, timeoutMs: 1000, faults: [], seed: "1" };
    const seeds = ["1", "2", "3", "4", "5"];
    const story = (w: World): string => run(w, "fast").lines.slice(1).join("");
    // With no fault, nothing random reaches the trace: every seed tells the same story.
    expect(new Set(seeds.map((seed) => story({ ...world, seed }))).size).toBe(1);
    // A pause makes the latency and phase draws show in when peers notice it.
    const pause: ScheduledFault = { atUs: 3_000_000, fault: { type: "pause", node: "7002" } };
    expect(new Set(seeds.map((seed) => story({ ...world, seed, faults: [pause] }))).size).toBe(5);
  });
});

describe("faults behave as specified, for any schedule", () => {
  it("a paused process runs no handler until it is resumed", () => {
    fc.assert(
      fc.property(worldArb, fc.integer({ min: 1000, max: 10_000 }), fc.integer({ min: 1, max: 8000 }), (world, pauseMs, forMs) => {
        const victim = world.ids[0]!;
        // Keep other faults off the victim so that only this pause governs it.
        const others = world.faults.filter((f) => !("node" in f.fault) || f.fault.node !== victim);
        const sim = new Simulation({ seed: world.seed, mode: "trace" });
        for (const [id, model] of heartbeatMesh(world.ids, ms(world.intervalMs), ms(world.timeoutMs))) sim.addProcess(id, model);
        sim.scheduleAll(others);
        sim.schedule({ type: "pause", node: victim }, ms(pauseMs));
        sim.schedule({ type: "resume", node: victim }, ms(pauseMs + forMs));
        sim.runUntil(seconds(25));
        // No handler ran: the victim's state did not change and it emitted nothing.
        const during = sim.patchLog.filter((p) => p.node === victim && p.atUs > pauseMs * 1000 && p.atUs < (pauseMs + forMs) * 1000);
        expect(during).toEqual([]);
        const emittedDuring = sim.trace.filter((r) => r.node === victim && r.atUs > pauseMs * 1000 && r.atUs < (pauseMs + forMs) * 1000);
        expect(emittedDuring).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });

  it("nothing crosses a partition until it heals, and held messages then arrive", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 3, max: 6 }), fc.integer({ min: 500, max: 5000 }), fc.integer({ min: 100, max: 5000 }), (seed, n, cutMs, forMs) => {
        const ids = Array.from({ length: n }, (_, i) => String(7001 + i));
        const sim = new Simulation({ seed, mode: "trace" });
        for (const [id, model] of heartbeatMesh(ids, ms(100), ms(1000))) sim.addProcess(id, model);
        sim.schedule({ type: "partition", name: "minority", groups: [[ids[0]!], "rest"] }, ms(cutMs));
        sim.schedule({ type: "heal", name: "minority" }, ms(cutMs + forMs));
        sim.runUntil(ms(cutMs + forMs + 2000));
        const isolated = ids[0]!;
        const crossing = (m: { from: string; to: string }): boolean => (m.from === isolated) !== (m.to === isolated);
        const during = sim.messageLog.filter((m) => crossing(m) && m.fate === "delivered" && m.atUs > cutMs * 1000 && m.atUs < (cutMs + forMs) * 1000);
        expect(during).toEqual([]);
        const held = sim.messageLog.filter((m) => crossing(m) && m.fate === "held");
        expect(held.length).toBeGreaterThan(0);
        // Every held message is delivered after the heal (its connection was still open).
        const deliveredIds = new Set(sim.messageLog.filter((m) => m.fate === "delivered").map((m) => m.id));
        for (const m of held) expect(deliveredIds.has(m.id)).toBe(true);
        // And both sides hear each other again.
        const recovered = sim.trace.filter((r) => r.type === "peerRecovered" && r.atUs >= (cutMs + forMs) * 1000);
        if (forMs > 1200) expect(recovered.length).toBeGreaterThan(0);
      }),
      { numRuns: 30 },
    );
  });
});
