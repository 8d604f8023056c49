/**
 * The fuzz part of `pnpm bench` (CONTRACTS §7, issue #7): random-fault runs per second on one
 * core. Each run is a 3 + 3 cluster (cluster-node-timeout 5000, so the liveness bound of
 * 6 × NT + 10 s fits the minute), a cluster writer at 10–100 writes/s, a swarm-drawn schedule
 * of up to 8 fault episodes in the first 20 s (all lifted by then), 40 s more to settle, and
 * every checker — 60 simulated seconds from the first fault step. "Per core" is runs per second
 * of the process's CPU time, which other work on a shared machine does not inflate.
 *
 * The contract asks for each run to start from a converged snapshot built once. The kernel
 * cannot clone a Simulation (processes hold closures and the network holds live connections),
 * so each run starts from `addCreatedCluster`'s formed cluster — converged gossip, no handshake —
 * and the runner's settle phase (each replica's first full sync, about 5 simulated seconds) is
 * simulated again in every run and counted in its wall time. The printed lines say how much of
 * a run that start-up is.
 */
import fc from "fast-check";
import { caseSchedule, fuzzCaseArb, type FuzzCase } from "../packages/sim-core/src/fc/index";
import { runFuzzCase } from "../packages/scenarios/src/fuzz/index";
import type { BenchKeys, BenchLog, BenchPart } from "./part";
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
  const cpuBefore = process.cpuUsage();
  const all = timed(() => {
    cases.forEach((c, k) => {
      const r = runFuzzCase(c, FIRST_SEED + k, { settleMs: settleMsOf(c) });
      findings += r.findings.length;
      simulatedMs += r.run.sim.nowUs / 1000;
    });
  });
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // The start-up alone (formed cluster, replicas' first sync), to say how much of a run it is.
  const startUp = timed(() => {
    cases.slice(0, 50).forEach((c, k) => runFuzzCase({ ...c, episodes: [] }, FIRST_SEED + k, { settleMs: 0, properties: [] }));
  });
  // Per core: runs per second of this process's CPU time (all its threads, the GC's included),
  // which a busy shared machine does not skew the way wall time is skewed; wall time is printed too.
  const runsPerSec = RUNS / cpuSeconds;
  const runsPerWallSec = RUNS / all.seconds;
  const startUpShare = startUp.seconds / 50 / (all.seconds / RUNS);
  log(`fuzz: ${RUNS} random-fault runs of a 3 + 3 cluster (60 simulated s each after the start-up, checkers included) on one thread, after ${WARM_UP_RUNS} warm-up runs: ${cpuSeconds.toFixed(1)} s of CPU, ${all.seconds.toFixed(1)} s of wall time`);
  log(`  ${runsPerSec.toFixed(1)} runs per CPU second (target ≥ ${TARGET_RUNS_PER_SEC}: ${runsPerSec >= TARGET_RUNS_PER_SEC ? "met" : "not met"}), ${runsPerWallSec.toFixed(1)} per wall second; ${findings} findings; ${(simulatedMs / RUNS / 1000).toFixed(1)} simulated s a run on average`);
  log(`  the per-run start-up (formed cluster + first full syncs; no snapshot clone in the kernel) is ${(100 * startUpShare).toFixed(0)} % of a run's wall time`);
  return { runsPerSecPerCore: Math.round(runsPerSec * 10) / 10 };
}

export const fuzzPart: BenchPart = { name: "fuzz", run: runFuzzPart };
