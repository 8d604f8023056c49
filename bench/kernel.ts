/**
 * The kernel part of `pnpm bench` (CONTRACTS §7): how many events per second the kernel handles
 * in fast mode, against a bare event loop doing the least any discrete-event loop must do per
 * event, measured in the same run on the same workload sizes (6 and 1000 processes).
 * `kernel.ratio` — kernel events/s ÷ bare events/s, the lower of the two sizes — says how much the
 * kernel's bookkeeping (network, timers, contexts, dispatch) costs over that floor.
 *
 * Each kernel run builds a fresh Simulation and boots it untimed (1 simulated second: starts,
 * connects), then times a single runFor over enough simulated time to handle the target number
 * of events. The bare loop then handles exactly as many events. Kernel and bare runs alternate,
 * after one shorter warm-up of each, and the best of the repetitions counts.
 */
import { Simulation, ms, seconds, type Micros } from "../packages/sim-core/src/index";
import { bareLoop } from "./bare-loop";
import type { BenchKeys, BenchLog, BenchPart } from "./part";
import { RING_NEIGHBOURS, pingPongRing } from "./ping-pong-model";
import { formatRate, timed } from "./timing";

const SEED = "bench";
const TICK_INTERVAL_US = ms(100);
/** Handler invocations per process per tick: the tick, the ping it sends, the pong back. */
const EVENTS_PER_TICK = 3;
const BOOT_US = seconds(1);
const REPETITIONS = 5;
/** The warm-up handles this fraction of a timed run's events. */
const WARM_UP_FRACTION = 0.2;

interface Workload {
  readonly processes: number;
  readonly targetEvents: number;
}

const WORKLOADS: readonly Workload[] = [
  { processes: 6, targetEvents: 2_000_000 },
  { processes: 1000, targetEvents: 3_000_000 },
];

interface Run {
  readonly events: number;
  readonly eventsPerSec: number;
}

/** Simulated time in which `processes` handle at least `events` (steady state, 1 % to spare). */
function simulatedUsFor(processes: number, events: number): Micros {
  const eventsPerSimSecond = (processes * EVENTS_PER_TICK * 1_000_000) / TICK_INTERVAL_US;
  return seconds(Math.ceil((events / eventsPerSimSecond) * 1.01));
}

function runKernel(processes: number, targetEvents: number): Run {
  const sim = new Simulation({ seed: SEED, mode: "fast", scenario: "bench-kernel" });
  for (const [id, model] of pingPongRing(processes, TICK_INTERVAL_US)) sim.addProcess(id, model);
  sim.runFor(BOOT_US);
  const before = sim.eventsHandled;
  const durationUs = simulatedUsFor(processes, targetEvents);
  const { seconds: wallSeconds } = timed(() => sim.runFor(durationUs));
  const events = sim.eventsHandled - before;
  if (events < targetEvents) throw new Error(`kernel run of ${processes} processes handled ${events} events, wanted ≥ ${targetEvents}`);
  return { events, eventsPerSec: events / wallSeconds };
}

/** Every bare run's result lands here, so V8 cannot drop the loop as dead code. */
let bareSink = 0;

function runBare(processes: number, events: number): Run {
  const loop = bareLoop(processes, TICK_INTERVAL_US, SEED);
  const { result, seconds: wallSeconds } = timed(() => loop.run(events));
  bareSink += result;
  return { events, eventsPerSec: events / wallSeconds };
}

interface WorkloadResult {
  readonly events: number;
  readonly simulatedSeconds: number;
  readonly kernelEventsPerSec: number;
  readonly bareEventsPerSec: number;
  readonly kernelRuns: readonly number[];
  readonly bareRuns: readonly number[];
}

function measure(workload: Workload): WorkloadResult {
  const { processes, targetEvents } = workload;
  const warmUp = runKernel(processes, Math.round(targetEvents * WARM_UP_FRACTION));
  runBare(processes, warmUp.events);
  const kernelRuns: number[] = [];
  const bareRuns: number[] = [];
  let events = 0;
  for (let rep = 0; rep < REPETITIONS; rep++) {
    const kernel = runKernel(processes, targetEvents);
    events = kernel.events;
    kernelRuns.push(kernel.eventsPerSec);
    bareRuns.push(runBare(processes, kernel.events).eventsPerSec);
  }
  return {
    events,
    simulatedSeconds: simulatedUsFor(processes, targetEvents) / 1_000_000,
    kernelEventsPerSec: Math.max(...kernelRuns),
    bareEventsPerSec: Math.max(...bareRuns),
    kernelRuns,
    bareRuns,
  };
}

const TARGET_RATIO = 0.5;

function runKernelPart(log: BenchLog): BenchKeys {
  log(`kernel: ping-pong ring (≤ ${RING_NEIGHBOURS} neighbours, one ping per ${TICK_INTERVAL_US / 1000} ms tick), fast mode, best of ${REPETITIONS} after a warm-up`);
  const results = new Map<number, WorkloadResult>();
  for (const workload of WORKLOADS) {
    const r = measure(workload);
    results.set(workload.processes, r);
    const runs = (rates: readonly number[]) => rates.map(formatRate).join(", ");
    log(`  ${workload.processes} processes: ${r.events.toLocaleString("en-US")} events over ${r.simulatedSeconds.toLocaleString("en-US")} simulated s`);
    log(`    kernel     ${formatRate(r.kernelEventsPerSec).padStart(12)} events/s  (runs: ${runs(r.kernelRuns)})`);
    log(`    bare loop  ${formatRate(r.bareEventsPerSec).padStart(12)} events/s  (runs: ${runs(r.bareRuns)})`);
    log(`    ratio      ${(r.kernelEventsPerSec / r.bareEventsPerSec).toFixed(3)}`);
  }
  const six = results.get(6)!;
  const thousand = results.get(1000)!;
  const ratio = Math.min(six.kernelEventsPerSec / six.bareEventsPerSec, thousand.kernelEventsPerSec / thousand.bareEventsPerSec);
  log(`  kernel.ratio ${ratio.toFixed(3)} (the lower of the two); target: kernel ≥ ${TARGET_RATIO} × bare loop — ${ratio >= TARGET_RATIO ? "met" : "NOT met"}`);
  return {
    ratio: Number(ratio.toFixed(3)),
    eventsPerSec6: Math.round(six.kernelEventsPerSec),
    eventsPerSec1000: Math.round(thousand.kernelEventsPerSec),
    bareEventsPerSec6: Math.round(six.bareEventsPerSec),
    bareEventsPerSec1000: Math.round(thousand.bareEventsPerSec),
  };
}

export const kernelPart: BenchPart = { name: "kernel", run: runKernelPart };
