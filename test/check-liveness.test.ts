import { describe, expect, it } from "vitest";
import { checkLiveness, checkRun, clusterConvergence, convergenceMs, livenessBoundMs } from "@failover-lab/sim-core/check";
import { runScenario, type Scenario, type Step } from "@failover-lab/scenarios";

/**
 * Liveness is judged once a run has gone on for the bound after its last fault. A cluster whose
 * only replica of a dead master is too stale to fail over stays down — real Redis does too — and
 * the finding must say who is stuck and why, with Redis's own numbers.
 */
const PORTS = [7001, 7002, 7003, 7004, 7005, 7006];
const NT = 1000;

function cluster(steps: Step[], config: Record<string, unknown> = {}): Scenario {
  return {
    name: "liveness",
    title: "",
    narrative: "",
    topology: { kind: "cluster", ports: PORTS, replicasPerMaster: 1 },
    config: { "cluster-node-timeout": NT, ...config },
    steps: steps.map((step) => ({ step })),
  };
}

describe("the liveness checker", () => {
  it("finds nothing after a kill and restart once the bound has passed, and measures the settling", () => {
    const run = runScenario(cluster([{ type: "kill", node: "7001" }, { type: "wait", ms: 5000 }, { type: "restart", node: "7001" }, { type: "wait", ms: livenessBoundMs(NT) }]), { seed: 3 });
    expect(checkLiveness(run.sim)).toEqual([]);
    expect(clusterConvergence(run.sim).converged).toBe(true);
    expect(convergenceMs(run.sim)).toBeGreaterThanOrEqual(0);
    expect(convergenceMs(run.sim)).toBeLessThanOrEqual(livenessBoundMs(NT));
  });

  it("does not judge a run that stopped before the bound", () => {
    const stuck = runScenario(cluster([{ type: "kill", node: "7001" }, { type: "kill", node: "7004" }, { type: "wait", ms: livenessBoundMs(NT) - 1000 }]), { seed: 3 });
    expect(clusterConvergence(stuck.sim).converged).toBe(false);
    expect(checkLiveness(stuck.sim)).toEqual([]);
  });

  it("diagnoses a replica too stale to take over as a Redis behaviour, with its data age and the limit", () => {
    // 7004 (replica of 7001) is cut off for 30 s: its link to 7001 times out after repl-timeout
    // (5 s), then 7001 dies as the cut heals. With a validity factor of 1, 7004's data may be at
    // most 10 s (ping period) + 1 s (node timeout) old; it is about 25 s old.
    const steps: Step[] = [
      { type: "partition", name: "cut", groups: [["7004"], "rest"] },
      { type: "wait", ms: 30_000 },
      { type: "kill", node: "7001" },
      { type: "heal", name: "cut" },
      { type: "wait", ms: livenessBoundMs(NT) },
    ];
    const run = runScenario(cluster(steps, { "cluster-replica-validity-factor": 1, "repl-timeout": 5 }), { seed: 5 });
    const [finding, ...rest] = checkRun(run.sim, ["liveness"]);
    expect(rest).toEqual([]);
    expect(finding!.kind).toBe("redisBehaviour");
    expect(finding!.message).toMatch(/7004 cannot fail over: data age (\d+) ms > max 11000 ms/);
    const age = Number(/data age (\d+) ms/.exec(finding!.message)![1]);
    expect(age).toBeGreaterThan(11_000);
    expect(finding!.message).toMatch(/7002 says cluster_state:fail/);
    // The simulator logged the same reason, as Redis's "Currently unable to failover".
    expect(run.sim.trace.some((r) => r.node === "7004" && r.type === "cantFailover" && r.reason === "dataAge")).toBe(true);
  });

  it("calls a master with no replica left to take over a Redis behaviour too", () => {
    const run = runScenario(cluster([{ type: "kill", node: "7004" }, { type: "kill", node: "7001" }, { type: "wait", ms: livenessBoundMs(NT) }]), { seed: 2 });
    const findings = checkLiveness(run.sim);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.kind).toBe("redisBehaviour");
    expect(findings[0]!.message).toMatch(/belongs to 7001, which is not running; no running replica of it can take over/);
  });
});
