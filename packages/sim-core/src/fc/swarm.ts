import fc from "fast-check";

/**
 * Swarm testing (Groce et al. 2012; TigerBeetle's VOPR): rather than every run mixing every
 * fault at one fixed rate, each run draws its own mix — which fault families are on, how often
 * each comes, how long faults last. Some runs are all partitions, some all pauses; a bug that
 * one kind of fault masks (a pause hides a partition) still gets runs where it shows.
 */

/**
 * A fault family is one fault together with the fault that lifts it. `partition` cuts a small
 * side (1–3 processes) off from the rest; `cut` is one firewall rule between two processes that
 * both still reach everyone else (a partition of two groups with no "rest").
 */
export const FAULT_FAMILIES = ["crash", "shutdown", "pause", "partition", "oneWayPartition", "cut", "delay", "loss", "clog", "clockJump"] as const;
export type FaultFamily = (typeof FAULT_FAMILIES)[number];

/** clockJump moves a process's wall clock: a rule of Sentinel's (TILT), not of Cluster's. */
export const CLUSTER_FAMILIES: readonly FaultFamily[] = FAULT_FAMILIES.filter((f) => f !== "clockJump");

export interface SwarmProfile {
  /** The families this run draws from (at least one). */
  readonly families: readonly FaultFamily[];
  /** Relative weight of each family in `families`, same order, each 1–8. */
  readonly weights: readonly number[];
  /** At most this many fault episodes in the run. */
  readonly maxEpisodes: number;
  /** Episodes last up to this many detection timeouts (node timeout or down-after), in tenths. */
  readonly durationTenths: number;
}

/** Shrinks toward one family, equal weights, one episode, short faults. */
export function swarmProfileArb(options: { readonly families?: readonly FaultFamily[]; readonly maxEpisodes?: number } = {}): fc.Arbitrary<SwarmProfile> {
  const available = options.families ?? FAULT_FAMILIES;
  return fc
    .record({
      families: fc.subarray([...available], { minLength: 1 }),
      weights: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: available.length, maxLength: available.length }),
      maxEpisodes: fc.integer({ min: 1, max: options.maxEpisodes ?? 8 }),
      durationTenths: fc.integer({ min: 5, max: 40 }),
    })
    .map(({ families, weights, maxEpisodes, durationTenths }) => ({ families, weights: weights.slice(0, families.length), maxEpisodes, durationTenths }));
}

/** The family a draw in [0, 1000) lands on, by the profile's weights among `allowed`. */
export function pickFamily(profile: SwarmProfile, allowed: readonly FaultFamily[], draw: number): FaultFamily {
  let families = profile.families.filter((f) => allowed.includes(f));
  let weights = profile.weights.filter((_, i) => allowed.includes(profile.families[i]!));
  if (families.length === 0) {
    families = [...allowed];
    weights = allowed.map(() => 1);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  let point = (draw / 1000) * total;
  for (let i = 0; i < families.length; i++) {
    point -= weights[i]!;
    if (point < 0) return families[i]!;
  }
  return families[families.length - 1]!;
}
