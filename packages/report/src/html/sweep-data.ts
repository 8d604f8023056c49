/**
 * What the sweep page embeds: one drill run over many seeds, the phases of its first failover
 * per seed (CONTRACTS §8 measures), and the real Redis figures of the calibration report
 * (`docs/fidelity/<drill>.json`, CONTRACTS §10) when there is one.
 */

export const SWEEP_PHASES = ["pfailMs", "failMs", "electionWonMs", "clusterOkMs", "sdownMs", "odownMs", "switchMasterMs"] as const;
export type SweepPhase = (typeof SWEEP_PHASES)[number];

export interface PhaseFigures {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export interface SweepRun {
  readonly seed: string;
  readonly ok: boolean;
  /** The fault the phases follow, e.g. "shutdown 7003". */
  readonly fault: string;
  readonly phases: Partial<Record<SweepPhase, number>>;
}

export interface SweepData {
  readonly version: 1;
  readonly drill: string;
  readonly title: string;
  readonly runs: readonly SweepRun[];
  /** Real Redis per phase (calibration), or null when the drill has no calibration report. */
  readonly real: Partial<Record<SweepPhase, PhaseFigures>> | null;
  /** Where `real` came from, or why there is none. */
  readonly realSource: string;
}

/**
 * Reads the `real` figures out of a calibration report (CONTRACTS §10 shape); anything else
 * gives a sentence saying what was wrong, so the page can show the sweep without them.
 */
export function realFiguresOf(json: unknown): { figures: Partial<Record<SweepPhase, PhaseFigures>> } | { problem: string } {
  if (json === null || typeof json !== "object" || !("phases" in json) || json.phases === null || typeof json.phases !== "object") {
    return { problem: "it has no `phases` object" };
  }
  const figures: Partial<Record<SweepPhase, PhaseFigures>> = {};
  for (const phase of SWEEP_PHASES) {
    const entry = (json.phases as Record<string, unknown>)[phase];
    if (entry === undefined) continue;
    const real = entry !== null && typeof entry === "object" && "real" in entry ? (entry.real as Record<string, unknown> | null) : null;
    if (real === null || typeof real !== "object") return { problem: `phases.${phase} has no \`real\` object` };
    const { min, median, max } = real;
    if (typeof min !== "number" || typeof median !== "number" || typeof max !== "number") return { problem: `phases.${phase}.real wants numbers min, median, max` };
    figures[phase] = { min, median, max };
  }
  return { figures };
}
