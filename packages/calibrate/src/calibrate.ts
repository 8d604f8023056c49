import { execFileSync } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { compare, type Comparison } from "./compare";
import type { CalibrationDrill } from "./drills";
import { KNOWN_DIFFERENCES } from "./notes";
import type { TrialObservation } from "./observation";
import { runRealClusterTrial } from "./real/cluster-driver";
import { runRealSentinelTrial } from "./real/sentinel-driver";
import type { RedisBinaries } from "./real/redis-cli";
import { fidelityJson, fidelityMarkdown } from "./report";
import { runSimClusterTrial, runSimSentinelTrial } from "./sim-run";
import { SIM_SEEDS, type GateName } from "./tolerances";

export interface CalibrateOptions {
  readonly drill: CalibrationDrill;
  readonly trials: number;
  readonly gate: GateName;
  readonly bins: RedisBinaries;
  /** Where `<drill>.md` and `<drill>.json` go. */
  readonly outDir: string;
  /** The command line that regenerates the report, printed in it. */
  readonly command: string;
  readonly log?: (line: string) => void;
  /**
   * The real trials of an earlier run (the `<drill>.real-trials.json` beside its report) instead of new ones:
   * rebuilds the report, e.g. after a note was added, without running Redis again.
   */
  readonly realTrialsFile?: string;
  /** Keep the temp work dir (each process's real log) even when the run passes. */
  readonly keepLogs?: boolean;
}

export interface CalibrationResult extends Comparison {
  /** The temp work dir with the real logs, when it was kept (a breach, or `keepLogs`). */
  readonly keptWorkDir: string | null;
}

/**
 * The environment did not let the drill run (a port in use, a cluster that never formed, a
 * process that would not start): no verdict on fidelity, so `calibrate` exits 2, not 1.
 */
export class CalibrationSetupError extends Error {
  constructor(
    message: string,
    /** The temp work dir with whatever logs were written, kept for a look. */
    readonly workDir: string | null,
  ) {
    super(message);
  }
}

/** A binary that is missing or not executable: bad input (exit 2), with what to do. */
export class MissingBinaryError extends Error {}

export function checkBinaries(bins: RedisBinaries, drill: CalibrationDrill): void {
  const needed: [string, string][] = [
    ["--redis-server", bins.server],
    ["--redis-cli", bins.cli],
    ...(drill.kind === "sentinel" ? ([["--redis-sentinel", bins.sentinel]] as [string, string][]) : []),
  ];
  for (const [flag, path] of needed) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      throw new MissingBinaryError(`${path}: not found or not executable (install Debian's redis-server redis-sentinel redis-tools, or pass ${flag} PATH)`);
    }
  }
}

/** `redis-server --version`, for the report's header. */
export function redisVersion(bins: RedisBinaries): string {
  return execFileSync(bins.server, ["--version"], { encoding: "utf8" }).trim();
}

/**
 * The whole calibration of one drill: N real trials (each in its own folder under a fresh temp
 * dir), SIM_SEEDS simulated ones with the pairing the real cluster got, the comparison, and the
 * report written atomically (temp files in the output folder, then renamed). The temp dir is
 * removed when the run passes, kept on a breach, a setup failure or with `keepLogs`.
 */
export async function calibrate(options: CalibrateOptions): Promise<CalibrationResult> {
  const { drill, bins } = options;
  const log = options.log ?? (() => {});
  let version: string;
  let workDir: string | null = null;
  const realTrials: TrialObservation[] = [];
  if (options.realTrialsFile !== undefined) {
    const saved = JSON.parse(readFileSync(options.realTrialsFile, "utf8")) as SavedTrials;
    if (saved.drill !== drill.name) throw new Error(`${options.realTrialsFile}: trials of drill ${saved.drill}, not ${drill.name}`);
    version = saved.redisVersion;
    realTrials.push(...saved.trials);
    log(`calibrate ${drill.name}: ${realTrials.length} real trial(s) read from ${options.realTrialsFile}`);
  } else {
    checkBinaries(bins, drill);
    version = redisVersion(bins);
    workDir = mkdtempSync(join(tmpdir(), `failover-lab-calibrate-${drill.name}-`));
    log(`calibrate ${drill.name}: ${options.trials} real trial(s) with ${version}; work dir ${workDir}`);
    for (let i = 1; i <= options.trials; i++) {
      const dir = join(workDir, `trial-${i}`);
      mkdirSync(dir, { recursive: true });
      const started = Date.now();
      try {
        realTrials.push(drill.kind === "cluster" ? await runRealClusterTrial(drill, bins, dir, i) : await runRealSentinelTrial(drill, bins, dir, i));
      } catch (error) {
        throw new CalibrationSetupError(`real trial ${i}: ${error instanceof Error ? error.message : String(error)}`, workDir);
      }
      log(`  real trial ${i}/${options.trials} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }
  // `--cluster create` on one host draws its replica pairing at random: seed k takes the pairing
  // of real trial k (cycling), so both sides fail over the same shapes as often.
  const simTrials: TrialObservation[] = [];
  for (let seed = 1; seed <= SIM_SEEDS; seed++) {
    const pairing = realTrials[(seed - 1) % realTrials.length]?.pairing ?? {};
    simTrials.push(drill.kind === "cluster" ? runSimClusterTrial(drill, seed, pairing) : runSimSentinelTrial(drill, seed));
  }
  log(`  ${SIM_SEEDS} simulated trials done`);
  const comparison = compare(drill, options.gate, realTrials, simTrials);
  // The real logs matter when something is to be explained: kept on a breach or when asked.
  const keep = workDir !== null && (options.keepLogs === true || comparison.breaches.length > 0);
  const md = fidelityMarkdown(comparison, {
    redisVersion: version,
    command: options.command,
    generatedAt: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    workDir: options.realTrialsFile === undefined ? (keep ? workDir : null) : (originalWorkDir(realTrials) ?? dirname(options.realTrialsFile)),
    ...(options.realTrialsFile === undefined ? {} : { realTrialsFrom: options.realTrialsFile }),
    notes: KNOWN_DIFFERENCES[drill.name] ?? [],
  });
  // A new run's real trials go beside its report (`--real-trials` rebuilds from them); a rebuild
  // leaves the file it read alone.
  const savedTrials = workDir === null ? {} : { [`${drill.name}.real-trials.json`]: JSON.stringify({ drill: drill.name, redisVersion: version, trials: realTrials } satisfies SavedTrials) + "\n" };
  writeAtomically(options.outDir, { [`${drill.name}.md`]: md, [`${drill.name}.json`]: JSON.stringify(fidelityJson(comparison), null, 2) + "\n", ...savedTrials });
  if (workDir !== null && !keep) rmSync(workDir, { recursive: true, force: true });
  if (keep) log(`  real logs kept in ${workDir}`);
  return { ...comparison, keptWorkDir: keep ? workDir : null };
}

/** The work dir of the run that recorded these trials: …/<work dir>/trial-1/<port>/redis.log. */
function originalWorkDir(trials: readonly TrialObservation[]): string | undefined {
  const log = Object.values(trials[0]?.logPaths ?? {})[0];
  return log === undefined ? undefined : dirname(dirname(dirname(log)));
}

/** What a run keeps of its real trials (plain data), to rebuild its report later. */
interface SavedTrials {
  readonly drill: string;
  readonly redisVersion: string;
  readonly trials: TrialObservation[];
}

/** Each file written to a temp name in its folder, then renamed, so no reader sees half a report. */
function writeAtomically(dir: string, files: Readonly<Record<string, string>>): void {
  mkdirSync(dir, { recursive: true });
  const temps: [string, string][] = [];
  for (const [name, text] of Object.entries(files)) {
    const temp = join(dir, `.${name}.${process.pid}.tmp`);
    writeFileSync(temp, text);
    temps.push([temp, join(dir, name)]);
  }
  for (const [temp, final] of temps) renameSync(temp, final);
}
