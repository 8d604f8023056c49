import {
  NODE_REPLICA,
  Simulation,
  addCreatedCluster,
  ms,
  redisCliModel,
  seconds,
  sentinelModel,
  standaloneServerModel,
  us,
  type ClusterNodeState,
  type RedisCliState,
  type SentinelState,
  type StandaloneState,
  type TraceRecord,
} from "@failover-lab/sim-core";
import { clusterInfo, clusterNodes } from "@failover-lab/sim-core/replies";
import type { TraceEvent } from "@failover-lab/sim-core/trace";
import { logMessages } from "@failover-lab/report";
import { FAULT_PHASE_SPREAD_MS, type CalibrationStep, type ClusterCalibrationDrill, type SentinelCalibrationDrill } from "./drills";
import { PARSED_EVENT_TYPES } from "./log-parser";
import { parseClusterNodes, type ClusterFinalState, type ObservedEvent, type SentinelFinalState, type TrialObservation } from "./observation";

/**
 * The simulated side of a trial: the same drill, step for step, on sim-core. What it keeps of
 * the trace is what a real log at `loglevel notice` shows — the parser's vocabulary, at the
 * level report renders it — so both sides are compared on the same footing; PFAIL (debug) is
 * kept apart as the one phase only the simulator can show.
 */

const SETTLE_LIMIT_MS = 60_000;
const CLI_TIMEOUT_MS = 10_000;
/** The real driver starts the Sentinels once the replicas are in sync; the sim's sync ends at ~5.7 s. */
const SENTINELS_START_S = 8;
/** Hellos every 2 s: by then every Sentinel knows every replica and every peer, as the real driver waits for. */
const SENTINEL_DISCOVERY_S = 12;

const PARSED = new Set<string>(PARSED_EVENT_TYPES);

/** True when a real server at `loglevel notice` would print a line for this event that the parser reads. */
function loggedAtNotice(event: TraceEvent, kind: "server" | "sentinel"): boolean {
  if (!PARSED.has(event.type)) return false;
  return logMessages(event, { kind, clusterMode: true }).some((m) => m.level === "notice" || m.level === "warning");
}

function observed(trace: readonly TraceRecord[], faultUs: number, sentinels: ReadonlySet<string>): ObservedEvent[] {
  const out: ObservedEvent[] = [];
  for (const record of trace) {
    if (!/^\d+$/.test(record.node)) continue;
    const { atUs, node, ...event } = record;
    const e = event as TraceEvent;
    // PFAIL is debug-level: kept only so that pfailMs can be reported for the simulator.
    if (e.type !== "nodePossiblyFailing" && !loggedAtNotice(e, sentinels.has(node) ? "sentinel" : "server")) continue;
    out.push({ atMs: (atUs - faultUs) / 1000, node, event: e });
  }
  return out;
}

interface SimStepContext {
  readonly sim: Simulation;
  faultUs: number | null;
  clients: number;
  readonly sentinels: readonly string[];
}

function applySimStep(step: CalibrationStep, c: SimStepContext): void {
  const { sim } = c;
  switch (step.type) {
    case "kill":
    case "shutdown":
    case "pause":
    case "resume":
    case "restart":
      if (c.faultUs === null && (step.type === "kill" || step.type === "shutdown" || step.type === "pause")) {
        // drills.ts FAULT_PHASE_SPREAD_MS: the same random phase the real driver gives its fault.
        sim.runFor(us(sim.stream("calibrate/fault-phase").int(FAULT_PHASE_SPREAD_MS * 1000)));
        c.faultUs = sim.nowUs;
      }
      sim.apply({ type: step.type, node: String(step.node) });
      return;
    case "cli": {
      const id = `client-${++c.clients}`;
      sim.addProcess(id, redisCliModel([{ atUs: sim.nowUs, port: step.port, argv: step.argv }]));
      sim.runUntil(() => (sim.state<RedisCliState>(id).replies?.length ?? 0) > 0, us(sim.nowUs + ms(CLI_TIMEOUT_MS)));
      return;
    }
    case "wait":
      sim.runFor(ms(step.ms));
      return;
    case "untilSwitched": {
      // The real driver polls every 100 ms and stops at the first Sentinel that answers the new master.
      const from = sim.trace.length;
      const switched = sim.runUntil(
        () => sim.trace.slice(from).some((r) => c.sentinels.includes(r.node) && (r.type === "switchMaster" || r.type === "failoverStateReconfSlaves")),
        us(sim.nowUs + ms(step.withinMs)),
      );
      if (!switched) throw new Error(`simulated: no Sentinel switched the master within ${step.withinMs} ms`);
      sim.runFor(ms(100));
      return;
    }
  }
}

/** One simulated trial of a cluster drill, with the replica pairing the real cluster got. */
export function runSimClusterTrial(drill: ClusterCalibrationDrill, seed: number, pairing: Readonly<Record<string, string>>): TrialObservation {
  const sim = new Simulation({ seed, mode: "fast", scenario: `calibrate-${drill.name}` });
  const pinned = Object.fromEntries(Object.entries(pairing).map(([r, m]) => [Number(r), Number(m)]));
  addCreatedCluster(sim, { ports: drill.ports, replicasPerMaster: drill.replicasPerMaster, pairing: pinned, config: { ...drill.config } });
  const node = (port: number) => sim.state<ClusterNodeState>(String(port));
  const synced = sim.runUntil(
    () =>
      drill.ports.every((p) => {
        if (sim.status(String(p)) !== "running") return false;
        const s = node(p);
        return (s.nodes[s.myId]!.flags & NODE_REPLICA) === 0 || s.replication.replState === "connected";
      }),
    ms(SETTLE_LIMIT_MS),
  );
  if (!synced) throw new Error(`simulated cluster (seed ${seed}) did not finish its first syncs within ${SETTLE_LIMIT_MS} ms`);
  const first = parseClusterNodes(clusterNodes(node(drill.ports[0]!)));
  const simPairing: Record<string, string> = {};
  for (const n of first.nodes) if (n.role === "replica" && n.masterPort !== null) simPairing[n.port] = n.masterPort;

  const c: SimStepContext = { sim, faultUs: null, clients: 0, sentinels: [] };
  for (const step of drill.steps) applySimStep(step, c);
  if (c.faultUs === null) throw new Error(`drill ${drill.name}: no fault step`);

  const live = drill.ports.filter((p) => sim.status(String(p)) === "running" || sim.status(String(p)) === "paused");
  const seenFrom = live[0]!;
  const view = parseClusterNodes(clusterNodes(node(seenFrom)));
  const clusterState: Record<string, string> = {};
  let currentEpoch = 0;
  for (const p of live) {
    const info = Object.fromEntries(clusterInfo(node(p)).split("\r\n").filter((l) => l.includes(":")).map((l) => l.split(":") as [string, string]));
    clusterState[p] = info["cluster_state"] ?? "?";
    currentEpoch = Math.max(currentEpoch, Number(info["cluster_current_epoch"] ?? 0));
  }
  const final: ClusterFinalState = { kind: "cluster", seenFrom: String(seenFrom), nodes: view.nodes, clusterState, currentEpoch };
  return { side: "sim", trial: seed, events: observed(sim.trace, c.faultUs, new Set()), idToPort: first.idToPort, pairing: simPairing, final };
}

/** One simulated trial of a Sentinel drill, started the way the real driver starts it. */
export function runSimSentinelTrial(drill: SentinelCalibrationDrill, seed: number): TrialObservation {
  const sim = new Simulation({ seed, mode: "fast", scenario: `calibrate-${drill.name}` });
  sim.addProcess(String(drill.master), standaloneServerModel({ port: drill.master, config: {} }));
  for (const p of drill.replicas) sim.addProcess(String(p), standaloneServerModel({ port: p, config: {}, replicaof: drill.master }));
  for (const p of drill.sentinels) {
    sim.addProcess(String(p), sentinelModel({ port: p, masterPort: drill.master, quorum: drill.quorum, masterName: drill.masterName, config: { ...drill.sentinelConfig } }), {
      startAtUs: seconds(SENTINELS_START_S),
    });
  }
  sim.runUntil(seconds(SENTINELS_START_S + SENTINEL_DISCOVERY_S));
  const sentinels = drill.sentinels.map(String);
  const c: SimStepContext = { sim, faultUs: null, clients: 0, sentinels };
  for (const step of drill.steps) applySimStep(step, c);
  if (c.faultUs === null) throw new Error(`drill ${drill.name}: no fault step`);

  const servers: Record<string, { role: "master" | "replica"; masterPort: string | null }> = {};
  for (const p of [drill.master, ...drill.replicas]) {
    const s = sim.state<StandaloneState>(String(p));
    servers[p] = s.replication.masterHost === null ? { role: "master", masterPort: null } : { role: "replica", masterPort: String(s.replication.masterHost) };
  }
  const sentinelView: Record<string, { masterPort: string; configEpoch: number }> = {};
  for (const p of sentinels) {
    const s = sim.state<SentinelState>(p);
    sentinelView[p] = { masterPort: String(s.master.port), configEpoch: s.master.configEpoch };
  }
  const final: SentinelFinalState = { kind: "sentinel", servers, sentinels: sentinelView };
  const pairing = Object.fromEntries(drill.replicas.map((p) => [String(p), String(drill.master)]));
  return { side: "sim", trial: seed, events: observed(sim.trace, c.faultUs, new Set(sentinels)), idToPort: {}, pairing, final };
}


