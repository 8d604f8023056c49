import {
  clusterWriterModel,
  ms,
  sentinelClientModel,
  us,
  writerSummary,
  type ClusterWriterState,
  type SentinelClientState,
  type Simulation,
} from "@failover-lab/sim-core";
import { clusterWriterLostWrites, sentinelClientLostWritesAtEnd } from "@failover-lab/sim-core/check";
import type { Scenario, Workload, WritesMeasure } from "./steps";

/**
 * The scenario's client workloads: started as `client-1`, `client-2`, … once the topology has
 * settled, and read back as CONTRACTS §8 `writes`.
 */

/** CONTRACTS §8 `writes`, summed over the clients (outage and gap: the longest of any). */
export type Writes = Readonly<Record<WritesMeasure, number>>;

export interface WorkloadClient {
  readonly id: string;
  readonly workload: Workload;
}

export function workloadsOf(scenario: Scenario): readonly Workload[] {
  const w = scenario.workload;
  if (w === undefined) return [];
  return isList(w) ? w : [w];
}

function isList(w: Workload | readonly Workload[]): w is readonly Workload[] {
  return Array.isArray(w);
}

/** Adds each workload as a process; `stepsStartUs` is the instant of the first step. */
export function addWorkloads(sim: Simulation, scenario: Scenario, stepsStartUs: number): WorkloadClient[] {
  const topology = scenario.topology;
  return workloadsOf(scenario).map((workload, i) => {
    const id = `client-${i + 1}`;
    const startAtUs = us(stepsStartUs + ms(workload.startAtMs ?? 0));
    switch (workload.kind) {
      case "clusterWriter": {
        const seeds = workload.seeds ?? (topology.kind === "cluster" ? topology.ports.slice(0, 1) : []);
        sim.addProcess(
          id,
          clusterWriterModel({
            seeds,
            writesPerSecond: workload.writesPerSecond,
            ...(workload.keyPrefix === undefined ? {} : { keyPrefix: workload.keyPrefix }),
            ...(workload.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: workload.requestTimeoutMs }),
          }),
          { startAtUs },
        );
        break;
      }
      case "sentinelClient": {
        const sentinels = workload.sentinels ?? (topology.kind === "sentinel" ? topology.sentinels : []);
        const startMs = Math.floor(startAtUs / 1000);
        // The client's own times are absolute simulated ms; the scenario's count from the first step.
        sim.addProcess(
          id,
          sentinelClientModel({
            sentinels,
            startAtMs: startMs,
            ...(workload.stopAtMs === undefined ? {} : { stopAtMs: Math.floor(stepsStartUs / 1000) + workload.stopAtMs }),
            ...(workload.writeIntervalMs === undefined ? {} : { writeIntervalMs: workload.writeIntervalMs }),
            ...(workload.retryWaitMs === undefined ? {} : { retryWaitMs: workload.retryWaitMs }),
            ...(workload.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: workload.requestTimeoutMs }),
            ...(workload.keyPrefix === undefined ? {} : { keyPrefix: workload.keyPrefix }),
          }),
          { startAtUs },
        );
        break;
      }
      default:
        return unreachable(workload);
    }
    return { id, workload };
  });
}

/** `writes` now: acked, lost (acked writes absent from the final master of their slot), outage, gap. */
export function writesOf(sim: Simulation, clients: readonly WorkloadClient[]): Writes | undefined {
  if (clients.length === 0) return undefined;
  let acked = 0;
  let lost = 0;
  let outageMs = 0;
  let longestGapMs = 0;
  for (const c of clients) {
    if (!sim.hasProcess(c.id) || sim.status(c.id) === "new") continue;
    const one = clientWrites(sim, c);
    acked += one.acked;
    lost += one.lost;
    outageMs = Math.max(outageMs, one.outageMs);
    longestGapMs = Math.max(longestGapMs, one.longestGapMs);
  }
  return { acked, lost, outageMs, longestGapMs };
}

function clientWrites(sim: Simulation, c: WorkloadClient): Writes {
  switch (c.workload.kind) {
    case "clusterWriter": {
      const s = sim.state<ClusterWriterState>(c.id);
      const figures = writerSummary(s, sim.nowUs);
      // The durability checker's answer, kept for the checker when it asks the same run.
      const lost = clusterWriterLostWrites(sim, c.id).lost.length;
      return { acked: figures.acked, lost, outageMs: figures.outageMs, longestGapMs: figures.longestGapMs };
    }
    case "sentinelClient": {
      const s = sim.state<SentinelClientState>(c.id);
      const nowMs = Math.floor(sim.nowUs / 1000);
      // A client still failing at the end is in an outage that has not ended: count it so far.
      const openGapMs = s.failingSince > 0 && s.phase !== "done" ? nowMs - s.lastOkMs : 0;
      const gap = Math.max(s.longestGapMs, openGapMs);
      return { acked: s.acked.length, lost: sentinelClientLostWritesAtEnd(sim, c.id).lost.length, outageMs: gap, longestGapMs: gap };
    }
    default:
      return unreachable(c.workload);
  }
}

/** Every error a client has seen, by kind (cluster writer: error kinds; Sentinel client: reply word or connection fate). */
export function clientErrorsOf(sim: Simulation, clients: readonly WorkloadClient[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of clients) {
    if (!sim.hasProcess(c.id) || sim.status(c.id) === "new") continue;
    const errors: Readonly<Record<string, number | undefined>> =
      c.workload.kind === "clusterWriter" ? sim.state<ClusterWriterState>(c.id).errors : sim.state<SentinelClientState>(c.id).errors;
    for (const [kind, n] of Object.entries(errors)) if (n !== undefined && n > 0) out[kind] = (out[kind] ?? 0) + n;
  }
  return out;
}

function unreachable(x: never): never {
  throw new Error(`unhandled workload ${JSON.stringify(x)}`);
}
