import { Worker } from "node:worker_threads";
import { runOne, type RunOutcome, type SweepOptions } from "./run-one";

/**
 * A sweep: runs k in [from, to) of `--seed S` (seed S + k), on `workers` threads. Runs are
 * handed out one at a time to whichever worker is free, and outcomes are put back in run order,
 * so the result does not depend on the number of workers or on which finished first.
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
  const total = range.to - range.from;
  const outcomes: RunOutcome[] = new Array(total);
  let done = 0;
  if (workers <= 0) {
    for (let k = range.from; k < range.to; k++) {
      const outcome = runOne(k, seed + k, options);
      outcomes[k - range.from] = outcome;
      onProgress(++done, outcome);
    }
    return outcomes;
  }
  let next = range.from;
  const pool = Array.from({ length: Math.min(workers, Math.max(1, total)) }, () => new Worker(new URL("./worker-entry.mjs", import.meta.url), { workerData: { options }, execArgv: process.execArgv }));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = (): void => {
              if (next >= range.to) return resolve();
              const k = next++;
              worker.postMessage({ k, seed: seed + k });
            };
            worker.on("message", (reply: { ok: true; outcome: RunOutcome } | { ok: false; k: number; seed: number; error: string }) => {
              if (!reply.ok) return reject(new Error(`run ${reply.k} (seed ${reply.seed}) crashed:\n${reply.error}`));
              outcomes[reply.outcome.k - range.from] = reply.outcome;
              onProgress(++done, reply.outcome);
              feed();
            });
            worker.on("error", reject);
            worker.on("exit", (code) => {
              if (code !== 0) reject(new Error(`a fuzz worker exited with code ${code}`));
            });
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return outcomes;
}
