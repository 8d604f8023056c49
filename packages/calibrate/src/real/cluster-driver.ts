import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ClusterCalibrationDrill } from "../drills";
import { parseClusterNodes, type ClusterFinalState, type TrialObservation } from "../observation";
import { ProcessGroup } from "./processes";
import { HOST, assertPortsFree, cli, cliRaw, infoFields, pollUntil, tryCli, type RedisBinaries } from "./redis-cli";
import { applyStep, observedFromLogs, type RealRunContext } from "./steps";

/** How long a real cluster may take to form and finish its replicas' first sync (5 s diskless delay). */
const FORM_LIMIT_MS = 60_000;

/** Per-node redis.conf: loopback only, no persistence, a log file the parser reads. */
function clusterNodeConfig(port: number, dir: string, config: Readonly<Record<string, string | number>>): string {
  const lines = [
    `port ${port}`,
    `bind ${HOST}`,
    "protected-mode yes",
    "daemonize no",
    "cluster-enabled yes",
    "cluster-config-file nodes.conf",
    "appendonly no",
    'save ""',
    "loglevel notice",
    `logfile ${join(dir, "redis.log")}`,
    `dir ${dir}`,
    ...Object.entries(config).map(([k, v]) => `${k} ${v}`),
  ];
  return lines.join("\n") + "\n";
}

/**
 * One real trial of a cluster drill under `workDir` (one folder per node: redis.conf, nodes.conf,
 * redis.log): start the nodes, `redis-cli --cluster create … --cluster-replicas N --cluster-yes`,
 * wait until every node says `cluster_state:ok` and every replica's link is up, read the pairing
 * back from CLUSTER NODES, apply the steps, read the final state, and stop every process (by pid)
 * whatever happened.
 */
export async function runRealClusterTrial(drill: ClusterCalibrationDrill, bins: RedisBinaries, workDir: string, trial: number): Promise<TrialObservation> {
  const group = new ProcessGroup();
  const dirs: Record<string, string> = {};
  try {
    await assertPortsFree(drill.ports.flatMap((p) => [p, p + 10_000]));
    for (const port of drill.ports) {
      const dir = join(workDir, String(port));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "redis.conf"), clusterNodeConfig(port, dir, drill.config));
      dirs[port] = dir;
    }
    const start = (port: number) => group.start(String(port), bins.server, [join(dirs[port]!, "redis.conf")], dirs[port]!);
    for (const port of drill.ports) start(port);
    for (const port of drill.ports) {
      const up = await pollUntil(async () => (await tryCli(bins, port, ["PING"])) === "PONG\n", 10_000);
      if (!up) throw new Error(`${bins.server} on ${HOST}:${port} did not answer PING within 10 s; see ${join(dirs[port]!, "redis.log")}`);
    }
    const created = await cliRaw(bins, ["--cluster", "create", ...drill.ports.map((p) => `${HOST}:${p}`), "--cluster-replicas", String(drill.replicasPerMaster), "--cluster-yes"], 60_000);
    if (!created.includes("[OK] All 16384 slots covered.")) throw new Error(`redis-cli --cluster create failed:\n${created}`);
    const formed = await pollUntil(async () => {
      for (const port of drill.ports) {
        const info = await tryCli(bins, port, ["CLUSTER", "INFO"]);
        if (info === null || infoFields(info)["cluster_state"] !== "ok") return false;
        const repl = infoFields((await tryCli(bins, port, ["INFO", "replication"])) ?? "");
        if (repl["role"] === "slave" && repl["master_link_status"] !== "up") return false;
      }
      return true;
    }, FORM_LIMIT_MS, 200);
    if (!formed) throw new Error(`the real cluster did not reach cluster_state:ok with every replica in sync within ${FORM_LIMIT_MS} ms`);
    const before = parseClusterNodes(await cli(bins, drill.ports[0]!, ["CLUSTER", "NODES"]));
    const pairing: Record<string, string> = {};
    for (const n of before.nodes) if (n.role === "replica" && n.masterPort !== null) pairing[n.port] = n.masterPort;

    const context: RealRunContext = { bins, group, start, faultWallMs: null, dirs };
    for (const step of drill.steps) await applyStep(step, context);
    if (context.faultWallMs === null) throw new Error(`drill ${drill.name}: no fault step was applied`);

    const final = await clusterFinalState(drill, bins, group);
    const endWallMs = Date.now();
    await group.stopAll();
    const logPaths = Object.fromEntries(drill.ports.map((p) => [String(p), join(dirs[p]!, "redis.log")]));
    const events = observedFromLogs(logPaths, context.faultWallMs, endWallMs);
    return { side: "real", trial, events, idToPort: before.idToPort, pairing, final, logPaths };
  } finally {
    await group.stopAll();
  }
}

async function clusterFinalState(drill: ClusterCalibrationDrill, bins: RedisBinaries, group: ProcessGroup): Promise<ClusterFinalState> {
  const live = drill.ports.filter((p) => group.running(String(p)));
  if (live.length === 0) throw new Error("no node is left running to read the final state from");
  const seenFrom = live[0]!;
  const view = parseClusterNodes(await cli(bins, seenFrom, ["CLUSTER", "NODES"]));
  const clusterState: Record<string, string> = {};
  let currentEpoch = 0;
  for (const port of live) {
    const info = infoFields(await cli(bins, port, ["CLUSTER", "INFO"]));
    clusterState[port] = info["cluster_state"] ?? "?";
    currentEpoch = Math.max(currentEpoch, Number(info["cluster_current_epoch"] ?? 0));
  }
  return { kind: "cluster", seenFrom: String(seenFrom), nodes: view.nodes, clusterState, currentEpoch };
}
