import { CLUSTER_FAIL_REPORT_VALIDITY_MULT, CLUSTER_FAIL_UNDO_TIME_MULT } from "../redis-constants";
import { broadcast, buildHeader, type BusCtx } from "./bus";
import { NODE_FAIL, NODE_MASTER, NODE_MYSELF, NODE_PFAIL } from "./flags";
import { TODO_SAVE_CONFIG, TODO_UPDATE_STATE, isMaster, myself, type ClusterNodeState, type NodeId, type NodeView } from "./state";

/**
 * From silence to agreement: PFAIL (a local suspicion), failure reports carried by masters'
 * gossip, FAIL (a majority of slot-serving masters agree), and the rules that undo it
 * (cluster.c: clusterCron, clusterNodeAddFailureReport, markNodeAsFailingIfNeeded,
 * clearNodeFailureIfNeeded).
 */

/**
 * clusterCron step 4f: a node whose ping has been pending — and who sent us nothing at all — for
 * longer than the node timeout is flagged PFAIL. Returns whether it was.
 */
export function checkPossiblyFailing(s: ClusterNodeState, node: NodeView, nodeTimeoutMs: number, nowMs: number, ctx: BusCtx): boolean {
  const pingDelayMs = nowMs - node.pingSentMs;
  const dataDelayMs = nowMs - node.dataReceivedMs;
  const nodeDelayMs = pingDelayMs < dataDelayMs ? pingDelayMs : dataDelayMs;
  if (nodeDelayMs > nodeTimeoutMs && (node.flags & (NODE_PFAIL | NODE_FAIL)) === 0) {
    node.flags |= NODE_PFAIL;
    ctx.emit({ type: "nodePossiblyFailing", peer: node.id });
    return true;
  }
  return false;
}

/** clusterNodeCleanupFailureReports: reports older than 2 × node timeout no longer count. */
export function cleanupFailureReports(node: NodeView, nodeTimeoutMs: number, nowMs: number): void {
  // Most nodes have no reports; gossip asks about each entry, ~100 per message at 1000 nodes.
  if (node.failReports.length === 0) return;
  const maxAgeMs = nodeTimeoutMs * CLUSTER_FAIL_REPORT_VALIDITY_MULT;
  if (node.failReports.some((r) => nowMs - r.timeMs > maxAgeMs)) node.failReports = node.failReports.filter((r) => nowMs - r.timeMs <= maxAgeMs);
}

/** clusterNodeFailureReportsCount. */
export function failureReportCount(node: NodeView, nodeTimeoutMs: number, nowMs: number): number {
  cleanupFailureReports(node, nodeTimeoutMs, nowMs);
  return node.failReports.length;
}

/** clusterNodeAddFailureReport: one report per reporting master; a repeat refreshes its time. */
export function addFailureReport(node: NodeView, reporter: NodeId, nowMs: number, ctx: BusCtx): void {
  const existing = node.failReports.find((r) => r.from === reporter);
  if (existing !== undefined) {
    existing.timeMs = nowMs;
    return;
  }
  node.failReports.push({ from: reporter, timeMs: nowMs });
  ctx.emit({ type: "failureReported", reporter, peer: node.id });
}

/** clusterNodeDelFailureReport. */
export function removeFailureReport(node: NodeView, reporter: NodeId, nodeTimeoutMs: number, nowMs: number, ctx: BusCtx): void {
  if (node.failReports.length === 0) return;
  const index = node.failReports.findIndex((r) => r.from === reporter);
  if (index < 0) return;
  node.failReports.splice(index, 1);
  cleanupFailureReports(node, nodeTimeoutMs, nowMs);
  ctx.emit({ type: "failureReportRemoved", reporter, peer: node.id });
}

/**
 * markNodeAsFailingIfNeeded: runs only when a master's gossip mentions the node as failing. If I
 * suspect it too and the reports (plus my own voice, if I am a master) reach size/2 + 1, it is
 * FAIL, and I tell everyone. Replicas do this too; they just do not count themselves.
 */
export function markNodeAsFailingIfNeeded(s: ClusterNodeState, node: NodeView, nodeTimeoutMs: number, nowMs: number, ctx: BusCtx): void {
  const quorum = Math.floor(s.size / 2) + 1;
  if ((node.flags & NODE_PFAIL) === 0 || (node.flags & NODE_FAIL) !== 0) return;
  let failures = failureReportCount(node, nodeTimeoutMs, nowMs);
  if ((myself(s).flags & NODE_MASTER) !== 0) failures++;
  if (failures < quorum) return;
  ctx.emit({ type: "nodeMarkedFailing", peer: node.id, reports: failures, quorum });
  node.flags = (node.flags & ~NODE_PFAIL) | NODE_FAIL;
  node.failTimeMs = nowMs;
  broadcast(s, { ...buildHeader(s), type: "fail", about: node.id }, ctx);
  s.todoBeforeSleep |= TODO_UPDATE_STATE | TODO_SAVE_CONFIG;
}

/**
 * The FAIL message (clusterProcessPacket): believed at once — no quorum, no check of who says it,
 * and not passed on.
 */
export function handleFailMessage(s: ClusterNodeState, from: NodeView | undefined, aboutId: NodeId, nowMs: number, ctx: BusCtx): void {
  if (from === undefined) return; // logged by Redis as "Ignoring FAIL message from unknown node"
  const about = s.nodes[aboutId];
  if (about === undefined || (about.flags & (NODE_FAIL | NODE_MYSELF)) !== 0) return;
  ctx.emit({ type: "failMessageReceived", from: from.id, about: aboutId });
  about.flags = (about.flags & ~NODE_PFAIL) | NODE_FAIL;
  about.failTimeMs = nowMs;
  s.todoBeforeSleep |= TODO_UPDATE_STATE | TODO_SAVE_CONFIG;
}

/**
 * clearNodeFailureIfNeeded, on a PONG over our outbound link: a replica or a slot-less master is
 * forgiven at once; a master with slots only after 2 × node timeout, when clearly nobody took
 * its slots over.
 */
export function clearNodeFailureIfNeeded(s: ClusterNodeState, node: NodeView, nodeTimeoutMs: number, nowMs: number, ctx: BusCtx): void {
  if ((node.flags & NODE_FAIL) === 0) return;
  if (!isMaster(node) || node.numSlots === 0) {
    ctx.emit({ type: "failStateCleared", peer: node.id, reason: isMaster(node) ? "masterWithoutSlots" : "replica" });
    node.flags &= ~NODE_FAIL;
    s.todoBeforeSleep |= TODO_UPDATE_STATE | TODO_SAVE_CONFIG;
    return;
  }
  if (nowMs - node.failTimeMs > nodeTimeoutMs * CLUSTER_FAIL_UNDO_TIME_MULT) {
    ctx.emit({ type: "failStateCleared", peer: node.id, reason: "nobodyServing" });
    node.flags &= ~NODE_FAIL;
    s.todoBeforeSleep |= TODO_UPDATE_STATE | TODO_SAVE_CONFIG;
  }
}
