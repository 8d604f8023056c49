import { NODE_FAIL, NODE_MASTER, NODE_MYSELF, NODE_PFAIL, NODE_REPLICA, SRI_O_DOWN, SRI_S_DOWN, type ClusterNodeState, type SentinelState } from "@failover-lab/sim-core/replies";
import type { TraceRecord } from "@failover-lab/sim-core/trace";
import type { LaneKind } from "../src/html/report-data";
import { countAtOrBefore } from "./search";

/**
 * What a lane draws, as runs of equal values over time: the node's role, its process state, and
 * its own beliefs (cluster state, PFAIL/FAIL about others, epochs) — read off the states the
 * time machine rebuilds, so the bands are what the node itself believed.
 */

export type Role = "master" | "replica" | "sentinel" | "client" | "unknown";
export type ProcessState = "not started" | "running" | "paused" | "dead";

/** One band value from `fromUs` until the next one. */
export interface Run<T> {
  readonly fromUs: number;
  readonly value: T;
}

export interface Beliefs {
  readonly role: Role;
  /** Cluster: its cluster_state. Sentinel: whether it holds the master SDOWN/ODOWN. */
  readonly health: "ok" | "fail" | "sdown" | "odown" | "none";
  readonly currentEpoch: number | null;
  readonly configEpoch: number | null;
  /** Ports of the other nodes it flags PFAIL / FAIL (cluster), or the master it follows (sentinel). */
  readonly pfail: readonly string[];
  readonly fail: readonly string[];
}

export interface LaneBands {
  readonly beliefs: Run<Beliefs>[];
  readonly process: Run<ProcessState>[];
}

export function beliefsOf(kind: LaneKind, state: unknown): Beliefs {
  switch (kind) {
    case "cluster": {
      const s = state as ClusterNodeState;
      const me = s.nodes[s.myId]!;
      const pfail: string[] = [];
      const fail: string[] = [];
      for (const id of s.nodeOrder) {
        const n = s.nodes[id]!;
        if ((n.flags & NODE_MYSELF) !== 0) continue;
        if ((n.flags & NODE_FAIL) !== 0) fail.push(String(n.port));
        else if ((n.flags & NODE_PFAIL) !== 0) pfail.push(String(n.port));
      }
      const master = (me.flags & NODE_REPLICA) !== 0 && me.replicaOf !== null ? s.nodes[me.replicaOf] : undefined;
      return {
        role: (me.flags & NODE_MASTER) !== 0 ? "master" : "replica",
        health: s.state,
        currentEpoch: s.currentEpoch,
        configEpoch: master?.configEpoch ?? me.configEpoch,
        pfail,
        fail,
      };
    }
    case "sentinel": {
      const s = state as SentinelState;
      const flags = s.master.flags;
      return {
        role: "sentinel",
        health: (flags & SRI_O_DOWN) !== 0 ? "odown" : (flags & SRI_S_DOWN) !== 0 ? "sdown" : "none",
        currentEpoch: s.currentEpoch,
        configEpoch: s.master.configEpoch,
        pfail: [],
        fail: [String(s.master.port)],
      };
    }
    case "server": {
      const s = state as { replication?: { masterHost: string | null } };
      return { role: s.replication?.masterHost ? "replica" : "master", health: "none", currentEpoch: null, configEpoch: null, pfail: [], fail: [] };
    }
    case "client":
      return { role: "client", health: "none", currentEpoch: null, configEpoch: null, pfail: [], fail: [] };
  }
}

export function sameBeliefs(a: Beliefs, b: Beliefs): boolean {
  return (
    a.role === b.role &&
    a.health === b.health &&
    a.currentEpoch === b.currentEpoch &&
    a.configEpoch === b.configEpoch &&
    a.pfail.join() === b.pfail.join() &&
    a.fail.join() === b.fail.join()
  );
}

/** Process state per lane from the kernel's lifecycle events. */
export function processRuns(trace: readonly TraceRecord[], lanes: readonly string[]): Map<string, Run<ProcessState>[]> {
  const runs = new Map<string, Run<ProcessState>[]>(lanes.map((id) => [id, [{ fromUs: 0, value: "not started" as ProcessState }]]));
  const set = (node: string, fromUs: number, value: ProcessState): void => {
    const list = runs.get(node);
    if (list === undefined) return;
    const last = list[list.length - 1]!;
    if (last.value === value) return;
    if (last.fromUs === fromUs) list[list.length - 1] = { fromUs, value };
    else list.push({ fromUs, value });
  };
  for (const r of trace) {
    switch (r.type) {
      case "processStarted":
      case "processResumed":
        set(r.node, r.atUs, "running");
        break;
      case "processPaused":
        set(r.node, r.atUs, "paused");
        break;
      case "processCrashed":
      case "processExited":
        set(r.node, r.atUs, "dead");
        break;
      default:
        break;
    }
  }
  return runs;
}

/** The value of `runs` at `atUs`. */
export function runAt<T>(runs: readonly Run<T>[], atUs: number): T | undefined {
  const count = countAtOrBefore(runs, atUs, (run) => run.fromUs);
  return count === 0 ? undefined : runs[count - 1]!.value;
}
