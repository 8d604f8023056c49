import type { TraceEvent } from "@failover-lab/sim-core/trace";

/**
 * What one trial shows, real or simulated, in one shape: the semantic events of every process
 * (sim-core's union) with their time in ms after the measured fault, and the final state. The
 * phases, the event sequences and the final-state comparison read only this, so both sides go
 * through the same code.
 */
export interface ObservedEvent {
  /** ms after the measured fault (negative before it). Real: log wall clock − the driver's clock at the fault. */
  readonly atMs: number;
  /** The process, by port (CONTRACTS §2). */
  readonly node: string;
  readonly event: TraceEvent;
}

/** One CLUSTER NODES entry as a live node saw it at the end. */
export interface ClusterNodeFinal {
  readonly port: string;
  readonly role: "master" | "replica";
  /** A replica's master, by port. */
  readonly masterPort: string | null;
  readonly configEpoch: number;
  /** Slot ranges as CLUSTER NODES prints them, e.g. "0-5460". */
  readonly slots: string;
  readonly failed: boolean;
}

export interface ClusterFinalState {
  readonly kind: "cluster";
  /** Whose CLUSTER NODES this is (a live node, the lowest port). */
  readonly seenFrom: string;
  readonly nodes: readonly ClusterNodeFinal[];
  /** cluster_state of every live node. */
  readonly clusterState: Readonly<Record<string, string>>;
  readonly currentEpoch: number;
}

export interface SentinelFinalState {
  readonly kind: "sentinel";
  /** Each server's role and, for a replica, its master's port. */
  readonly servers: Readonly<Record<string, { readonly role: "master" | "replica"; readonly masterPort: string | null }>>;
  /** Each Sentinel's answer to get-master-addr-by-name (a port) and its config epoch for the master. */
  readonly sentinels: Readonly<Record<string, { readonly masterPort: string; readonly configEpoch: number }>>;
}

export type FinalState = ClusterFinalState | SentinelFinalState;

export interface TrialObservation {
  readonly side: "real" | "sim";
  /** Trial number (real) or seed (sim). */
  readonly trial: number;
  readonly events: readonly ObservedEvent[];
  /** Cluster node id → port, for events that name nodes by id. */
  readonly idToPort: Readonly<Record<string, string>>;
  /** Before the fault: replica port → master port. */
  readonly pairing: Readonly<Record<string, string>>;
  readonly final: FinalState;
  /** Real runs: where each process's log was written. */
  readonly logPaths?: Readonly<Record<string, string>>;
}

/** CLUSTER NODES text (real or sim-core's formatter) → the entries; ports read off `ip:port@cport`. */
export function parseClusterNodes(text: string): { nodes: ClusterNodeFinal[]; idToPort: Record<string, string>; myself: string | null } {
  const rows = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .map((l) => l.split(" "));
  const idToPort: Record<string, string> = {};
  for (const r of rows) idToPort[r[0]!] = /:(\d+)@/.exec(r[1]!)![1]!;
  let myself: string | null = null;
  const nodes = rows.map((r): ClusterNodeFinal => {
    const flags = r[2]!.split(",");
    if (flags.includes("myself")) myself = idToPort[r[0]!]!;
    const replica = flags.includes("slave");
    return {
      port: idToPort[r[0]!]!,
      role: replica ? "replica" : "master",
      masterPort: replica && r[3] !== "-" ? (idToPort[r[3]!] ?? r[3]!) : null,
      configEpoch: Number(r[6]),
      slots: r.slice(8).join(" "),
      failed: flags.includes("fail"),
    };
  });
  nodes.sort((a, b) => Number(a.port) - Number(b.port));
  return { nodes, idToPort, myself };
}
