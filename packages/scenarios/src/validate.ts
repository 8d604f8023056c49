import { parseClusterAdminArgs } from "@failover-lab/sim-core";
import type { Condition, Expectation, Scenario, Step } from "./steps";
import { describeStep } from "./describe";
import { workloadsOf } from "./workloads";

/**
 * What is wrong with a scenario before anything runs: a step naming a node the topology does not
 * have, a wait that cannot end, an empty topology. The runner refuses such a scenario with every
 * problem listed (exit 2 in the CLI), rather than failing halfway through a run.
 */
export class ScenarioError extends Error {
  constructor(
    readonly scenario: string,
    readonly problems: readonly string[],
  ) {
    super(`scenario ${scenario}: ${problems.join("; ")}`);
    this.name = "ScenarioError";
  }
}

/** Every process a step may name: the servers, the Sentinels, and the workload clients. */
export function processesOf(scenario: Scenario): string[] {
  const t = scenario.topology;
  const servers = t.kind === "cluster" ? [...t.ports, ...(t.extraPorts ?? [])] : [t.master, ...t.replicas, ...t.sentinels];
  return [...servers.map(String), ...workloadsOf(scenario).map((_, i) => `client-${i + 1}`)];
}

export function scenarioProblems(scenario: Scenario): string[] {
  const problems: string[] = [];
  const known = new Set(processesOf(scenario));
  const t = scenario.topology;
  if (t.kind === "cluster" && t.ports.length === 0) problems.push("the cluster topology has no ports");
  if (t.kind === "sentinel") {
    if (t.sentinels.length === 0) problems.push("the Sentinel topology has no Sentinels");
    if (!(Number.isInteger(t.quorum) && t.quorum >= 1)) problems.push(`quorum must be a positive integer, got ${t.quorum}`);
  }
  const knownList = [...known].join(", ");
  scenario.steps.forEach(({ step }, i) => {
    const where = `step ${i + 1} (${describeStep(step)})`;
    for (const pid of namedBy(step)) if (!known.has(pid)) problems.push(`${where}: unknown node "${pid}" (expected one of: ${knownList})`);
    for (const problem of timeProblems(step)) problems.push(`${where}: ${problem}`);
  });
  const steps = scenario.steps.map(({ step }) => step);
  for (const { index, message } of stepOrderProblems(steps, workloadsOf(scenario).length > 0)) {
    problems.push(`step ${index + 1} (${describeStep(steps[index]!)}): ${message}`);
  }
  return problems;
}

/**
 * Steps that make sense alone but not where they stand: they name or read something no earlier
 * step made (a partition to heal, a hold to release, a check or reply to read, a workload's
 * writes), or an admin command the model does not have. Each would otherwise fail halfway
 * through the run, or throw from inside it. `index` counts from 0 (the file parser maps it to
 * the step's line).
 */
export function stepOrderProblems(steps: readonly Step[], hasWorkload: boolean): { index: number; message: string }[] {
  const problems: { index: number; message: string }[] = [];
  const partitions = new Set<string>();
  const holds = new Set<string>();
  const checkedPorts = new Set<number>();
  let cliSeen = false;
  let cliOrAdminSeen = false;
  const add = (index: number, message: string): void => void problems.push({ index, message });
  const list = (names: Set<string>): string => (names.size === 0 ? "none" : [...names].map((n) => `"${n}"`).join(", "));
  steps.forEach((step, index) => {
    switch (step.type) {
      case "partition":
        if (step.name !== undefined) partitions.add(step.name);
        return;
      case "hold":
        holds.add(step.name);
        return;
      case "heal":
        if (step.name !== undefined && !partitions.has(step.name)) add(index, `no earlier step made a partition named "${step.name}" (named so far: ${list(partitions)})`);
        return;
      case "release":
        if (!holds.has(step.name)) add(index, `no earlier step made a hold named "${step.name}" (named so far: ${list(holds)})`);
        return;
      case "check":
        checkedPorts.add(step.port);
        return;
      case "cli":
        cliSeen = cliOrAdminSeen = true;
        return;
      case "admin":
        cliOrAdminSeen = true;
        try {
          parseClusterAdminArgs(step.argv);
        } catch (error) {
          add(index, `${(error as Error).message} (expected e.g. "add-node 127.0.0.1:7007 127.0.0.1:7001")`);
        }
        return;
      case "expect": {
        const e = step.expectation;
        if ((e.kind === "writes" || e.kind === "clientError") && !hasWorkload) add(index, `expects what the workload's clients saw, but the scenario has no workload`);
        if (e.kind === "checkLine" && !checkedPorts.has(e.port)) add(index, `no earlier step checks ${e.port} (expected a "check: ${e.port}" before it)`);
        if (e.kind === "cliReply" && !cliSeen) add(index, `no earlier "cli" step whose reply it could read`);
        if (e.kind === "cliLine" && !cliOrAdminSeen) add(index, `no earlier "cli" or "admin" step whose output it could read`);
        return;
      }
      default:
        return;
    }
  });
  return problems;
}

export function assertValidScenario(scenario: Scenario): void {
  const problems = scenarioProblems(scenario);
  if (problems.length > 0) throw new ScenarioError(scenario.name, problems);
}

/** The processes a step names. */
function namedBy(step: Step): string[] {
  switch (step.type) {
    case "cli":
    case "check":
      return [String(step.port)];
    case "wait":
      return [];
    case "until":
      return namedByCondition(step.condition);
    case "expect":
      return namedByExpectation(step.expectation);
    case "kill":
    case "shutdown":
    case "pause":
    case "resume":
    case "restart":
    case "clockJump":
      return [step.node];
    case "partition":
      return step.groups.flatMap((g) => (g === "rest" ? [] : [...g]));
    case "heal":
    case "release":
      return [];
    case "hold":
      return [step.from, step.to].filter((p): p is string => p !== undefined);
    case "delay":
    case "loss":
    case "clog":
    case "unclog":
      return [step.from, step.to];
    default:
      return namedByOther(step);
  }
}

/** Step kinds added by others (e.g. cluster administration) name their nodes in `port`/`node` fields. */
function namedByOther(step: Step): string[] {
  const s = step as { port?: unknown; node?: unknown };
  return [s.port, s.node].filter((p) => typeof p === "number" || typeof p === "string").map(String);
}

function namedByCondition(c: Condition): string[] {
  switch (c.kind) {
    case "role":
    case "clusterState":
    case "event":
      return [String(c.port)];
    case "sentinelMaster":
      return [String(c.sentinel), String(c.master)];
    case "sentinelEvent":
      return c.sentinel === undefined ? [] : [String(c.sentinel)];
  }
}

function namedByExpectation(e: Expectation): string[] {
  switch (e.kind) {
    case "condition":
      return namedByCondition(e.condition);
    case "checkLine":
      return [String(e.port)];
    case "cliReply":
    case "cliLine":
    case "writes":
    case "clientError":
    case "property":
      return [];
  }
}

function timeProblems(step: Step): string[] {
  if (step.type === "wait" && !(Number.isFinite(step.ms) && step.ms >= 0)) return [`a wait must be a finite, non-negative number of ms, got ${step.ms}`];
  // `within 0s` checks once, now (the file format allows it too).
  if (step.type === "until" && !(Number.isFinite(step.withinMs) && step.withinMs >= 0)) return [`"within" must be a finite, non-negative number of ms, got ${step.withinMs}`];
  return [];
}
