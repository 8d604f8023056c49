import { NODE_MASTER, type ClusterNodeState, type Fault, type ProcessId, type Simulation, type StandaloneState, type TraceRecord } from "@failover-lab/sim-core";

/**
 * summary.json's `measures` (CONTRACTS §8): for each fault step, when it happened, and — for a
 * kill, shutdown or pause of a master, or a partition that cuts one off from the majority — how
 * long the phases that followed took, in whole ms after the step, each from the first trace
 * event that shows it. A phase that never happened is absent, not 0.
 */
export interface Measure {
  readonly step: number;
  readonly fault: Fault["type"];
  readonly atMs: number;
  readonly pfailMs?: number;
  readonly failMs?: number;
  readonly electionWonMs?: number;
  readonly clusterOkMs?: number;
  /** Sentinel: the first Sentinel to log `+sdown master`, `+odown master`, `+switch-master` for the victim. */
  readonly sdownMs?: number;
  readonly odownMs?: number;
  readonly switchMasterMs?: number;
}

export interface FaultStepAt {
  readonly step: number;
  readonly fault: Fault;
  readonly atUs: number;
  /** A cluster victim's node id and its replicas' ports, read just before the fault. */
  readonly victimId?: string;
  readonly victimReplicas?: readonly string[];
  /** A standalone victim master's port (a Sentinel topology). */
  readonly victimPort?: number;
  /** It could not apply (e.g. shutdown of a node already down): it changed nothing. */
  readonly skipped?: boolean;
}

/** Before applying a fault: who is the victim master, and who replicates it. */
export function faultTarget(sim: Simulation, fault: Fault): Pick<FaultStepAt, "victimId" | "victimReplicas" | "victimPort"> {
  if (fault.type === "partition") {
    const cut = cutOffMaster(sim, fault);
    return cut === undefined ? {} : masterTarget(sim, cut);
  }
  if (fault.type !== "kill" && fault.type !== "shutdown" && fault.type !== "pause") return {};
  return masterTarget(sim, fault.node);
}

function isLive(sim: Simulation, pid: ProcessId): boolean {
  const status = sim.status(pid);
  return status === "running" || status === "paused";
}

function masterTarget(sim: Simulation, pid: ProcessId): Pick<FaultStepAt, "victimId" | "victimReplicas" | "victimPort"> {
  if (!isLive(sim, pid)) return {};
  const s = sim.state<ClusterNodeState>(pid);
  if (s.nodes === undefined) {
    const standalone = sim.state<StandaloneState>(pid);
    const isServer = standalone.replication !== undefined && standalone.runId !== undefined;
    return isServer && standalone.replication.masterHost === null ? { victimPort: Number(pid) } : {};
  }
  const me = s.nodes[s.myId];
  if (me === undefined || (me.flags & NODE_MASTER) === 0 || me.numSlots === 0) return {};
  const replicas = s.nodeOrder.filter((id) => s.nodes[id]!.replicaOf === s.myId).map((id) => String(s.nodes[id]!.port));
  return { victimId: s.myId, victimReplicas: replicas };
}

/**
 * The first master a two-way partition leaves on the minority side: for a cluster, with fewer
 * than half of the slot-serving masters; for Sentinel, out of sight of a majority of the
 * Sentinels. (One victim per step: that is what one measure can follow.)
 */
function cutOffMaster(sim: Simulation, fault: Extract<Fault, { type: "partition" }>): ProcessId | undefined {
  if (fault.oneWay === true) return undefined;
  const live = sim.processIds().filter((pid) => /^\d+$/.test(pid) && isLive(sim, pid));
  const named = new Set(fault.groups.flatMap((g) => (g === "rest" ? [] : g)));
  // A process in no group still reaches everyone: such a partition cuts links, not the cluster in two.
  if (!fault.groups.includes("rest") && live.some((pid) => !named.has(pid))) return undefined;
  const groupOf = (pid: ProcessId): number => {
    const i = fault.groups.findIndex((g) => (g === "rest" ? !named.has(pid) : g.includes(pid)));
    return i;
  };
  const clusterMasters = live.filter((pid) => {
    const s = sim.state<ClusterNodeState>(pid);
    const me = s.nodes?.[s.myId];
    return me !== undefined && (me.flags & NODE_MASTER) !== 0 && me.numSlots > 0;
  });
  if (clusterMasters.length > 0) {
    return clusterMasters.find((pid) => clusterMasters.filter((other) => groupOf(other) === groupOf(pid)).length * 2 <= clusterMasters.length);
  }
  const sentinels = live.filter((pid) => {
    const s = sim.state<{ master?: unknown; myId?: unknown }>(pid);
    return s.master !== undefined && s.myId !== undefined;
  });
  const masters = live.filter((pid) => !sentinels.includes(pid) && masterTarget(sim, pid).victimPort !== undefined);
  return masters.find((pid) => sentinels.filter((p) => groupOf(p) === groupOf(pid)).length * 2 <= sentinels.length);
}

/** A node that left the cluster (`redis-cli --cluster del-node`, or a CLUSTER RESET it obeyed), and when. */
export interface Departure {
  readonly node: ProcessId;
  readonly atUs: number;
}

/**
 * Faults that only lift an earlier one: they start no failure of their own, so a failover the
 * earlier fault set going (and the recovery after it) may finish after them and still be its.
 */
const LIFTING_FAULTS: ReadonlySet<Fault["type"]> = new Set(["heal", "resume", "unclog", "release"]);

export function measuresOf(sim: Simulation, faults: readonly FaultStepAt[], departures: readonly Departure[] = []): Measure[] {
  const trace = sim.trace;
  const left = [...departures, ...resetsOf(trace)];
  return faults.map((f, i) => {
    const atMs = Math.floor(f.atUs / 1000);
    const base: Measure = { step: f.step, fault: f.fault.type, atMs };
    // Up to the next fault that changed something and was not just the lifting of an earlier
    // one; what happens exactly at its instant (a win that ended a wait) still counts.
    const untilUs = faults.slice(i + 1).find((next) => next.skipped !== true && !LIFTING_FAULTS.has(next.fault.type))?.atUs ?? Number.POSITIVE_INFINITY;
    const after = (pred: (r: TraceRecord) => boolean): number | undefined => {
      const hit = trace.find((r) => r.atUs >= f.atUs && r.atUs <= untilUs && pred(r));
      return hit === undefined ? undefined : Math.floor((hit.atUs - f.atUs) / 1000);
    };
    if (f.victimPort !== undefined) {
      const port = f.victimPort;
      const onVictim = (r: TraceRecord): boolean => "instance" in r && r.instance.kind === "master" && r.instance.port === port;
      const sdownMs = after((r) => r.type === "sdown" && onVictim(r));
      const odownMs = after((r) => r.type === "odown" && onVictim(r));
      const switchMasterMs = after((r) => r.type === "switchMaster" && r.oldPort === port);
      return {
        ...base,
        ...(sdownMs === undefined ? {} : { sdownMs }),
        ...(odownMs === undefined ? {} : { odownMs }),
        ...(switchMasterMs === undefined ? {} : { switchMasterMs }),
      };
    }
    if (f.victimId === undefined) return base;
    const pfailMs = after((r) => r.type === "nodePossiblyFailing" && r.peer === f.victimId);
    const failMs = after((r) => (r.type === "nodeMarkedFailing" && r.peer === f.victimId) || (r.type === "failMessageReceived" && r.about === f.victimId));
    const wonAt = trace.find((r) => r.atUs >= f.atUs && r.atUs <= untilUs && r.type === "electionWon" && f.victimReplicas!.includes(r.node));
    const electionWonMs = wonAt === undefined ? undefined : Math.floor((wonAt.atUs - f.atUs) / 1000);
    const clusterOkMs = wonAt === undefined ? undefined : firstAllOk(sim, wonAt.atUs, untilUs, f.atUs, left);
    return {
      ...base,
      ...(pfailMs === undefined ? {} : { pfailMs }),
      ...(failMs === undefined ? {} : { failMs }),
      ...(electionWonMs === undefined ? {} : { electionWonMs }),
      ...(clusterOkMs === undefined ? {} : { clusterOkMs }),
    };
  });
}

/** The nodes a `redis-cli` CLUSTER RESET (a `cli` step) took out of the cluster: it forgets every other node. */
function resetsOf(trace: readonly TraceRecord[]): Departure[] {
  const out: Departure[] = [];
  for (const r of trace) {
    if (r.type !== "clientReply" || r.reply.kind === "error") continue;
    const [command, sub] = r.command.map((a) => a.toUpperCase());
    if (command === "CLUSTER" && sub === "RESET") out.push({ node: String(r.server), atUs: r.atUs });
  }
  return out;
}

/**
 * The first instant at or after `fromUs` when every live node of the cluster believes
 * `cluster_state:ok`, replayed from the clusterStateChanged events. A node that went down no
 * longer counts, nor one that left the cluster (del-node resets it, and alone without slots
 * it says `fail` for ever, as cluster.c:clusterUpdateState has it).
 */
function firstAllOk(sim: Simulation, fromUs: number, untilUs: number, faultUs: number, departures: readonly Departure[]): number | undefined {
  const state = new Map<string, "ok" | "fail" | "down">();
  for (const pid of sim.processIds()) if (/^\d+$/.test(pid)) state.set(pid, "ok");
  const pending = [...departures].sort((a, b) => a.atUs - b.atUs);
  let next = 0;
  for (const r of sim.trace) {
    if (r.atUs > untilUs) break;
    for (; next < pending.length && pending[next]!.atUs <= r.atUs; next++) state.delete(pending[next]!.node);
    if (state.has(r.node)) {
      if (r.type === "clusterStateChanged") state.set(r.node, r.state);
      else if (r.type === "processCrashed" || r.type === "processExited") state.set(r.node, "down");
      else if (r.type === "processStarted" && r.restarted) state.set(r.node, "fail");
    }
    if (r.atUs >= fromUs && [...state.values()].every((v) => v !== "fail")) return Math.floor((r.atUs - faultUs) / 1000);
  }
  return undefined;
}
