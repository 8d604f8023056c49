import { describe, expect, it } from "vitest";
import { checkLiveness, checkRun, clusterConvergence, convergenceMs, livenessBoundMs, sentinelConvergence, sentinelLivenessBoundMs, type RunView } from "@failover-lab/sim-core/check";
import type { StandaloneState } from "@failover-lab/sim-core";
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

/**
 * A Sentinel group is live once its running Sentinels name one master that runs as a master
 * and every other running server replicates from it, within sentinelLivenessBoundMs.
 */
describe("liveness of a Sentinel group", () => {
  const FAILOVER_TIMEOUT_MS = 10_000;
  const DOWN_AFTER_MS = 3000;
  const BOUND_MS = sentinelLivenessBoundMs(DOWN_AFTER_MS, FAILOVER_TIMEOUT_MS);
  const group = (steps: Step[]): Scenario => ({
    name: "sentinel-liveness",
    title: "",
    narrative: "",
    topology: {
      kind: "sentinel",
      master: 6400,
      replicas: [6401, 6402],
      sentinels: [26400, 26401, 26402],
      quorum: 2,
      sentinelConfig: { "down-after-milliseconds": DOWN_AFTER_MS, "failover-timeout": FAILOVER_TIMEOUT_MS },
    },
    steps: steps.map((step) => ({ step })),
  });

  it("settles after its master is cut off and comes back: one master, the others its replicas", () => {
    const run = runScenario(
      group([
        { type: "wait", ms: 1000 },
        { type: "partition", name: "p", groups: [["6400"], "rest"] },
        { type: "wait", ms: 15_000 },
        { type: "heal", name: "p" },
        { type: "wait", ms: BOUND_MS },
      ]),
      { seed: 7 },
    );
    expect(run.sim.trace.some((r) => r.type === "switchMaster")).toBe(true);
    expect(sentinelConvergence(run.sim)).toEqual({ converged: true, problems: [], byDesign: false });
    expect(checkLiveness(run.sim)).toEqual([]);
  });

  it("stays without a master by design when too few Sentinels run to elect a leader, and says so", () => {
    const run = runScenario(
      group([
        { type: "wait", ms: 1000 },
        { type: "kill", node: "26401" },
        { type: "kill", node: "26402" },
        { type: "kill", node: "6400" },
        { type: "wait", ms: BOUND_MS },
      ]),
      { seed: 7 },
    );
    const [finding, ...rest] = checkLiveness(run.sim);
    expect(rest).toEqual([]);
    expect(finding!.kind).toBe("redisBehaviour");
    expect(finding!.message).toMatch(/Sentinel group not settled \d+ ms after the last fault \(bound \d+ ms\): master 6400 is down and only 1 of 3 Sentinels run \(a failover needs 2/);
    // Judged only once the bound has passed.
    expect(checkLiveness(run.sim, { boundMs: BOUND_MS * 10 })).toEqual([]);
  });

  it("calls a replica left following the wrong server a violation, naming it", () => {
    const run = runScenario(group([{ type: "wait", ms: 1000 }, { type: "kill", node: "26402" }, { type: "wait", ms: BOUND_MS }]), { seed: 8 });
    expect(checkLiveness(run.sim)).toEqual([]);
    // A view of the run in which 6402 still follows 6401: a simulator that forgot to reconfigure it.
    const view: RunView = {
      trace: run.sim.trace,
      nowUs: run.sim.nowUs,
      processIds: () => run.sim.processIds(),
      status: (pid) => run.sim.status(pid),
      state: <S,>(pid: string) => {
        const s = run.sim.state<StandaloneState>(pid);
        return (pid === "6402" ? { ...s, replication: { ...s.replication, masterHost: "6401" } } : s) as unknown as Readonly<S>;
      },
    };
    const [finding] = checkLiveness(view);
    expect(finding!.kind).toBe("violation");
    expect(finding!.message).toMatch(/6402 replicates from 6401, not from 6400/);
  });
});
