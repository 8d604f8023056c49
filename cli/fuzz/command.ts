import os from "node:os";
import { Command, InvalidArgumentError, Option } from "commander";
import { SingleBar } from "cli-progress";
import { PROPERTY_NAMES, isPropertyName, type PropertyName } from "@failover-lab/sim-core/check";
import { FAULT_FAMILIES, MAX_MASTERS, MIN_MASTERS, type FaultFamily } from "@failover-lab/sim-core/fc";
import { redisConfig } from "@failover-lab/sim-core";
import { DEFAULT_SWEEP_OPTIONS, type RunOutcome, type SweepOptions } from "./run-one";
import { shardRange, sweep } from "./sweep";
import { summaryTable } from "./summary";
import { findingsFolderProblem, saveFindings } from "./findings-folder";

/**
 * `failover-lab fuzz`: property-based fault testing over seeds (issue #7, CONTRACTS §9).
 * Run k of `--runs N --seed S` uses seed S + k; `--shard i/n` takes the runs k in
 * [⌊(i−1)N/n⌋, ⌊iN/n⌋). Each finding is saved as a scenario file that replays it. Exit 1 only
 * when a finding is a `violation`; 2 on bad flags.
 */

export interface FuzzJson {
  readonly runs: number;
  readonly wallMs: number;
  readonly findings: readonly { readonly seed: number; readonly property: PropertyName; readonly kind: string; readonly path: string }[];
}

const integer = (what: string, min: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected ${what} (a whole number ≥ ${min}), got "${value}"`);
  return n;
};

const integerIn = (what: string, min: number, max: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected ${what} from ${min} to ${max}, got "${value}"`);
  return n;
};

function shardArg(value: string): { shard: number; shards: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const shard = Number(m?.[1]);
  const shards = Number(m?.[2]);
  if (m === null || shards < 1 || shard < 1 || shard > shards) throw new InvalidArgumentError(`expected i/n with 1 ≤ i ≤ n (e.g. 2/4), got "${value}"`);
  return { shard, shards };
}

function propertyArg(value: string, previous: PropertyName[] | undefined): PropertyName[] {
  if (!isPropertyName(value)) throw new InvalidArgumentError(`unknown property "${value}" (expected one of: ${PROPERTY_NAMES.join(", ")})`);
  return [...(previous ?? []), value];
}

/** `--config key=value`: an extra Redis option for every server (values: numbers, yes/no, true/false, words). */
function configArg(value: string, previous: Record<string, unknown> | undefined): Record<string, unknown> {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  const raw = value.slice(eq + 1);
  const parsed = raw === "true" || raw === "yes" ? true : raw === "false" || raw === "no" ? false : raw !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return { ...(previous ?? {}), [value.slice(0, eq)]: parsed };
}

function familiesArg(value: string): FaultFamily[] {
  const names = value.split(",").map((s) => s.trim());
  for (const name of names) {
    if (!(FAULT_FAMILIES as readonly string[]).includes(name)) throw new InvalidArgumentError(`unknown fault family "${name}" (expected some of: ${FAULT_FAMILIES.join(", ")})`);
  }
  return names as FaultFamily[];
}

interface FuzzFlags {
  runs: number;
  seed: number;
  workers: number;
  shard?: { shard: number; shards: number };
  property?: PropertyName[];
  json?: boolean;
  out: string;
  sentinel?: boolean;
  shrinkAll?: boolean;
  shrinkBudget: number;
  config?: Record<string, unknown>;
  families?: FaultFamily[];
  maxMasters?: number;
}

export function registerFuzz(program: Command): void {
  program
    .command("fuzz")
    .description("run random fault schedules against random topologies and check safety, liveness and durability")
    .option("--runs <n>", "number of runs (run k uses seed S + k)", integer("a number of runs", 0), 100)
    .option("--seed <s>", "the first run's seed", integer("a seed", 0), 1)
    .option("--workers <k>", "worker threads (0: run in this thread)", integer("a number of workers", 0), Math.max(1, os.availableParallelism()))
    .option("--shard <i/n>", "run only shard i of n of the runs", shardArg)
    .addOption(new Option("--property <name>", `check only this property; repeatable (${PROPERTY_NAMES.join(", ")})`).argParser(propertyArg))
    .option("--json", "print one JSON object {runs, wallMs, findings} instead of the table")
    .option("--out <dir>", "the folder of finding files, replaced whole by each sweep", "fuzz-findings")
    .option("--sentinel", "draw Sentinel groups as well as clusters")
    .option("--shrink-all", "shrink redisBehaviour findings too (violations always are)")
    .option("--shrink-budget <n>", "candidate runs allowed while shrinking one finding", integer("a budget", 0), DEFAULT_SWEEP_OPTIONS.shrinkBudget)
    .option("--config <key=value>", "an extra Redis option for every server; repeatable", configArg)
    .option("--families <list>", `draw faults only from these families, comma-separated (${FAULT_FAMILIES.join(", ")})`, familiesArg)
    .option("--max-masters <n>", `at most this many masters (${MIN_MASTERS}–${MAX_MASTERS})`, integerIn("a number of masters", MIN_MASTERS, MAX_MASTERS))
    .action(async (flags: FuzzFlags) => {
      process.exitCode = await fuzzCommand(flags);
    });
}

async function fuzzCommand(flags: FuzzFlags): Promise<number> {
  try {
    redisConfig(flags.config ?? {});
  } catch (error) {
    process.stderr.write(`failover-lab fuzz: --config: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  // Before the sweep: a folder that cannot take the findings would only fail after all the runs.
  const outProblem = findingsFolderProblem(flags.out);
  if (outProblem !== undefined) {
    process.stderr.write(`failover-lab fuzz: ${outProblem}\n`);
    return 2;
  }
  const options: SweepOptions = {
    properties: flags.property ?? PROPERTY_NAMES,
    sentinel: flags.sentinel === true,
    shrinkAll: flags.shrinkAll === true,
    shrinkBudget: flags.shrinkBudget,
    config: flags.config ?? {},
    ...(flags.families === undefined ? {} : { families: flags.families }),
    ...(flags.maxMasters === undefined ? {} : { maxMasters: flags.maxMasters }),
  };
  const range = flags.shard === undefined ? { from: 0, to: flags.runs } : shardRange(flags.runs, flags.shard.shard, flags.shard.shards);
  const total = range.to - range.from;
  const bar = process.stderr.isTTY && flags.json !== true ? new SingleBar({ format: " fuzz [{bar}] {value}/{total} runs | {rate} runs/s | {findings} findings ({violations} violations) | {duration_formatted}", stream: process.stderr, hideCursor: true }) : null;
  const started = performance.now();
  let findings = 0;
  let violations = 0;
  bar?.start(total, 0, { rate: "0.0", findings: 0, violations: 0 });
  let outcomes: RunOutcome[];
  try {
    outcomes = await sweep(flags.seed, range, flags.workers, options, (done, outcome) => {
      findings += outcome.findings.length;
      violations += outcome.findings.filter((f) => f.kind === "violation").length;
      const seconds = (performance.now() - started) / 1000;
      bar?.update(done, { rate: (done / Math.max(seconds, 1e-3)).toFixed(1), findings, violations });
    });
  } finally {
    bar?.stop();
  }
  const wallMs = Math.round(performance.now() - started);
  const saved = saveFindings(flags.out, outcomes);
  if (flags.json === true) {
    const json: FuzzJson = { runs: total, wallMs, findings: saved };
    console.log(JSON.stringify(json));
  } else {
    for (const line of summaryTable(outcomes, saved, wallMs)) console.log(line);
  }
  return fuzzExitCode(saved);
}

/** CONTRACTS §9: 1 only when a finding is a violation; Redis behaviours alone exit 0. */
export function fuzzExitCode(findings: readonly { readonly kind: string }[]): 0 | 1 {
  return findings.some((f) => f.kind === "violation") ? 1 : 0;
}
