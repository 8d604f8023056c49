import type { ConnId } from "../process/model";
import { CLUSTER_MF_PAUSE_MULT, CLUSTER_MF_TIMEOUT_MS } from "../redis-constants";
import { sendPing, type BusCtx } from "./bus";
import { handleConfigEpochCollision, handleUpdate, refreshOwnedSlots, resetManualFailover, sendUpdateIfStale, setNodeAsMaster, updateSlotsConfigWith } from "./config-update";
import { addFailureReport, clearNodeFailureIfNeeded, failureReportCount, handleFailMessage, markNodeAsFailingIfNeeded, removeFailureReport } from "./failure-detection";
import { MFLAG_PAUSED, NODE_FAIL, NODE_HANDSHAKE, NODE_MASTER, NODE_MIGRATE_TO, NODE_MYSELF, NODE_NOADDR, NODE_NOFAILOVER, NODE_PFAIL, NODE_REPLICA } from "./flags";
import type { ClusterMessage, GossipEntry } from "./messages";
import { sameSlots } from "./slots";
import {
  TODO_FSYNC_CONFIG,
  TODO_SAVE_CONFIG,
  TODO_UPDATE_STATE,
  isMaster,
  isReplica,
  myself,
  newNodeView,
  type ClusterNodeState,
  type NodeView,
} from "./state";
import { handleAuthAck, handleAuthRequest } from "./voting";
import { completeHandshake, handshakeFromMeet } from "./handshake";
import { isForgotten } from "./migration";
import { setSlotOwner } from "./slot-table";
import { unwrapRecorded } from "../trace/patch-recorder";

/**
 * clusterProcessPacket: what a node does with each bus message, in Redis's order. The header is
 * read first whatever the type (epochs, the sender's offset), then the type's own rules.
 */
export function processPacket(s: ClusterNodeState, conn: ConnId, msg: ClusterMessage, nodeTimeoutMs: number, nowMs: number, ctx: BusCtx): void {
  s.statsReceived[msg.type] = (s.statsReceived[msg.type] ?? 0) + 1;
  const me = myself(s);
  const linkNodeId = s.outboundLinks[conn];
  const outbound = linkNodeId !== undefined;
  const linkNode = outbound ? s.nodes[linkNodeId] : undefined;
  const sender = linkNode !== undefined && (linkNode.flags & NODE_HANDSHAKE) === 0 ? linkNode : s.nodes[msg.sender];
  // An inbound link is bound to its node by the first packet that names a known sender.
  if (sender !== undefined && !outbound && s.inboundLinks[conn] === null) s.inboundLinks[conn] = sender.id;

  if (sender !== undefined) sender.dataReceivedMs = nowMs;
  if (sender !== undefined && (sender.flags & NODE_HANDSHAKE) === 0) {
    if (msg.currentEpoch > s.currentEpoch) {
      s.currentEpoch = msg.currentEpoch;
      s.todoBeforeSleep |= TODO_SAVE_CONFIG;
    }
    if (msg.configEpoch > sender.configEpoch) {
      sender.configEpoch = msg.configEpoch;
      s.todoBeforeSleep |= TODO_SAVE_CONFIG | TODO_FSYNC_CONFIG;
    }
    sender.replOffset = msg.offset;
    sender.replOffsetTimeMs = nowMs;
    // A replica in a manual failover learns its paused master's final offset.
    if (s.mfEndMs !== 0 && isReplica(me) && me.replicaOf === sender.id && (msg.mflags & MFLAG_PAUSED) !== 0 && s.mfMasterOffset === -1) {
      s.mfMasterOffset = msg.offset;
      ctx.emit({ type: "manualFailoverMasterOffset", offset: msg.offset });
    }
  }

  switch (msg.type) {
    case "ping":
    case "meet":
    case "pong":
      // A MEET from a stranger: remember it (its real name comes with our own link's first reply).
      if (sender === undefined && msg.type === "meet") handshakeFromMeet(s, msg.port, ctx, nowMs);
      processHeartbeat(s, conn, msg, outbound, linkNode, sender, nodeTimeoutMs, nowMs, ctx);
      return;
    case "fail":
      handleFailMessage(s, sender, msg.about, nowMs, ctx);
      return;
    case "update":
      if (sender === undefined) return;
      handleUpdate(s, msg.about, msg.aboutConfigEpoch, msg.aboutSlots, ctx);
      return;
    case "authRequest":
      if (sender === undefined) return;
      handleAuthRequest(s, sender, msg, nodeTimeoutMs, nowMs, ctx);
      return;
    case "authAck":
      if (sender === undefined) return;
      handleAuthAck(s, sender, msg);
      return;
    case "mfstart":
      // Only my own replica may start a manual failover with me.
      if (sender === undefined || sender.replicaOf !== me.id) return;
      resetManualFailover(s);
      s.mfEndMs = nowMs + CLUSTER_MF_TIMEOUT_MS;
      s.mfReplica = sender.id;
      s.clientsPausedUntilMs = nowMs + CLUSTER_MF_TIMEOUT_MS * CLUSTER_MF_PAUSE_MULT;
      ctx.emit({ type: "manualFailoverRequested", replica: sender.id });
      // The PING that carries the PAUSED flag and my offset back at once.
      sendPing(s, conn, "ping", ctx, nowMs, outbound);
      return;
  }
}

type Heartbeat = Extract<ClusterMessage, { type: "ping" | "pong" | "meet" }>;

function processHeartbeat(
  s: ClusterNodeState,
  conn: ConnId,
  msg: Heartbeat,
  outbound: boolean,
  linkNodeBefore: NodeView | undefined,
  sender: NodeView | undefined,
  nodeTimeoutMs: number,
  nowMs: number,
  ctx: BusCtx,
): void {
  const me = myself(s);
  let linkNode = linkNodeBefore;
  // Reply first: the PONG shows my state before this packet changes anything.
  if (msg.type === "ping" || msg.type === "meet") sendPing(s, conn, "pong", ctx, nowMs, outbound);

  // On our own link to a node in handshake, this packet tells us who it really is. (The rest of
  // this packet is then read as from an unknown sender, as Redis does.)
  if (outbound && linkNode !== undefined && (linkNode.flags & NODE_HANDSHAKE) !== 0) {
    linkNode = completeHandshake(s, linkNode, msg.sender, msg.flags, ctx);
    if (linkNode === undefined) return;
  }
  if (outbound && msg.type === "pong" && linkNode !== undefined && sender === undefined) {
    linkNode.pongReceivedMs = nowMs;
    linkNode.pingSentMs = 0;
  }
  if (sender === undefined) return;

  sender.flags = (sender.flags & ~NODE_NOFAILOVER) | (msg.flags & NODE_NOFAILOVER);

  // A PONG on our own link is the only proof of life: it stops the failure clock and lifts PFAIL.
  if (outbound && msg.type === "pong" && linkNode !== undefined) {
    linkNode.pongReceivedMs = nowMs;
    linkNode.pingSentMs = 0;
    if ((linkNode.flags & NODE_PFAIL) !== 0) {
      linkNode.flags &= ~NODE_PFAIL;
      s.todoBeforeSleep |= TODO_UPDATE_STATE;
    } else if ((linkNode.flags & NODE_FAIL) !== 0) {
      clearNodeFailureIfNeeded(s, linkNode, nodeTimeoutMs, nowMs, ctx);
    }
  }

  // The sender's role, as it announces it.
  if (msg.replicaOf === null) {
    setNodeAsMaster(s, sender);
  } else {
    const master = s.nodes[msg.replicaOf];
    if (isMaster(sender)) {
      // clusterDelNodeSlots: a master turned replica serves nothing.
      let lost = false;
      for (const [first, last] of sender.slots) {
        for (let slot = first; slot <= last; slot++) {
          setSlotOwner(s.slotOwner, slot, null);
          lost = true;
        }
      }
      if (lost) refreshOwnedSlots(s, [sender.id]);
      sender.flags = (sender.flags & ~(NODE_MASTER | NODE_MIGRATE_TO)) | NODE_REPLICA;
      s.todoBeforeSleep |= TODO_SAVE_CONFIG | TODO_UPDATE_STATE;
    }
    if (master !== undefined && sender.replicaOf !== master.id) {
      sender.replicaOf = master.id;
      s.todoBeforeSleep |= TODO_SAVE_CONFIG;
    }
  }

  // Does the slot map it announces (its master's, for a replica) differ from what I have?
  const senderMaster = isMaster(sender) ? sender : sender.replicaOf === null ? undefined : s.nodes[sender.replicaOf];
  const dirty = senderMaster !== undefined && !sameSlots(senderMaster.slots, msg.slots);
  if (isMaster(sender) && dirty) updateSlotsConfigWith(s, sender, msg.configEpoch, msg.slots, ctx);
  if (dirty) sendUpdateIfStale(s, sender, msg, ctx);
  if (isMaster(me) && isMaster(sender) && msg.configEpoch === me.configEpoch) handleConfigEpochCollision(s, sender, msg.configEpoch, ctx);

  processGossipSection(s, sender, msg.gossip, nodeTimeoutMs, nowMs, ctx);
}

/**
 * clusterProcessGossipSection: what the sender says about others. A master's word about a
 * failing node is a failure report; a healthy-looking entry may refresh the pong time (in whole
 * seconds, never more than 500 ms ahead); an unknown node is added.
 */
function processGossipSection(s: ClusterNodeState, sender: NodeView, gossip: readonly GossipEntry[], nodeTimeoutMs: number, nowMs: number, ctx: BusCtx): void {
  // Most entries only read the node's view: in trace mode it is read without the recording proxy
  // (`view`), and the proxy (`s.nodes[id]`) is taken to change it. A node with no failure reports
  // has none to remove or expire.
  const nodesRead = unwrapRecorded(s.nodes);
  const senderIsMaster = isMaster(sender);
  for (const entry of gossip) {
    const view = nodesRead[entry.id];
    if (view !== undefined) {
      if (senderIsMaster && (view.flags & NODE_MYSELF) === 0) {
        if ((entry.flags & (NODE_FAIL | NODE_PFAIL)) !== 0) {
          const node = s.nodes[entry.id]!;
          addFailureReport(node, sender.id, nowMs, ctx);
          markNodeAsFailingIfNeeded(s, node, nodeTimeoutMs, nowMs, ctx);
        } else if (view.failReports.length > 0) {
          removeFailureReport(s.nodes[entry.id]!, sender.id, nodeTimeoutMs, nowMs, ctx);
        }
      }
      if ((entry.flags & (NODE_FAIL | NODE_PFAIL)) === 0 && view.pingSentMs === 0 && (view.failReports.length === 0 || failureReportCount(s.nodes[entry.id]!, nodeTimeoutMs, nowMs) === 0)) {
        const pongMs = entry.pongReceivedS * 1000;
        if (pongMs <= nowMs + 500 && pongMs > view.pongReceivedMs) s.nodes[entry.id]!.pongReceivedMs = pongMs;
      }
    } else if ((entry.flags & NODE_NOADDR) === 0 && !isForgotten(s, entry.id, nowMs)) {
      // A node I did not know (and was not told to forget within the minute): learn it with the
      // flags the sender gives it.
      const learned = newNodeView(entry.id, entry.port, entry.flags & ~NODE_MYSELF, nowMs);
      s.nodes[entry.id] = learned;
      s.nodeOrder.push(entry.id);
      s.todoBeforeSleep |= TODO_SAVE_CONFIG;
    }
  }
}
