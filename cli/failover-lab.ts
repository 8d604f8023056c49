/**
 * failover-lab: the command line. It is the only code that knows sim-core, scenarios and
 * report together (DESIGN.md). Exit codes (CONTRACTS §9): 0 every expectation held, 1 one
 * failed, 2 bad input.
 */
import { Command, CommanderError } from "commander";
import { library } from "@failover-lab/scenarios";
import { registerRun } from "./run-command";
import { registerCalibrate } from "./calibrate";
import { registerFuzz } from "./fuzz/command";
import { registerSweep } from "./sweep";
import { registerLargeReport } from "./html-large";
import { reportHtmlOutFile } from "./html";

const program = new Command()
  .name("failover-lab")
  .description("Deterministic simulator of Redis Cluster and Sentinel failover: replay drills, see what Redis would print.")
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

program
  .command("list")
  .description("show the drill library")
  .action(() => {
    const width = Math.max(...library.map((s) => s.name.length));
    for (const s of library) console.log(`${s.name.padEnd(width)}  ${s.title}`);
  });

registerRun(program, { extraOutFiles: [reportHtmlOutFile] });

registerCalibrate(program);
registerFuzz(program);

registerSweep(program);
registerLargeReport(program);

try {
  program.parse();
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  throw error;
}
