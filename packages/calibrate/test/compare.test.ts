import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compare,
  clusterPhases,
  diff,
  killMaster,
  ksStatistic,
  parseClusterNodes,
  pausedMaster,
  runSimClusterTrial,
  runSimSentinelTrial,
  sentinelPhases,
  spread,
  type ObservedEvent,
  type TrialObservation,
} from "../src/index";

const sample = fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 40 });

describe("statistics", () => {
  it("puts the median between min and max, and at the middle of an odd sample", () => {
    fc.assert(
      fc.property(sample, (xs) => {
        const s = spread(xs)!;
        expect(s.min).toBe(Math.min(...xs));
        expect(s.max).toBe(Math.max(...xs));
        expect(s.median).toBeGreaterThanOrEqual(s.min);
        expect(s.median).toBeLessThanOrEqual(s.max);
        const below = xs.filter((x) => x < s.median).length;
        const above = xs.filter((x) => x > s.median).length;
        expect(below).toBeLessThanOrEqual(xs.length / 2);
        expect(above).toBeLessThanOrEqual(xs.length / 2);
      }),
    );
  });

  it("gives a KS statistic in [0, 1], 0 for a sample against itself, symmetric, 1 for disjoint samples", () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const d = ksStatistic(a, b)!;
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(1);
        expect(ksStatistic(b, a)).toBeCloseTo(d, 12);
        expect(ksStatistic(a, [...a].reverse())).toBe(0);
        const shifted = b.map((x) => x + Math.max(...a) + 1);
        expect(ksStatistic(a, shifted)).toBe(1);
      }),
    );
  });

  it("matches the textbook value on a small case", () => {
    // F_a jumps at 1,2,3 (1/3 each); F_b at 2.5, 3.5; the largest gap is at 2: 2/3 − 0.
    expect(ksStatistic([1, 2, 3], [2.5, 3.5])).toBeCloseTo(2 / 3, 12);
  });
});

describe("the sequence diff", () => {
  it("keeps every line of both sides, in order, and marks only what is not common", () => {
    const line = fc.constantFrom("a", "b", "c", "d");
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.array(line, { maxLength: 12 }), (real, sim) => {
        const d = diff(real, sim);
        expect(d.filter((l) => l.mark !== "+").map((l) => l.text)).toEqual(real);
        expect(d.filter((l) => l.mark !== "-").map((l) => l.text)).toEqual(sim);
        if (real.join() === sim.join()) expect(d.every((l) => l.mark === " ")).toBe(true);
      }),
    );
  });
});

describe("phases, from the same events on both sides", () => {
  const V = "a".repeat(40);
  const trial = (events: [number, string, ObservedEvent["event"]][]): TrialObservation => ({
    side: "real",
    trial: 1,
    events: events.map(([atMs, node, event]) => ({ atMs, node, event })),
    idToPort: { [V]: "7001" },
    pairing: { "7004": "7001" },
    final: { kind: "sentinel", servers: {}, sentinels: {} },
  });

  it("takes FAIL from either line, the win only from the victim's replica, ok when every live node is ok", () => {
    const t = trial([
      [-500, "7002", { type: "clusterStateChanged", state: "ok" }],
      [2100, "7003", { type: "failMessageReceived", from: "b".repeat(40), about: V }],
      [2101, "7002", { type: "clusterStateChanged", state: "fail" }],
      [2900, "7005", { type: "electionWon", epoch: 7 }],
      [3000, "7004", { type: "electionWon", epoch: 7 }],
      [3001, "7004", { type: "clusterStateChanged", state: "ok" }],
      [3020, "7002", { type: "clusterStateChanged", state: "ok" }],
      [3030, "7001", { type: "clusterStateChanged", state: "fail" }],
    ]);
    expect(clusterPhases(t, "7001")).toEqual({ failMs: 2100, electionWonMs: 3000, clusterOkMs: 3020 });
  });

  it("leaves a phase that never happened absent, not 0", () => {
    expect(clusterPhases(trial([[10, "7002", { type: "clusterStateChanged", state: "fail" }]]), "7001")).toEqual({});
    expect(sentinelPhases(trial([]))).toEqual({});
  });
});

describe("the simulated side", () => {
  it("reads the pairing it was given back from CLUSTER NODES, and fails over the victim's replica", () => {
    const pairing = { "7004": "7003", "7005": "7001", "7006": "7002" };
    const t = runSimClusterTrial(killMaster, 3, pairing);
    expect(t.pairing).toEqual(pairing);
    const p = clusterPhases(t, "7001");
    expect(p.pfailMs!).toBeLessThanOrEqual(p.failMs!);
    expect(p.failMs!).toBeLessThan(p.electionWonMs!);
    expect(p.electionWonMs!).toBeLessThanOrEqual(p.clusterOkMs!);
    expect(t.final.kind === "cluster" && t.final.nodes.find((n) => n.port === "7005")).toMatchObject({ role: "master", slots: "0-5460" });
  });

  it("compares a simulated run with itself as within every tolerance", () => {
    const sims = [1, 2, 3].map((seed) => runSimClusterTrial(killMaster, seed, { "7004": "7001", "7005": "7002", "7006": "7003" }));
    const c = compare(killMaster, "declared", sims, sims);
    expect(c.breaches).toEqual([]);
    expect(c.phases.filter((p) => p.gated).every((p) => p.ok && p.ks === 0)).toBe(true);
  });

  it("flags a breach when the real medians are far from the simulated ones", () => {
    const sims = [1, 2, 3].map((seed) => runSimClusterTrial(killMaster, seed, { "7004": "7001", "7005": "7002", "7006": "7003" }));
    const slowReal = sims.map((t) => ({ ...t, side: "real" as const, events: t.events.map((e) => (e.atMs >= 0 ? { ...e, atMs: e.atMs * 1.5 } : e)) }));
    const c = compare(killMaster, "ci", slowReal, sims);
    expect(c.breaches.some((b) => b.startsWith("electionWonMs"))).toBe(true);
  });

  it("runs the Sentinel drill through to a switch on every Sentinel", () => {
    const t = runSimSentinelTrial(pausedMaster, 1);
    const p = sentinelPhases(t);
    expect(p.sdownMs!).toBeGreaterThanOrEqual(5000);
    expect(p.sdownMs!).toBeLessThanOrEqual(p.odownMs!);
    expect(p.odownMs!).toBeLessThan(p.switchMasterMs!);
    expect(t.final.kind === "sentinel" && Object.values(t.final.sentinels).every((s) => s.masterPort !== "6400")).toBe(true);
  });
});

describe("CLUSTER NODES", () => {
  it("reads ports, roles, masters, epochs and slots from real 7.0.15 output", () => {
    const text = [
      "8d7a1fb934fcc3898f8ce1513b7ff88c38b2f734 127.0.0.1:7001@17001 master,fail - 1764166186844 1764166185000 1 disconnected",
      "40b30f3a4c785375617bc2fd4e953ebb160a2c92 127.0.0.1:7004@17004 myself,master - 0 1764166195000 7 connected 0-5460",
      "7254a5a7ed6557066d35578dd897c0ecad8f14bb 127.0.0.1:7005@17005 slave 40b30f3a4c785375617bc2fd4e953ebb160a2c92 0 1764166195000 7 connected",
    ].join("\n");
    const parsed = parseClusterNodes(text);
    expect(parsed.myself).toBe("7004");
    expect(parsed.nodes).toEqual([
      { port: "7001", role: "master", masterPort: null, configEpoch: 1, slots: "", failed: true },
      { port: "7004", role: "master", masterPort: null, configEpoch: 7, slots: "0-5460", failed: false },
      { port: "7005", role: "replica", masterPort: "7004", configEpoch: 7, slots: "", failed: false },
    ]);
  });
});
