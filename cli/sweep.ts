import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { InvalidArgumentError, type Command } from "commander";
import { library, runScenario, type Measure, type Scenario } from "@failover-lab/scenarios";
import { SWEEP_PHASES, realFiguresOf, type SweepData, type SweepPhase, type SweepRun } from "@failover-lab/report";
import { htmlPage, outputFileProblem, writeFileAtomically } from "./html-page";

/**
 * `failover-lab sweep <drill> --seeds N --html FILE`: the drill over N seeds (fast mode), the
 * phases of its first failover per seed, and a page of their distributions with the real Redis
 * figures of `docs/fidelity/<drill>.json` (CONTRACTS §10) drawn in where that file exists.
 * Runs one seed after another in this process.
 */

const FIDELITY_DIR = fileURLToPath(new URL("../docs/fidelity/", import.meta.url));

export interface SweepOptions {
  readonly seeds: number;
  readonly firstSeed: number;
  /** The calibration report to read (default docs/fidelity/<drill>.json). */
  readonly fidelity?: string;
  readonly onRun?: (run: SweepRun, index: number) => void;
}

/** The first fault measure with a phase after it: the drill's first failover. */
function failoverMeasure(measures: readonly Measure[]): Measure | undefined {
  return measures.find((m) => SWEEP_PHASES.some((p) => m[p] !== undefined));
}

export function sweep(scenario: Scenario, options: SweepOptions): SweepData {
  const runs: SweepRun[] = [];
  for (let k = 0; k < options.seeds; k++) {
    const seed = String(options.firstSeed + k);
    const run = runScenario(scenario, { seed });
    const m = failoverMeasure(run.measures);
    const phases: Partial<Record<SweepPhase, number>> = {};
    if (m !== undefined) for (const p of SWEEP_PHASES) if (m[p] !== undefined) phases[p] = m[p];
    const result: SweepRun = { seed, ok: run.ok, fault: m === undefined ? "" : `${run.steps[m.step]?.text ?? m.fault}`, phases };
    runs.push(result);
    options.onRun?.(result, k);
  }
  const file = options.fidelity ?? `${FIDELITY_DIR}${scenario.name}.json`;
  let real: SweepData["real"] = null;
  let realSource: string;
  if (!existsSync(file)) realSource = `no calibration report for ${scenario.name} (${file} does not exist)`;
  else {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      json = undefined;
      realSource = `${file} is not JSON (${(error as Error).message}); real Redis figures left out`;
    }
    const read = json === undefined ? null : realFiguresOf(json);
    if (read === null) realSource ??= `${file}: unreadable`;
    else if ("problem" in read) realSource = `${file}: ${read.problem}; real Redis figures left out`;
    else {
      real = read.figures;
      const trials = typeof (json as { trials?: unknown }).trials === "number" ? ` (${(json as { trials: number }).trials} trials)` : "";
      realSource = `real Redis 7.0.15 from ${file}${trials}`;
    }
  }
  return { version: 1, drill: scenario.name, title: scenario.title, runs, real, realSource: realSource! };
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function positiveInteger(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${text}"`);
  return n;
}

export function registerSweep(program: Command): void {
  program
    .command("sweep")
    .description("run a drill over many seeds and plot its failover phases (with real Redis medians where calibrated)")
    .argument("<name>", "a drill of the library (see `list`)")
    .requiredOption("--seeds <n>", "how many seeds", positiveInteger)
    .option("--first-seed <n>", "the first seed (then +1, +2, …)", (t) => Number(t), 1)
    .option("--html <file>", "write the plots as one self-contained HTML page")
    .option("--fidelity <file>", "the calibration report to compare with (default docs/fidelity/<drill>.json)")
    .action((name: string, options: { seeds: number; firstSeed: number; html?: string; fidelity?: string }) => {
      const scenario = library.find((s) => s.name === name);
      if (scenario === undefined) {
        process.stderr.write(`failover-lab sweep: unknown drill "${name}" (expected one of: ${library.map((s) => s.name).join(", ")})\n`);
        process.exitCode = 2;
        return;
      }
      const problem = options.html === undefined ? undefined : outputFileProblem("--html", options.html);
      if (problem !== undefined) {
        process.stderr.write(`failover-lab sweep: ${problem}\n`);
        process.exitCode = 2;
        return;
      }
      if (!Number.isSafeInteger(options.firstSeed)) {
        process.stderr.write(`failover-lab sweep: --first-seed wants a whole number\n`);
        process.exitCode = 2;
        return;
      }
      const data = sweep(scenario, {
        seeds: options.seeds,
        firstSeed: options.firstSeed,
        ...(options.fidelity === undefined ? {} : { fidelity: options.fidelity }),
        onRun: (run) => console.log(`seed ${run.seed.padStart(4)} ${run.ok ? " " : "✗"} ${SWEEP_PHASES.filter((p) => run.phases[p] !== undefined).map((p) => `${p} ${run.phases[p]}`).join("  ")}`),
      });
      for (const p of SWEEP_PHASES) {
        const values = data.runs.flatMap((r) => (r.phases[p] === undefined ? [] : [r.phases[p]]));
        if (values.length === 0) continue;
        const real = data.real?.[p];
        console.log(`${p.padEnd(15)} median ${median(values)} ms over ${values.length} seeds${real === undefined ? "" : `; real Redis median ${real.median} ms`}`);
      }
      console.log(data.realSource);
      if (options.html !== undefined) writeFileAtomically(options.html, htmlPage("sweep", `${name} over ${options.seeds} seeds — Failover Lab`, data));
      const failed = data.runs.filter((r) => !r.ok);
      if (failed.length > 0) {
        process.stderr.write(`expectations failed for seeds ${failed.map((r) => r.seed).join(", ")}; replay one: pnpm failover-lab run ${name} --seed ${failed[0]!.seed}\n`);
        process.exitCode = 1;
      }
    });
}
