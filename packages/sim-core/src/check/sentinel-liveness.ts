import type { ProcessId } from "../process/model";
import type { SentinelState } from "../sentinel/state";
import type { StandaloneState } from "../server/standalone";
import { isUp } from "./views";
import type { RunView } from "./findings";
import type { Convergence } from "./liveness";

/**
 * Liveness of a Sentinel group: once the last fault is over, every running Sentinel names the
 * same master, that master runs as a master, and every other running server replicates from it.
 */

/**
 * How long after the last fault a Sentinel group may take to settle: SDOWN after down-after;
 * a failover that fails is retried only after 2 × failover-timeout
 * (sentinel.c:sentinelStartFailoverIfNeeded) and the retry may take a failover-timeout more
 * to promote and reconfigure the replicas (sentinelFailoverReconfNextSlave); a Sentinel in TILT
 * (a clock jump) acts on nothing for 30 s (SENTINEL_TILT_PERIOD); 10 s for the INFO and hello
 * periods that carry the news.
 */
export function sentinelLivenessBoundMs(downAfterMs: number, failoverTimeoutMs: number): number {
  return downAfterMs + 3 * failoverTimeoutMs + 30_000 + 10_000;
}

const isSentinelState = (s: unknown): s is SentinelState => s !== null && typeof s === "object" && "master" in s && "myId" in s && "tilt" in s;
const isStandaloneState = (s: unknown): s is StandaloneState => s !== null && typeof s === "object" && "runId" in s && "replication" in s && "data" in s;

export interface SentinelGroupAt {
  readonly sentinels: readonly { readonly pid: ProcessId; readonly state: Readonly<SentinelState> }[];
  readonly servers: readonly { readonly pid: ProcessId; readonly state: Readonly<StandaloneState> }[];
}

/** The Sentinels and data servers of a run that ever started (none: no Sentinel group). */
export function sentinelGroupOf(run: RunView): SentinelGroupAt {
  const sentinels: { pid: ProcessId; state: Readonly<SentinelState> }[] = [];
  const servers: { pid: ProcessId; state: Readonly<StandaloneState> }[] = [];
  for (const pid of run.processIds()) {
    if (run.status(pid) === "new") continue;
    const state = run.state(pid);
    if (isSentinelState(state)) sentinels.push({ pid, state });
    else if (isStandaloneState(state)) servers.push({ pid, state });
  }
  return { sentinels, servers };
}

/** The bound for this group, from its Sentinels' own settings (the largest). */
export function sentinelGroupBoundMs(group: SentinelGroupAt): number {
  let bound = 0;
  for (const { state } of group.sentinels) bound = Math.max(bound, sentinelLivenessBoundMs(state.master.downAfterMs, state.master.failoverTimeoutMs));
  return bound;
}

/** Whether the group has settled on one master that runs and has the replicas; who is stuck and why, if not. */
export function sentinelConvergence(run: RunView, group: SentinelGroupAt = sentinelGroupOf(run)): Convergence {
  const problems: string[] = [];
  const sentinels = group.sentinels.filter(({ pid }) => isUp(run, pid));
  const servers = group.servers.filter(({ pid }) => isUp(run, pid));
  if (sentinels.length === 0) return { converged: true, problems, byDesign: false };
  const named = new Map<string, ProcessId[]>();
  for (const { pid, state } of sentinels) {
    const port = String(state.master.port);
    named.set(port, [...(named.get(port) ?? []), pid]);
  }
  if (named.size > 1) problems.push(`the Sentinels disagree: ${[...named].map(([port, who]) => `${who.join(", ")} name ${port}`).join("; ")}`);
  // The newest configuration is what the others should come to (highest config epoch).
  const newest = sentinels.reduce((a, b) => (b.state.master.configEpoch > a.state.master.configEpoch ? b : a));
  const master = String(newest.state.master.port);
  const masterUp = servers.find(({ pid }) => pid === master);
  let byDesign = false;
  if (masterUp === undefined) {
    // A failover needs the quorum to agree the master is down and a majority of all the
    // Sentinels to elect a leader (sentinel.c:sentinelGetLeader); with fewer running, none happens.
    const known = newest.state.master.sentinels.length + 1;
    const majority = Math.floor(known / 2) + 1;
    const needed = Math.max(majority, newest.state.master.quorum);
    const replicasUp = servers.filter(({ pid }) => pid !== master).length;
    if (sentinels.length < needed) {
      byDesign = true;
      problems.push(`master ${master} is down and only ${sentinels.length} of ${known} Sentinels run (a failover needs ${needed}: the quorum ${newest.state.master.quorum} and a majority)`);
    } else if (replicasUp === 0) {
      byDesign = true;
      problems.push(`master ${master} is down and no replica runs to take over`);
    } else {
      problems.push(`master ${master} is down, ${sentinels.length} Sentinels run and ${replicasUp} replicas, yet no failover (failover state ${newest.state.master.failoverState} on ${newest.pid})`);
    }
  } else if (masterUp.state.replication.masterHost !== null) {
    problems.push(`${master}, the Sentinels' master, replicates from ${masterUp.state.replication.masterHost}`);
  }
  for (const { pid, state } of servers) {
    if (pid === master || masterUp === undefined) continue;
    const follows = state.replication.masterHost;
    if (follows !== master) problems.push(follows === null ? `${pid} is a master too (the Sentinels name ${master})` : `${pid} replicates from ${follows}, not from ${master}`);
  }
  return { converged: problems.length === 0, problems, byDesign: byDesign && problems.length === 1 };
}
