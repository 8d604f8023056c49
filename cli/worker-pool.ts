import { Worker } from "node:worker_threads";

/**
 * One pool of worker threads for the commands that run many independent jobs (`fuzz`, `sweep`).
 * A task names a module and one of its exports, `(setup, job) => result`; every worker loads
 * that module once (worker-entry.mjs) and is handed jobs one at a time as it frees up. Results
 * come back under their job's index, so what a caller gets does not depend on the number of
 * workers or on which job finished first. With 0 workers the jobs run in this thread, in order.
 */

export interface PoolTask<S, J, R> {
  /** The module's file URL (e.g. `new URL("./run-one.ts", import.meta.url).href`). */
  readonly module: string;
  /** Its export to call as `(setup, job)`, by name (what a worker loads)… */
  readonly export: string;
  /** …and the same function, for running in this thread. */
  readonly run: (setup: S, job: J) => R;
  /** Given to every call; copied to each worker once (structured clone). */
  readonly setup: S;
}

/** The worker's answer to one job. */
export type PoolReply<R> = { readonly ok: true; readonly index: number; readonly result: R } | { readonly ok: false; readonly index: number; readonly error: string };

/** Runs every job; `onResult` is called as each finishes (finishing order); the array is in job order. */
export async function runPool<S, J, R>(task: PoolTask<S, J, R>, jobs: readonly J[], workers: number, onResult: (index: number, result: R) => void = () => {}): Promise<R[]> {
  const results: R[] = new Array(jobs.length);
  if (workers <= 0) {
    jobs.forEach((job, index) => {
      results[index] = task.run(task.setup, job);
      onResult(index, results[index]!);
    });
    return results;
  }
  let next = 0;
  const pool = Array.from(
    { length: Math.min(workers, Math.max(1, jobs.length)) },
    () => new Worker(new URL("./worker-entry.mjs", import.meta.url), { workerData: { module: task.module, export: task.export, setup: task.setup }, execArgv: process.execArgv }),
  );
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = (): void => {
              if (next >= jobs.length) return resolve();
              const index = next++;
              worker.postMessage({ index, job: jobs[index] });
            };
            worker.on("message", (reply: PoolReply<R>) => {
              if (!reply.ok) return reject(new Error(`job ${reply.index} (${JSON.stringify(jobs[reply.index])}) of ${task.export} crashed:\n${reply.error}`));
              results[reply.index] = reply.result;
              onResult(reply.index, reply.result);
              feed();
            });
            worker.on("error", reject);
            worker.on("exit", (code) => {
              if (code !== 0) reject(new Error(`a ${task.export} worker exited with code ${code}`));
            });
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
