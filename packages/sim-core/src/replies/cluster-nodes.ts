import { CLUSTER_PORT_INCR, CLUSTER_SLOTS } from "../redis-constants";
import { NODE_FAIL, NODE_MYSELF, NODE_PFAIL, NODE_REPLICA, formatNodeFlags } from "../cluster/flags";
import { MESSAGE_STATS_NAME, MESSAGE_TYPE_ORDER } from "../cluster/messages";
import { formatSlotRanges } from "../cluster/slots";
import type { ClusterNodeState, NodeView } from "../cluster/state";
import { slotOwnerOf } from "../cluster/slot-table";

/**
 * CLUSTER NODES and CLUSTER INFO as the node itself would answer them — its own beliefs, stale
 * or wrong as they may be (cluster.c: clusterGenNodeDescription, clusterCommand "info").
 * Pure functions of the node's state: the report calls them on states rebuilt from a trace.
 */

/** Every node is on loopback in this simulator (CONTRACTS §2). */
export const NODE_IP = "127.0.0.1";

/** One CLUSTER NODES line, without its newline. */
export function clusterNodesLine(s: ClusterNodeState, n: NodeView): string {
  const master = (n.flags & NODE_REPLICA) !== 0 && n.replicaOf !== null ? s.nodes[n.replicaOf] : undefined;
  // A replica shows its master's configEpoch.
  const epoch = master !== undefined ? master.configEpoch : n.configEpoch;
  const linkState = (n.flags & NODE_MYSELF) !== 0 || n.link !== null ? "connected" : "disconnected";
  const parts = [
    n.id,
    `${NODE_IP}:${n.port}@${n.port + CLUSTER_PORT_INCR}`,
    formatNodeFlags(n.flags),
    (n.flags & NODE_REPLICA) !== 0 && n.replicaOf !== null ? n.replicaOf : "-",
    String(n.pingSentMs),
    String(n.pongReceivedMs),
    String(epoch),
    linkState,
  ];
  // Only the node's own line shows its open slots (clusterGenNodeDescription).
  const slots = [formatSlotRanges(n.slots), (n.flags & NODE_MYSELF) !== 0 ? openSlotsSuffix(s) : ""].filter((p) => p !== "").join(" ");
  return slots === "" ? parts.join(" ") : `${parts.join(" ")} ${slots}`;
}

/**
 * The open slots of a node, in slot order: `[slot->-id]` while migrating to id, `[slot-<-id]`
 * while importing from id (a slot both migrating and importing shows as migrating).
 */
export function openSlotsSuffix(s: Pick<ClusterNodeState, "migratingSlotsTo" | "importingSlotsFrom">): string {
  const migrating = s.migratingSlotsTo ?? {};
  const importing = s.importingSlotsFrom ?? {};
  const slots = [...new Set([...Object.keys(migrating), ...Object.keys(importing)].map(Number))].sort((a, b) => a - b);
  return slots.map((slot) => (migrating[slot] !== undefined ? `[${slot}->-${migrating[slot]}]` : `[${slot}-<-${importing[slot]!}]`)).join(" ");
}

/** CLUSTER NODES: one line per known node, each ending in "\n", in the node's own order. */
export function clusterNodes(s: ClusterNodeState): string {
  return s.nodeOrder.map((id) => clusterNodesLine(s, s.nodes[id]!) + "\n").join("");
}

/** CLUSTER INFO, lines ending in "\r\n". */
export function clusterInfo(s: ClusterNodeState): string {
  let assigned = 0;
  let ok = 0;
  let pfail = 0;
  let fail = 0;
  for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
    const owner = slotOwnerOf(s.slotOwner, slot);
    if (owner === null || owner === undefined) continue;
    assigned++;
    const flags = s.nodes[owner]!.flags;
    if ((flags & NODE_FAIL) !== 0) fail++;
    else if ((flags & NODE_PFAIL) !== 0) pfail++;
    else ok++;
  }
  const me = s.nodes[s.myId]!;
  const myEpoch = (me.flags & NODE_REPLICA) !== 0 && me.replicaOf !== null ? (s.nodes[me.replicaOf]?.configEpoch ?? me.configEpoch) : me.configEpoch;
  const lines = [
    `cluster_state:${s.state}`,
    `cluster_slots_assigned:${assigned}`,
    `cluster_slots_ok:${ok}`,
    `cluster_slots_pfail:${pfail}`,
    `cluster_slots_fail:${fail}`,
    `cluster_known_nodes:${s.nodeOrder.length}`,
    `cluster_size:${s.size}`,
    `cluster_current_epoch:${s.currentEpoch}`,
    `cluster_my_epoch:${myEpoch}`,
  ];
  lines.push(...statsLines(s.statsSent, "sent"), ...statsLines(s.statsReceived, "received"));
  lines.push("total_cluster_links_buffer_limit_exceeded:0");
  return lines.map((l) => l + "\r\n").join("");
}

/** `cluster_stats_messages_<type>_<dir>` for each type with a count, in type order, then the total. */
function statsLines(counts: Readonly<Record<string, number>>, direction: "sent" | "received"): string[] {
  const lines: string[] = [];
  let total = 0;
  for (const type of MESSAGE_TYPE_ORDER) {
    const n = counts[type] ?? 0;
    if (n === 0) continue;
    lines.push(`cluster_stats_messages_${MESSAGE_STATS_NAME[type]}_${direction}:${n}`);
    total += n;
  }
  lines.push(`cluster_stats_messages_${direction}:${total}`);
  return lines;
}
