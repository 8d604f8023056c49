import fc from "fast-check";

/**
 * A client workload as plain data: the cluster writer (or, for a Sentinel group, the
 * Sentinel-aware client) at a steady rate. It runs as `client-1`, so partitions can place it.
 */
export interface WorkloadShape {
  readonly writesPerSecond: number;
}

export const CLIENT_ID = "client-1";

/** 10–200 writes/s, shrinking toward 10; or none (shrinks to a workload, not away from it). */
export function workloadShapeArb(options: { readonly optional?: boolean; readonly maxWritesPerSecond?: number } = {}): fc.Arbitrary<WorkloadShape | null> {
  const one = fc.integer({ min: 10, max: options.maxWritesPerSecond ?? 200 }).map((writesPerSecond) => ({ writesPerSecond }));
  return options.optional === true ? fc.option(one, { nil: null, freq: 4 }) : one;
}
