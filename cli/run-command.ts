import { existsSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import { ScenarioError, canonicalSeed, library, runScenario, type Scenario } from "@failover-lab/scenarios";
import { ScenarioFileError, parseScenarioYaml } from "@failover-lab/scenarios/file";
import { summaryOf } from "./summary";
import { story } from "./story";
import { logLinesOf } from "./log-lines";
import { outDirProblem, writeRunFolder, type OutFile } from "./out-folder";
import { writeHtmlReport } from "./html";
import { outputFileProblem } from "./html-page";

/**
 * `failover-lab run <name|file> [--seed N] [--json] [--out DIR] [--html FILE]`.
 * Exit codes (CONTRACTS §9): 0 every expectation held; 1 one failed (with the seed and the one
 * command that replays it); 2 bad input — an unknown drill, a bad scenario file (every problem as
 * `file:line: …`), a bad --out — and then nothing runs and nothing is written.
 */

export interface RunCommandOptions {
  /** More files for the `--out` folder (e.g. the HTML report as `report.html`). */
  readonly extraOutFiles?: readonly OutFile[];
}

interface RunFlags {
  readonly seed?: string;
  readonly json?: boolean;
  readonly out?: string;
  readonly html?: string;
}

/** What to run: a library drill, or a scenario file (with its own default seed). */
interface Source {
  readonly scenario: Scenario;
  readonly fileSeed?: string;
}

/** The seed when neither --seed nor the file gives one. */
const DEFAULT_SEED = "1";

export function registerRun(program: Command, options: RunCommandOptions = {}): void {
  program
    .command("run")
    .description("run a drill of the library or a scenario file and print its story (or its summary with --json)")
    .argument("<name|file>", "a drill of the library (see `list`) or a scenario file (.yaml, see docs/scenario-format.md)")
    .option("--seed <n>", `the run's seed (default: the file's seed:, else ${DEFAULT_SEED})`)
    .option("--json", "print the summary as one JSON object instead of the story")
    .option("--out <dir>", "write logs/<port>.log, trace.jsonl, messages.jsonl, patches.jsonl and summary.json into DIR (runs in trace mode)")
    .option("--html <file>", "also write the teaching report, one self-contained HTML page (runs in trace mode)")
    .action((target: string, flags: RunFlags) => runCommand(target, flags, options));
}

function runCommand(target: string, flags: RunFlags, options: RunCommandOptions): void {
  const source = resolveSource(target);
  if (typeof source === "string") return badInput(source);
  if (flags.out !== undefined) {
    const problem = outDirProblem(flags.out);
    if (problem !== undefined) return badInput(problem);
  }
  if (flags.html !== undefined) {
    const problem = outputFileProblem("--html", flags.html);
    if (problem !== undefined) return badInput(problem);
  }
  const { scenario } = source;
  // Canonical, so --seed 07 replays --seed 7 (the file's seed: is canonical already).
  const seed = flags.seed === undefined ? (source.fileSeed ?? DEFAULT_SEED) : canonicalSeed(flags.seed);
  if (seed === undefined) return badInput(`--seed: expected a non-negative integer such as 7, got ${JSON.stringify(flags.seed)}`);
  const traced = flags.out !== undefined || flags.html !== undefined;

  const started = performance.now();
  let run;
  try {
    run = runScenario(scenario, { seed, mode: traced ? "trace" : "fast" });
  } catch (error) {
    // The runner's own checks (validate.ts) catch what a TypeScript drill can get wrong.
    if (error instanceof ScenarioError) return badInput(error.message);
    throw error;
  }
  const wallMs = performance.now() - started;
  const summary = summaryOf(run, wallMs);

  if (flags.out !== undefined) {
    try {
      writeRunFolder(flags.out, scenario, run, summary, options.extraOutFiles ?? []);
    } catch (error) {
      // A folder that cannot be written (permissions, a full disk) is bad input; the old DIR is intact.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === undefined) throw error;
      return badInput(`cannot write --out ${flags.out}: ${(error as Error).message}`);
    }
  }
  if (flags.html !== undefined) writeHtmlReport(flags.html, scenario, run);
  if (flags.json) console.log(JSON.stringify(summary));
  else if (flags.out !== undefined) console.log(`${scenario.name}: ${verdict(run.steps)}; seed ${run.seed}; wrote ${flags.out}/ (trace hash ${summary.traceHash})`);
  else for (const line of story(scenario, run, { logLines: logLinesOf(run.sim.trace) })) console.log(line);

  if (!run.ok) {
    const failed = run.steps.find((s) => !s.ok)!;
    process.stderr.write(
      `expectation failed: ${failed.text}\n  saw: ${failed.saw ?? "?"}\n  seed ${run.seed}; replay: pnpm failover-lab run ${shellWord(target)} --seed ${shellWord(run.seed)}\n`,
    );
    process.exitCode = 1;
  }
}

/** A drill by name, else a file by path (anything ending in .yaml/.yml, or that exists). */
function resolveSource(target: string): Source | string {
  const drill = library.find((s) => s.name === target);
  const looksLikeFile = /\.ya?ml$/i.test(target);
  if (drill !== undefined && !looksLikeFile) return { scenario: drill };
  if (!looksLikeFile && !existsSync(target)) {
    return `unknown drill "${target}" (expected one of: ${library.map((s) => s.name).join(", ")}, or a scenario file such as scenarios/examples/drill-000.yaml)`;
  }
  let text: string;
  try {
    text = readFileSync(target, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : String((error as Error).message);
    return `cannot read scenario file ${target}: ${why} (expected a scenario file, see docs/scenario-format.md)`;
  }
  try {
    const file = parseScenarioYaml(text, target);
    return { scenario: file.scenario, ...(file.seed === undefined ? {} : { fileSeed: file.seed }) };
  } catch (error) {
    if (error instanceof ScenarioFileError) return error.message;
    throw error;
  }
}

function badInput(message: string): void {
  process.stderr.write(`${message.startsWith("failover-lab") || /^[^\s:]+:\d+: /.test(message) ? "" : "failover-lab: "}${message}\n`);
  process.exitCode = 2;
}

function verdict(steps: readonly { readonly ok: boolean }[]): string {
  const failed = steps.filter((s) => !s.ok).length;
  return failed === 0 ? `every expectation held (${steps.length} steps)` : `${failed} of ${steps.length} steps failed`;
}

/** A word as a POSIX shell reads it back, quoted only when it must be. */
function shellWord(word: string): string {
  return /^[\w./@%+=:,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
