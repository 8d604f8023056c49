/**
 * The kernel demo: three processes watch each other with heartbeats while faults hit them.
 * It shows what the kernel promises the Redis models: a paused process falls silent and its
 * peers suspect it, it catches up when resumed; a killed process refuses connections until it is
 * restarted; a partition isolates one side and healing brings the held bytes through.
 *
 *   pnpm demo [--seed N]
 */
import { Simulation, heartbeatMesh, ms, seconds, type Fault, type TraceRecord } from "../src/index";

const seedFlag = process.argv.indexOf("--seed");
const seed = seedFlag >= 0 ? process.argv[seedFlag + 1] ?? "1" : "1";

const sim = new Simulation({ seed, scenario: "kernel-demo" });
const ids = ["7001", "7002", "7003"];
for (const [id, model] of heartbeatMesh(ids, ms(100), ms(1500))) sim.addProcess(id, model);

const drill: [number, Fault, string][] = [
  [5, { type: "pause", node: "7002" }, "docker pause 7002"],
  [9, { type: "resume", node: "7002" }, "docker unpause 7002"],
  [14, { type: "kill", node: "7003" }, "kill -9 7003"],
  [20, { type: "restart", node: "7003" }, "start 7003 again"],
  [26, { type: "partition", name: "split", groups: [["7001"], "rest"] }, "cut 7001 off from the rest"],
  [31, { type: "heal", name: "split" }, "heal the partition"],
];
for (const [atS, fault] of drill) sim.schedule(fault, seconds(atS));

function describe(r: TraceRecord): string {
  switch (r.type) {
    case "peerSuspected":
      return `suspects ${r.peer} (silent for ${r.silentMs} ms)`;
    case "peerRecovered":
      return `hears from ${r.peer} again after ${r.silentMs} ms`;
    case "processStarted":
      return r.restarted ? `restarted (incarnation ${r.incarnation})` : "started";
    case "processResumed":
      return `resumed: ${r.queuedEvents} events had queued, ${r.overdueTimers} timer(s) overdue`;
    case "faultApplied":
    case "faultSkipped":
      return "";
    default:
      return r.type.replace(/^process/, "").toLowerCase();
  }
}

console.log(`Failover Lab kernel demo — 3 processes, heartbeat every 100 ms, suspect after 1500 ms of silence (seed ${seed})\n`);
let printed = 0;
let nextDrill = 0;
const flush = (): void => {
  for (; printed < sim.trace.length; printed++) {
    const r = sim.trace[printed]!;
    if (r.type === "faultApplied") {
      const step = drill[nextDrill++];
      console.log(`\n${(r.atUs / 1e6).toFixed(3).padStart(8)}s  ▶ ${step?.[2] ?? r.fault.type}`);
      continue;
    }
    const text = describe(r);
    if (text !== "") console.log(`${(r.atUs / 1e6).toFixed(3).padStart(8)}s    ${r.node.padEnd(5)} ${text}`);
  }
};
for (let t = 1; t <= 36; t++) {
  sim.runUntil(seconds(t));
  flush();
}
console.log(`\n${sim.eventsHandled} events handled over ${sim.nowUs / 1e6} simulated seconds; ${sim.openConnections()} connections open`);
console.log(`seed ${seed}  trace hash ${sim.traceHash()}`);
