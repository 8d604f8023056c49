import type { BusCtx } from "./bus";
import { resetManualFailover } from "./config-update";
import { replicaProcessedOffset } from "./replication-view";
import { TODO_HANDLE_FAILOVER, type ClusterNodeState } from "./state";

/**
 * CLUSTER FAILOVER's timed parts (cluster.c: manualFailoverCheckTimeout,
 * clusterHandleManualFailover). The command itself is in commands.ts.
 */

/** manualFailoverCheckTimeout: a manual failover has CLUSTER_MF_TIMEOUT to complete. */
export function checkManualFailoverTimeout(s: ClusterNodeState, nowMs: number, ctx: BusCtx): void {
  if (s.mfEndMs !== 0 && s.mfEndMs < nowMs) {
    ctx.emit({ type: "manualFailoverTimedOut" });
    resetManualFailover(s);
  }
}

/**
 * clusterHandleManualFailover: the replica may start once it has processed its paused master's
 * whole stream — the offset the master announced with the PAUSED flag.
 */
export function handleManualFailover(s: ClusterNodeState, ctx: BusCtx): void {
  if (s.mfEndMs === 0 || s.mfCanStart || s.mfMasterOffset === -1) return;
  if (s.mfMasterOffset === replicaProcessedOffset(s)) {
    s.mfCanStart = true;
    ctx.emit({ type: "manualFailoverCanStart" });
    s.todoBeforeSleep |= TODO_HANDLE_FAILOVER;
  }
}
