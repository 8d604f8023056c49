import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SIM_SEEDS, compare, findDrill, runSimClusterTrial, runSimSentinelTrial, type TrialObservation } from "../src/index";

/**
 * The simulator against the real observations committed under docs/fidelity/ (the real trials of
 * the declared runs, parsed from real Redis 7.0.15 logs): the declared gate must still hold, so
 * a model change that breaks fidelity fails `pnpm test` on any machine, without Redis.
 */
const saved = (drill: string): { trials: TrialObservation[] } =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../../docs/fidelity/${drill}.real-trials.json`, import.meta.url)), "utf8"));

describe.each(["kill-master", "paused-master"])("the committed real trials of %s", (name) => {
  it("are still matched by the simulator within the declared tolerances", () => {
    const drill = findDrill(name)!;
    const real = saved(name).trials;
    expect(real.length).toBeGreaterThanOrEqual(10);
    const sims = Array.from({ length: SIM_SEEDS }, (_, i) =>
      drill.kind === "cluster" ? runSimClusterTrial(drill, i + 1, real[i % real.length]!.pairing) : runSimSentinelTrial(drill, i + 1),
    );
    const c = compare(drill, "declared", real, sims);
    expect(c.breaches).toEqual([]);
  });
});
