// The fuzz worker's entry point, plain JavaScript so that Node can start it in any thread.
// A worker thread does not get the main thread's `--import tsx` loader hooks (Node 20 runs
// --import preloads only in the main thread), so it registers tsx's loader itself, then loads
// the TypeScript worker.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
