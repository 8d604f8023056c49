import { library, runScenario, type Measure } from "@failover-lab/scenarios";
import { CALIBRATION_DRILLS, clusterPhases, measuredStep, runSimClusterTrial, runSimSentinelTrial, sentinelPhases, type CalibrationDrill } from "@failover-lab/calibrate";
import { SWEEP_PHASES, type SweepPhase, type SweepRun } from "@failover-lab/report";

/**
 * One seed of a sweep, in fast mode: a drill of the library (the phases of its first failover,
 * from the runner's measures), or a calibration drill (`kill-master`, `paused-master`: the
 * simulated side of `failover-lab calibrate`, whose docs/fidelity/<drill>.json holds the real
 * Redis figures the page draws over it).
 */
export interface SweepTarget {
  readonly name: string;
  readonly title: string;
}

/** A library drill or a calibration drill, by its exact name. */
export function sweepTarget(name: string): SweepTarget | undefined {
  return library.find((s) => s.name === name) ?? calibrationDrill(name);
}

export function sweepTargetNames(): string[] {
  return [...library.map((s) => s.name), ...CALIBRATION_DRILLS.map((d) => d.name)];
}

function calibrationDrill(name: string): CalibrationDrill | undefined {
  return CALIBRATION_DRILLS.find((d) => d.name === name);
}

export function sweepRun(name: string, seed: string): SweepRun {
  const scenario = library.find((s) => s.name === name);
  if (scenario !== undefined) {
    const run = runScenario(scenario, { seed });
    const m = failoverMeasure(run.measures);
    return { seed, ok: run.ok, fault: m === undefined ? "" : (run.steps[m.step]?.text ?? m.fault), phases: m === undefined ? {} : pick(m) };
  }
  const drill = calibrationDrill(name);
  if (drill === undefined) throw new RangeError(`unknown drill "${name}"`);
  const step = drill.steps[measuredStep(drill)] as { readonly type: string; readonly node: number };
  const fault = `${step.type} ${step.node}`;
  if (!/^\d+$/.test(seed)) throw new RangeError(`a calibration drill's seed is a whole number, got "${seed}"`);
  if (drill.kind === "cluster") return { seed, ok: true, fault, phases: pick(clusterPhases(runSimClusterTrial(drill, Number(seed), {}), String(step.node))) };
  return { seed, ok: true, fault, phases: pick(sentinelPhases(runSimSentinelTrial(drill, Number(seed)))) };
}

/** The first fault measure with a phase after it: the drill's first failover. */
function failoverMeasure(measures: readonly Measure[]): Measure | undefined {
  return measures.find((m) => SWEEP_PHASES.some((p) => m[p] !== undefined));
}

function pick(from: Partial<Record<SweepPhase, number>>): Partial<Record<SweepPhase, number>> {
  const phases: Partial<Record<SweepPhase, number>> = {};
  for (const p of SWEEP_PHASES) if (from[p] !== undefined) phases[p] = from[p];
  return phases;
}
