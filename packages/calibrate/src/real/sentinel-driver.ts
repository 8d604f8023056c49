import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SentinelCalibrationDrill } from "../drills";
import type { SentinelFinalState, TrialObservation } from "../observation";
import { ProcessGroup } from "./processes";
import { HOST, assertPortsFree, cli, infoFields, pollUntil, tryCli, type RedisBinaries } from "./redis-cli";
import { applyStep, observedFromLogs, type RealRunContext } from "./steps";

const SYNC_LIMIT_MS = 60_000;
const DISCOVERY_LIMIT_MS = 30_000;

function serverConfig(port: number, dir: string, replicaOf: number | null): string {
  return [
    `port ${port}`,
    `bind ${HOST}`,
    "protected-mode yes",
    "daemonize no",
    "appendonly no",
    'save ""',
    "loglevel notice",
    `logfile ${join(dir, "redis.log")}`,
    `dir ${dir}`,
    ...(replicaOf === null ? [] : [`replicaof ${HOST} ${replicaOf}`]),
  ].join("\n") + "\n";
}

function sentinelConfig(drill: SentinelCalibrationDrill, port: number, dir: string): string {
  const name = drill.masterName;
  return [
    `port ${port}`,
    `bind ${HOST}`,
    "daemonize no",
    "loglevel notice",
    `logfile ${join(dir, "redis.log")}`,
    `dir ${dir}`,
    `sentinel monitor ${name} ${HOST} ${drill.master} ${drill.quorum}`,
    ...Object.entries(drill.sentinelConfig).map(([k, v]) => `sentinel ${k} ${name} ${v}`),
  ].join("\n") + "\n";
}

/**
 * One real trial of a Sentinel drill: the servers (replicas with `replicaof`), then — once every
 * replica's link is up — the Sentinels, then wait until every Sentinel knows every replica and
 * every other Sentinel; apply the steps; read the final state; stop every process by pid.
 */
export async function runRealSentinelTrial(drill: SentinelCalibrationDrill, bins: RedisBinaries, workDir: string, trial: number): Promise<TrialObservation> {
  const group = new ProcessGroup();
  const servers = [drill.master, ...drill.replicas];
  const all = [...servers, ...drill.sentinels];
  const dirs: Record<string, string> = {};
  try {
    await assertPortsFree(all);
    for (const port of all) {
      const dir = join(workDir, String(port));
      mkdirSync(dir, { recursive: true });
      dirs[port] = dir;
      const isSentinel = drill.sentinels.includes(port);
      writeFileSync(join(dir, isSentinel ? "sentinel.conf" : "redis.conf"), isSentinel ? sentinelConfig(drill, port, dir) : serverConfig(port, dir, port === drill.master ? null : drill.master));
    }
    const start = (port: number): number => {
      const isSentinel = drill.sentinels.includes(port);
      return isSentinel
        ? group.start(String(port), bins.sentinel, [join(dirs[port]!, "sentinel.conf")], dirs[port]!)
        : group.start(String(port), bins.server, [join(dirs[port]!, "redis.conf")], dirs[port]!);
    };
    const answers = (port: number) => pollUntil(async () => (await tryCli(bins, port, ["PING"])) === "PONG\n", 10_000);

    for (const port of servers) start(port);
    for (const port of servers) if (!(await answers(port))) throw new Error(`${bins.server} on ${HOST}:${port} did not answer PING within 10 s; see ${join(dirs[port]!, "redis.log")}`);
    const synced = await pollUntil(async () => {
      for (const port of drill.replicas) if (infoFields((await tryCli(bins, port, ["INFO", "replication"])) ?? "")["master_link_status"] !== "up") return false;
      return true;
    }, SYNC_LIMIT_MS, 200);
    if (!synced) throw new Error(`the replicas did not finish their first sync within ${SYNC_LIMIT_MS} ms`);

    for (const port of drill.sentinels) start(port);
    for (const port of drill.sentinels) if (!(await answers(port))) throw new Error(`${bins.sentinel} on ${HOST}:${port} did not answer PING within 10 s; see ${join(dirs[port]!, "redis.log")}`);
    const discovered = await pollUntil(async () => {
      for (const port of drill.sentinels) {
        const master = fieldPairs((await tryCli(bins, port, ["SENTINEL", "master", drill.masterName])) ?? "");
        if (Number(master["num-slaves"]) !== drill.replicas.length || Number(master["num-other-sentinels"]) !== drill.sentinels.length - 1) return false;
      }
      return true;
    }, DISCOVERY_LIMIT_MS, 200);
    if (!discovered) throw new Error(`the Sentinels did not discover every replica and every other Sentinel within ${DISCOVERY_LIMIT_MS} ms`);

    const context: RealRunContext = { bins, group, start, faultWallMs: null, dirs, sentinel: { ports: drill.sentinels, masterName: drill.masterName, masterPort: drill.master } };
    for (const step of drill.steps) await applyStep(step, context);
    if (context.faultWallMs === null) throw new Error(`drill ${drill.name}: no fault step was applied`);

    const final = await sentinelFinalState(drill, bins);
    const endWallMs = Date.now();
    await group.stopAll();
    const logPaths = Object.fromEntries(all.map((p) => [String(p), join(dirs[p]!, "redis.log")]));
    const pairing = Object.fromEntries(drill.replicas.map((p) => [String(p), String(drill.master)]));
    return { side: "real", trial, events: observedFromLogs(logPaths, context.faultWallMs, endWallMs), idToPort: {}, pairing, final, logPaths };
  } finally {
    await group.stopAll();
  }
}

/** SENTINEL MASTER answers alternating field and value lines (redis-cli prints a flat array). */
function fieldPairs(reply: string): Record<string, string> {
  const lines = reply.trim().split("\n");
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < lines.length; i += 2) out[lines[i]!] = lines[i + 1]!;
  return out;
}

/** Each server's role (INFO replication), each Sentinel's master address and config epoch. */
async function sentinelFinalState(drill: SentinelCalibrationDrill, bins: RedisBinaries): Promise<SentinelFinalState> {
  const servers: Record<string, { role: "master" | "replica"; masterPort: string | null }> = {};
  for (const port of [drill.master, ...drill.replicas]) {
    const info = infoFields(await cli(bins, port, ["INFO", "replication"]));
    servers[port] = info["role"] === "slave" ? { role: "replica", masterPort: info["master_port"] ?? null } : { role: "master", masterPort: null };
  }
  const sentinels: Record<string, { masterPort: string; configEpoch: number }> = {};
  for (const port of drill.sentinels) {
    const addr = (await cli(bins, port, ["SENTINEL", "get-master-addr-by-name", drill.masterName])).trim().split("\n");
    const master = fieldPairs(await cli(bins, port, ["SENTINEL", "master", drill.masterName]));
    sentinels[port] = { masterPort: addr[1] ?? "?", configEpoch: Number(master["config-epoch"] ?? -1) };
  }
  return { kind: "sentinel", servers, sentinels };
}
