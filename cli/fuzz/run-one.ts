import fc from "fast-check";
import { PROPERTY_NAMES, type Finding, type FindingKind, type PropertyName } from "@failover-lab/sim-core/check";
import { caseSchedule, fuzzCaseArb, type FaultFamily, type FuzzCase } from "@failover-lab/sim-core/fc";
import { fuzzCaseToScenario, runFuzzCase, type FuzzRunResult } from "@failover-lab/scenarios/fuzz";
import { scenarioToYaml } from "@failover-lab/scenarios/file";

/**
 * One run of a sweep: run k of `--seed S` draws its case from seed S + k (fast-check's
 * generator) and simulates it with that seed too. A finding is shrunk (violations always,
 * Redis behaviours on request) with the same simulation seed, so the smallest case still
 * breaks the property, and comes back as the scenario file that replays it. Pure apart from
 * the CPU: the same seed and options give the same outcome in any thread.
 */

export interface SweepOptions {
  /** Only these properties are checked. */
  readonly properties: readonly PropertyName[];
  /** Draw Sentinel groups too. */
  readonly sentinel: boolean;
  /** Shrink redisBehaviour findings as well as violations. */
  readonly shrinkAll: boolean;
  /** At most this many candidate runs while shrinking one finding (a deterministic budget). */
  readonly shrinkBudget: number;
  /** Extra Redis options for every server (e.g. the test-only switch). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Draw faults only from these families (default: all the topology can take). */
  readonly families?: readonly FaultFamily[];
  /** At most this many masters (default 9). */
  readonly maxMasters?: number;
}

export const DEFAULT_SWEEP_OPTIONS: SweepOptions = { properties: PROPERTY_NAMES, sentinel: false, shrinkAll: false, shrinkBudget: 200, config: {} };

export interface OutcomeFinding {
  readonly property: PropertyName;
  readonly kind: FindingKind;
  readonly message: string;
  /** Faults in the saved (shrunk, if it was) schedule. */
  readonly faults: number;
  readonly shrunk: boolean;
  /** The scenario file's text. */
  readonly yaml: string;
}

export interface RunOutcome {
  readonly k: number;
  readonly seed: number;
  readonly findings: readonly OutcomeFinding[];
  readonly convergenceMs: number | null;
  readonly faults: number;
}

export function caseArbOf(options: SweepOptions): fc.Arbitrary<FuzzCase> {
  return fuzzCaseArb({
    sentinel: options.sentinel,
    workload: "always",
    config: options.config,
    ...(options.families === undefined ? {} : { families: options.families }),
    ...(options.maxMasters === undefined ? {} : { cluster: { maxMasters: options.maxMasters } }),
  });
}

/** fast-check seeds are 32-bit integers. */
const fcSeed = (seed: number): number => seed | 0;

/** One run of a sweep, as the worker pool hands it out. */
export interface FuzzJob {
  readonly k: number;
  readonly seed: number;
}

/** `runOne` in the worker pool's shape, `(setup, job)`. */
export function runJob(options: SweepOptions, job: FuzzJob): RunOutcome {
  return runOne(job.k, job.seed, options);
}

export function runOne(k: number, seed: number, options: SweepOptions): RunOutcome {
  const arb = caseArbOf(options);
  const [c] = fc.sample(arb, { seed: fcSeed(seed), numRuns: 1 });
  let first: FuzzRunResult;
  try {
    first = runFuzzCase(c!, seed, { properties: options.properties });
  } catch (error) {
    // The simulator broke one of its own assertions: a bug. The file replays the crash.
    const message = error instanceof Error ? error.message : String(error);
    const finding: Finding = { property: "invariant", kind: "violation", message, atMs: 0 };
    const faults = caseSchedule(c!).length;
    return { k, seed, findings: [{ property: "invariant", kind: "violation", message, faults, shrunk: false, yaml: findingFile(c!, seed, finding) }], convergenceMs: null, faults };
  }
  const findings: OutcomeFinding[] = [];
  const done = new Set<string>();
  for (const f of first.findings) {
    const key = `${f.property}/${f.kind}`;
    if (done.has(key)) continue;
    done.add(key);
    const shrink = f.kind === "violation" || options.shrinkAll;
    const smallest = shrink ? shrinkFinding(arb, seed, f, c!, options) : { c: c!, finding: f };
    findings.push({
      property: f.property,
      kind: f.kind,
      message: smallest.finding.message,
      faults: caseSchedule(smallest.c).length,
      shrunk: shrink,
      yaml: findingFile(smallest.c, seed, smallest.finding),
    });
  }
  return { k, seed, findings, convergenceMs: first.convergenceMs, faults: caseSchedule(c!).length };
}

/**
 * fast-check's shrinker over the same arbitrary and seed: its first case is the one that
 * failed; it then keeps the smallest case that still shows a finding of this property and kind.
 */
function shrinkFinding(arb: fc.Arbitrary<FuzzCase>, seed: number, target: Finding, original: FuzzCase, options: SweepOptions): { c: FuzzCase; finding: Finding } {
  let budget = options.shrinkBudget;
  let best = { c: original, finding: target };
  const reproduces = (c: FuzzCase): boolean => {
    // Out of budget: call every further candidate a pass, so the shrinker stops where it is.
    if (budget-- <= 0) return false;
    let hit: Finding | undefined;
    try {
      hit = runFuzzCase(c, seed, { properties: [target.property] }).findings.find((f) => f.property === target.property && f.kind === target.kind);
    } catch {
      // A candidate that crashes shows another bug, not this finding.
      hit = undefined;
    }
    if (hit !== undefined) best = { c, finding: hit };
    return hit !== undefined;
  };
  fc.check(
    fc.property(arb, (c) => !reproduces(c)),
    { seed: fcSeed(seed), numRuns: 1 },
  );
  return best;
}

/** The finding as a scenario file: the case, then `expect property`, with its seed and kind. */
export function findingFile(c: FuzzCase, seed: number, f: Finding): string {
  const scenario = fuzzCaseToScenario(c, { name: `fuzz-${seed}-${f.property}`, expectProperty: f.property });
  return scenarioToYaml(
    { ...scenario, title: `Fuzz finding: ${f.property} (${f.kind}), seed ${seed}`, narrative: f.message },
    {
      seed,
      comment: [
        `failover-lab fuzz finding — seed ${seed}, property ${f.property}, kind ${f.kind}`,
        f.kind === "violation" ? "violation: the simulator broke a rule Redis keeps (a bug to fix)" : "redisBehaviour: real Redis 7.0.15 does this too",
        `replay: pnpm failover-lab run <this file>   (exits 1 while the finding holds)`,
      ],
    },
  );
}
