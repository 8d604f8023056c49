import { describe, expect, it } from "vitest";
import { checkDurability } from "@failover-lab/sim-core/check";
import { runScenario, type Scenario } from "@failover-lab/scenarios";

/**
 * Durability: a master cut off with its client keeps acknowledging writes that the side with
 * the majority never sees; once a replica is promoted there, those writes are gone. Real Redis
 * does this (asynchronous replication), so the finding is a Redis behaviour, with the count the
 * run's `writes.lost` reports and the window the writes were acknowledged in.
 */
const count = (message: string): number => Number(/: (\d+) of \d+ acknowledged writes lost/.exec(message)![1]);

describe("the durability checker", () => {
  it("reports a Sentinel master's writes lost behind a partition as redisBehaviour, matching writes.lost", () => {
    const scenario: Scenario = {
      name: "sentinel-partition",
      title: "",
      narrative: "",
      topology: { kind: "sentinel", master: 6400, replicas: [6401, 6402], sentinels: [26400, 26401, 26402], quorum: 2, sentinelConfig: { "down-after-milliseconds": 5000 } },
      workload: { kind: "sentinelClient", writeIntervalMs: 100 },
      steps: [
        { step: { type: "wait", ms: 2000 } },
        { step: { type: "partition", name: "p", groups: [["6400", "client-1"], "rest"] } },
        { step: { type: "wait", ms: 40_000 } },
        { step: { type: "heal", name: "p" } },
        { step: { type: "wait", ms: 30_000 } },
      ],
    };
    const run = runScenario(scenario, { seed: 1 });
    const [finding, ...rest] = checkDurability(run.sim);
    expect(rest).toEqual([]);
    expect(finding!.kind).toBe("redisBehaviour");
    expect(count(finding!.message)).toBe(run.writes!.lost);
    expect(run.writes!.lost).toBeGreaterThan(0);
    expect(finding!.message).toMatch(/acknowledged by 6400 between \d+ and \d+ ms; first failover\/crash\/restart: promotedSlave/);
  });

  it("reports a cluster master's writes lost behind a partition as redisBehaviour, matching writes.lost", () => {
    const scenario: Scenario = {
      name: "cluster-partition",
      title: "",
      narrative: "",
      topology: { kind: "cluster", ports: [7001, 7002, 7003, 7004, 7005, 7006], replicasPerMaster: 1 },
      config: { "cluster-node-timeout": 2000 },
      workload: { kind: "clusterWriter", writesPerSecond: 100 },
      steps: [
        { step: { type: "wait", ms: 2000 } },
        { step: { type: "partition", name: "p", groups: [["7001", "client-1"], "rest"] } },
        { step: { type: "wait", ms: 10_000 } },
        { step: { type: "heal", name: "p" } },
        { step: { type: "wait", ms: 20_000 } },
      ],
    };
    const run = runScenario(scenario, { seed: 2 });
    const [finding, ...rest] = checkDurability(run.sim);
    expect(rest).toEqual([]);
    expect(finding!.kind).toBe("redisBehaviour");
    expect(count(finding!.message)).toBe(run.writes!.lost);
    const [fromMs, toMs] = /issued between (\d+) and (\d+) ms/.exec(finding!.message)!.slice(1).map(Number);
    // Lost while 7001 was cut off (the partition began 2 s after the writer started).
    expect(fromMs).toBeGreaterThanOrEqual(Math.floor(run.sim.trace.find((r) => r.type === "faultApplied")!.atUs / 1000) - 100);
    expect(toMs).toBeGreaterThan(fromMs!);
  });
});
