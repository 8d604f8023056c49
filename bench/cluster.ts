/**
 * The cluster part of `pnpm bench` (CONTRACTS §7 and §11): how much faster than real time the
 * Redis Cluster model runs in fast mode, at three sizes.
 *
 * - `speedup`: 3 masters + 3 replicas (cluster-node-timeout 15000), the cluster writer at 1,000
 *   writes/s, `kill` of a master at 600 s, one simulated hour.
 * - `speedup100`: 50 + 50, default node timeout, a master killed at 1 s, 60 simulated seconds.
 * - `speedup1000`: 500 + 500 (§11's bench-1000), default node timeout, a master killed at 1 s,
 *   10 simulated seconds — or as many as fit in its wall-clock budget, said loudly when short
 *   (the keys then hold what the run reached). When it stops short, a 300 + 300 run of the full
 *   10 s follows, printed only: the largest size measured to complete within a budget.
 *
 * Beside `speedup`, three figures that say where its target stands (keys added, none renamed):
 * - `events`: events the 3 + 3 hour handled (about four per write: the writer's tick, the
 *   command at the master, the reply, the stream to the replica);
 * - `bareLoopSpeedup`: the speedup of the bare loop of the kernel part (bench/bare-loop.ts: a
 *   heap pop, one random draw and one empty handler call per event) over that many events — the
 *   ceiling of any simulator that handles each message as an event, on this machine;
 * - `speedupNoWriter`: the same hour without the writer (gossip, crons, the kill, the failover).
 *
 * speedup = simulated seconds ÷ wall seconds of the run. Building the cluster is not counted (at
 * 1000 nodes that includes opening its million pre-existing bus links, Simulation.preconnect);
 * its start-up is: every node boots, loads its nodes.conf and runs its first clusterCron.
 * The heap (process.memoryUsage().heapUsed) is sampled between runFor chunks; the peak is
 * reported in MiB.
 */
import { BENCH_1000, Simulation, addLargeCluster, clusterWriterModel, seconds, writerSummary, type ClusterWriterState, type Micros } from "../packages/sim-core/src/index";
import type { BenchKeys, BenchLog, BenchPart } from "./part";
import { formatRate, timed } from "./timing";
import { bareLoop } from "./bare-loop";
import { performance } from "node:perf_hooks";

const SEED = "bench";
const FIRST_PORT = 7001;
const WRITER = "client-1";
const MIB = 1024 * 1024;

/** CONTRACTS §7: the speedup target of the 3 + 3 hour. */
const TARGET_SPEEDUP = 10_000;
/** CONTRACTS §7: the large runs may be shorter than a minute, but not shorter than this. */
const MIN_LARGE_SIMULATED_S = 10;

interface ClusterRunSpec {
  readonly label: string;
  readonly nodes: number;
  readonly nodeTimeoutMs: number;
  readonly simulatedSeconds: number;
  readonly killAtS: number;
  /** Simulated time per runFor chunk; the heap is sampled and the budget checked between chunks. */
  readonly chunkUs: Micros;
  /** Stop after the chunk that passes this much wall time, short of `simulatedSeconds`. */
  readonly wallBudgetS: number;
  readonly writer?: { readonly writesPerSecond: number; readonly keySpace: number };
}

const SPEEDUP_RUN: ClusterRunSpec = {
  label: "3 + 3",
  nodes: 6,
  nodeTimeoutMs: 15_000,
  simulatedSeconds: 3600,
  killAtS: 600,
  chunkUs: seconds(60),
  wallBudgetS: Infinity,
  // 100,000 keys rewritten in turn keep the datasets (and the writer's ack table) at a fixed size,
  // so the hour measures the simulator, not the garbage collector walking 3.6 million keys.
  writer: { writesPerSecond: 1000, keySpace: 100_000 },
};

const NO_WRITER_RUN: ClusterRunSpec = { ...SPEEDUP_RUN, label: "3 + 3 without the writer", writer: undefined };

/** The bare loop's pending entries: about what the 3 + 3 hour keeps queued (timers and packets in flight). */
const BARE_PENDING_ENTRIES = 24;

const RUN_100: ClusterRunSpec = {
  label: "50 + 50",
  nodes: 100,
  nodeTimeoutMs: 15_000,
  simulatedSeconds: 60,
  killAtS: 1,
  chunkUs: seconds(1),
  wallBudgetS: 30,
};

/** CONTRACTS §11's bench-1000, as sim-core defines it (the 1000-node report page runs the same). */
const RUN_1000: ClusterRunSpec = {
  label: `${BENCH_1000.masters} + ${BENCH_1000.masters * BENCH_1000.replicasPerMaster}`,
  nodes: BENCH_1000.masters * (1 + BENCH_1000.replicasPerMaster),
  nodeTimeoutMs: BENCH_1000.nodeTimeoutMs,
  simulatedSeconds: BENCH_1000.simulatedSeconds,
  killAtS: BENCH_1000.killAtS,
  // Small chunks: the first 100 ms hold the start-up (a thousand nodes booting and running their
  // first clusterCron over 999 peers each), and the budget is checked between chunks.
  chunkUs: seconds(0.002),
  wallBudgetS: 60,
};

/** Printed when RUN_1000 stops short: the largest size that completes its 10 s in budget here. */
const FALLBACK_RUN: ClusterRunSpec = {
  label: "300 + 300",
  nodes: 600,
  nodeTimeoutMs: 15_000,
  simulatedSeconds: 10,
  killAtS: 1,
  chunkUs: seconds(0.01),
  wallBudgetS: 75,
};

interface ClusterRunResult {
  readonly simulatedSeconds: number;
  readonly wallSeconds: number;
  readonly events: number;
  readonly peakHeapMiB: number;
  /** Wall seconds of the first simulated second (the links-and-first-pings start-up). */
  readonly firstSecondWallSeconds: number;
  /** Wall seconds of building the cluster (processes and pre-existing links), not in the speedup. */
  readonly buildWallSeconds: number;
  readonly stoppedShort: boolean;
  readonly writer: ClusterWriterState | null;
}

function runCluster(spec: ClusterRunSpec): ClusterRunResult {
  const buildStartMs = performance.now();
  const sim = new Simulation({ seed: SEED, mode: "fast", scenario: `bench-${spec.nodes}` });
  // Every size is built as bench-1000 is (sim-core's addLargeCluster): n/2 masters + n/2 replicas, the first master killed.
  const layout = addLargeCluster(sim, { name: `bench-${spec.nodes}`, masters: spec.nodes / 2, replicasPerMaster: 1, nodeTimeoutMs: spec.nodeTimeoutMs, simulatedSeconds: spec.simulatedSeconds, killAtS: spec.killAtS, firstPort: FIRST_PORT });
  const ports = layout.nodes.map((n) => n.port);
  if (spec.writer !== undefined) {
    sim.addProcess(WRITER, clusterWriterModel({ seeds: ports.slice(0, 3), writesPerSecond: spec.writer.writesPerSecond, keySpace: spec.writer.keySpace }));
  }

  const buildWallSeconds = (performance.now() - buildStartMs) / 1000;
  const endUs = seconds(spec.simulatedSeconds);
  let peakHeap = process.memoryUsage().heapUsed;
  let firstSecondWallSeconds = 0;
  const startMs = performance.now();
  let elapsedS = 0;
  while (sim.nowUs < endUs) {
    sim.runFor(Math.min(spec.chunkUs, endUs - sim.nowUs) as Micros);
    elapsedS = (performance.now() - startMs) / 1000;
    if (firstSecondWallSeconds === 0 && sim.nowUs >= seconds(1)) firstSecondWallSeconds = elapsedS;
    const heap = process.memoryUsage().heapUsed;
    if (heap > peakHeap) peakHeap = heap;
    if (elapsedS > spec.wallBudgetS) break;
  }
  return {
    simulatedSeconds: sim.nowUs / 1_000_000,
    wallSeconds: elapsedS,
    events: sim.eventsHandled,
    peakHeapMiB: peakHeap / MIB,
    firstSecondWallSeconds,
    buildWallSeconds,
    stoppedShort: sim.nowUs < endUs,
    writer: spec.writer === undefined ? null : sim.state<ClusterWriterState>(WRITER),
  };
}

function logRun(log: BenchLog, spec: ClusterRunSpec, r: ClusterRunResult): number {
  const speedup = r.simulatedSeconds / r.wallSeconds;
  const what = spec.writer === undefined ? "" : `, writer at ${formatRate(spec.writer.writesPerSecond)} writes/s over ${formatRate(spec.writer.keySpace)} keys`;
  log(`  ${spec.label} (${spec.nodes} nodes, node timeout ${spec.nodeTimeoutMs} ms, kill ${FIRST_PORT} at ${spec.killAtS} s${what})`);
  log(`    ${r.simulatedSeconds.toLocaleString("en-US")} simulated s in ${r.wallSeconds.toFixed(2)} wall s: speedup ${speedup.toFixed(speedup < 10 ? 3 : 0)}×`);
  const firstSecond = r.simulatedSeconds >= 1 ? `${r.firstSecondWallSeconds.toFixed(2)} wall s` : "not reached";
  log(`    ${formatRate(r.events)} events (${formatRate(r.events / r.wallSeconds)} events/s); first simulated second ${firstSecond}; peak heap ${r.peakHeapMiB.toFixed(0)} MiB`);
  log(`    building the cluster (not counted): ${r.buildWallSeconds.toFixed(2)} wall s`);
  if (r.writer !== null) {
    const w = writerSummary(r.writer, seconds(r.simulatedSeconds));
    log(`    writer: ${formatRate(w.acked)} acked, ${formatRate(w.failed)} failed, ${formatRate(w.skipped)} skipped; outage ${w.outageMs} ms`);
  }
  if (r.stoppedShort) {
    log(`    STOPPED SHORT: the wall-clock budget (${spec.wallBudgetS} s) ran out at ${r.simulatedSeconds} of ${spec.simulatedSeconds} simulated s;`);
    log(`    the speedup above is over the simulated seconds it managed, and the rest of the run was skipped.`);
  }
  if (spec.nodes > 6 && r.simulatedSeconds < MIN_LARGE_SIMULATED_S) {
    log(`    BELOW CONTRACT: CONTRACTS §7 wants at least ${MIN_LARGE_SIMULATED_S} simulated s for this figure.`);
  }
  return speedup;
}

function runClusterPart(log: BenchLog): BenchKeys {
  log("cluster: Redis Cluster model in fast mode (CONTRACTS §7, §11)");
  const small = runCluster(SPEEDUP_RUN);
  const speedup = logRun(log, SPEEDUP_RUN, small);
  log(`    target ≥ ${formatRate(TARGET_SPEEDUP)}× (one simulated hour in ${(3600 / TARGET_SPEEDUP).toFixed(2)} s) — ${speedup >= TARGET_SPEEDUP ? "met" : "NOT met"}`);
  const bare = bareLoop(BARE_PENDING_ENTRIES, 100_000, SEED);
  bare.run(Math.min(small.events, 1_000_000)); // warm-up
  const bareRun = timed(() => bare.run(small.events));
  const bareLoopSpeedup = small.simulatedSeconds / bareRun.seconds;
  log(`    ceiling: the bare loop (pop, draw, empty call) handles the same ${formatRate(small.events)} events in ${bareRun.seconds.toFixed(2)} wall s — speedup ${bareLoopSpeedup.toFixed(0)}× (checksum ${bareRun.result % 10})`);
  const noWriter = runCluster(NO_WRITER_RUN);
  const speedupNoWriter = logRun(log, NO_WRITER_RUN, noWriter);
  const hundred = runCluster(RUN_100);
  const speedup100 = logRun(log, RUN_100, hundred);
  const thousand = runCluster(RUN_1000);
  const speedup1000 = logRun(log, RUN_1000, thousand);
  if (thousand.stoppedShort) {
    log(`  the keys speedup1000, peakHeapMiB1000 and simulatedSeconds1000 hold the short run above; for scale, the largest size that completes:`);
    logRun(log, FALLBACK_RUN, runCluster(FALLBACK_RUN));
  }
  return {
    speedup: Math.round(speedup),
    events: small.events,
    bareLoopSpeedup: Math.round(bareLoopSpeedup),
    speedupNoWriter: Math.round(speedupNoWriter),
    speedup100: Number(speedup100.toFixed(3)),
    speedup1000: Number(speedup1000.toFixed(4)),
    peakHeapMiB100: Math.round(hundred.peakHeapMiB),
    peakHeapMiB1000: Math.round(thousand.peakHeapMiB),
    simulatedSeconds1000: thousand.simulatedSeconds,
  };
}

export const clusterPart: BenchPart = { name: "cluster", run: runClusterPart };
