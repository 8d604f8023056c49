/**
 * The few statistics a fidelity report needs: min / median / max of a sample and the two-sample
 * Kolmogorov–Smirnov statistic (the largest gap between the two empirical distribution
 * functions, 0 = same, 1 = disjoint).
 */

export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** min / median / max; the median of an even count is the mean of the middle two. */
export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

/** sup over x of |F_a(x) − F_b(x)|, evaluated at every sample point. */
export function ksStatistic(a: readonly number[], b: readonly number[]): number | null {
  if (a.length === 0 || b.length === 0) return null;
  const sa = [...a].sort((x, y) => x - y);
  const sb = [...b].sort((x, y) => x - y);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < sa.length && j < sb.length) {
    const x = Math.min(sa[i]!, sb[j]!);
    while (i < sa.length && sa[i]! <= x) i++;
    while (j < sb.length && sb[j]! <= x) j++;
    d = Math.max(d, Math.abs(i / sa.length - j / sb.length));
  }
  return d;
}

/** (sim − real) / real, for a median gate. */
export function relativeGap(real: number, sim: number): number {
  if (real === 0) return sim === 0 ? 0 : Number.POSITIVE_INFINITY;
  return (sim - real) / real;
}
