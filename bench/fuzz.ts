/**
 * The fuzz part of `pnpm bench` (CONTRACTS §7, issue #7): random-fault runs per second on one
 * core. Each run is a 3 + 3 cluster (cluster-node-timeout 5000, so the liveness bound of
 * 6 × NT + 10 s fits the minute), a cluster writer at 10–100 writes/s, a swarm-drawn schedule
 * of up to 8 fault episodes in the first 20 s (all lifted by then), 40 s more to settle, and
 * every checker — 60 simulated seconds from the first fault step. "Per core" is runs per second
 * of the process's CPU time, which other work on a shared machine does not inflate.
 *
 * The contract has each run start from a converged 3 + 3 snapshot, built once and not counted.
 * The kernel cannot clone a Simulation (processes hold closures and the network holds live
 * connections), so each run builds `addCreatedCluster`'s formed cluster — converged gossip, no
 * handshake — and simulates the runner's settle phase (each replica's first full sync, about 5
 * simulated seconds) again. As the contract says, that start-up is not counted: each run's clock
 * starts at the runner's `onSettled`. `fuzz.runsPerSecPerCoreWithStartUp` counts it too, and the
 * printed lines say how much of a run it is.
 */
import fc from "fast-check";
import { caseSchedule, fuzzCaseArb, type FuzzCase } from "../packages/sim-core/src/fc/index";
import { runFuzzCase } from "../packages/scenarios/src/fuzz/index";
import type { BenchKeys, BenchLog, BenchPart } from "./part";
import { performance } from "node:perf_hooks";
import { timed } from "./timing";

const RUNS = 200;
const FIRST_SEED = 1;
const WARM_UP_RUNS = 50;
/** Far from the measured seeds: the warm-up runs other schedules than the ones timed. */
const WARM_UP_FIRST_SEED = 1_000_001;
const TARGET_RUNS_PER_SEC = 100;
const FAULT_WINDOW_MS = 20_000;
const RUN_MS = 60_000;

/** The wait after the last fault that makes the run 60 simulated seconds from its first step. */
const settleMsOf = (c: FuzzCase): number => RUN_MS - (caseSchedule(c).at(-1)?.atUs ?? 0) / 1000;

export function fuzzBenchCases(runs: number, firstSeed: number): FuzzCase[] {
  const arb = fuzzCaseArb({
    topology: { kind: "cluster", masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 5000 },
    faultWindowMs: FAULT_WINDOW_MS,
    workload: "always",
    maxWritesPerSecond: 100,
  });
  return Array.from({ length: runs }, (_, k) => fc.sample(arb, { seed: firstSeed + k, numRuns: 1 })[0]!);
}

function runFuzzPart(log: BenchLog): BenchKeys {
  const cases = fuzzBenchCases(RUNS, FIRST_SEED);
  let findings = 0;
  let simulatedMs = 0;
  // Warm-up runs on seeds of their own, so that the figure is a sweep's steady pace, not the
  // JIT's start: over the first 50 runs V8 optimizes about 900 functions (on its compiler
  // threads, whose CPU time counts here), over each 50 after that 30–50 (node --trace-opt).
  fuzzBenchCases(WARM_UP_RUNS, WARM_UP_FIRST_SEED).forEach((c, k) => runFuzzCase(c, WARM_UP_FIRST_SEED + k, { settleMs: settleMsOf(c) }));
  // Each run's clock starts when its cluster has settled (RunOptions.onSettled): CONTRACTS §7
  // counts the 60 s from a converged snapshot, not the start-up that a snapshot stands for.
  let measuredCpuUs = 0;
  let measuredWallMs = 0;
  let settledCpu: NodeJS.CpuUsage | null = null;
  let settledWallMs = 0;
  const onSettled = (): void => {
    settledCpu = process.cpuUsage();
    settledWallMs = performance.now();
  };
  const cpuBefore = process.cpuUsage();
  const all = timed(() => {
    cases.forEach((c, k) => {
      settledCpu = null;
      const r = runFuzzCase(c, FIRST_SEED + k, { settleMs: settleMsOf(c), onSettled });
      const since = settledCpu as NodeJS.CpuUsage | null;
      if (since === null) throw new Error(`fuzz bench: run ${FIRST_SEED + k} never settled`);
      const cpu = process.cpuUsage(since);
      measuredCpuUs += cpu.user + cpu.system;
      measuredWallMs += performance.now() - settledWallMs;
      findings += r.findings.length;
      simulatedMs += r.run.sim.nowUs / 1000;
    });
  });
  const cpuTotal = process.cpuUsage(cpuBefore);
  const cpuSeconds = measuredCpuUs / 1e6;
  const cpuSecondsWithStartUp = (cpuTotal.user + cpuTotal.system) / 1e6;
  // Per core: runs per second of this process's CPU time (all its threads, the GC's included),
  // which a busy shared machine does not skew the way wall time is skewed; wall time is printed too.
  const runsPerSec = RUNS / cpuSeconds;
  const runsPerSecWithStartUp = RUNS / cpuSecondsWithStartUp;
  const runsPerWallSec = RUNS / (measuredWallMs / 1000);
  const startUpShare = 1 - measuredWallMs / 1000 / all.seconds;
  log(`fuzz: ${RUNS} random-fault runs of a 3 + 3 cluster (60 simulated s each after the start-up, checkers included) on one thread, after ${WARM_UP_RUNS} warm-up runs: ${cpuSeconds.toFixed(2)} s of CPU, ${(measuredWallMs / 1000).toFixed(2)} s of wall time from the settled cluster on`);
  log(`  ${runsPerSec.toFixed(1)} runs per CPU second (target ≥ ${TARGET_RUNS_PER_SEC}: ${runsPerSec >= TARGET_RUNS_PER_SEC ? "met" : "not met"}), ${runsPerWallSec.toFixed(1)} per wall second; ${findings} findings; ${(simulatedMs / RUNS / 1000).toFixed(1)} simulated s a run on average`);
  log(`  with each run's own start-up counted too (formed cluster + first full syncs, simulated again in every run: the kernel has no snapshot to fork): ${runsPerSecWithStartUp.toFixed(1)} runs per CPU second; the start-up is ${(100 * startUpShare).toFixed(0)} % of a run's wall time`);
  return { runsPerSecPerCore: round1(runsPerSec), runsPerSecPerCoreWithStartUp: round1(runsPerSecWithStartUp) };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

export const fuzzPart: BenchPart = { name: "fuzz", run: runFuzzPart };
