import { ackedByKey, finalValueInCluster, lostWrites, type ClusterWriterState } from "../client/cluster-writer";
import type { ClusterNodeState } from "../cluster/state";
import { clusterNodesOf } from "./views";
import { msOf, type Finding, type RunView } from "./findings";

/**
 * Durability: which acknowledged writes are gone from the final owner of their slot. Redis
 * Cluster acknowledges a write before its replicas have it (asynchronous replication), so a
 * failover or a restart can lose writes by design: those findings are `redisBehaviour`. A loss
 * with no failover, kill, shutdown or restart in the run has no such excuse: a `violation`.
 */

const isWriterState = (s: unknown): s is ClusterWriterState =>
  s !== null && typeof s === "object" && "acked" in s && "counts" in s && "slotMap" in s;

/** Faults and events after which Redis may lose acknowledged writes. */
const LOSSY = new Set(["electionWon", "processCrashed", "processExited", "processStarted"]);

export function checkDurability(run: RunView): Finding[] {
  const servers = clusterNodesOf(run)
    .filter(({ pid }) => run.status(pid) === "running" || run.status(pid) === "paused")
    .map(({ state }) => state as ClusterNodeState);
  const findings: Finding[] = [];
  for (const pid of run.processIds()) {
    if (run.status(pid) === "new") continue;
    const writer = run.state(pid);
    if (!isWriterState(writer)) continue;
    const acked = ackedByKey(writer);
    const lost = lostWrites(acked, finalValueInCluster(servers));
    if (lost.length === 0) continue;
    const window = lossWindow(writer, lost, run.nowUs);
    const excuse = run.trace.find((r) => LOSSY.has(r.type) && !(r.type === "processStarted" && !r.restarted));
    findings.push({
      property: "durability",
      kind: excuse === undefined ? "violation" : "redisBehaviour",
      message:
        `${pid}: ${lost.length} of ${Object.keys(acked).length} acknowledged writes lost (${lost[0]} … ${lost.at(-1)}), ` +
        `issued between ${window.fromMs} and ${window.toMs} ms` +
        (excuse === undefined ? "; no failover, crash or restart explains it" : `; first failover/crash/restart: ${excuse.type} on ${excuse.node} at ${msOf(excuse.atUs)} ms`),
      atMs: window.fromMs,
    });
  }
  return findings;
}

/**
 * When the lost writes were issued. The writer issues key number n at tick n of an even rate
 * (clusterWriterModel), so tick n is at startUs + n × period; the period is read back from how
 * many ticks fit in the run.
 */
function lossWindow(s: Readonly<ClusterWriterState>, lost: readonly string[], nowUs: number): { fromMs: number; toMs: number } {
  const periodUs = s.tick > 0 ? (nowUs - s.startUs) / s.tick : 0;
  let first = Infinity;
  let last = -Infinity;
  for (const key of lost) {
    const n = Number(/(\d+)$/.exec(key)?.[1] ?? NaN);
    if (!Number.isFinite(n)) continue;
    first = Math.min(first, n);
    last = Math.max(last, n);
  }
  if (!Number.isFinite(first)) return { fromMs: msOf(s.startUs), toMs: msOf(nowUs) };
  return { fromMs: msOf(s.startUs + first * periodUs), toMs: msOf(s.startUs + last * periodUs) };
}
