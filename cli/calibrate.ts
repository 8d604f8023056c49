/**
 * `failover-lab calibrate <drill> [--trials N] [--out DIR] [--gate ci|declared] [--keep-logs]`:
 * the drill on real Redis (127.0.0.1 only) and on the simulator, and a fidelity report
 * (CONTRACTS §10). Exit codes (CONTRACTS §9): 0 within tolerance, 1 a tolerance breached, 2 bad
 * input (unknown drill, bad flag, missing Redis binary) or an environment that kept the drill from
 * running (a port in use, a cluster that never formed): that is no verdict on fidelity.
 */
import { existsSync, readFileSync } from "node:fs";
import { InvalidArgumentError, Option, type Command } from "commander";
import {
  CALIBRATION_DRILLS,
  CalibrationSetupError,
  DEBIAN_BINARIES,
  MissingBinaryError,
  TOLERANCES,
  calibrate,
  describeCalibrationDrills,
  findDrill,
  type GateName,
} from "@failover-lab/calibrate";

interface CalibrateFlags {
  trials?: number;
  out?: string;
  gate: GateName;
  redisServer: string;
  redisSentinel: string;
  redisCli: string;
  realTrials?: string;
  keepLogs?: boolean;
}

/** Where the committed reports live: written only by a declared run at its declared trial count, or when named. */
const COMMITTED_REPORTS = "docs/fidelity";

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${value}"`);
  return Number(value);
}

function fail(message: string): void {
  process.stderr.write(`failover-lab calibrate: ${message}\n`);
  process.exitCode = 2;
}

export function registerCalibrate(program: Command): void {
  program
    .command("calibrate")
    .description("run a drill on real redis-server/redis-sentinel and on the simulator, write a fidelity report (<drill>.md, <drill>.json)")
    .argument("<drill>", `a calibration drill: ${CALIBRATION_DRILLS.map((d) => d.name).join(", ")}`)
    .option("--trials <n>", "real trials (default: the gate's own count, see packages/calibrate/src/tolerances.ts)", positiveInt)
    .option("--out <dir>", `where the report goes; optional only for a declared run at its declared trial count, which updates ${COMMITTED_REPORTS}/`)
    .addOption(new Option("--gate <gate>", "which tolerances to check").choices(["ci", "declared"]).default("declared"))
    .option("--redis-server <path>", "redis-server binary", DEBIAN_BINARIES.server)
    .option("--redis-sentinel <path>", "redis-sentinel binary", DEBIAN_BINARIES.sentinel)
    .option("--redis-cli <path>", "redis-cli binary", DEBIAN_BINARIES.cli)
    .option("--real-trials <file>", "rebuild the report from an earlier run's <drill>.real-trials.json instead of running Redis again")
    .option("--keep-logs", "keep the temp folder with every real log even when the run passes (it is always kept on a breach or a failure)")
    .addHelpText(
      "after",
      `\nCalibration drills:\n${describeCalibrationDrills()}\n\n` +
        "Exit codes: 0 within tolerance; 1 a tolerance breached (each breach printed, real logs kept);\n" +
        "2 bad input (unknown drill, bad flag, missing binary, no --out) or a setup failure that gave no\n" +
        "verdict (a port in use, a cluster that never formed, a process that would not start).\n",
    )
    .action(async (name: string, flags: CalibrateFlags) => {
      const drill = findDrill(name);
      if (drill === undefined) {
        fail(`unknown calibration drill "${name}"; expected one of:\n${describeCalibrationDrills()}\n(library drills such as drill-000 run with \`failover-lab run\`)`);
        return;
      }
      if (flags.realTrials !== undefined && !existsSync(flags.realTrials)) {
        fail(`--real-trials ${flags.realTrials}: no such file (expected the <drill>.real-trials.json an earlier run wrote beside its report)`);
        return;
      }
      const declared = TOLERANCES[drill.name]![flags.gate];
      let trials = flags.trials ?? declared.trials;
      if (flags.realTrials !== undefined) {
        try {
          trials = (JSON.parse(readFileSync(flags.realTrials, "utf8")) as { trials: unknown[] }).trials.length;
        } catch (error) {
          fail(`--real-trials ${flags.realTrials}: not a real-trials file (${error instanceof Error ? error.message : String(error)})`);
          return;
        }
      }
      // The committed reports say "declared run": a short or CI run must not replace them by default.
      const isDeclaredRun = flags.gate === "declared" && trials === declared.trials;
      if (flags.out === undefined && !isDeclaredRun) {
        fail(`--out DIR is needed: only a declared run (--gate declared with ${declared.trials} real trials) writes to ${COMMITTED_REPORTS}/ by default; this is --gate ${flags.gate} with ${trials}`);
        return;
      }
      const out = flags.out ?? COMMITTED_REPORTS;
      const outFlag = flags.out === undefined ? "" : ` --out ${flags.out}`;
      const command =
        flags.realTrials === undefined
          ? `pnpm failover-lab calibrate ${drill.name} --trials ${trials} --gate ${flags.gate}${outFlag}`
          : `pnpm failover-lab calibrate ${drill.name} --gate ${flags.gate}${outFlag} --real-trials ${flags.realTrials}`;
      try {
        const result = await calibrate({
          drill,
          trials,
          gate: flags.gate,
          bins: { server: flags.redisServer, sentinel: flags.redisSentinel, cli: flags.redisCli },
          outDir: out,
          command,
          log: (line) => process.stderr.write(line + "\n"),
          ...(flags.realTrials === undefined ? {} : { realTrialsFile: flags.realTrials }),
          ...(flags.keepLogs === true ? { keepLogs: true } : {}),
        });
        for (const p of result.phases) {
          if (p.real === null && p.sim === null) continue;
          console.log(`${p.phase.padEnd(15)} real median ${p.real?.median ?? "—"} ms, sim median ${p.sim?.median ?? "—"} ms${p.gated ? (p.ok ? "  ok" : "  BREACH") : ""}`);
        }
        console.log(`wrote ${out}/${drill.name}.md and ${drill.name}.json (gate ${flags.gate}, ${trials} real trial(s))`);
        if (result.breaches.length > 0) {
          const logs = result.keptWorkDir === null ? "" : `real logs: ${result.keptWorkDir}\n`;
          process.stderr.write(`tolerance breached (${result.breaches.length}):\n${result.breaches.map((b) => `  - ${b}`).join("\n")}\n${logs}replay: ${command}\n`);
          process.exitCode = 1;
        }
      } catch (error) {
        if (error instanceof MissingBinaryError) {
          fail(error.message);
          return;
        }
        const message = error instanceof Error ? error.message : String(error);
        const logs = error instanceof CalibrationSetupError && error.workDir !== null ? `\nlogs so far: ${error.workDir}` : "";
        fail(
          `could not run the drill, so there is no verdict on fidelity (exit 2, not 1): ${message}${logs}\n` +
            "check that the ports it needs are free (kill-master: 7001–7006 and 17001–17006; paused-master: 6400–6402 and 26400–26402), that the Redis binaries are 7.0.x and start, and retry",
        );
      }
    });
}
