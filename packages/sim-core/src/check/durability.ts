import { finalValueInCluster, type ClusterWriterState } from "../client/cluster-writer";
import type { ClusterNodeState } from "../cluster/state";
import type { SentinelClientState } from "../client/sentinel-client";
import type { SentinelState } from "../sentinel/state";
import type { StandaloneState } from "../server/standalone";
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

/** Faults and events after which Redis may lose acknowledged writes (a failover, a crash, a restart). */
const LOSSY = new Set(["electionWon", "promotedSlave", "switchMaster", "processCrashed", "processExited", "processStarted"]);

const isSentinelClientState = (s: unknown): s is SentinelClientState =>
  s !== null && typeof s === "object" && "acked" in s && Array.isArray((s as { acked: unknown }).acked) && "sentinelIndex" in s;

const isSentinelState = (s: unknown): s is SentinelState => s !== null && typeof s === "object" && "master" in s && "myId" in s && "tilt" in s;

const isStandaloneState = (s: unknown): s is StandaloneState => s !== null && typeof s === "object" && "runId" in s && "replication" in s && "data" in s;

/** Failovers, announced by the replica that won or by the Sentinel that promoted one. */
const FAILOVERS = new Set(["electionWon", "promotedSlave", "switchMaster"]);

/**
 * The first event that lets Redis lose acknowledged writes, if any: a failover, or a crash,
 * exit or restart of a data server (a Sentinel's or a client's does not lose data).
 */
function lossExcuse(run: RunView) {
  const dataServer = (pid: string): boolean => {
    const s = run.state(pid);
    return s !== null && typeof s === "object" && "data" in s && "replication" in s;
  };
  return run.trace.find((r) => LOSSY.has(r.type) && (FAILOVERS.has(r.type) || dataServer(r.node)) && !(r.type === "processStarted" && !r.restarted));
}

export function checkDurability(run: RunView): Finding[] {
  return [...clusterWriterLosses(run), ...sentinelClientLosses(run)];
}

function clusterWriterLosses(run: RunView): Finding[] {
  const servers = clusterNodesOf(run)
    .filter(({ pid }) => run.status(pid) === "running" || run.status(pid) === "paused")
    .map(({ state }) => state as ClusterNodeState);
  const findings: Finding[] = [];
  for (const pid of run.processIds()) {
    if (run.status(pid) === "new") continue;
    const writer = run.state(pid);
    if (!isWriterState(writer)) continue;
    const { ackedCount, lost } = lostAcks(writer, finalValueInCluster(servers));
    if (lost.length === 0) continue;
    const window = lossWindow(writer, lost, run.nowUs);
    const excuse = lossExcuse(run);
    findings.push({
      property: "durability",
      kind: excuse === undefined ? "violation" : "redisBehaviour",
      message:
        `${pid}: ${lost.length} of ${ackedCount} acknowledged writes lost (${lost[0]} … ${lost.at(-1)}), ` +
        `issued between ${window.fromMs} and ${window.toMs} ms` +
        (excuse === undefined ? "; no failover, crash or restart explains it" : `; first failover/crash/restart: ${excuse.type} on ${excuse.node} at ${msOf(excuse.atUs)} ms`),
      atMs: window.fromMs,
    });
  }
  return findings;
}

/**
 * The writer's acknowledged keys whose value the final owner does not hold, in the order they
 * were acknowledged: what `lostWrites(ackedByKey(s), …)` gives, read from the ack buckets
 * directly (a sweep checks every run; the flattened copy cost more than the check).
 */
function lostAcks(s: Readonly<ClusterWriterState>, finalValueOf: (key: string) => string | undefined): { ackedCount: number; lost: string[] } {
  let ackedCount = 0;
  const lost: string[] = [];
  for (const bucket of s.acked) {
    for (const key in bucket) {
      const value = bucket[key]!;
      // "" marks an ack overwritten by a write still in flight (the writer's SUPERSEDED).
      if (value === "") continue;
      ackedCount++;
      if (finalValueOf(key) !== value) lost.push(key);
    }
  }
  return { ackedCount, lost };
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

/**
 * The data a Sentinel group ends with: the master named by the running Sentinel with the
 * newest configuration (highest config epoch), if that server runs; else the one running server
 * that is a master. None: nothing was kept.
 */
function finalSentinelGroupData(run: RunView): Readonly<Record<string, string>> | null {
  let named: number | null = null;
  let bestEpoch = -1;
  const masters: StandaloneState[] = [];
  for (const pid of run.processIds()) {
    if (run.status(pid) !== "running") continue;
    const s = run.state(pid);
    if (isSentinelState(s) && s.master.configEpoch > bestEpoch) {
      bestEpoch = s.master.configEpoch;
      named = s.master.port;
    } else if (isStandaloneState(s) && s.replication.masterHost === null) masters.push(s);
  }
  if (named !== null && run.status(String(named)) === "running") {
    const s = run.state(String(named));
    if (isStandaloneState(s)) return s.data;
  }
  return masters.length === 1 ? masters[0]!.data : null;
}

/** Writes the Sentinel-aware client saw OK for, missing from the group's final master. */
function sentinelClientLosses(run: RunView): Finding[] {
  const findings: Finding[] = [];
  let data: Readonly<Record<string, string>> | null | undefined;
  for (const pid of run.processIds()) {
    if (run.status(pid) === "new") continue;
    const client = run.state(pid);
    if (!isSentinelClientState(client) || client.acked.length === 0) continue;
    if (data === undefined) data = finalSentinelGroupData(run);
    const final = data ?? {};
    const lost = client.acked.filter((w) => final[w.key] !== w.value);
    if (lost.length === 0) continue;
    const excuse = lossExcuse(run);
    const ports = [...new Set(lost.map((w) => w.port))].join(", ");
    findings.push({
      property: "durability",
      kind: excuse === undefined ? "violation" : "redisBehaviour",
      message:
        `${pid}: ${lost.length} of ${client.acked.length} acknowledged writes lost (${lost[0]!.key} … ${lost.at(-1)!.key}), ` +
        `acknowledged by ${ports} between ${lost[0]!.atMs} and ${lost.at(-1)!.atMs} ms` +
        (data === null ? "; no master is left" : "") +
        (excuse === undefined ? "; no failover, crash or restart explains it" : `; first failover/crash/restart: ${excuse.type} on ${excuse.node} at ${msOf(excuse.atUs)} ms`),
      atMs: lost[0]!.atMs,
    });
  }
  return findings;
}
