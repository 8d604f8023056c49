import { LineCounter, parseDocument, visit } from "yaml";
import { z } from "zod";
import type { Fault } from "@failover-lab/sim-core";
import { PROPERTY_NAMES, isPropertyName, type PropertyName } from "@failover-lab/sim-core/check";
import type { Condition, Expectation, Scenario, Step, Topology, Workload } from "../steps";
import { canonicalSeed } from "../seed";
import { stepOrderProblems } from "../validate";
import { ProblemList, ScenarioFileError, mapping, show, unknownName, want, type Path } from "./problems";
import {
  CONDITION_KEYS,
  bound,
  conditionSchemas,
  knownOf,
  redisConfigSchema,
  stepArgs,
  topologySchema,
  workloadSchema,
  writesMeasure,
  type ConditionKey,
  type Known,
} from "./schemas";

/**
 * Scenario file → Scenario (docs/scenario-format.md). Every problem found is reported as
 * `file:line: what was wrong (expected …)` in one ScenarioFileError, before anything runs:
 * YAML syntax, unknown keys, unknown step kinds, wrong argument types, ports the topology does
 * not have, impossible waits, unknown config keys and event names.
 */

export interface ScenarioFile {
  readonly scenario: Scenario;
  /** The file's own default seed (`seed:`), for a run without --seed. */
  readonly seed?: string;
}

type StepKind = Step["type"];

/** Every step kind, as the file spells it; typed so that a kind added to Step must be listed. */
const STEP_KIND_NAMES = {
  kill: true,
  shutdown: true,
  pause: true,
  resume: true,
  restart: true,
  partition: true,
  heal: true,
  delay: true,
  loss: true,
  clog: true,
  unclog: true,
  hold: true,
  release: true,
  clockJump: true,
  cli: true,
  check: true,
  admin: true,
  wait: true,
  until: true,
  expect: true,
} as const satisfies Record<StepKind, true>;
type Missing = Exclude<StepKind, keyof typeof STEP_KIND_NAMES>;
const everyKindNamed: [Missing] extends [never] ? true : Missing = true;
void everyKindNamed;

export const STEP_KINDS = Object.keys(STEP_KIND_NAMES) as StepKind[];

/** How each step is written, for messages about a step given without its arguments. */
const STEP_EXAMPLES: Readonly<Record<StepKind, string>> = {
  kill: "- kill: 7001",
  shutdown: "- shutdown: 7001",
  pause: "- pause: 7001",
  resume: "- resume: 7001",
  restart: "- restart: 7001",
  partition: "- partition: [[7001, client-1], rest]",
  heal: "- heal",
  delay: "- delay: {from: 7001, to: 7004, extra: 200ms}",
  loss: "- loss: {from: 7001, to: 7004, rate: 0.3}",
  clog: "- clog: {from: 7001, to: 7004}",
  unclog: "- unclog: {from: 7001, to: 7004}",
  hold: "- hold: {name: h1, from: 7001, to: 7004}",
  release: "- release: h1",
  clockJump: "- clockJump: {node: 26400, by: 40s}",
  cli: '- cli: {port: 7002, cmd: "CLUSTER FAILOVER"}',
  check: "- check: 7001",
  admin: '- admin: "add-node 127.0.0.1:7007 127.0.0.1:7001"',
  wait: "- wait: 20s",
  until: "- until: {role: {port: 7004, is: master}, within: 60s}",
  expect: "- expect: {role: {port: 7004, is: master}}",
};

/** Other spellings a file may use: `drop` is what issue #6 calls `loss` (CONTRACTS §4). */
const STEP_ALIASES: Readonly<Record<string, StepKind>> = { drop: "loss" };

const SEED = "a seed (a non-negative integer such as 7)";
const TOP_LEVEL = mapping(
  {
    name: z.string(want("a name")).min(1, want("a name")).optional(),
    title: z.string(want("a title")).optional(),
    narrative: z.string(want("a text")).optional(),
    // Canonical (seed.ts), so `seed: 07` and `seed: "7"` run as --seed 7 does.
    seed: z
      .union([z.int(want(SEED)).min(0, want(SEED)), z.string(want(SEED)).regex(/^\d+$/, want(SEED))], want(SEED))
      .optional(),
    topology: z.record(z.string(), z.unknown(), want("a topology (a mapping with kind: cluster or kind: sentinel)")),
    config: z.record(z.string(), z.unknown(), want("a mapping of Redis options (name: value)")).optional(),
    workload: z.unknown().optional(),
    steps: z.array(z.unknown(), want("a list of steps")),
  },
  "a scenario: a mapping with name, topology and steps",
);

/** The file's key for each expectation kind other than a condition (conditions use their own keys). */
const EXPECTATION_KEY = {
  writes: "writes",
  clientError: "clientError",
  property: "property",
  checkLine: "checkLine",
  cliReply: "reply",
  cliLine: "cliLine",
} as const satisfies Record<Exclude<Expectation["kind"], "condition">, string>;
type ExpectKey = ConditionKey | (typeof EXPECTATION_KEY)[keyof typeof EXPECTATION_KEY];
const EXPECT_KEYS: readonly ExpectKey[] = [...CONDITION_KEYS, ...Object.values(EXPECTATION_KEY)];
/** Keys that may stand beside an expectation's main key. */
const EXPECT_EXTRA: Readonly<Partial<Record<ExpectKey, readonly string[]>>> = { writes: ["atLeast", "atMost"], cliLine: ["prefix", "absent"] };

/** A checker's property (sim-core/check), as `fuzz --property` names it. */
const propertyName = z.string(want("a property name")).transform((value, ctx): PropertyName => {
  if (isPropertyName(value)) return value;
  ctx.addIssue({ code: "custom", message: unknownName("property", value, PROPERTY_NAMES) });
  return z.NEVER;
});

/** The file's YAML as plain data, and where each part of it lies; YAML-level problems are thrown. */
function readYaml(text: string, file: string): { data: unknown; problems: ProblemList } {
  const lineCounter = new LineCounter();
  // Plain YAML 1.2 data: no !!binary or other typed values, and no warnings on the console.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, resolveKnownTags: false, logLevel: "error" });
  const problems = new ProblemList(file, doc, lineCounter);
  for (const error of doc.errors) {
    const message = firstLine(error.message);
    // yaml notices an unclosed { or [ only on the next line: point at the line that opened it.
    const opened = /^Flow (map|sequence)/.test(message) ? unclosedBracketBefore(text, error.pos[0]) : undefined;
    if (opened === undefined) problems.addAtOffset(error.pos[0], `YAML syntax error: ${message}`);
    else problems.addAtOffset(opened.offset, `YAML syntax error: the ${opened.bracket} opened on this line is not closed (expected a matching ${opened.bracket === "{" ? "}" : "]"})`);
  }
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) problems.addAtOffset(alias.range?.[0] ?? 0, `YAML error: alias *${alias.source} names no anchor before it (expected &${alias.source} earlier)`);
    },
  });
  if (problems.problems.length > 0) throw new ScenarioFileError(problems.problems);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml refuses alias bombs ("excessive alias count") here.
    problems.addAtOffset(0, `YAML error: ${firstLine((error as Error).message)}`);
    throw new ScenarioFileError(problems.problems);
  }
  return { data, problems };
}

/** Parses a scenario file's text; `file` names it in error messages. Throws ScenarioFileError. */
export function parseScenarioYaml(text: string, file: string): ScenarioFile {
  const { data, problems } = readYaml(text, file);
  // A top-level mistake (say `steps: hello`) does not stop the rest being checked: the
  // problems of the topology and of the steps that are a list are reported with it.
  const checked = problems.check(TOP_LEVEL, data, []);
  if (checked === undefined && !isMapping(data)) throw new ScenarioFileError(problems.problems);
  const top = checked ?? salvaged(data as Record<string, unknown>);

  const topology = top.topology === undefined ? undefined : problems.check(topologySchema, top.topology, ["topology"]);
  let known: Known | null = null;
  if (topology !== undefined) {
    const topologyKnown = knownOf(topology);
    for (const [path, message] of topologyKnown.problems) problems.add(["topology", ...path], message);
    known = topologyKnown.known;
  }
  const config = top.config === undefined ? undefined : problems.check(redisConfigSchema, top.config, ["config"]);
  const workload = top.workload === undefined ? undefined : parseWorkloads(top.workload, known, problems);
  // The runner names the workload's clients client-1, client-2, …: steps may name those.
  if (known !== null) known = { ...known, clients: top.workload === undefined ? 0 : Array.isArray(top.workload) ? top.workload.length : 1 };

  const steps: { step: Step; note?: string }[] = [];
  const args = stepArgs(known);
  const conditions = conditionSchemas(known);
  // The list index of each parsed step: the order checks below point at its line.
  const itemIndex: number[] = [];
  for (const [i, item] of top.steps.entries()) {
    const parsed = parseStep(item, ["steps", i], args, conditions, problems);
    if (parsed !== undefined) {
      steps.push(parsed);
      itemIndex.push(i);
    }
  }
  // What one step cannot tell alone: a heal of a partition no earlier step made, a reply read
  // before any cli, an unknown redis-cli --cluster command (validate.ts, as the runner checks).
  const hasWorkload = top.workload !== undefined && (!Array.isArray(top.workload) || top.workload.length > 0);
  for (const { index, message } of stepOrderProblems(steps.map((s) => s.step), hasWorkload)) {
    problems.add(["steps", itemIndex[index]!], message);
  }

  // A salvaged top level always left a problem, so past this point TOP_LEVEL held.
  if (problems.problems.length > 0 || checked === undefined) {
    const sorted = [...problems.problems].sort((a, b) => a.line - b.line);
    throw new ScenarioFileError(sorted);
  }
  const name = checked.name ?? baseName(file);
  const scenario: Scenario = {
    name,
    title: checked.title ?? name,
    narrative: checked.narrative ?? "",
    topology: topology as Topology,
    ...(config === undefined ? {} : { config: definedOnly(config) }),
    ...(workload === undefined ? {} : { workload }),
    steps,
  };
  return { scenario, ...(checked.seed === undefined ? {} : { seed: canonicalSeed(checked.seed)! }) };
}

function parseWorkloads(value: unknown, known: Known | null, problems: ProblemList): Workload | Workload[] | undefined {
  const schema = workloadSchema(known);
  if (!Array.isArray(value)) return problems.check(schema, value, ["workload"]);
  const out: Workload[] = [];
  for (const [i, item] of value.entries()) {
    const w = problems.check(schema, item, ["workload", i]);
    if (w !== undefined) out.push(w);
  }
  return out.length === value.length ? out : undefined;
}

type Args = ReturnType<typeof stepArgs>;
type Conditions = ReturnType<typeof conditionSchemas>;

/** One item of `steps`: `- kind: args` with an optional `note:`, or a bare `- heal`. */
function parseStep(item: unknown, path: Path, args: Args, conditions: Conditions, problems: ProblemList): { step: Step; note?: string } | undefined {
  let entries: [string, unknown][];
  if (typeof item === "string") entries = [[item, null]];
  else if (item !== null && typeof item === "object" && !Array.isArray(item)) entries = Object.entries(item);
  else {
    problems.add(path, `expected a step (e.g. "kill: 7001", "wait: 20s" or "heal"), got ${show(item)}`);
    return undefined;
  }
  const bare = typeof item === "string";
  const noteEntry = entries.find(([k]) => k === "note");
  const rest = entries.filter(([k]) => k !== "note");
  let note: string | undefined;
  if (noteEntry !== undefined) {
    if (typeof noteEntry[1] === "string") note = noteEntry[1];
    else problems.add([...path, "note"], `expected a note (text), got ${show(noteEntry[1])}`);
  }
  const kindOf = (key: string): StepKind | undefined => (Object.hasOwn(STEP_KIND_NAMES, key) ? (key as StepKind) : STEP_ALIASES[key]);
  const known = rest.filter(([k]) => kindOf(k) !== undefined);
  if (known.length === 0) {
    const [key] = rest[0] ?? [];
    const glued = bare ? /^(\w+):(\S.*)$/.exec(key ?? "") : null;
    if (glued !== null && kindOf(glued[1]!) !== undefined) {
      problems.add(path, `"${key}" needs a space after the colon (expected e.g. ${STEP_EXAMPLES[kindOf(glued[1]!)!]})`);
      return undefined;
    }
    if (key === undefined) problems.add(path, `a step needs a kind beside its note (expected one of: ${STEP_KINDS.join(", ")})`);
    else problems.add(bare ? path : [...path, key], unknownName("step", key, [...STEP_KINDS, ...Object.keys(STEP_ALIASES)]), "key");
    return undefined;
  }
  if (rest.length > 1) {
    const [main] = known[0]!;
    for (const [key] of rest) {
      if (key === main) continue;
      const hint = kindOf(key) !== undefined ? "one step per list item: start another with \"- \"" : `a step item holds one step and an optional note; does "${key}" belong inside ${main}'s {…}?`;
      problems.add([...path, key], `unexpected key "${key}" beside "${main}" (${hint})`, "key");
    }
    return undefined;
  }
  const [key, value] = known[0]!;
  const kind = kindOf(key)!;
  if (value === null && kind !== "heal") {
    problems.add(path, `"${key}" needs its arguments (expected e.g. ${STEP_EXAMPLES[kind]})`);
    return undefined;
  }
  const at: Path = bare ? path : [...path, key];
  const step = parseStepArgs(kind, value, at, args, conditions, problems);
  if (step === undefined) return undefined;
  return note === undefined ? { step } : { step, note };
}

function parseStepArgs(kind: StepKind, value: unknown, at: Path, args: Args, conditions: Conditions, problems: ProblemList): Step | undefined {
  // The step's own value, or (with a path) a part of it; a part may be undefined when it is missing.
  const check = <T>(schema: z.ZodType<T>, ...part: [unknown, Path] | []): T | undefined =>
    part.length === 0 ? problems.check(schema, value, at) : problems.check(schema, part[0], part[1]);
  switch (kind) {
    case "kill":
    case "shutdown":
    case "pause":
    case "resume":
    case "restart": {
      const node = check(args.node);
      return node === undefined ? undefined : { type: kind, node };
    }
    case "partition": {
      if (Array.isArray(value)) {
        const groups = check(args.partitionGroups);
        return groups === undefined ? undefined : partition({ type: "partition", groups }, at, problems);
      }
      const p = check(args.partitionMapping);
      if (p === undefined) return undefined;
      return partition(
        { type: "partition", ...(p.name === undefined ? {} : { name: p.name }), groups: p.groups, ...(p.oneWay === undefined ? {} : { oneWay: p.oneWay }) },
        at,
        problems,
      );
    }
    case "heal": {
      const name = check(args.optionalName, value ?? null, at);
      if (name === undefined) return undefined;
      return name === null ? { type: "heal" } : { type: "heal", name };
    }
    case "delay": {
      const d = check(args.delay);
      return d === undefined ? undefined : { type: "delay", from: d.from, to: d.to, extraMs: d.extra };
    }
    case "loss": {
      const l = check(args.loss);
      return l === undefined ? undefined : { type: "loss", from: l.from, to: l.to, rate: l.rate };
    }
    case "clog":
    case "unclog": {
      const l = check(args.link);
      return l === undefined ? undefined : { type: kind, from: l.from, to: l.to };
    }
    case "hold": {
      const h = check(args.hold);
      if (h === undefined) return undefined;
      if (typeof h === "string") return { type: "hold", name: h };
      return {
        type: "hold",
        name: h.name,
        ...(h.from === undefined ? {} : { from: h.from }),
        ...(h.to === undefined ? {} : { to: h.to }),
        ...(h.kinds === undefined ? {} : { kinds: h.kinds }),
      };
    }
    case "release": {
      const name = check(args.name);
      return name === undefined ? undefined : { type: "release", name };
    }
    case "clockJump": {
      const c = check(args.clockJump);
      return c === undefined ? undefined : { type: "clockJump", node: c.node, deltaMs: c.by };
    }
    case "cli": {
      const c = check(args.cli);
      return c === undefined ? undefined : { type: "cli", port: c.port, argv: c.cmd };
    }
    case "admin": {
      const argv = check(args.admin);
      return argv === undefined ? undefined : { type: "admin", argv };
    }
    case "check": {
      const port = check(args.checkPort);
      return port === undefined ? undefined : { type: "check", port };
    }
    case "wait": {
      const waitMs = check(args.wait);
      return waitMs === undefined ? undefined : { type: "wait", ms: waitMs };
    }
    case "until": {
      const fields = asMapping(value, at, "an until {<condition>, within}", problems);
      if (fields === undefined) return undefined;
      const main = mainKey(fields, CONDITION_KEYS, ["within"], at, "condition", problems);
      if (main === undefined) return undefined;
      const condition = check(conditions[main], fields[main], [...at, main]);
      const withinMs = check(args.within, fields.within, [...at, "within"]);
      if (condition === undefined || withinMs === undefined) return undefined;
      return { type: "until", condition, withinMs };
    }
    case "expect": {
      const expectation = parseExpectation(value, at, args, conditions, problems);
      return expectation === undefined ? undefined : { type: "expect", expectation };
    }
    default:
      return unreachable(kind);
  }
}

function parseExpectation(value: unknown, at: Path, args: Args, conditions: Conditions, problems: ProblemList): Expectation | undefined {
  const fields = asMapping(value, at, `an expectation {${EXPECT_KEYS.join(" | ")}: …}`, problems);
  if (fields === undefined) return undefined;
  const extras = [...new Set(Object.values(EXPECT_EXTRA).flat())];
  const main = mainKey(fields, EXPECT_KEYS, extras, at, "expectation", problems);
  if (main === undefined) return undefined;
  for (const key of Object.keys(fields)) {
    if (key !== main && !(EXPECT_EXTRA[main] ?? []).includes(key)) {
      problems.add([...at, key], `unexpected key "${key}" in a ${main} expectation (expected ${(EXPECT_EXTRA[main] ?? []).join(", ") || "nothing else"})`, "key");
      return undefined;
    }
  }
  const check = <T>(schema: z.ZodType<T>, key: string): T | undefined => problems.check(schema, fields[key], [...at, key]);
  switch (main) {
    case "role":
    case "clusterState":
    case "sentinelMaster":
    case "sentinelEvent":
    case "event": {
      const condition: Condition | undefined = check(conditions[main], main);
      return condition === undefined ? undefined : { kind: "condition", condition };
    }
    case "writes": {
      const measure = check(writesMeasure, "writes");
      const atLeast = check(bound, "atLeast");
      const atMost = check(bound, "atMost");
      if (measure === undefined || (fields.atLeast !== undefined && atLeast === undefined) || (fields.atMost !== undefined && atMost === undefined)) return undefined;
      if (atLeast === undefined && atMost === undefined) {
        problems.add(at, `a writes expectation needs atLeast or atMost (e.g. {writes: lost, atMost: 0})`);
        return undefined;
      }
      return { kind: "writes", measure, ...(atLeast === undefined ? {} : { atLeast }), ...(atMost === undefined ? {} : { atMost }) };
    }
    case "clientError": {
      const error = check(z.string(want("an error kind (e.g. CLUSTERDOWN)")).min(1, want("an error kind (e.g. CLUSTERDOWN)")), "clientError");
      return error === undefined ? undefined : { kind: "clientError", error };
    }
    case "property": {
      const property = check(propertyName, "property");
      return property === undefined ? undefined : { kind: "property", property };
    }
    case "checkLine": {
      const c = check(mapping({ port: args.checkPort, line: z.string(want("a line of redis-cli --cluster check")) }, "a check line {port, line}"), "checkLine");
      return c === undefined ? undefined : { kind: "checkLine", port: c.port, line: c.line };
    }
    case "reply": {
      const text = check(z.string(want("a reply as redis-cli prints it (e.g. OK)")), "reply");
      return text === undefined ? undefined : { kind: "cliReply", text };
    }
    case "cliLine": {
      const line = check(z.string(want("a line redis-cli printed")), "cliLine");
      const prefix = check(z.boolean(want("true or false")).optional(), "prefix");
      const absent = check(z.boolean(want("true or false")).optional(), "absent");
      if (line === undefined || (fields.prefix !== undefined && prefix === undefined) || (fields.absent !== undefined && absent === undefined)) return undefined;
      return { kind: "cliLine", line, ...(prefix === undefined ? {} : { prefix }), ...(absent === undefined ? {} : { absent }) };
    }
    default:
      return unreachable(main);
  }
}

function asMapping(value: unknown, at: Path, what: string, problems: ProblemList): Record<string, unknown> | undefined {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  problems.add(at, `expected ${what}, got ${show(value)}`);
  return undefined;
}

/** The one key of `keys` present in `fields` (others may be `extras`). */
function mainKey<K extends string>(fields: Record<string, unknown>, keys: readonly K[], extras: readonly string[], at: Path, what: string, problems: ProblemList): K | undefined {
  const present = Object.keys(fields).filter((k): k is K => (keys as readonly string[]).includes(k));
  if (present.length === 1) {
    const unknown = Object.keys(fields).find((k) => k !== present[0] && !extras.includes(k));
    if (unknown !== undefined) {
      problems.add([...at, unknown], unknownName("key", unknown, [present[0]!, ...extras]), "key");
      return undefined;
    }
    return present[0];
  }
  if (present.length > 1) {
    problems.add([...at, present[1]!], `one ${what} at a time: "${present[0]}" and "${present[1]}" are both given (expected one of them; write two steps)`, "key");
    return undefined;
  }
  const other = Object.keys(fields).find((k) => !extras.includes(k));
  if (other !== undefined) problems.add([...at, other], unknownName(what, other, keys), "key");
  else problems.add(at, `missing the ${what} (expected one of: ${keys.join(", ")})`);
  return undefined;
}

/** CONTRACTS §4: "rest" at most once; with oneWay, exactly two groups; a node in one group only. */
function partition(fault: Extract<Fault, { type: "partition" }>, at: Path, problems: ProblemList): Fault | undefined {
  const rests = fault.groups.filter((g) => g === "rest").length;
  if (rests > 1) {
    problems.add(at, `"rest" may appear once in a partition (it stands for every process not named), got it ${rests} times`);
    return undefined;
  }
  if (fault.oneWay === true && fault.groups.length !== 2) {
    problems.add(at, `a one-way partition has exactly two groups (groups[0] → groups[1] is cut), got ${fault.groups.length}`);
    return undefined;
  }
  const seen = new Set<string>();
  for (const group of fault.groups) {
    if (group === "rest") continue;
    for (const node of group) {
      if (seen.has(node)) {
        problems.add(at, `node ${node} is in two groups of the partition (expected each node in one group)`);
        return undefined;
      }
      seen.add(node);
    }
  }
  return fault;
}

/** The nearest line before `offset` with more { (or [) than it closes, and where it starts. */
function unclosedBracketBefore(text: string, offset: number): { offset: number; bracket: "{" | "[" } | undefined {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  let end = lineStart - 1;
  while (end > 0) {
    const start = text.lastIndexOf("\n", end - 1) + 1;
    const line = text.slice(start, end);
    const count = (c: string) => line.split(c).length - 1;
    if (count("{") > count("}")) return { offset: start, bracket: "{" };
    if (count("[") > count("]")) return { offset: start, bracket: "[" };
    end = start - 1;
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The parts of a top level that failed TOP_LEVEL which can still be checked on their own. */
function salvaged(data: Record<string, unknown>): { topology?: Record<string, unknown>; config?: Record<string, unknown>; workload?: unknown; steps: unknown[] } {
  return {
    ...(isMapping(data.topology) ? { topology: data.topology } : {}),
    ...(isMapping(data.config) ? { config: data.config } : {}),
    ...(data.workload === undefined ? {} : { workload: data.workload }),
    steps: Array.isArray(data.steps) ? data.steps : [],
  };
}

function baseName(file: string): string {
  const last = file.split(/[\\/]/).at(-1) ?? file;
  return last.replace(/\.ya?ml$/i, "");
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function unreachable(x: never): never {
  throw new Error(`the scenario parser has no case for ${JSON.stringify(x)}`);
}

export { ScenarioFileError };
