/**
 * The trace part of `pnpm bench`: what trace mode (every state change recorded as patches, every
 * message's fate logged; `--out`, `--html` and the determinism tests use it) costs over fast mode.
 *
 * - `drill000Ms`, `drill004Ms`: CPU milliseconds of runScenario in trace mode, seed 1 — drill-000
 *   (the 3 + 3 kill-master article drill) and drill-004 (a reshard of 1000 slots with keys).
 * - `drill000Ratio`, `drill004Ratio`: the same run's trace ÷ fast CPU time.
 * - `nodes300Ms`, `nodes300Ratio`: a created 150 + 150 cluster (default node timeout, a master
 *   killed at 1 s), 3 simulated seconds, trace mode; and its ratio to fast mode.
 *
 * CPU time of this thread (process.cpuUsage), not wall time: the figures then hold on a machine
 * shared with other work. Each run is checked to give the same trace hash in both modes.
 */
import { Simulation, addCreatedCluster, ms, seconds, type SimulationMode } from "../packages/sim-core/src/index";
import { articleDrills, runScenario } from "../packages/scenarios/src/index";
import type { BenchKeys, BenchLog, BenchPart } from "./part";

const SEED = 1;
const CLUSTER_NODES = 300;
const CLUSTER_SIMULATED_S = 3;

interface Measured {
  readonly cpuMs: number;
  readonly traceHash: string;
}

function cpuMsOf(body: () => string): Measured {
  const start = process.cpuUsage();
  const traceHash = body();
  const used = process.cpuUsage(start);
  return { cpuMs: (used.user + used.system) / 1000, traceHash };
}

function drill(name: string, mode: SimulationMode): Measured {
  const scenario = articleDrills.find((d) => d.name === name);
  if (scenario === undefined) throw new Error(`bench trace: no article drill named ${name}`);
  return cpuMsOf(() => runScenario(scenario, { seed: SEED, mode }).sim.traceHash());
}

function createdCluster(mode: SimulationMode): Measured {
  const sim = new Simulation({ seed: SEED, mode, scenario: `bench-${CLUSTER_NODES}` });
  const ports = Array.from({ length: CLUSTER_NODES }, (_, i) => 7001 + i);
  addCreatedCluster(sim, { ports, replicasPerMaster: 1, config: { "cluster-node-timeout": 15_000 } });
  sim.schedule({ type: "kill", node: "7001" }, seconds(1));
  return cpuMsOf(() => {
    sim.runUntil(ms(CLUSTER_SIMULATED_S * 1000));
    return sim.traceHash();
  });
}

/** Runs fast then trace mode; the two must tell the same story. */
function compare(label: string, run: (mode: SimulationMode) => Measured, log: BenchLog): { traceMs: number; ratio: number } {
  const fast = run("fast");
  const trace = run("trace");
  if (fast.traceHash !== trace.traceHash) throw new Error(`bench trace: ${label} gave trace hash ${trace.traceHash} in trace mode, ${fast.traceHash} in fast mode`);
  const ratio = trace.cpuMs / fast.cpuMs;
  log(`trace ${label}: ${Math.round(trace.cpuMs)} CPU ms in trace mode, ${Math.round(fast.cpuMs)} in fast mode (×${ratio.toFixed(2)})`);
  return { traceMs: Math.round(trace.cpuMs), ratio: Math.round(ratio * 100) / 100 };
}

export const tracePart: BenchPart = {
  name: "trace",
  run(log: BenchLog): BenchKeys {
    const d0 = compare("drill-000", (mode) => drill("drill-000", mode), log);
    const d4 = compare("drill-004", (mode) => drill("drill-004", mode), log);
    const big = compare(`${CLUSTER_NODES} nodes, ${CLUSTER_SIMULATED_S} simulated s`, createdCluster, log);
    return {
      drill000Ms: d0.traceMs,
      drill000Ratio: d0.ratio,
      drill004Ms: d4.traceMs,
      drill004Ratio: d4.ratio,
      nodes300Ms: big.traceMs,
      nodes300Ratio: big.ratio,
    };
  },
};
