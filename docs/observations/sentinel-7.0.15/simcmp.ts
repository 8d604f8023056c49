// Simulated counterparts of drill.sh's runs (5 seeds each), for README.md's comparison.
// Run from the repo root: npx tsx docs/observations/sentinel-7.0.15/simcmp.ts docs/observations/sentinel-7.0.15/sim
// Writes <out>/result.json (phase times, ms after the fault) and seed 1's rendered logs
// (<out>/sim<variant>-seed1-<port>.log, and .masked for the Sentinels: pid, time and run ids masked).
import { mkdirSync, writeFileSync } from "node:fs";
const OUT = process.argv[2] ?? "/tmp/simcmp";
mkdirSync(OUT, { recursive: true });
import { Simulation, seconds, sentinelModel, standaloneServerModel, type TraceRecord } from "../../../packages/sim-core/src/index.ts";
import { renderLog } from "../../../packages/report/src/index.ts";

const SENT_TYPES = ["sdown", "odown", "newEpoch", "voteForLeader", "electedLeader", "selectedSlave", "promotedSlave", "switchMaster"];
const isMasterEv = (r: any) => !r.instance || r.instance.kind === "master";

function phases(sim: Simulation, t0Us: number, t1Us: number) {
  const out: Record<string, any> = {};
  for (const t of SENT_TYPES) {
    const r: any = sim.trace.find((x: any) => x.type === t && x.atUs >= t0Us && /^26/.test(x.node) && (t === "sdown" || t === "odown" ? isMasterEv(x) : true));
    if (r) out[t] = { ms: Math.round((r.atUs - t0Us) / 1000), node: r.node, ...(t === "odown" ? { q: `${r.count}/${r.quorum}` } : {}) };
  }
  const conv: any = sim.trace.find((x: any) => x.type === "convertToSlave" && x.atUs >= t1Us && x.instance?.port === 6400);
  if (conv) out.convertToSlave = { ms: Math.round((conv.atUs - t0Us) / 1000), afterResumeMs: Math.round((conv.atUs - t1Us) / 1000), node: conv.node };
  const rs = sim.trace.filter((x: any) => x.node === "6400" && x.atUs >= t1Us).map((x) => x.type);
  out.resync = rs.includes("partialResyncSucceeded") ? "partial" : rs.includes("fullResyncFromMaster") ? "full" : "none";
  out.odownAll = sim.trace.filter((x: any) => x.type === "odown" && x.atUs >= t0Us && isMasterEv(x)).map((x: any) => `${x.node}:${x.count}/${x.quorum}@${Math.round((x.atUs - t0Us) / 1000)}`);
  out.sdownAll = sim.trace.filter((x: any) => x.type === "sdown" && x.atUs >= t0Us && isMasterEv(x)).map((x: any) => `${x.node}@${Math.round((x.atUs - t0Us) / 1000)}`);
  out.switchAll = sim.trace.filter((x: any) => x.type === "switchMaster" && x.atUs >= t0Us).map((x: any) => `${x.node}@${Math.round((x.atUs - t0Us) / 1000)}`);
  const leader = out.electedLeader?.node;
  const at = (t: string, node?: string) => sim.trace.filter((x: any) => x.type === t && x.atUs >= t0Us && (node === undefined || x.node === node)).map((x: any) => `${x.node}@${Math.round((x.atUs - t0Us) / 1000)}`);
  out.leaderOdownCleared = at("odownCleared", leader);
  out.leaderFailoverEnd = at("failoverEnd", leader);
  out.leaderSlaveReconfSent = at("slaveReconfSent", leader);
  out.sdownSlave = sim.trace.filter((x: any) => x.type === "sdown" && x.atUs >= t0Us && x.instance?.kind === "slave").map((x: any) => `${x.node}@${Math.round((x.atUs - t0Us) / 1000)}`);
  out.convertAll = sim.trace.filter((x: any) => x.type === "convertToSlave" && x.atUs >= t1Us).map((x: any) => `${x.node}@${Math.round((x.atUs - t1Us) / 1000)}`);
  return out;
}

function run(variant: "001" | "002", seed: number) {
  const sim = new Simulation({ seed, mode: "fast", scenario: `drill-${variant}` });
  // like drill.sh: servers first, the Sentinels once the replicas are in sync (the sim's
  // diskless sync ends at ~5.7 s), then the fault at 60 s.
  const replicas = variant === "002" ? [6401, 6402] : [6401];
  const sentinels = variant === "002" ? [26400, 26401, 26402] : [26400];
  const config = variant === "002" ? { "down-after-milliseconds": 5000, "failover-timeout": 5000, "parallel-syncs": 1 } : { "parallel-syncs": 1 };
  sim.addProcess("6400", standaloneServerModel({ port: 6400, config: {} }));
  for (const p of replicas) sim.addProcess(String(p), standaloneServerModel({ port: p, config: {}, replicaof: 6400 }));
  for (const p of sentinels) sim.addProcess(String(p), sentinelModel({ port: p, masterPort: 6400, quorum: variant === "002" ? 2 : 1, config: config as any }), { startAtUs: seconds(8) });
  const T0 = seconds(60);
  sim.schedule({ type: variant === "002" ? "pause" : "kill", node: "6400" } as any, T0);
  sim.runUntil(T0);
  let sw: TraceRecord | undefined;
  sim.runUntil(() => (sw = sim.trace.find((x: any) => x.type === "switchMaster" && x.node === "26400")) !== undefined, T0 + seconds(90));
  if (!sw) throw new Error("no switch");
  // the drill polls every 100 ms: it sees the switch up to 100 ms later
  const T1 = variant === "002" ? sw.atUs + seconds(5.1) : sw.atUs + seconds(0.1);
  sim.schedule({ type: variant === "002" ? "resume" : "restart", node: "6400" } as any, T1);
  sim.runUntil(T1 + seconds(50));
  return { sim, T0, T1, switchSeenMs: Math.round((sw.atUs - T0) / 1000) };
}

const mask = (l: string) => l.replace(/^\d+:([XMSC]) [^#*.-]+ ([#*.-]) /, "P:$1 TIME $2 ").replace(/\b[0-9a-f]{40}\b/g, "<id>");
const result: any = {};
for (const v of ["002", "001"] as const) {
  result[v] = [];
  for (const seed of [1, 2, 3, 4, 5]) {
    const { sim, T0, T1, switchSeenMs } = run(v, seed);
    const p = phases(sim, T0, T1);
    result[v].push({ seed, switchSeenMs, resumeMs: Math.round((T1 - T0) / 1000), ...p });
    if (seed === 1) {
      for (const s of v === "002" ? ["26400", "26401", "26402"] : ["26400"]) {
        const lines = renderLog(sim.trace, s);
        writeFileSync(`${OUT}/sim${v}-seed1-${s}.log`, lines.join("\n") + "\n");
        writeFileSync(`${OUT}/sim${v}-seed1-${s}.masked`, lines.map(mask).join("\n") + "\n");
      }
      for (const s of v === "002" ? ["6400", "6401", "6402"] : ["6400", "6401"]) writeFileSync(`${OUT}/sim${v}-seed1-${s}.log`, renderLog(sim.trace, s).join("\n") + "\n");
      writeFileSync(`${OUT}/sim${v}-seed1-T.txt`, `${T0} ${T1}\n`);
    }
  }
}
writeFileSync(`${OUT}/result.json`, JSON.stringify(result, null, 1));
for (const v of ["002", "001"]) for (const r of result[v]) console.log(v, JSON.stringify(r));
