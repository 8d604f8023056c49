/**
 * `@failover-lab/sim-core/replies`: what clients see over the wire, as pure functions of a node's
 * state (CONTRACTS §3). Free of Node APIs, so the HTML report runs them in the browser.
 */
export * from "./cluster-nodes";
export * from "./cluster-check";
export * from "./cluster-manager";
export { instanceText, sentinelEventLine, sentinelEventMessage, sentinelEventName, type SentinelInstanceRef } from "../sentinel/events";
