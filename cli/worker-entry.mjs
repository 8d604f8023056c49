// The entry point of every worker-pool thread (worker-pool.ts), plain JavaScript so that Node
// can start it in any thread: a worker thread does not get the main thread's `--import tsx`
// loader hooks (Node 20 runs --import preloads only in the main thread), so it registers tsx's
// loader itself, then loads the task's module and answers each job with its function's result.
import { parentPort, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { module, export: name, setup } = workerData;
const fn = (await import(module))[name];
parentPort.on("message", ({ index, job }) => {
  try {
    parentPort.postMessage({ ok: true, index, result: fn(setup, job) });
  } catch (error) {
    parentPort.postMessage({ ok: false, index, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
