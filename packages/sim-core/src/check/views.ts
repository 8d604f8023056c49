import type { ClusterNodeState } from "../cluster/state";
import type { ProcessId } from "../process/model";
import type { RunView } from "./findings";

/** Small readers of a run's final states, shared by the checkers. */

export interface ClusterNodeAt {
  readonly pid: ProcessId;
  readonly state: Readonly<ClusterNodeState>;
}

/** Every process whose state is a cluster node's (it has a node id and a slot table), in id order. */
export function clusterNodesOf(run: RunView): ClusterNodeAt[] {
  const out: ClusterNodeAt[] = [];
  for (const pid of run.processIds()) {
    if (run.status(pid) === "new") continue;
    const state = run.state<ClusterNodeState>(pid);
    if (state !== null && typeof state === "object" && "slotOwner" in state && "myId" in state) out.push({ pid, state });
  }
  return out;
}

/** Running: not paused, crashed or exited. A paused node answers nobody. */
export function isUp(run: RunView, pid: ProcessId): boolean {
  return run.status(pid) === "running";
}
