/**
 * `failover-lab calibrate <drill> [--trials N] [--out DIR] [--gate ci|declared]`: the drill on
 * real Redis (127.0.0.1 only) and on the simulator, and a fidelity report (CONTRACTS §10).
 * Exit codes (CONTRACTS §9): 0 within tolerance, 1 a tolerance breached, 2 bad input (unknown
 * drill, bad flag, missing Redis binary).
 */
import { existsSync } from "node:fs";
import { InvalidArgumentError, Option, type Command } from "commander";
import { CALIBRATION_DRILLS, DEBIAN_BINARIES, MissingBinaryError, TOLERANCES, calibrate, findDrill, type GateName } from "@failover-lab/calibrate";

interface CalibrateFlags {
  trials?: number;
  out: string;
  gate: GateName;
  redisServer: string;
  redisSentinel: string;
  redisCli: string;
  realTrials?: string;
}

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${value}"`);
  return Number(value);
}

export function registerCalibrate(program: Command): void {
  program
    .command("calibrate")
    .description("run a drill on real redis-server/redis-sentinel and on the simulator, write a fidelity report (docs/fidelity/<drill>.md/.json)")
    .argument("<drill>", `a calibration drill: ${CALIBRATION_DRILLS.map((d) => d.name).join(", ")} (also drill-000, drill-002)`)
    .option("--trials <n>", "real trials (default: the gate's own count, see packages/calibrate/src/tolerances.ts)", positiveInt)
    .option("--out <dir>", "where the report goes", "docs/fidelity")
    .addOption(new Option("--gate <gate>", "which tolerances to check").choices(["ci", "declared"]).default("declared"))
    .option("--redis-server <path>", "redis-server binary", DEBIAN_BINARIES.server)
    .option("--redis-sentinel <path>", "redis-sentinel binary", DEBIAN_BINARIES.sentinel)
    .option("--redis-cli <path>", "redis-cli binary", DEBIAN_BINARIES.cli)
    .option("--real-trials <file>", "rebuild the report from an earlier run's real-trials.json instead of running Redis again")
    .action(async (name: string, flags: CalibrateFlags) => {
      const drill = findDrill(name);
      if (drill === undefined) {
        process.stderr.write(`failover-lab calibrate: unknown drill "${name}" (expected one of: ${CALIBRATION_DRILLS.map((d) => d.name).join(", ")}, drill-000, drill-002)\n`);
        process.exitCode = 2;
        return;
      }
      if (flags.realTrials !== undefined && !existsSync(flags.realTrials)) {
        process.stderr.write(`failover-lab calibrate: --real-trials ${flags.realTrials}: no such file (expected the real-trials.json an earlier run printed)\n`);
        process.exitCode = 2;
        return;
      }
      const trials = flags.trials ?? TOLERANCES[drill.name]![flags.gate].trials;
      const out = flags.out === "docs/fidelity" ? "" : ` --out ${flags.out}`;
      const command = `pnpm failover-lab calibrate ${drill.name} --trials ${trials} --gate ${flags.gate}${out}`;
      try {
        const result = await calibrate({
          drill,
          trials,
          gate: flags.gate,
          bins: { server: flags.redisServer, sentinel: flags.redisSentinel, cli: flags.redisCli },
          outDir: flags.out,
          command,
          log: (line) => process.stderr.write(line + "\n"),
          ...(flags.realTrials === undefined ? {} : { realTrialsFile: flags.realTrials }),
        });
        for (const p of result.phases) {
          if (p.real === null && p.sim === null) continue;
          console.log(`${p.phase.padEnd(15)} real median ${p.real?.median ?? "—"} ms, sim median ${p.sim?.median ?? "—"} ms${p.gated ? (p.ok ? "  ok" : "  BREACH") : ""}`);
        }
        console.log(`wrote ${flags.out}/${drill.name}.md and ${drill.name}.json (gate ${flags.gate}, ${trials} real trial(s))`);
        if (result.breaches.length > 0) {
          process.stderr.write(`tolerance breached (${result.breaches.length}):\n${result.breaches.map((b) => `  - ${b}`).join("\n")}\nreplay: ${command}\n`);
          process.exitCode = 1;
        }
      } catch (error) {
        if (error instanceof MissingBinaryError) {
          process.stderr.write(`failover-lab calibrate: ${error.message}\n`);
          process.exitCode = 2;
          return;
        }
        process.stderr.write(`failover-lab calibrate: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
}
