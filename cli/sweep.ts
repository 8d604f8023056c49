import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { InvalidArgumentError, type Command } from "commander";
import { SWEEP_PHASES, realFiguresOf, type SweepData, type SweepRun } from "@failover-lab/report";
import { sweepRun, sweepTarget, sweepTargetNames, type SweepTarget } from "./sweep-run";
import { htmlPage, outputFileProblem, shownPath, writeFileAtomically } from "./html-page";
import { runPool } from "./worker-pool";

/**
 * `failover-lab sweep <drill> --seeds N --html FILE`: the drill over N seeds (fast mode), the
 * phases of its first failover per seed, and a page of their distributions with the real Redis
 * figures of `docs/fidelity/<drill>.json` (CONTRACTS §10) drawn in where that file exists.
 * Seeds run on worker threads (one per core by default), in the pool the fuzz sweep uses too.
 */

const FIDELITY_DIR = fileURLToPath(new URL("../docs/fidelity/", import.meta.url));

export interface SweepOptions {
  readonly seeds: number;
  readonly firstSeed: number;
  /** Worker threads; 0 runs every seed in this thread. */
  readonly workers: number;
  /** The calibration report to read (default docs/fidelity/<drill>.json). */
  readonly fidelity?: string;
  /** Called as each seed finishes (in finishing order with workers). */
  readonly onRun?: (run: SweepRun) => void;
}

/** Runs seeds firstSeed … firstSeed + seeds − 1 (in this thread, or on worker threads); runs come back in seed order. */
export async function sweep(scenario: SweepTarget, options: SweepOptions): Promise<SweepData> {
  const seeds = Array.from({ length: options.seeds }, (_, k) => String(options.firstSeed + k));
  // One seed is not worth a thread.
  const workers = seeds.length === 1 ? 0 : options.workers;
  const task = { module: new URL("./sweep-run.ts", import.meta.url).href, export: "sweepRun", run: sweepRun, setup: scenario.name };
  const runs = await runPool(task, seeds, workers, (_, run) => options.onRun?.(run));
  return { version: 1, drill: scenario.name, title: scenario.title, runs, ...realFigures(scenario.name, options.fidelity) };
}

/** The calibration report's real Redis figures, or why there are none. */
function realFigures(drill: string, fidelity: string | undefined): Pick<SweepData, "real" | "realSource"> {
  const file = fidelity ?? `${FIDELITY_DIR}${drill}.json`;
  const shown = shownPath(file);
  if (!existsSync(file)) return { real: null, realSource: `no calibration report for ${drill} (${shown} does not exist)` };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return { real: null, realSource: `${shown} is not JSON (${(error as Error).message}); real Redis figures left out` };
  }
  const read = realFiguresOf(json);
  if ("problem" in read) return { real: null, realSource: `${shown}: ${read.problem}; real Redis figures left out` };
  const trials = typeof (json as { trials?: unknown }).trials === "number" ? ` (${(json as { trials: number }).trials} trials)` : "";
  return { real: read.figures, realSource: `real Redis 7.0.15 from ${shown}${trials}` };
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
    .argument("<name>", "a drill of the library (see `list`), or a calibration drill: kill-master, paused-master")
    .requiredOption("--seeds <n>", "how many seeds", positiveInteger)
    .option("--first-seed <n>", "the first seed (then +1, +2, …)", (t) => Number(t), 1)
    .option("--html <file>", "write the plots as one self-contained HTML page")
    .option("--fidelity <file>", "the calibration report to compare with (default docs/fidelity/<drill>.json)")
    .option("--workers <n>", "worker threads (0: this thread only)", (t) => Number(t), availableParallelism())
    .action(async (name: string, options: { seeds: number; firstSeed: number; workers: number; html?: string; fidelity?: string }) => {
      const scenario = sweepTarget(name);
      if (scenario === undefined) {
        process.stderr.write(`failover-lab sweep: unknown drill "${name}" (expected one of: ${sweepTargetNames().join(", ")})\n`);
        process.exitCode = 2;
        return;
      }
      const problem = options.html === undefined ? undefined : outputFileProblem("--html", options.html);
      if (problem !== undefined) {
        process.stderr.write(`failover-lab sweep: ${problem}\n`);
        process.exitCode = 2;
        return;
      }
      if (!Number.isSafeInteger(options.firstSeed) || !Number.isSafeInteger(options.workers) || options.workers < 0) {
        process.stderr.write(`failover-lab sweep: --first-seed wants a whole number, --workers a whole number ≥ 0\n`);
        process.exitCode = 2;
        return;
      }
      const data = await sweep(scenario, {
        seeds: options.seeds,
        firstSeed: options.firstSeed,
        workers: options.workers,
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
