import { Document, isCollection, isMap, isSeq, type Node } from "yaml";
import type { Fault, PartitionGroup } from "@failover-lab/sim-core";
import type { Condition, Expectation, Scenario, Step, Topology, Workload } from "../steps";
import { joinArgs } from "./cli-args";
import { formatDurationMs } from "./duration";
import { canonicalSeed, seedProblem } from "../seed";

/**
 * Scenario → scenario file (docs/scenario-format.md). `parseScenarioYaml` reads what this writes
 * back to an equal Scenario; a property test holds the two to that. The fuzzer saves shrunk
 * counterexamples through here, so every Step kind must be writable: the switches below end in
 * a `never` check, and a new kind in steps.ts breaks the build until it has a file form.
 */

export interface WriteOptions {
  /** The file's default seed (`seed:`), used by `failover-lab run FILE` when no --seed is given. */
  readonly seed?: string | number;
  /** Lines written as `# …` comments at the top of the file (e.g. the finding's kind). */
  readonly comment?: readonly string[];
}

export function scenarioToYaml(scenario: Scenario, options: WriteOptions = {}): string {
  const plain: Record<string, unknown> = { name: scenario.name, title: scenario.title };
  if (scenario.narrative !== "") plain.narrative = scenario.narrative;
  if (options.seed !== undefined) plain.seed = seedValue(options.seed);
  plain.topology = topologyValue(scenario.topology);
  if (scenario.config !== undefined) plain.config = scenario.config;
  if (scenario.workload !== undefined) {
    plain.workload = Array.isArray(scenario.workload)
      ? (scenario.workload as readonly Workload[]).map(workloadValue)
      : workloadValue(scenario.workload as Workload);
  }
  plain.steps = scenario.steps.map(({ step, note }) => {
    const value = stepValue(step);
    if (note === undefined) return value;
    // A bare `- heal` has no mapping to hang the note on: spell it `heal: null`.
    return typeof value === "string" ? { [value]: null, note } : { ...value, note };
  });

  const doc = new Document(plain);
  if (options.comment !== undefined && options.comment.length > 0) doc.commentBefore = options.comment.map((l) => ` ${l}`).join("\n");
  flowStyle(doc);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** Short collections on one line: a step's arguments, the topology's port lists, each workload. */
function flowStyle(doc: Document): void {
  const root = doc.contents;
  if (!isMap(root)) return;
  const topology = root.get("topology", true);
  if (isMap(topology)) for (const pair of topology.items) if (isCollection(pair.value)) flowAll(pair.value);
  const workload = root.get("workload", true);
  if (isSeq(workload)) for (const item of workload.items) flowAll(item as Node);
  if (isMap(workload)) for (const pair of workload.items) if (isCollection(pair.value)) flowAll(pair.value);
  const steps = root.get("steps", true);
  if (isSeq(steps)) {
    for (const item of steps.items) {
      if (isMap(item)) for (const pair of item.items) if (isCollection(pair.value)) flowAll(pair.value);
    }
  }
}

function flowAll(node: Node): void {
  if (isCollection(node)) node.flow = true;
}

/** The canonical seed, as a YAML number when it is one exactly, else as its digits (the parser reads both). */
function seedValue(seed: string | number): string | number {
  const canonical = canonicalSeed(seed);
  if (canonical === undefined) throw new Error(`scenarioToYaml: ${seedProblem(seed)}`);
  return Number.isSafeInteger(Number(canonical)) ? Number(canonical) : canonical;
}

/** A process as the file names it: a server by its port (a number), anything else by its name. */
export function nodeValue(node: string): string | number {
  return /^[1-9]\d{0,8}$/.test(node) ? Number(node) : node;
}

function topologyValue(topology: Topology): Record<string, unknown> {
  switch (topology.kind) {
    case "cluster":
      return {
        kind: "cluster",
        ports: topology.ports,
        replicasPerMaster: topology.replicasPerMaster,
        ...(topology.pairing === undefined ? {} : { pairing: byPort(topology.pairing) }),
        ...(topology.extraPorts === undefined ? {} : { extraPorts: topology.extraPorts }),
      };
    case "sentinel":
      return {
        kind: "sentinel",
        master: topology.master,
        replicas: topology.replicas,
        sentinels: topology.sentinels,
        quorum: topology.quorum,
        ...(topology.sentinelConfig === undefined ? {} : { sentinelConfig: topology.sentinelConfig }),
        ...(topology.configByPort === undefined ? {} : { configByPort: byPort(topology.configByPort) }),
      };
    default:
      return unreachable(topology);
  }
}

/** A record keyed by port, written with number keys (`7004: 7001`, not `"7004": 7001`). */
function byPort<V>(record: Readonly<Record<number, V>>): Map<number, V> {
  return new Map(Object.entries(record).map(([port, value]) => [Number(port), value]));
}

function workloadValue(workload: Workload): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: workload.kind };
  switch (workload.kind) {
    case "clusterWriter":
      out.writesPerSecond = workload.writesPerSecond;
      if (workload.keyPrefix !== undefined) out.keyPrefix = workload.keyPrefix;
      if (workload.seeds !== undefined) out.seeds = workload.seeds;
      if (workload.startAtMs !== undefined) out.startAt = formatDurationMs(workload.startAtMs);
      if (workload.requestTimeoutMs !== undefined) out.requestTimeout = formatDurationMs(workload.requestTimeoutMs);
      return out;
    case "sentinelClient":
      if (workload.sentinels !== undefined) out.sentinels = workload.sentinels;
      if (workload.writeIntervalMs !== undefined) out.writeInterval = formatDurationMs(workload.writeIntervalMs);
      if (workload.retryWaitMs !== undefined) out.retryWait = formatDurationMs(workload.retryWaitMs);
      if (workload.requestTimeoutMs !== undefined) out.requestTimeout = formatDurationMs(workload.requestTimeoutMs);
      if (workload.keyPrefix !== undefined) out.keyPrefix = workload.keyPrefix;
      if (workload.startAtMs !== undefined) out.startAt = formatDurationMs(workload.startAtMs);
      if (workload.stopAtMs !== undefined) out.stopAt = formatDurationMs(workload.stopAtMs);
      return out;
    default:
      return unreachable(workload);
  }
}

/** One step as its file form: a one-key mapping (`{kill: 7001}`), or a bare word (`heal`). */
export function stepValue(step: Step): Record<string, unknown> | string {
  switch (step.type) {
    case "kill":
    case "shutdown":
    case "pause":
    case "resume":
    case "restart":
      return { [step.type]: nodeValue(step.node) };
    case "partition":
      return { partition: partitionValue(step) };
    case "heal":
      return step.name === undefined ? "heal" : { heal: step.name };
    case "delay":
      return { delay: { from: nodeValue(step.from), to: nodeValue(step.to), extra: formatDurationMs(step.extraMs) } };
    case "loss":
      return { loss: { from: nodeValue(step.from), to: nodeValue(step.to), rate: step.rate } };
    case "clog":
    case "unclog":
      return { [step.type]: { from: nodeValue(step.from), to: nodeValue(step.to) } };
    case "hold": {
      if (step.from === undefined && step.to === undefined && step.kinds === undefined) return { hold: step.name };
      return {
        hold: {
          name: step.name,
          ...(step.from === undefined ? {} : { from: nodeValue(step.from) }),
          ...(step.to === undefined ? {} : { to: nodeValue(step.to) }),
          ...(step.kinds === undefined ? {} : { kinds: step.kinds }),
        },
      };
    }
    case "release":
      return { release: step.name };
    case "clockJump":
      return { clockJump: { node: nodeValue(step.node), by: formatDurationMs(step.deltaMs) } };
    case "cli":
      return { cli: { port: step.port, cmd: joinArgs(step.argv) } };
    case "check":
      return { check: step.port };
    case "admin":
      return { admin: joinArgs(step.argv) };
    case "wait":
      return { wait: formatDurationMs(step.ms) };
    case "until":
      return { until: { ...conditionValue(step.condition), within: formatDurationMs(step.withinMs) } };
    case "expect":
      return { expect: expectationValue(step.expectation) };
    default:
      return unreachable(step);
  }
}

function partitionValue(fault: Extract<Fault, { type: "partition" }>): unknown {
  const groups = fault.groups.map((g: PartitionGroup) => (g === "rest" ? "rest" : g.map(nodeValue)));
  if (fault.name === undefined && fault.oneWay === undefined) return groups;
  return {
    ...(fault.name === undefined ? {} : { name: fault.name }),
    groups,
    ...(fault.oneWay === undefined ? {} : { oneWay: fault.oneWay }),
  };
}

export function conditionValue(condition: Condition): Record<string, unknown> {
  switch (condition.kind) {
    case "role":
      return { role: { port: condition.port, is: condition.role } };
    case "clusterState":
      return { clusterState: { port: condition.port, is: condition.state } };
    case "sentinelMaster":
      return { sentinelMaster: { sentinel: condition.sentinel, is: condition.master } };
    case "sentinelEvent":
      return {
        sentinelEvent: {
          line: condition.line,
          ...(condition.sentinel === undefined ? {} : { sentinel: condition.sentinel }),
          ...(condition.prefix === undefined ? {} : { prefix: condition.prefix }),
        },
      };
    case "event":
      return { event: { port: condition.port, name: condition.event, ...(condition.where === undefined ? {} : { where: condition.where }) } };
    default:
      return unreachable(condition);
  }
}

function expectationValue(expectation: Expectation): Record<string, unknown> {
  switch (expectation.kind) {
    case "condition":
      return conditionValue(expectation.condition);
    case "writes":
      return {
        writes: expectation.measure,
        ...(expectation.atLeast === undefined ? {} : { atLeast: expectation.atLeast }),
        ...(expectation.atMost === undefined ? {} : { atMost: expectation.atMost }),
      };
    case "clientError":
      return { clientError: expectation.error };
    case "property":
      return { property: expectation.property };
    case "property":
      return { property: expectation.property };
    case "checkLine":
      return { checkLine: { port: expectation.port, line: expectation.line } };
    case "cliReply":
      return { reply: expectation.text };
    case "cliLine":
      return {
        cliLine: expectation.line,
        ...(expectation.prefix === undefined ? {} : { prefix: expectation.prefix }),
        ...(expectation.absent === undefined ? {} : { absent: expectation.absent }),
      };
    default:
      return unreachable(expectation);
  }
}

/**
 * Every field of every kind, as written above. The switches catch a new kind; this catches a new
 * field of a known kind (which the writer would drop silently, and the fuzzer's saved files
 * would not replay): add its file form above and in parse.ts, then its name here.
 */
type Fields<T, K extends PropertyKey> = [Exclude<keyof T, K>] extends [never] ? true : `not written: ${Exclude<keyof T, K> & string}`;
type StepOf<T extends Step["type"]> = Extract<Step, { type: T }>;
type ConditionOf<K extends Condition["kind"]> = Extract<Condition, { kind: K }>;
type ExpectationOf<K extends Expectation["kind"]> = Extract<Expectation, { kind: K }>;
export const EVERY_FIELD_WRITTEN: readonly true[] = [
  true as Fields<Scenario, "name" | "title" | "narrative" | "topology" | "config" | "workload" | "steps">,
  true as Fields<Scenario["steps"][number], "step" | "note">,
  true as Fields<Extract<Topology, { kind: "cluster" }>, "kind" | "ports" | "replicasPerMaster" | "pairing" | "extraPorts">,
  true as Fields<Extract<Topology, { kind: "sentinel" }>, "kind" | "master" | "replicas" | "sentinels" | "quorum" | "sentinelConfig" | "configByPort">,
  true as Fields<Extract<Workload, { kind: "clusterWriter" }>, "kind" | "writesPerSecond" | "keyPrefix" | "seeds" | "startAtMs" | "requestTimeoutMs">,
  true as Fields<Extract<Workload, { kind: "sentinelClient" }>, "kind" | "sentinels" | "writeIntervalMs" | "retryWaitMs" | "requestTimeoutMs" | "keyPrefix" | "startAtMs" | "stopAtMs">,
  true as Fields<StepOf<"kill">, "type" | "node">,
  true as Fields<StepOf<"shutdown">, "type" | "node">,
  true as Fields<StepOf<"pause">, "type" | "node">,
  true as Fields<StepOf<"resume">, "type" | "node">,
  true as Fields<StepOf<"restart">, "type" | "node">,
  true as Fields<StepOf<"partition">, "type" | "name" | "groups" | "oneWay">,
  true as Fields<StepOf<"heal">, "type" | "name">,
  true as Fields<StepOf<"delay">, "type" | "from" | "to" | "extraMs">,
  true as Fields<StepOf<"loss">, "type" | "from" | "to" | "rate">,
  true as Fields<StepOf<"clog">, "type" | "from" | "to">,
  true as Fields<StepOf<"unclog">, "type" | "from" | "to">,
  true as Fields<StepOf<"hold">, "type" | "name" | "from" | "to" | "kinds">,
  true as Fields<StepOf<"release">, "type" | "name">,
  true as Fields<StepOf<"clockJump">, "type" | "node" | "deltaMs">,
  true as Fields<StepOf<"cli">, "type" | "port" | "argv">,
  true as Fields<StepOf<"check">, "type" | "port">,
  true as Fields<StepOf<"admin">, "type" | "argv">,
  true as Fields<StepOf<"wait">, "type" | "ms">,
  true as Fields<StepOf<"until">, "type" | "condition" | "withinMs">,
  true as Fields<StepOf<"expect">, "type" | "expectation">,
  true as Fields<ConditionOf<"role">, "kind" | "port" | "role">,
  true as Fields<ConditionOf<"clusterState">, "kind" | "port" | "state">,
  true as Fields<ConditionOf<"sentinelMaster">, "kind" | "sentinel" | "master">,
  true as Fields<ConditionOf<"sentinelEvent">, "kind" | "line" | "sentinel" | "prefix">,
  true as Fields<ConditionOf<"event">, "kind" | "port" | "event" | "where">,
  true as Fields<ExpectationOf<"condition">, "kind" | "condition">,
  true as Fields<ExpectationOf<"writes">, "kind" | "measure" | "atLeast" | "atMost">,
  true as Fields<ExpectationOf<"clientError">, "kind" | "error">,
  true as Fields<ExpectationOf<"property">, "kind" | "property">,
  true as Fields<ExpectationOf<"checkLine">, "kind" | "port" | "line">,
  true as Fields<ExpectationOf<"cliReply">, "kind" | "text">,
  true as Fields<ExpectationOf<"cliLine">, "kind" | "line" | "prefix" | "absent">,
];

function unreachable(x: never): never {
  throw new Error(`the scenario writer has no file form for ${JSON.stringify(x)}`);
}
