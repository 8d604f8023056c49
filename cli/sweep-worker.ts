/**
 * A sweep worker thread: takes seeds from the main thread, answers with each seed's phases.
 * Started with the main thread's execArgv, so under tsx it loads TypeScript the same way.
 */
import { parentPort, workerData } from "node:worker_threads";
import { sweepRun } from "./sweep-run";

const drill = (workerData as { drill: string }).drill;
parentPort!.on("message", (job: { index: number; seed: string }) => {
  try {
    parentPort!.postMessage({ ok: true, index: job.index, run: sweepRun(drill, job.seed) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, index: job.index, seed: job.seed, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
