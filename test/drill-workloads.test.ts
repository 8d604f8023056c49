import { describe, expect, it } from "vitest";
import { runScenario, type Scenario, type Step } from "@failover-lab/scenarios";
import { ackedByKey, finalValueInCluster, keyHashSlot, lostWrites, type ClusterNodeState, type ClusterWriterState, type SentinelClientState } from "@failover-lab/sim-core";

/**
 * Client workloads in scenarios: the runner starts them as client-1, client-2, … once the
 * topology has settled, and reports CONTRACTS §8 `writes` from what they saw.
 */
const kill = (port: number): Step => ({ type: "kill", node: String(port) });
const wait = (ms: number): Step => ({ type: "wait", ms });

const clusterKill: Scenario = {
  name: "test-writer-kill",
  title: "a writer through a master kill",
  narrative: "",
  topology: { kind: "cluster", ports: [7001, 7002, 7003, 7004, 7005, 7006], replicasPerMaster: 1, pairing: { 7004: 7001, 7005: 7002, 7006: 7003 } },
  config: { "cluster-node-timeout": 5_000 },
  workload: { kind: "clusterWriter", writesPerSecond: 50, seeds: [7001, 7002] },
  steps: [
    { step: wait(5_000) },
    { step: { type: "expect", expectation: { kind: "writes", measure: "acked", atLeast: 100 } } },
    { step: kill(7001) },
    { step: { type: "until", condition: { kind: "role", port: 7004, role: "master" }, withinMs: 30_000 } },
    { step: wait(5_000) },
    { step: { type: "expect", expectation: { kind: "clientError", error: "connectionRefused" } } },
    { step: { type: "expect", expectation: { kind: "writes", measure: "outageMs", atLeast: 5_000 } } },
  ],
};

describe("a cluster writer workload", () => {
  const run = runScenario(clusterKill, { seed: 3 });

  it("runs as client-1 and holds the scenario's expectations about writes", () => {
    expect(run.steps.filter((s) => !s.ok)).toEqual([]);
    expect(run.clients.map((c) => c.id)).toEqual(["client-1"]);
    expect(run.sim.state<ClusterWriterState>("client-1").counts.acked).toBe(run.writes!.acked);
  });

  it("reports an outage covering the node timeout, and loses no write outside the killed master's slots", () => {
    const w = run.writes!;
    expect(w.outageMs).toBeGreaterThanOrEqual(5_000);
    expect(w.longestGapMs).toBeLessThanOrEqual(w.outageMs);
    const live = ["7002", "7003", "7004", "7005", "7006"].map((p) => run.sim.state<ClusterNodeState>(p));
    const lost = lostWrites(ackedByKey(run.sim.state<ClusterWriterState>("client-1")), finalValueInCluster(live));
    expect(lost).toHaveLength(w.lost);
    expect(lost.filter((key) => keyHashSlot(key) > 5460)).toEqual([]);
  });

  it("fails an expectation about writes that does not hold, saying what it saw", () => {
    const strict = runScenario({ ...clusterKill, steps: [...clusterKill.steps, { step: { type: "expect", expectation: { kind: "writes", measure: "outageMs", atMost: 10 } } }] }, { seed: 3 });
    const last = strict.steps.at(-1)!;
    expect(last.ok).toBe(false);
    expect(last.saw).toMatch(/^writes\.outageMs = \d+/);
  });

  it("calls onSettled once, when every replica is in sync and before the writer or the first step starts", () => {
    const seen: { nowUs: number; linkUp: boolean[]; processes: number }[] = [];
    const observed = runScenario(clusterKill, {
      seed: 3,
      onSettled: (sim) => {
        seen.push({ nowUs: sim.nowUs, linkUp: ["7004", "7005", "7006"].map((p) => sim.state<ClusterNodeState>(p).replication.replState === "connected"), processes: sim.processIds().length });
      },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.linkUp).toEqual([true, true, true]);
    expect(seen[0]!.nowUs).toBe(observed.steps[0]!.atUs);
    expect(seen[0]!.processes).toBe(6);
    // Observing changes nothing.
    expect(observed.sim.traceHash()).toBe(run.sim.traceHash());
  });
});

describe("a Sentinel client workload", () => {
  const scenario: Scenario = {
    name: "test-sentinel-client",
    title: "a Sentinel client through a kill",
    narrative: "",
    topology: { kind: "sentinel", master: 6400, replicas: [6401], sentinels: [26400], quorum: 1, sentinelConfig: { "down-after-milliseconds": 5_000 } },
    workload: { kind: "sentinelClient", writeIntervalMs: 200, retryWaitMs: 1_000 },
    steps: [
      { step: wait(3_000) },
      { step: kill(6400) },
      { step: { type: "until", condition: { kind: "role", port: 6401, role: "master" }, withinMs: 30_000 } },
      { step: wait(5_000) },
      { step: { type: "expect", expectation: { kind: "writes", measure: "lost", atMost: 0 } } },
    ],
  };
  const run = runScenario(scenario, { seed: 1 });

  it("asks the Sentinel for the master, loses it at the kill, and writes to the promoted replica", () => {
    expect(run.steps.filter((s) => !s.ok)).toEqual([]);
    const client = run.sim.state<SentinelClientState>("client-1");
    expect(client.acked.at(-1)!.port).toBe(6401);
    expect(run.writes!.acked).toBe(client.acked.length);
    expect(run.writes!.outageMs).toBeGreaterThanOrEqual(5_000);
  });
});

describe("several workloads", () => {
  it("start as client-1, client-2 in order, and sum into one writes figure", () => {
    const two: Scenario = {
      ...clusterKill,
      name: "test-two-writers",
      workload: [
        { kind: "clusterWriter", writesPerSecond: 20, seeds: [7001], keyPrefix: "a:" },
        { kind: "clusterWriter", writesPerSecond: 10, seeds: [7002], keyPrefix: "b:", startAtMs: 2_000 },
      ],
      steps: [{ step: wait(6_000) }],
    };
    const run = runScenario(two, { seed: 1 });
    expect(run.clients.map((c) => [c.id, c.workload.kind])).toEqual([
      ["client-1", "clusterWriter"],
      ["client-2", "clusterWriter"],
    ]);
    const a = run.sim.state<ClusterWriterState>("client-1").counts.acked;
    const b = run.sim.state<ClusterWriterState>("client-2").counts.acked;
    // 6 s at 20/s, and 4 s at 10/s (client-2 starts 2 s after the first step).
    expect(a).toBeGreaterThanOrEqual(110);
    expect(b).toBeGreaterThanOrEqual(35);
    expect(b).toBeLessThanOrEqual(41);
    expect(run.writes!.acked).toBe(a + b);
    expect(run.writes!.lost).toBe(0);
  });
});
