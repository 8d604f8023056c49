import { NODE_FAIL, NODE_HANDSHAKE, NODE_MASTER, NODE_MYSELF, NODE_REPLICA } from "./flags";
import type { SlotRanges } from "./slots";
import { loadSlotRange, type SlotTable } from "./slot-table";
import { keyedRecord } from "../keyed-record";
import { emptySlotTable, newNodeView, type ClusterNodeState, type NodeId, type NodeView } from "./state";

/**
 * nodes.conf: what a cluster node writes down (clusterSaveConfig) and reads back at start
 * (clusterLoadConfig). It is the only cluster state that survives a restart; links, failure
 * reports, votes' times and election state do not.
 */
export interface NodesConfEntry {
  readonly id: NodeId;
  readonly port: number;
  readonly flags: number;
  readonly replicaOf: NodeId | null;
  readonly pingSentMs: number;
  readonly pongReceivedMs: number;
  readonly configEpoch: number;
  readonly slots: SlotRanges;
}

export interface NodesConf {
  readonly myId: NodeId;
  readonly currentEpoch: number;
  readonly lastVoteEpoch: number;
  /** In the node's own order; handshake nodes are not saved. */
  readonly nodes: readonly NodesConfEntry[];
  /**
   * Open slots, saved on the myself line as `[slot->-id]` / `[slot-<-id]` (clusterGenNodeDescription
   * writes them to nodes.conf too, and clusterLoadConfig reads them back). Absent when none.
   */
  readonly migrating?: Readonly<Record<number, NodeId>>;
  readonly importing?: Readonly<Record<number, NodeId>>;
}

/** clusterSaveConfig: a snapshot of the CLUSTER NODES view plus the epochs. */
export function nodesConfOf(s: ClusterNodeState): NodesConf {
  return {
    myId: s.myId,
    currentEpoch: s.currentEpoch,
    lastVoteEpoch: s.lastVoteEpoch,
    nodes: s.nodeOrder
      .map((id) => s.nodes[id]!)
      .filter((n) => (n.flags & NODE_HANDSHAKE) === 0)
      .map((n) => ({
        id: n.id,
        port: n.port,
        flags: n.flags,
        replicaOf: n.replicaOf,
        pingSentMs: n.pingSentMs,
        pongReceivedMs: n.pongReceivedMs,
        configEpoch: n.configEpoch,
        slots: n.slots,
      })),
    ...(Object.keys(s.migratingSlotsTo ?? {}).length === 0 ? {} : { migrating: { ...s.migratingSlotsTo } }),
    ...(Object.keys(s.importingSlotsFrom ?? {}).length === 0 ? {} : { importing: { ...s.importingSlotsFrom } }),
  };
}

/**
 * clusterLoadConfig: rebuild the node table. A node saved as `fail` is FAIL since load time;
 * saved ping and pong times become "now" (or stay 0); currentEpoch is at least every configEpoch.
 */
export function loadNodesConf(
  conf: NodesConf,
  nowMs: number,
  /** An empty table to fill (a booting node's own, saving a second 16384-slot table). */
  slotOwner: SlotTable = emptySlotTable(),
): Pick<ClusterNodeState, "nodes" | "nodeOrder" | "slotOwner" | "currentEpoch" | "lastVoteEpoch" | "migratingSlotsTo" | "importingSlotsFrom"> {
  const nodes = keyedRecord<NodeView>();
  const nodeOrder: NodeId[] = [];
  let currentEpoch = conf.currentEpoch;
  for (const entry of conf.nodes) {
    const view = newNodeView(entry.id, entry.port, entry.flags, nowMs);
    view.replicaOf = (entry.flags & NODE_REPLICA) !== 0 ? entry.replicaOf : null;
    view.configEpoch = entry.configEpoch;
    view.pingSentMs = entry.pingSentMs !== 0 ? nowMs : 0;
    view.pongReceivedMs = entry.pongReceivedMs !== 0 ? nowMs : 0;
    if ((entry.flags & NODE_FAIL) !== 0) view.failTimeMs = nowMs;
    if ((entry.flags & NODE_MASTER) !== 0) {
      view.slots = entry.slots;
      for (const [first, last] of entry.slots) loadSlotRange(slotOwner, first, last, entry.id);
      view.numSlots = entry.slots.reduce((n, [a, b]) => n + b - a + 1, 0);
    }
    if (entry.configEpoch > currentEpoch) currentEpoch = entry.configEpoch;
    nodes[entry.id] = view;
    nodeOrder.push(entry.id);
  }
  if (nodes[conf.myId] === undefined || (nodes[conf.myId]!.flags & NODE_MYSELF) === 0) throw new Error(`nodes.conf of ${conf.myId} has no "myself" line`);
  return { nodes, nodeOrder, slotOwner, currentEpoch, lastVoteEpoch: conf.lastVoteEpoch, migratingSlotsTo: { ...conf.migrating }, importingSlotsFrom: { ...conf.importing } };
}
