/**
 * failover-lab: the command line. It is the only code that knows sim-core, scenarios and
 * report together (DESIGN.md). Exit codes (CONTRACTS §9): 0 every expectation held, 1 one
 * failed, 2 bad input.
 */
import { Command, CommanderError } from "commander";
import { library, runScenario } from "@failover-lab/scenarios";
import { summaryOf } from "./summary";
import { story } from "./story";
import { logLinesOf } from "./log-lines";
import { registerCalibrate } from "./calibrate";
import { registerFuzz } from "./fuzz/command";
import { writeHtmlReport } from "./html";

const program = new Command()
  .name("failover-lab")
  .description("Deterministic simulator of Redis Cluster and Sentinel failover: replay drills, see what Redis would print.")
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

program
  .command("list")
  .description("show the drill library")
  .action(() => {
    for (const s of library) console.log(`${s.name.padEnd(12)} ${s.title}`);
  });

program
  .command("run")
  .description("run a drill and print its story (or its summary with --json)")
  .argument("<name>", "a drill of the library (see `list`)")
  .option("--seed <n>", "the run's seed", "1")
  .option("--json", "print the summary as one JSON object instead of the story")
  .option("--html <file>", "also write the teaching report, one self-contained HTML page (runs in trace mode)")
  .action((name: string, options: { seed: string; json?: boolean; html?: string }) => {
    const scenario = library.find((s) => s.name === name);
    if (scenario === undefined) {
      process.stderr.write(`failover-lab: unknown drill "${name}" (expected one of: ${library.map((s) => s.name).join(", ")})\n`);
      process.exitCode = 2;
      return;
    }
    const started = performance.now();
    const run = runScenario(scenario, { seed: options.seed, ...(options.html === undefined ? {} : { mode: "trace" as const }) });
    const wallMs = performance.now() - started;
    if (options.html !== undefined) writeHtmlReport(options.html, scenario, run);
    if (options.json) {
      console.log(JSON.stringify(summaryOf(run, wallMs)));
    } else {
      for (const line of story(scenario, run, { logLines: logLinesOf(run.sim.trace) })) console.log(line);
    }
    if (!run.ok) {
      const failed = run.steps.find((s) => !s.ok)!;
      process.stderr.write(`expectation failed: ${failed.text}\n  saw: ${failed.saw ?? "?"}\n  seed ${run.seed}; replay: pnpm failover-lab run ${name} --seed ${run.seed}\n`);
      process.exitCode = 1;
    }
  });

registerCalibrate(program);
registerFuzz(program);

try {
  program.parse();
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  throw error;
}
