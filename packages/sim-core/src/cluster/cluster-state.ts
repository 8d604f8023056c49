import { CLUSTER_MAX_REJOIN_DELAY_MS, CLUSTER_MIN_REJOIN_DELAY_MS, CLUSTER_SLOTS, CLUSTER_WRITABLE_DELAY_MS } from "../redis-constants";
import type { BusCtx } from "./bus";
import { NODE_FAIL, NODE_MASTER, NODE_PFAIL } from "./flags";
import { myself, type ClusterNodeState } from "./state";

/**
 * clusterUpdateState: is this node's cluster `ok` or `fail`? Every slot must be served by a
 * non-FAIL master (with cluster-require-full-coverage), and a majority of the slot-serving
 * masters must be reachable from here. A master that just started, or just left the minority,
 * waits before saying ok again.
 */
export function updateClusterState(s: ClusterNodeState, nodeTimeoutMs: number, nowMs: number, ctx: BusCtx): void {
  const me = myself(s);
  const iAmMaster = (me.flags & NODE_MASTER) !== 0;
  if (s.firstCallTimeMs === 0) s.firstCallTimeMs = nowMs;
  // CLUSTER_WRITABLE_DELAY: give a restarted master time to learn the configuration first.
  if (iAmMaster && s.state === "fail" && nowMs - s.firstCallTimeMs < CLUSTER_WRITABLE_DELAY_MS) return;

  let newState: "ok" | "fail" = "ok";
  if (s.config["cluster-require-full-coverage"]) {
    // Every slot served by a non-FAIL master. Each node's numSlots counts its entries in the slot
    // table, so the counts add up to 16384 exactly when every slot has an owner: no need to walk
    // the table at each state update (a reshard makes thousands of them).
    let covered = 0;
    for (const id of s.nodeOrder) {
      const node = s.nodes[id]!;
      if (node.numSlots === 0) continue;
      covered += node.numSlots;
      if ((node.flags & NODE_FAIL) !== 0) newState = "fail";
    }
    if (covered < CLUSTER_SLOTS) newState = "fail";
  }

  // The size and the reachable majority, over masters that serve slots.
  let size = 0;
  let reachable = 0;
  for (const id of s.nodeOrder) {
    const node = s.nodes[id]!;
    if ((node.flags & NODE_MASTER) === 0 || node.numSlots === 0) continue;
    size++;
    if ((node.flags & (NODE_FAIL | NODE_PFAIL)) === 0) reachable++;
  }
  s.size = size;
  const quorum = Math.floor(size / 2) + 1;
  if (reachable < quorum) {
    newState = "fail";
    s.amongMinorityTimeMs = nowMs;
  }

  if (newState === s.state) return;
  const rejoinDelayMs = Math.min(Math.max(nodeTimeoutMs, CLUSTER_MIN_REJOIN_DELAY_MS), CLUSTER_MAX_REJOIN_DELAY_MS);
  // A master that was in the minority waits before serving again, so a partition that heals
  // for a moment does not let it take writes meant for the other side.
  if (newState === "ok" && iAmMaster && nowMs - s.amongMinorityTimeMs < rejoinDelayMs) return;
  s.state = newState;
  ctx.emit({ type: "clusterStateChanged", state: newState });
}
