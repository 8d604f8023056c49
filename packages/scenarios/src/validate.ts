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
