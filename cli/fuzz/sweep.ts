import { runPool } from "../worker-pool";
import { runJob, type FuzzJob, type RunOutcome, type SweepOptions } from "./run-one";

/**
 * A sweep: runs k in [from, to) of `--seed S` (seed S + k), on `workers` threads (the shared
 * worker pool, cli/worker-pool.ts): outcomes come back in run order, so the result does not
 * depend on the number of workers or on which finished first.
 */

export interface ShardRange {
  readonly from: number;
  readonly to: number;
}

/** CONTRACTS §9: shard i of n (1-based) takes the runs k in [⌊(i−1)N/n⌋, ⌊iN/n⌋). */
export function shardRange(runs: number, shard: number, shards: number): ShardRange {
  return { from: Math.floor(((shard - 1) * runs) / shards), to: Math.floor((shard * runs) / shards) };
}

export interface SweepProgress {
  (done: number, outcome: RunOutcome): void;
}

/** Runs the sweep in this thread (workers = 0) or on worker threads; outcomes in run order. */
export async function sweep(seed: number, range: ShardRange, workers: number, options: SweepOptions, onProgress: SweepProgress = () => {}): Promise<RunOutcome[]> {
  const jobs: FuzzJob[] = Array.from({ length: range.to - range.from }, (_, i) => ({ k: range.from + i, seed: seed + range.from + i }));
  let done = 0;
  return runPool({ module: new URL("./run-one.ts", import.meta.url).href, export: "runJob", run: runJob, setup: options }, jobs, workers, (_, outcome) => onProgress(++done, outcome));
}
