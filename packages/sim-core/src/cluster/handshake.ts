import type { BusCtx } from "./bus";
import { NODE_HANDSHAKE, NODE_MASTER, NODE_MEET, NODE_REPLICA } from "./flags";
import { TODO_SAVE_CONFIG, newNodeView, type ClusterNodeState, type NodeId, type NodeView } from "./state";

/**
 * How nodes meet (cluster.c: clusterStartHandshake, clusterRenameNode, and the MEET branch of
 * clusterProcessPacket). A node met by address gets a random name and the HANDSHAKE flag; the
 * first packet on our link to it tells its real name. The rest of the cluster then spreads
 * through gossip.
 */

/** clusterStartHandshake: CLUSTER MEET <ip> <port>. False when a handshake is already under way. */
export function startHandshake(s: ClusterNodeState, port: number, ctx: BusCtx, nowMs: number): boolean {
  const pending = s.nodeOrder.some((id) => (s.nodes[id]!.flags & NODE_HANDSHAKE) !== 0 && s.nodes[id]!.port === port);
  if (pending) return false;
  addHandshakeNode(s, port, NODE_HANDSHAKE | NODE_MEET, ctx, nowMs);
  return true;
}

/** A MEET from a node we do not know: remember it, still in handshake, by the port it gives. */
export function handshakeFromMeet(s: ClusterNodeState, port: number, ctx: BusCtx, nowMs: number): void {
  addHandshakeNode(s, port, NODE_HANDSHAKE, ctx, nowMs);
  s.todoBeforeSleep |= TODO_SAVE_CONFIG;
}

function addHandshakeNode(s: ClusterNodeState, port: number, flags: number, ctx: BusCtx, nowMs: number): void {
  // createClusterNode(NULL, …) draws a random name until the node tells its own.
  const id = ctx.rng("handshake-name").hex(20);
  s.nodes[id] = newNodeView(id, port, flags, nowMs);
  s.nodeOrder.push(id);
}

/**
 * The first packet on our link to a node in handshake: if we already know the sender under its
 * real name, the handshake node was a duplicate and goes (with its link); otherwise it takes the
 * sender's name and role. Returns the node as it stands afterwards, or undefined if it went.
 */
export function completeHandshake(s: ClusterNodeState, node: NodeView, senderId: NodeId, senderFlags: number, ctx: BusCtx): NodeView | undefined {
  if (s.nodes[senderId] !== undefined) {
    deleteNode(s, node.id, ctx);
    return undefined;
  }
  const renamed: NodeView = { ...node, id: senderId, flags: (node.flags & ~NODE_HANDSHAKE) | (senderFlags & (NODE_MASTER | NODE_REPLICA)) };
  delete s.nodes[node.id];
  s.nodes[senderId] = renamed;
  s.nodeOrder[s.nodeOrder.indexOf(node.id)] = senderId;
  if (renamed.link !== null) s.outboundLinks[renamed.link] = senderId;
  s.todoBeforeSleep |= TODO_SAVE_CONFIG;
  return renamed;
}

/** clusterDelNode: forget a node, its link and every failure report it made. */
export function deleteNode(s: ClusterNodeState, id: NodeId, ctx: BusCtx): void {
  const node = s.nodes[id];
  if (node === undefined) return;
  if (node.link !== null) {
    delete s.outboundLinks[node.link];
    ctx.close(node.link);
  }
  for (const [conn, bound] of Object.entries(s.inboundLinks)) if (bound === id) s.inboundLinks[Number(conn)] = null;
  for (const other of s.nodeOrder) {
    const view = s.nodes[other]!;
    if (view.failReports.some((r) => r.from === id)) view.failReports = view.failReports.filter((r) => r.from !== id);
  }
  delete s.nodes[id];
  s.nodeOrder.splice(s.nodeOrder.indexOf(id), 1);
  s.todoBeforeSleep |= TODO_SAVE_CONFIG;
}
