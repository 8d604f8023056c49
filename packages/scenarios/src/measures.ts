import { NODE_MASTER, type ClusterNodeState, type Fault, type Simulation, type TraceRecord } from "@failover-lab/sim-core";

/**
 * summary.json's `measures` (CONTRACTS §8): for each fault step, when it happened, and — for a
 * kill, shutdown or pause of a master — how long the phases that followed took, in whole ms
 * after the step, each from the first trace event that shows it. A phase that never happened is
 * absent, not 0.
 */
export interface Measure {
  readonly step: number;
  readonly fault: Fault["type"];
  readonly atMs: number;
  readonly pfailMs?: number;
  readonly failMs?: number;
  readonly electionWonMs?: number;
  readonly clusterOkMs?: number;
}

export interface FaultStepAt {
  readonly step: number;
  readonly fault: Fault;
  readonly atUs: number;
  /** The victim's node id and its replicas' ports, read just before the fault. */
  readonly victimId?: string;
  readonly victimReplicas?: readonly string[];
  /** It could not apply (e.g. shutdown of a node already down): it changed nothing. */
  readonly skipped?: boolean;
}

/** Before applying a fault: who is the victim master, and who replicates it. */
export function faultTarget(sim: Simulation, fault: Fault): Pick<FaultStepAt, "victimId" | "victimReplicas"> {
  if (fault.type !== "kill" && fault.type !== "shutdown" && fault.type !== "pause") return {};
  const status = sim.status(fault.node);
  if (status !== "running" && status !== "paused") return {};
  const s = sim.state<ClusterNodeState>(fault.node);
  const me = s.nodes?.[s.myId];
  if (me === undefined || (me.flags & NODE_MASTER) === 0 || me.numSlots === 0) return {};
  const replicas = s.nodeOrder.filter((id) => s.nodes[id]!.replicaOf === s.myId).map((id) => String(s.nodes[id]!.port));
  return { victimId: s.myId, victimReplicas: replicas };
}

export function measuresOf(sim: Simulation, faults: readonly FaultStepAt[]): Measure[] {
  const trace = sim.trace;
  return faults.map((f, i) => {
    const atMs = Math.floor(f.atUs / 1000);
    const base: Measure = { step: f.step, fault: f.fault.type, atMs };
    if (f.victimId === undefined) return base;
    // Up to the next fault that changed something; what happens exactly at its instant (a win
    // that ended a wait) still counts.
    const untilUs = faults.slice(i + 1).find((next) => next.skipped !== true)?.atUs ?? Number.POSITIVE_INFINITY;
    const after = (pred: (r: TraceRecord) => boolean): number | undefined => {
      const hit = trace.find((r) => r.atUs >= f.atUs && r.atUs <= untilUs && pred(r));
      return hit === undefined ? undefined : Math.floor((hit.atUs - f.atUs) / 1000);
    };
    const pfailMs = after((r) => r.type === "nodePossiblyFailing" && r.peer === f.victimId);
    const failMs = after((r) => (r.type === "nodeMarkedFailing" && r.peer === f.victimId) || (r.type === "failMessageReceived" && r.about === f.victimId));
    const wonAt = trace.find((r) => r.atUs >= f.atUs && r.atUs <= untilUs && r.type === "electionWon" && f.victimReplicas!.includes(r.node));
    const electionWonMs = wonAt === undefined ? undefined : Math.floor((wonAt.atUs - f.atUs) / 1000);
    const clusterOkMs = wonAt === undefined ? undefined : firstAllOk(sim, wonAt.atUs, untilUs, f.atUs);
    return {
      ...base,
      ...(pfailMs === undefined ? {} : { pfailMs }),
      ...(failMs === undefined ? {} : { failMs }),
      ...(electionWonMs === undefined ? {} : { electionWonMs }),
      ...(clusterOkMs === undefined ? {} : { clusterOkMs }),
    };
  });
}

/**
 * The first instant at or after `fromUs` when every live node believes `cluster_state:ok`,
 * replayed from the clusterStateChanged events (a node that went down no longer counts).
 */
function firstAllOk(sim: Simulation, fromUs: number, untilUs: number, faultUs: number): number | undefined {
  const state = new Map<string, "ok" | "fail" | "down">();
  for (const pid of sim.processIds()) if (/^\d+$/.test(pid)) state.set(pid, "ok");
  for (const r of sim.trace) {
    if (r.atUs > untilUs) break;
    if (!state.has(r.node)) continue;
    if (r.type === "clusterStateChanged") state.set(r.node, r.state);
    else if (r.type === "processCrashed" || r.type === "processExited") state.set(r.node, "down");
    else if (r.type === "processStarted" && r.restarted) state.set(r.node, "fail");
    if (r.atUs >= fromUs && [...state.values()].every((v) => v !== "fail")) return Math.floor((r.atUs - faultUs) / 1000);
  }
  return undefined;
}
