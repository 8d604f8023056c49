/**
 * A fuzz worker thread: takes run numbers from the main thread, answers with each outcome.
 * It is started with the main thread's execArgv, so under `tsx` it loads TypeScript the same way.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runOne, type SweepOptions } from "./run-one";

const options = (workerData as { options: SweepOptions }).options;
parentPort!.on("message", (job: { k: number; seed: number }) => {
  try {
    parentPort!.postMessage({ ok: true, outcome: runOne(job.k, job.seed, options) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, k: job.k, seed: job.seed, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
