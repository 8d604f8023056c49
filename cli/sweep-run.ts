import { library, runScenario, type Measure } from "@failover-lab/scenarios";
import { SWEEP_PHASES, type SweepPhase, type SweepRun } from "@failover-lab/report";

/** One seed of a sweep: the drill in fast mode, and the phases of its first failover. */
export function sweepRun(drill: string, seed: string): SweepRun {
  const scenario = library.find((s) => s.name === drill);
  if (scenario === undefined) throw new RangeError(`unknown drill "${drill}"`);
  const run = runScenario(scenario, { seed });
  const m = failoverMeasure(run.measures);
  const phases: Partial<Record<SweepPhase, number>> = {};
  if (m !== undefined) for (const p of SWEEP_PHASES) if (m[p] !== undefined) phases[p] = m[p];
  return { seed, ok: run.ok, fault: m === undefined ? "" : (run.steps[m.step]?.text ?? m.fault), phases };
}

/** The first fault measure with a phase after it: the drill's first failover. */
function failoverMeasure(measures: readonly Measure[]): Measure | undefined {
  return measures.find((m) => SWEEP_PHASES.some((p) => m[p] !== undefined));
}
