import { FIRST_CLUSTER_PORT, FIRST_SENTINEL_PORT, SENTINEL_MASTER_PORT, caseSchedule, clusterPorts, detectionTimeoutMs, type FuzzCase } from "@failover-lab/sim-core/fc";
import { livenessBoundMs, type PropertyName } from "@failover-lab/sim-core/check";
import type { Scenario, Step, Topology, Workload } from "../steps";

/**
 * A fuzz case as a scenario: the topology, the workload, then each fault as a step (with the
 * waits between them), then a wait long enough for the liveness bound. The fuzz harness runs
 * exactly this scenario with `runScenario`, so a saved counterexample replays the same history
 * with `failover-lab run FILE`.
 */

/**
 * How long a run goes on after its last fault: the liveness bound for clusters; for a Sentinel
 * group, time for SDOWN, ODOWN, an election, a promotion and reconfiguring the replicas.
 */
export function settleMsOf(c: FuzzCase): number {
  return c.topology.kind === "cluster" ? livenessBoundMs(c.topology.nodeTimeoutMs) : 4 * detectionTimeoutMs(c.topology) + 30_000;
}

function topologyOf(c: FuzzCase): Topology {
  const t = c.topology;
  if (t.kind === "cluster") return { kind: "cluster", ports: clusterPorts(t), replicasPerMaster: t.replicasPerMaster };
  return {
    kind: "sentinel",
    master: SENTINEL_MASTER_PORT,
    replicas: Array.from({ length: t.replicas }, (_, i) => SENTINEL_MASTER_PORT + 1 + i),
    sentinels: Array.from({ length: t.sentinels }, (_, i) => FIRST_SENTINEL_PORT + i),
    quorum: t.quorum,
    sentinelConfig: { "down-after-milliseconds": t.downAfterMs },
  };
}

function workloadOf(c: FuzzCase): Workload | undefined {
  if (c.workload === null) return undefined;
  if (c.topology.kind === "cluster") return { kind: "clusterWriter", writesPerSecond: c.workload.writesPerSecond, seeds: [FIRST_CLUSTER_PORT] };
  return { kind: "sentinelClient", writeIntervalMs: Math.max(1, Math.round(1000 / c.workload.writesPerSecond)) };
}

/** The steps of a case: faults at their times, then the settle wait. */
export function caseSteps(c: FuzzCase, settleMs: number = settleMsOf(c)): Step[] {
  const steps: Step[] = [];
  let nowMs = 0;
  for (const { atUs, fault } of caseSchedule(c)) {
    const atMs = atUs / 1000;
    if (atMs > nowMs) steps.push({ type: "wait", ms: atMs - nowMs });
    nowMs = atMs;
    steps.push(fault);
  }
  steps.push({ type: "wait", ms: settleMs });
  return steps;
}

export interface CaseScenarioOptions {
  readonly name?: string;
  readonly settleMs?: number;
  /** End with an expectation that this property holds (what a saved counterexample does). */
  readonly expectProperty?: PropertyName;
}

export function fuzzCaseToScenario(c: FuzzCase, options: CaseScenarioOptions = {}): Scenario {
  const steps: Step[] = caseSteps(c, options.settleMs ?? settleMsOf(c));
  if (options.expectProperty !== undefined) steps.push({ type: "expect", expectation: { kind: "property", property: options.expectProperty } });
  const workload = workloadOf(c);
  return {
    name: options.name ?? "fuzz",
    title: "A fuzz case",
    narrative: "",
    topology: topologyOf(c),
    ...(Object.keys(c.config).length > 0 || c.topology.kind === "cluster" ? { config: clusterConfigOf(c) } : {}),
    ...(workload === undefined ? {} : { workload }),
    steps: steps.map((step) => ({ step })),
  };
}

function clusterConfigOf(c: FuzzCase): Record<string, unknown> {
  return c.topology.kind === "cluster" ? { "cluster-node-timeout": c.topology.nodeTimeoutMs, ...c.config } : { ...c.config };
}
