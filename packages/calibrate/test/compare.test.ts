import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compare,
  clusterPhases,
  diff,
  finalSignature,
  killMaster,
  ksStatistic,
  mostCommon,
  parseClusterNodes,
  pausedMaster,
  runSimClusterTrial,
  runSimSentinelTrial,
  sentinelPhases,
  spread,
  winnerSequence,
  winnerSequenceBreaches,
  type FinalState,
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

describe("the winner's event sequence rule", () => {
  const V = "a".repeat(40);
  const W = "b".repeat(40);
  type Row = [number, ObservedEvent["event"]];
  const failAt = (ms: number): Row => [ms, { type: "failMessageReceived", from: W, about: V }];
  const stateFail = (ms: number): Row => [ms, { type: "clusterStateChanged", state: "fail" }];
  const delayed = (ms: number): Row => [ms, { type: "electionDelayed", delayMs: 600, rank: 0, offset: 100 }];
  const won = (ms: number): Row => [ms, { type: "electionWon", epoch: 7 }];
  const winnerTrial = (rows: Row[], side: "real" | "sim" = "real"): TrialObservation => ({
    side,
    trial: 1,
    events: rows.map(([atMs, event]) => ({ atMs, node: "7004", event })),
    idToPort: { [V]: "7001", [W]: "7002" },
    pairing: { "7004": "7001" },
    final: { kind: "sentinel", servers: {}, sentinels: {} },
  });
  const usual = (t = 0) => winnerTrial([failAt(2000 + t), stateFail(2000 + t), delayed(2000 + t), won(2800 + t)]);
  // Real 7.0.15, seldom: clusterCron logged the delay before beforeSleep logged the state change.
  const swappedSameMs = (t = 0) => winnerTrial([failAt(2000 + t), delayed(2000 + t), stateFail(2000 + t), won(2800 + t)]);
  // A real model error: the election is scheduled a whole ms before the state changes.
  const swappedLater = () => winnerTrial([failAt(2000), delayed(2000), stateFail(2001), won(2800)]);
  // Same ms, but not the pair whose order Redis leaves open: still compared.
  const wonBeforeFail = () => winnerTrial([won(2000), failAt(2000), stateFail(2000), delayed(2000)]);
  const seq = (t: TrialObservation) => winnerSequence(t, killMaster, "7001");

  it("does not order a state change against an election delay of the same millisecond, and orders everything else", () => {
    expect(seq(swappedSameMs())).toBe(seq(usual()));
    expect(seq(usual())).toBe("learns 7001 FAIL → cluster state fail → election delayed (rank #0) → election won");
    expect(seq(swappedLater())).not.toBe(seq(usual()));
    expect(seq(wonBeforeFail())).not.toBe(seq(usual()));
  });

  it("breaks a tie between counts by text, whatever the insertion order", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.nat(5), (keys, n) => {
        const forward = new Map(keys.map((k) => [k, n + 1] as const));
        const backward = new Map([...keys].reverse().map((k) => [k, n + 1] as const));
        expect(mostCommon(forward)).toBe([...keys].sort()[0]);
        expect(mostCommon(backward)).toBe(mostCommon(forward));
      }),
    );
  });

  it("accepts a 1–1 tie of real sequences when the simulator's usual one is among them (either order)", () => {
    const sim = new Map([["A", 20]]);
    expect(winnerSequenceBreaches(new Map([["B", 1], ["A", 1]]), sim)).toEqual([]);
    expect(winnerSequenceBreaches(new Map([["A", 1], ["B", 1]]), sim)).toEqual([]);
  });

  it("flags the simulator's usual sequence when no real trial shows it", () => {
    const b = winnerSequenceBreaches(new Map([["B", 3], ["C", 2]]), new Map([["A", 18], ["B", 2]]));
    expect(b).toHaveLength(1);
    expect(b[0]).toMatch(/simulator's most common one "A" occurs in none of the 5 real trials/);
  });

  it("flags a real majority sequence that the simulator never shows, even if its usual one is real too", () => {
    const b = winnerSequenceBreaches(new Map([["B", 3], ["A", 1]]), new Map([["A", 20]]));
    expect(b).toHaveLength(1);
    expect(b[0]).toMatch(/"B", shown by 3 of 4 real trials, never occurs in the simulator/);
    // Seen once in the simulator is enough: the rule asks that it be possible, not equally likely.
    expect(winnerSequenceBreaches(new Map([["B", 3], ["A", 1]]), new Map([["A", 19], ["B", 1]]))).toEqual([]);
  });

  it("judges whole trials the same way: rare same-ms swaps pass, a consistent real difference fails", () => {
    const sims = [0, 10, 20].map((t) => ({ ...usual(t), side: "sim" as const }));
    expect(compare(killMaster, "ci", [swappedSameMs(), usual(5)], sims).breaches.filter((b) => b.includes("sequence"))).toEqual([]);
    expect(compare(killMaster, "ci", [swappedLater(), swappedLater(), usual()], sims).breaches.filter((b) => b.includes("sequence"))).toHaveLength(1);
    expect(compare(killMaster, "ci", [usual(), usual(3)], [swappedLater(), swappedLater(), usual()].map((t) => ({ ...t, side: "sim" as const }))).breaches.filter((b) => b.includes("sequence"))).toHaveLength(1);
  });
});

describe("the Sentinel final-state signature", () => {
  const outcome = (promoted: string, other: string): FinalState => ({
    kind: "sentinel",
    servers: { "6400": { role: "replica", masterPort: promoted }, [promoted]: { role: "master", masterPort: null }, [other]: { role: "replica", masterPort: promoted } },
    sentinels: { "26400": { masterPort: promoted, configEpoch: 1 }, "26401": { masterPort: promoted, configEpoch: 1 } },
  });

  it("reads the same outcome the same whichever replica was promoted", () => {
    expect(finalSignature(outcome("6401", "6402"), "6400")).toBe(finalSignature(outcome("6402", "6401"), "6400"));
    expect(finalSignature(outcome("6401", "6402"), "6400")).not.toMatch(/\b640[12]\b/);
  });

  it("still tells apart an outcome where the other replica follows the wrong master", () => {
    const right = outcome("6401", "6402");
    const astray: FinalState = { kind: "sentinel", sentinels: { "26400": { masterPort: "6401", configEpoch: 1 }, "26401": { masterPort: "6401", configEpoch: 1 } }, servers: { "6400": { role: "replica", masterPort: "6401" }, "6401": { role: "master", masterPort: null }, "6402": { role: "replica", masterPort: "6400" } } };
    expect(finalSignature(astray, "6400")).not.toBe(finalSignature(right, "6400"));
  });
});
