/**
 * How often the `ci` gate would fail by chance when the model is as good as it is now: draw the
 * gate's real trials (with replacement) from the committed declared run's real trials, compare
 * them with the simulator's SIM_SEEDS seeds exactly as `calibrate --gate ci` does, and count the
 * draws that breach. A bootstrap: it cannot see real behaviour the committed trials never showed.
 *
 *   npx tsx packages/calibrate/scripts/ci-gate-flake-rate.ts [draws]
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SIM_SEEDS, TOLERANCES, compare, findDrill, runSimClusterTrial, runSimSentinelTrial, type TrialObservation } from "../src/index";

const draws = Number(process.argv[2] ?? 4000);
// A fixed linear congruential generator: the same draws on every run.
let state = 12345;
const random = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;

for (const name of ["kill-master", "paused-master"]) {
  const drill = findDrill(name)!;
  const trials = TOLERANCES[name]!.ci.trials;
  const file = fileURLToPath(new URL(`../../../docs/fidelity/${name}.real-trials.json`, import.meta.url));
  const real = (JSON.parse(readFileSync(file, "utf8")) as { trials: TrialObservation[] }).trials;
  // A simulated trial depends only on its seed and pairing: run each once.
  const sims = new Map<string, TrialObservation>();
  const sim = (seed: number, pairing: Readonly<Record<string, string>>): TrialObservation => {
    const key = `${seed} ${JSON.stringify(pairing)}`;
    if (!sims.has(key)) sims.set(key, drill.kind === "cluster" ? runSimClusterTrial(drill, seed, pairing) : runSimSentinelTrial(drill, seed));
    return sims.get(key)!;
  };
  const causes = new Map<string, number>();
  let failed = 0;
  for (let d = 0; d < draws; d++) {
    const picked = Array.from({ length: trials }, () => real[Math.floor(random() * real.length)]!);
    const simTrials = Array.from({ length: SIM_SEEDS }, (_, i) => sim(i + 1, picked[i % picked.length]!.pairing));
    const { breaches } = compare(drill, "ci", picked, simTrials);
    if (breaches.length > 0) failed++;
    for (const b of breaches) causes.set(b.split(":")[0]!, (causes.get(b.split(":")[0]!) ?? 0) + 1);
  }
  const why = [...causes].map(([c, n]) => `${c} ${n}`).join(", ");
  console.log(`${name}: ${trials} real trial(s) per draw from ${real.length}; ${failed} of ${draws} draws breach the ci gate (${((100 * failed) / draws).toFixed(2)} %)${why === "" ? "" : `: ${why}`}`);
}
