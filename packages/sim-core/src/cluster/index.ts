/** The Redis Cluster model: what scenarios, tests and the report use of it. */
export { addCreatedCluster, createLayout, formedNodesConfs, type ClusterLayout, type CreateClusterOptions } from "./create";
export { BENCH_1000, addLargeCluster, largeClusterPorts, type LargeClusterSpec } from "./bench-1000";
export { clusterNodeModel, CLUSTER_CRON_TIMER, type ClusterNodeOptions, type ClusterNodePersisted } from "./node";
export { keyHashSlot, crc16 } from "./key-slot";
export { createSplit, formatSlotRanges, slotCount, slotRanges, type SlotRange, type SlotRanges } from "./slots";
export { formatNodeFlags, NODE_MASTER, NODE_REPLICA, NODE_PFAIL, NODE_FAIL, NODE_MYSELF } from "./flags";
export type { ClusterNodeState, NodeView, NodeId, ClusterHealth } from "./state";
export type { ClusterEvent } from "./events";
export type { ClusterMessage } from "./messages";
export type { NodesConf } from "./nodes-conf";
export { emptySlotTable, setSlotOwner, slotOwnerOf, type SlotTable } from "./slot-table";
