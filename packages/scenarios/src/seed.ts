/**
 * A run's seed: a non-negative integer, written canonically (decimal digits, no sign, no
 * leading zeros). The simulation hashes the seed's text, so `7`, `07` and `7.0` must all become
 * "7" before a run: equal numbers, equal runs.
 */
export function canonicalSeed(value: string | number): string | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  if (!/^\d+$/.test(value)) return undefined;
  return BigInt(value).toString();
}

/** What a bad seed gets told. */
export function seedProblem(value: string | number): string {
  return `expected a seed: a non-negative integer such as 7, got ${JSON.stringify(value)}`;
}
