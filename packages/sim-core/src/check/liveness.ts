import { NODE_FAIL } from "../cluster/flags";
import { flatSlotOwners, sameSlotOwners, slotOwnerRuns } from "../cluster/slot-table";
import { WALL_CLOCK_EPOCH_MS } from "../kernel/time";
import { dataAgeInputs } from "../replication/info";
import { CLUSTER_SLOTS } from "../redis-constants";
import type { ClusterNodeState } from "../cluster/state";
import { clusterNodesOf, isUp, type ClusterNodeAt } from "./views";
import { msOf, type Finding, type RunView } from "./findings";
import { sentinelConvergence, sentinelGroupBoundMs, sentinelGroupOf } from "./sentinel-liveness";

/**
 * Liveness: once the last fault is over (the fuzz harness ends every schedule by lifting all
 * faults), a cluster must be back to `cluster_state:ok` on every running node, with one owner
 * per slot that every running node agrees on, within a bound that follows from the timeouts.
 * When it is not, the finding says who is stuck and why.
 */

/**
 * How long after the last fault convergence may take: a restarted or healed node is pinged
 * within NT/2 and its FAIL flag is undone after 2 × NT (cluster.c:clearNodeFailureIfNeeded,
 * CLUSTER_FAIL_UNDO_TIME_MULT); a replica that must still fail over waits up to an auth retry
 * of 4 × NT (clusterHandleSlaveFailover) plus its delay; a node back from the minority waits up
 * to CLUSTER_MAX_REJOIN_DELAY (5 s) before it says ok again (clusterUpdateState).
 */
export function livenessBoundMs(nodeTimeoutMs: number): number {
  return 6 * nodeTimeoutMs + 10_000;
}

/** The instant of the last fault applied (partition, heal, kill, restart, …), in µs; 0 if none. */
export function lastFaultUs(run: RunView): number {
  for (let i = run.trace.length - 1; i >= 0; i--) {
    const r = run.trace[i]!;
    if (r.type === "faultApplied") return r.atUs;
  }
  return 0;
}

export interface Convergence {
  readonly converged: boolean;
  readonly problems: readonly string[];
  readonly byDesign: boolean;
}

/** The last answer per run, valid while the run has not moved on (a sweep asks twice per run). */
const lastConvergence = new WeakMap<RunView, { readonly nowUs: number; readonly events: number; readonly answer: Convergence }>();

/** Whether every running node says ok and all agree on one live master per slot; why not, if not. */
export function clusterConvergence(run: RunView): Convergence {
  const cached = lastConvergence.get(run);
  if (cached !== undefined && cached.nowUs === run.nowUs && cached.events === run.trace.length) return cached.answer;
  const answer = computeConvergence(run);
  lastConvergence.set(run, { nowUs: run.nowUs, events: run.trace.length, answer });
  return answer;
}

function computeConvergence(run: RunView): Convergence {
  const up = clusterNodesOf(run).filter(({ pid }) => isUp(run, pid));
  const problems: string[] = [];
  let byDesign = false;
  if (up.length === 0) return { converged: true, problems, byDesign };
  const byId = new Map(up.map((n) => [n.state.myId, n]));
  for (const n of up) if (n.state.state !== "ok") problems.push(`${n.pid} says cluster_state:fail`);

  const reference = up[0]!;
  const stuckOwners = new Set<string>();
  let disagreements = 0;
  // Is the slot's owner a running master that serves it? If not, why (once per owner).
  const checkOwner = (slot: number, owner: string | null, servesIt: (serving: ClusterNodeAt) => boolean): void => {
    if (owner === null) {
      if (!stuckOwners.has("none")) problems.push(`slot ${slot} (and maybe more) has no owner in ${reference.pid}'s table`);
      stuckOwners.add("none");
      return;
    }
    if (stuckOwners.has(owner)) return;
    const serving = byId.get(owner);
    if (serving !== undefined && servesIt(serving) && serving.state.replication.masterHost === null) return;
    stuckOwners.add(owner);
    const why = whyOwnerIsGone(run, up, owner);
    byDesign ||= why.byDesign;
    problems.push(`slot ${slot} belongs to ${portOf(reference, owner)}, which ${serving === undefined ? "is not running" : "does not serve it"}; ${why.text}`);
  };
  // Once per run of a sweep, over 16384 slots × every node: when every table equals the first
  // (a settled cluster), its runs of one owner are checked; slot by slot only when one differs.
  if (up.every((n) => sameSlotOwners(n.state.slotOwner, reference.state.slotOwner))) {
    for (const r of slotOwnerRuns(reference.state.slotOwner)) checkOwner(r.first, r.owner, () => true);
  } else {
    const tables = up.map((n) => flatSlotOwners(n.state.slotOwner));
    const tableOf = new Map(up.map((n, i) => [n, tables[i]!]));
    for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
      const owner = tables[0]![slot]!;
      for (let i = 0; i < up.length; i++) {
        const other = tables[i]![slot]!;
        if (other === owner) continue;
        if (disagreements++ < 3) problems.push(`${reference.pid} gives slot ${slot} to ${portOf(reference, owner)}, ${up[i]!.pid} to ${portOf(up[i]!, other)}`);
      }
      checkOwner(slot, owner, (serving) => tableOf.get(serving)![slot] === owner);
    }
  }
  if (disagreements > 3) problems.push(`… ${disagreements} slot disagreements in all`);
  return { converged: problems.length === 0, problems, byDesign };
}

/** Why no replica has taken over a dead owner's slots: each replica's own account. */
function whyOwnerIsGone(run: RunView, up: readonly ClusterNodeAt[], ownerId: string): { text: string; byDesign: boolean } {
  const replicas = up.filter((n) => n.state.nodes[n.state.myId]?.replicaOf === ownerId);
  if (replicas.length === 0) return { text: `no running replica of it can take over`, byDesign: true };
  const reasons: string[] = [];
  let byDesign = false;
  for (const r of replicas) {
    const s = r.state;
    const master = s.nodes[ownerId];
    if (master !== undefined && (master.flags & NODE_FAIL) === 0) {
      reasons.push(`${r.pid} does not see its master as FAIL`);
      continue;
    }
    if (s.config["cluster-replica-no-failover"]) {
      reasons.push(`${r.pid} has cluster-replica-no-failover yes`);
      byDesign = true;
      continue;
    }
    const age = dataAgeMs(run, s);
    if (age.dataAgeMs > age.maxMs && s.config["cluster-replica-validity-factor"] !== 0) {
      reasons.push(`${r.pid} cannot fail over: data age ${age.dataAgeMs} ms > max ${age.maxMs} ms`);
      byDesign = true;
      continue;
    }
    reasons.push(`${r.pid} cannot fail over: ${s.cantFailoverReason === "none" ? "no reason logged" : s.cantFailoverReason}`);
  }
  return { text: reasons.join("; "), byDesign };
}

/** clusterHandleSlaveFailover's data age and its limit, as the replica would compute them now. */
function dataAgeMs(run: RunView, s: Readonly<ClusterNodeState>): { dataAgeMs: number; maxMs: number } {
  const nt = s.config["cluster-node-timeout"];
  const { linkUp, lastInteractionS, downSinceS } = dataAgeInputs(s);
  const nowS = Math.floor((WALL_CLOCK_EPOCH_MS + msOf(run.nowUs)) / 1000);
  let age = (nowS - (linkUp ? lastInteractionS : downSinceS)) * 1000;
  if (age > nt) age -= nt;
  return { dataAgeMs: age, maxMs: s.config["repl-ping-replica-period"] * 1000 + nt * s.config["cluster-replica-validity-factor"] };
}

function portOf(viewer: ClusterNodeAt, id: string | null): string {
  if (id === null) return "nobody";
  const node = viewer.state.nodes[id];
  return node === undefined ? `${id.slice(0, 8)}…` : String(node.port);
}

/** The largest node timeout among the cluster's nodes (0 when there is no cluster). */
export function maxNodeTimeoutMs(run: RunView): number {
  let max = 0;
  for (const { state } of clusterNodesOf(run)) max = Math.max(max, state.config["cluster-node-timeout"]);
  return max;
}

/**
 * The liveness property. Judged only when the run went on for at least the bound after its
 * last fault; a stuck cluster is a `violation` unless the diagnosis names a rule by which real
 * Redis stays stuck too (a replica whose data is too old, no replica left).
 */
export function checkLiveness(run: RunView, options: { readonly boundMs?: number } = {}): Finding[] {
  const nt = maxNodeTimeoutMs(run);
  if (nt === 0) return checkSentinelLiveness(run, options);
  const boundMs = options.boundMs ?? livenessBoundMs(nt);
  const sinceMs = msOf(run.nowUs - lastFaultUs(run));
  if (sinceMs < boundMs) return [];
  const { converged, problems, byDesign } = clusterConvergence(run);
  if (converged) return [];
  return [
    {
      property: "liveness",
      kind: byDesign ? "redisBehaviour" : "violation",
      message: `not converged ${sinceMs} ms after the last fault (bound ${boundMs} ms): ${problems.join("; ")}`,
      atMs: msOf(run.nowUs),
    },
  ];
}

/** The same for a Sentinel group (sentinel-liveness.ts): one agreed master, up, with the replicas. */
function checkSentinelLiveness(run: RunView, options: { readonly boundMs?: number }): Finding[] {
  const group = sentinelGroupOf(run);
  if (group.sentinels.length === 0) return [];
  const boundMs = options.boundMs ?? sentinelGroupBoundMs(group);
  const sinceMs = msOf(run.nowUs - lastFaultUs(run));
  if (sinceMs < boundMs) return [];
  const { converged, problems, byDesign } = sentinelConvergence(run, group);
  if (converged) return [];
  return [
    {
      property: "liveness",
      kind: byDesign ? "redisBehaviour" : "violation",
      message: `Sentinel group not settled ${sinceMs} ms after the last fault (bound ${boundMs} ms): ${problems.join("; ")}`,
      atMs: msOf(run.nowUs),
    },
  ];
}

/** Events that change a cluster's configuration or health, for the time convergence took. */
const SETTLING_EVENTS: ReadonlySet<string> = new Set([
  "clusterStateChanged",
  "electionWon",
  "reconfiguredAsReplica",
  "configEpochBumped",
  "configEpochCollision",
  "failStateCleared",
  "nodeMarkedFailing",
]);

/**
 * How long the cluster took to settle after the last fault: the time from it to the last event
 * that changed a node's configuration or health (0 if nothing changed after it). Meaningful
 * when the run converged.
 */
export function convergenceMs(run: RunView): number {
  const fromUs = lastFaultUs(run);
  for (let i = run.trace.length - 1; i >= 0; i--) {
    const r = run.trace[i]!;
    if (r.atUs < fromUs) break;
    if (SETTLING_EVENTS.has(r.type)) return msOf(r.atUs - fromUs);
  }
  return 0;
}
