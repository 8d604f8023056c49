import type { RunResult } from "@failover-lab/scenarios";

/**
 * summary.json and `--json` (CONTRACTS §8): the keys scripts read. Add keys, never rename them.
 */
export interface Summary {
  readonly schemaVersion: 1;
  readonly scenario: string;
  readonly seed: string;
  readonly traceHash: string;
  readonly simulatedMs: number;
  readonly wallMs: number;
  readonly events: number;
  readonly ok: boolean;
  readonly steps: readonly { readonly text: string; readonly atMs: number; readonly ok: boolean; readonly saw?: string }[];
  readonly measures: RunResult["measures"];
  /** Where the scenario has a client: `acked`, `lost`, `outageMs` (CONTRACTS §8), and `longestGapMs`. */
  readonly writes?: NonNullable<RunResult["writes"]>;
}

export function summaryOf(run: RunResult, wallMs: number): Summary {
  return {
    schemaVersion: 1,
    scenario: run.scenario,
    seed: run.seed,
    traceHash: run.sim.traceHash(),
    simulatedMs: Math.floor(run.sim.nowUs / 1000),
    wallMs: Math.round(wallMs),
    events: run.sim.trace.length,
    ok: run.ok,
    steps: run.steps.map((s) => ({ text: s.text, atMs: s.atMs, ok: s.ok, ...(s.ok || s.saw === undefined ? {} : { saw: s.saw }) })),
    measures: run.measures,
    ...(run.writes === undefined ? {} : { writes: run.writes }),
  };
}
