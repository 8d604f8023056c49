import type { ProcessId } from "../process/model";
import type { TraceRecord } from "../trace/events";
import { msOf, type RunView } from "./findings";

/**
 * What may excuse an acknowledged write that is gone, and for which servers. Real Redis 7.0
 * loses acknowledged writes by design in exactly these ways, always in the shard (cluster) or
 * group (Sentinel) that acknowledged them:
 *
 * - a failover: the master acknowledges before its replicas have the write (replication.c
 *   replicates asynchronously; WAIT is the only way to ask otherwise), so a promoted replica
 *   (cluster.c:clusterHandleSlaveFailover, sentinel.c:sentinelFailoverSelectSlave) may miss the
 *   newest writes; and a deposed master — cut off with its clients, or restarted from nodes.conf
 *   still claiming its slots — keeps acknowledging until it learns of its successor, then turns
 *   replica and flushes everything for a full resync (replication.c:readSyncBulkPayload). Those
 *   writes may come before or after the promotion, so any failover of the shard excuses.
 * - the master itself crashing or shutting down after the write: without persistence it comes
 *   back empty, and if it is still master its replicas resync from it and drop their copies
 *   (replication.c:replicaofCommand's full sync). A crash before the write cannot lose it, and a
 *   replica's crash loses nothing its master still holds.
 *
 * A partition alone loses nothing: without a failover the cut-off master keeps its data and its
 * replicas catch up when it heals (a partition that does lose writes always shows as a failover).
 * Anything else — a loss in a shard where nothing of the above happened — is a `violation`.
 */

export interface LossExcuse {
  readonly type: string;
  readonly node: ProcessId;
  readonly atUs: number;
  readonly why: "failover" | "masterCrash";
}

export function describeExcuse(excuse: LossExcuse | undefined): string {
  if (excuse === undefined) return "; no failover of this shard and no crash of its master after the writes explains it";
  const what = excuse.why === "failover" ? "a failover of this shard" : "its master crashed or stopped without persistence";
  return `; explained by ${excuse.type} on ${excuse.node} at ${msOf(excuse.atUs)} ms (${what})`;
}

/** The facts the excuses need, read from the trace in one pass. */
export interface LossHistory {
  /** Which shard a server belongs to: servers joined by a replication link (either end) share one. */
  shardOf(pid: ProcessId): ProcessId;
  /** Cluster failovers (electionWon), by the replica that won. */
  readonly clusterFailovers: readonly TraceRecord[];
  /** Sentinel failovers (a replica promoted or the master switched), by the Sentinel. */
  readonly sentinelFailovers: readonly TraceRecord[];
  /** Crashes and exits of servers that were masters at that moment. */
  readonly masterCrashes: readonly TraceRecord[];
}

const isDataServer = (run: RunView, pid: ProcessId): boolean => {
  const s = run.state(pid);
  return s !== null && typeof s === "object" && "data" in s && "replication" in s;
};

export function lossHistoryOf(run: RunView): LossHistory {
  const parent = new Map<ProcessId, ProcessId>();
  const find = (pid: ProcessId): ProcessId => {
    let root = pid;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    return root;
  };
  const join = (a: ProcessId, b: ProcessId): void => {
    const ra = find(a);
    const rb = find(b);
    // The smaller id is the root, so a shard's name does not depend on the order of links.
    if (ra !== rb) (ra < rb ? parent.set(rb, ra) : parent.set(ra, rb));
  };
  // A server is a master until it connects to one, and again once it wins an election.
  const replica = new Set<ProcessId>();
  const clusterFailovers: TraceRecord[] = [];
  const sentinelFailovers: TraceRecord[] = [];
  const masterCrashes: TraceRecord[] = [];
  for (const r of run.trace) {
    switch (r.type) {
      case "connectingToMaster":
        replica.add(r.node);
        join(r.node, r.master);
        break;
      case "electionWon":
        replica.delete(r.node);
        clusterFailovers.push(r);
        break;
      case "promotedSlave":
      case "switchMaster":
        sentinelFailovers.push(r);
        break;
      case "processCrashed":
      case "processExited":
        if (!replica.has(r.node) && isDataServer(run, r.node)) masterCrashes.push(r);
        break;
      default:
        break;
    }
  }
  return { shardOf: find, clusterFailovers, sentinelFailovers, masterCrashes };
}

/**
 * Why writes lost from the shard of `shard` (servers that owned their slot at the end, any of
 * them) may be Redis's doing, if anything: a failover of that shard at any time, or a crash of
 * one of its masters once the first lost write had been issued (`fromUs`).
 */
export function clusterLossExcuse(history: LossHistory, owners: readonly ProcessId[], fromUs: number): LossExcuse | undefined {
  const shards = new Set(owners.map((pid) => history.shardOf(pid)));
  const inShard = (r: TraceRecord): boolean => shards.has(history.shardOf(r.node));
  const failover = history.clusterFailovers.find(inShard);
  if (failover !== undefined) return { type: failover.type, node: failover.node, atUs: failover.atUs, why: "failover" };
  const crash = history.masterCrashes.find((r) => r.atUs >= fromUs && inShard(r));
  if (crash !== undefined) return { type: crash.type, node: crash.node, atUs: crash.atUs, why: "masterCrash" };
  return undefined;
}

/**
 * The same for a Sentinel group (one master and its replicas): any failover the Sentinels made,
 * or a crash of a server that acknowledged lost writes (`ackers`) after the first of them.
 */
export function sentinelLossExcuse(history: LossHistory, ackers: readonly ProcessId[], fromUs: number): LossExcuse | undefined {
  const failover = history.sentinelFailovers[0];
  if (failover !== undefined) return { type: failover.type, node: failover.node, atUs: failover.atUs, why: "failover" };
  const crash = history.masterCrashes.find((r) => r.atUs >= fromUs && ackers.includes(r.node));
  if (crash !== undefined) return { type: crash.type, node: crash.node, atUs: crash.atUs, why: "masterCrash" };
  return undefined;
}
