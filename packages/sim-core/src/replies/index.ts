/**
 * `@failover-lab/sim-core/replies`: what clients see over the wire, as pure functions of a node's
 * state (CONTRACTS §3). Free of Node APIs, so the HTML report runs them in the browser.
 */
export * from "./cluster-nodes";
export * from "./cluster-check";
export * from "./cluster-manager";
export { instanceText, sentinelEventLine, sentinelEventMessage, sentinelEventName, type SentinelInstanceRef } from "../sentinel/events";
// For the HTML report, which reads roles and beliefs off states it rebuilds from patches.
export { NODE_FAIL, NODE_MASTER, NODE_MYSELF, NODE_PFAIL, NODE_REPLICA, formatNodeFlags } from "../cluster/flags";
export { infoReplication, type ClockView } from "../replication/info";
export { SRI_FAILOVER_IN_PROGRESS, SRI_MASTER_DOWN, SRI_O_DOWN, SRI_S_DOWN } from "../sentinel/state";
export type { ClusterNodeState, NodeView } from "../cluster/state";
export type { SentinelState, Sri } from "../sentinel/state";
