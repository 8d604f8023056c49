import { checkRun, clusterConvergence, clusterNodesOf, convergenceMs, PROPERTY_NAMES, type Finding, type PropertyName } from "@failover-lab/sim-core/check";
import type { FuzzCase } from "@failover-lab/sim-core/fc";
import { runScenario, type RunOptions, type RunResult } from "../runner";
import type { Scenario } from "../steps";
import { fuzzCaseToScenario } from "./case-scenario";

/** One fuzz run: the case as a scenario, run with `runScenario`, then every checker asked. */
export interface FuzzRunResult {
  readonly scenario: Scenario;
  readonly findings: readonly Finding[];
  /** How long the cluster took to settle after its last fault (ms); null when it did not converge or is no cluster. */
  readonly convergenceMs: number | null;
  readonly run: RunResult;
}

export interface FuzzRunOptions {
  readonly properties?: readonly PropertyName[];
  readonly settleMs?: number;
  readonly name?: string;
  /** Passed on to `runScenario` (RunOptions.onSettled). */
  readonly onSettled?: RunOptions["onSettled"];
}

export function runFuzzCase(c: FuzzCase, seed: string | number, options: FuzzRunOptions = {}): FuzzRunResult {
  const scenario = fuzzCaseToScenario(c, { ...(options.name === undefined ? {} : { name: options.name }), ...(options.settleMs === undefined ? {} : { settleMs: options.settleMs }) });
  const run = runScenario(scenario, { seed, ...(options.onSettled === undefined ? {} : { onSettled: options.onSettled }) });
  const findings = checkRun(run.sim, options.properties ?? PROPERTY_NAMES);
  const isCluster = clusterNodesOf(run.sim).length > 0;
  // Settling time means something only for a cluster that did settle.
  const settled = isCluster && clusterConvergence(run.sim).converged;
  return { scenario, findings, convergenceMs: settled ? convergenceMs(run.sim) : null, run };
}
