// The sweep worker's entry point, plain JavaScript so that Node can start it in any thread: a
// worker thread does not inherit the main thread's tsx loader hooks, so it registers tsx itself.
import { register } from "tsx/esm/api";

register();
await import("./sweep-worker.ts");
