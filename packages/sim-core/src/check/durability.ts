import type { ClusterWriterState } from "../client/cluster-writer";
import { finalValueInCluster, forEachAck, type FinalValueOf } from "../client/acked-writes";
import type { ClusterNodeState } from "../cluster/state";
import type { SentinelClientState } from "../client/sentinel-client";
import type { SentinelState } from "../sentinel/state";
import type { StandaloneState } from "../server/standalone";
import { keyHashSlot } from "../cluster/key-slot";
import { slotOwnerOf } from "../cluster/slot-table";
import type { ProcessId } from "../process/model";
import { clusterLossExcuse, describeExcuse, lossHistoryOf, sentinelLossExcuse, type LossHistory } from "./loss-excuse";
import { clusterNodesOf, type ClusterNodeAt } from "./views";
import { msOf, type Finding, type RunView } from "./findings";

/**
 * Durability: which acknowledged writes are gone from the final owner of their slot. Redis
 * acknowledges a write before its replicas have it (asynchronous replication), so a failover of
 * the shard that held it, or its master crashing without persistence, can lose it by design:
 * those findings are `redisBehaviour` (loss-excuse.ts says exactly when). A loss in a shard
 * where neither happened is a `violation`.
 */

const isWriterState = (s: unknown): s is ClusterWriterState =>
  s !== null && typeof s === "object" && "acked" in s && "counts" in s && "slotMap" in s;

const isSentinelClientState = (s: unknown): s is SentinelClientState =>
  s !== null && typeof s === "object" && "acked" in s && Array.isArray((s as { acked: unknown }).acked) && "sentinelIndex" in s;

const isSentinelState = (s: unknown): s is SentinelState => s !== null && typeof s === "object" && "master" in s && "myId" in s && "tilt" in s;

const isStandaloneState = (s: unknown): s is StandaloneState => s !== null && typeof s === "object" && "runId" in s && "replication" in s && "data" in s;

export function checkDurability(run: RunView): Finding[] {
  let history: LossHistory | undefined;
  const historyOf = (): LossHistory => (history ??= lossHistoryOf(run));
  return [...clusterWriterLosses(run, historyOf), ...sentinelClientLosses(run, historyOf)];
}

/**
 * Lost writes at the end of a run, per client, kept for as long as the run has not moved on:
 * the runner's `writes.lost` and this checker ask the same question of the same run (a fuzz
 * run asks both), and the answer costs a pass over every acknowledged key.
 */
interface LostAtEnd {
  readonly nowUs: number;
  readonly traceLength: number;
  readonly byClient: Map<ProcessId, unknown>;
}
const lostAtEnd = new WeakMap<RunView, LostAtEnd>();

function remembered<T>(run: RunView, pid: ProcessId, compute: () => T): T {
  let entry = lostAtEnd.get(run);
  if (entry === undefined || entry.nowUs !== run.nowUs || entry.traceLength !== run.trace.length) {
    entry = { nowUs: run.nowUs, traceLength: run.trace.length, byClient: new Map() };
    lostAtEnd.set(run, entry);
  }
  if (!entry.byClient.has(pid)) entry.byClient.set(pid, compute());
  return entry.byClient.get(pid) as T;
}

/** The servers whose data counts at the end: running or paused (a stopped process keeps its memory). */
const holdsData = (run: RunView, pid: ProcessId): boolean => run.status(pid) === "running" || run.status(pid) === "paused";

/** A cluster writer's acknowledged writes and the keys whose final owner lacks them (CONTRACTS §8 `writes.lost`). */
export function clusterWriterLostWrites(run: RunView, pid: ProcessId): { readonly ackedCount: number; readonly lost: readonly string[] } {
  return remembered(run, pid, () => {
    const writer = run.state(pid);
    if (!isWriterState(writer)) throw new TypeError(`${pid} is not a cluster writer`);
    const servers = clusterNodesOf(run).filter(({ pid: p }) => holdsData(run, p)).map(({ state }) => state as ClusterNodeState);
    return lostAcks(writer, finalValueInCluster(servers));
  });
}

/** A Sentinel client's acknowledged writes missing from the group's final master (CONTRACTS §8 `writes.lost`). */
export function sentinelClientLostWritesAtEnd(run: RunView, pid: ProcessId): { readonly lost: readonly SentinelClientState["acked"][number][]; readonly masterLeft: boolean } {
  return remembered(run, pid, () => {
    const client = run.state(pid);
    if (!isSentinelClientState(client)) throw new TypeError(`${pid} is not a Sentinel client`);
    const data = finalSentinelGroupData(run);
    const final = data ?? {};
    return { lost: client.acked.filter((w) => final[w.key] !== w.value), masterLeft: data !== null };
  });
}

function clusterWriterLosses(run: RunView, historyOf: () => LossHistory): Finding[] {
  const nodes = clusterNodesOf(run);
  const findings: Finding[] = [];
  for (const pid of run.processIds()) {
    if (run.status(pid) === "new") continue;
    const writer = run.state(pid);
    if (!isWriterState(writer)) continue;
    const { ackedCount, lost } = clusterWriterLostWrites(run, pid);
    if (lost.length === 0) continue;
    // One finding per shard that lost writes: each shard needs its own excuse.
    for (const [shard, keys] of byShard(lost, nodes)) {
      const window = lossWindow(writer, keys, run.nowUs);
      const excuse = clusterLossExcuse(historyOf(), shard, window.fromUs);
      findings.push({
        property: "durability",
        kind: excuse === undefined ? "violation" : "redisBehaviour",
        message:
          `${pid}: ${keys.length} of ${ackedCount} acknowledged writes lost (${keys[0]} … ${keys.at(-1)}) from slots of ${shard.length === 0 ? "no node" : shard.join(", ")}, ` +
          `issued between ${msOf(window.fromUs)} and ${msOf(window.toUs)} ms` +
          describeExcuse(excuse),
        atMs: msOf(window.fromUs),
      });
    }
  }
  return findings;
}

/**
 * Lost keys grouped by the nodes that claim their slot at the end (each node's own view, a
 * crashed one's included: a dead master still names its shard), in order of first loss.
 */
function byShard(lost: readonly string[], nodes: readonly ClusterNodeAt[]): Map<readonly ProcessId[], string[]> {
  const ownersBySlot = new Map<number, readonly ProcessId[]>();
  const groups = new Map<string, { owners: readonly ProcessId[]; keys: string[] }>();
  for (const key of lost) {
    const slot = keyHashSlot(key);
    let owners = ownersBySlot.get(slot);
    if (owners === undefined) {
      owners = nodes.filter(({ state }) => slotOwnerOf(state.slotOwner, slot) === state.myId).map(({ pid }) => pid);
      ownersBySlot.set(slot, owners);
    }
    const name = owners.join(",");
    let group = groups.get(name);
    if (group === undefined) groups.set(name, (group = { owners, keys: [] }));
    group.keys.push(key);
  }
  return new Map([...groups.values()].map((g) => [g.owners, g.keys]));
}

/**
 * The writer's acknowledged keys whose value the final owner does not hold, in key-number order:
 * what `lostWrites(ackedByKey(s), …)` gives, read from the acks directly (a sweep checks every
 * run; the flattened copy cost more than the check).
 */
function lostAcks(s: Readonly<ClusterWriterState>, finalValueOf: FinalValueOf): { ackedCount: number; lost: string[] } {
  let ackedCount = 0;
  const lost: string[] = [];
  forEachAck(s, (key, slot, value) => {
    ackedCount++;
    if (finalValueOf(key, slot) !== value) lost.push(key);
  });
  return { ackedCount, lost };
}

/**
 * When the lost writes were issued. The writer issues key number n at tick n of an even rate
 * (clusterWriterModel), so tick n is at startUs + n × period; the period is read back from how
 * many ticks fit in the run.
 */
function lossWindow(s: Readonly<ClusterWriterState>, lost: readonly string[], nowUs: number): { fromUs: number; toUs: number } {
  const periodUs = s.tick > 0 ? (nowUs - s.startUs) / s.tick : 0;
  let first = Infinity;
  let last = -Infinity;
  for (const key of lost) {
    const n = Number(/(\d+)$/.exec(key)?.[1] ?? NaN);
    if (!Number.isFinite(n)) continue;
    first = Math.min(first, n);
    last = Math.max(last, n);
  }
  if (!Number.isFinite(first)) return { fromUs: s.startUs, toUs: nowUs };
  // The period is read back to within one period, so the window opens one period early.
  return { fromUs: Math.max(s.startUs, Math.floor(s.startUs + (first - 1) * periodUs)), toUs: Math.floor(s.startUs + last * periodUs) };
}

/**
 * The data a Sentinel group ends with: the master named by the live (running or paused)
 * Sentinel with the newest configuration (highest config epoch), if that server is live; else
 * the one live server that is a master. None: nothing was kept.
 */
function finalSentinelGroupData(run: RunView): Readonly<Record<string, string>> | null {
  let named: number | null = null;
  let bestEpoch = -1;
  const masters: StandaloneState[] = [];
  for (const pid of run.processIds()) {
    if (!holdsData(run, pid)) continue;
    const s = run.state(pid);
    if (isSentinelState(s) && s.master.configEpoch > bestEpoch) {
      bestEpoch = s.master.configEpoch;
      named = s.master.port;
    } else if (isStandaloneState(s) && s.replication.masterHost === null) masters.push(s);
  }
  if (named !== null && holdsData(run, String(named))) {
    const s = run.state(String(named));
    if (isStandaloneState(s)) return s.data;
  }
  return masters.length === 1 ? masters[0]!.data : null;
}

/** Writes the Sentinel-aware client saw OK for, missing from the group's final master. */
function sentinelClientLosses(run: RunView, historyOf: () => LossHistory): Finding[] {
  const findings: Finding[] = [];
  for (const pid of run.processIds()) {
    if (run.status(pid) === "new") continue;
    const client = run.state(pid);
    if (!isSentinelClientState(client) || client.acked.length === 0) continue;
    const { lost, masterLeft } = sentinelClientLostWritesAtEnd(run, pid);
    if (lost.length === 0) continue;
    const ackers = [...new Set(lost.map((w) => String(w.port)))];
    const excuse = sentinelLossExcuse(historyOf(), ackers, lost[0]!.atMs * 1000);
    const ports = ackers.join(", ");
    findings.push({
      property: "durability",
      kind: excuse === undefined ? "violation" : "redisBehaviour",
      message:
        `${pid}: ${lost.length} of ${client.acked.length} acknowledged writes lost (${lost[0]!.key} … ${lost.at(-1)!.key}), ` +
        `acknowledged by ${ports} between ${lost[0]!.atMs} and ${lost.at(-1)!.atMs} ms` +
        (masterLeft ? "" : "; no master is left") +
        describeExcuse(excuse),
      atMs: lost[0]!.atMs,
    });
  }
  return findings;
}
