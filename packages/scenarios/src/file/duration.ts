/**
 * Durations in scenario files: `1500ms`, `20s`, `2m`, `1h` (a leading `-` where a value may be
 * negative, e.g. a clock jump). A whole number of milliseconds, so `1.5s` is fine and `0.5ms` is not.
 */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

const DURATION_PATTERN = /^(-?)(\d+(?:\.\d+)?)(ms|s|m|h)$/;

export const DURATION_EXAMPLES = "20s, 1500ms or 2m";

/** The duration in ms, or undefined when the text is not one. */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (match === null) return undefined;
  const [, sign, amount, unit] = match;
  const value = Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  // 1.1s is 1100.0000000000002 in floating point: round what is a whole ms within rounding error.
  const rounded = Math.round(value);
  if (Math.abs(value - rounded) > 1e-6) return undefined;
  return sign === "-" ? -rounded : rounded;
}

/** An exact text for a whole number of ms: `1500ms`, `20s`, `90s`, `5m` (minutes from two on, as people say them). */
export function formatDurationMs(valueMs: number): string {
  if (!Number.isSafeInteger(valueMs)) throw new RangeError(`a duration must be a whole number of ms, got ${valueMs}`);
  const sign = valueMs < 0 ? "-" : "";
  const abs = Math.abs(valueMs);
  if (abs === 0) return "0s";
  if (abs % UNIT_MS.h === 0 && abs >= 2 * UNIT_MS.h) return `${sign}${abs / UNIT_MS.h}h`;
  if (abs % UNIT_MS.m === 0 && abs >= 2 * UNIT_MS.m) return `${sign}${abs / UNIT_MS.m}m`;
  if (abs % UNIT_MS.s === 0) return `${sign}${abs / UNIT_MS.s}s`;
  return `${sign}${abs}ms`;
}
