/**
 * Wall-clock timing for the benchmarks. performance.now() is allowed here: bench/ sits outside
 * sim-core, whose code never reads the host's clock.
 */
import { performance } from "node:perf_hooks";

export interface Timed<T> {
  readonly result: T;
  readonly seconds: number;
}

export function timed<T>(body: () => T): Timed<T> {
  const startMs = performance.now();
  const result = body();
  return { result, seconds: (performance.now() - startMs) / 1000 };
}

/** Rates rounded for display: 1234567.8 → "1,234,568". */
export function formatRate(perSec: number): string {
  return Math.round(perSec).toLocaleString("en-US");
}
