/**
 * Simulated time. The kernel counts integer microseconds from the start of a run; nothing in
 * sim-core ever reads the host's clock. The brand keeps a bare number (milliseconds? seconds?)
 * from crossing a module boundary where microseconds are meant.
 */
export type Micros = number & { readonly __unit: "us" };

export const ZERO_US = 0 as Micros;

export function us(n: number): Micros {
  if (!Number.isSafeInteger(n)) throw new RangeError(`simulated time must be an integer number of microseconds, got ${n}`);
  return n as Micros;
}

/** Whole milliseconds to microseconds; fractions of a millisecond are kept down to the microsecond. */
export function ms(n: number): Micros {
  return us(Math.round(n * 1000));
}

export function seconds(n: number): Micros {
  return us(Math.round(n * 1_000_000));
}

/** ⌊µs / 1000⌋: how summaries and measures print a duration (CONTRACTS §8). */
export function toWholeMs(t: Micros): number {
  return Math.floor(t / 1000);
}

/**
 * Simulated time 0 on every process's wall clock: 2026-12-30 15:28:00.000 UTC (CONTRACTS §1).
 * Written as a number so that sim-core never constructs a Date.
 */
export const WALL_CLOCK_EPOCH_MS = 1_798_644_480_000;
