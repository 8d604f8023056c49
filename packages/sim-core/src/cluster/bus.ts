import { shared } from "../kernel/shared-value";
import type { ConnId, Ctx, Message } from "../process/model";
import { NODE_HANDSHAKE, NODE_MASTER, NODE_MYSELF, NODE_NOADDR, NODE_PFAIL, NODE_REPLICA } from "./flags";
import { BUS_CHANNEL, type BusHeader, type ClusterMessage, type ClusterMessageType, type GossipEntry } from "./messages";
import { myself, type ClusterNodeState, type NodeView } from "./state";
import { replicaProcessedOffset, masterReplOffset } from "./replication-view";
import { unwrapRecorded } from "../trace/patch-recorder";

/**
 * The cluster bus as one node drives it: its links, the header every message carries, and the
 * PING/PONG/MEET gossip (cluster.c: clusterSendPing, clusterBuildMessageHdr, freeClusterLink,
 * clusterBroadcastMessage).
 */
export type BusCtx = Ctx<Message>;

/** clusterNodeCronHandleReconnect: open an outbound link to `node` (its port names its process). */
export function createLink(s: ClusterNodeState, node: NodeView, ctx: BusCtx, nowMs: number): void {
  const conn = ctx.connect(String(node.port), BUS_CHANNEL);
  node.link = conn;
  node.linkCreatedMs = nowMs;
  s.outboundLinks[conn] = node.id;
}

/** freeClusterLink: forget the link and close its socket. */
export function freeLink(s: ClusterNodeState, conn: ConnId, ctx: BusCtx): void {
  const nodeId = s.outboundLinks[conn];
  if (nodeId !== undefined) {
    delete s.outboundLinks[conn];
    const node = s.nodes[nodeId];
    if (node !== undefined && node.link === conn) node.link = null;
  } else {
    delete s.inboundLinks[conn];
  }
  ctx.close(conn);
}

/** clusterBuildMessageHdr: a replica speaks with its master's slots and configEpoch. */
export function buildHeader(s: ClusterNodeState, mflags = 0): BusHeader {
  const me = myself(s);
  const master = me.replicaOf !== null && (me.flags & NODE_REPLICA) !== 0 ? s.nodes[me.replicaOf] : undefined;
  const speaksFor = master ?? me;
  return {
    sender: me.id,
    port: me.port,
    flags: me.flags,
    currentEpoch: s.currentEpoch,
    configEpoch: speaksFor.configEpoch,
    offset: (me.flags & NODE_MASTER) !== 0 ? masterReplOffset(s) : replicaProcessedOffset(s),
    replicaOf: (me.flags & NODE_REPLICA) !== 0 ? me.replicaOf : null,
    slots: shared(speaksFor.slots),
    // clusterBuildMessageHdr: a master in a manual failover tells everyone it is paused.
    mflags: mflags | ((me.flags & NODE_MASTER) !== 0 && s.mfEndMs !== 0 ? 1 : 0),
    state: s.state,
  };
}

/**
 * A PING, PONG or MEET: the header with the type and gossip added to it. The most frequent
 * message of the bus, so it skips the spread `{ ...buildHeader(s), type, gossip }`, which builds
 * a second object and copies every field into it.
 */
function pingMessage(s: ClusterNodeState, type: "ping" | "pong" | "meet", gossip: GossipEntry[]): ClusterMessage {
  const message = buildHeader(s) as BusHeader & { type?: typeof type; gossip?: GossipEntry[] };
  message.type = type;
  message.gossip = gossip;
  return message as ClusterMessage;
}

export function countSent(s: ClusterNodeState, type: ClusterMessageType): void {
  s.statsSent[type] = (s.statsSent[type] ?? 0) + 1;
}

export function sendOn(s: ClusterNodeState, conn: ConnId, message: ClusterMessage, ctx: BusCtx): void {
  countSent(s, message.type);
  ctx.send(conn, message);
}

function gossipEntry(n: NodeView): GossipEntry {
  return {
    id: n.id,
    pingSentS: Math.floor(n.pingSentMs / 1000),
    pongReceivedS: Math.floor(n.pongReceivedMs / 1000),
    port: n.port,
    flags: n.flags,
  };
}

/**
 * Which nodeOrder positions the gossip being built has taken: a position is taken when its stamp
 * equals the current build's number. Scratch space reused by every sendPing (they never nest), so
 * that the membership test is one array read instead of Redis's scan of the section
 * (clusterNodeIsInGossipSection), which at 1000 nodes made sendPing quadratic in its ~100 entries.
 */
let pickedStamps = new Uint32Array(0);
let pickedBuild = 0;

function pickedStamp(known: number): number {
  if (pickedStamps.length < known) pickedStamps = new Uint32Array(Math.max(known, pickedStamps.length * 2));
  if (++pickedBuild === 0xffffffff) {
    pickedStamps.fill(0);
    pickedBuild = 1;
  }
  return pickedBuild;
}

/**
 * clusterSendPing: a PING, PONG or MEET with gossip about max(3, ⌊known/10⌋) random nodes (drawn
 * with replacement, at most 3× that many draws, skipping myself, PFAIL, handshake, no-address and
 * link-less slot-less nodes, and repeats), then every PFAIL node. Sending a PING on our outbound
 * link starts (or restarts) the node's failure clock.
 */
export function sendPing(s: ClusterNodeState, conn: ConnId, type: "ping" | "pong" | "meet", ctx: BusCtx, nowMs: number, outbound: boolean): void {
  const known = s.nodeOrder.length;
  let freshNodes = known - 2;
  let wanted = Math.max(3, Math.floor(known / 10));
  if (wanted > freshNodes) wanted = freshNodes;
  const gossip: GossipEntry[] = [];
  const rng = ctx.rng("gossip");
  const picked = pickedStamp(known);
  let maxIterations = wanted * 3;
  // The gossip section only reads the views: in trace mode, without the recording proxies.
  const nodesRead = unwrapRecorded(s.nodes);
  const orderRead = unwrapRecorded(s.nodeOrder);
  while (freshNodes > 0 && gossip.length < wanted && maxIterations-- > 0) {
    const index = rng.int(known);
    const node = nodesRead[orderRead[index]!]!;
    if ((node.flags & NODE_MYSELF) !== 0) continue;
    // PFAIL nodes are all appended below.
    if ((node.flags & NODE_PFAIL) !== 0) continue;
    if ((node.flags & (NODE_HANDSHAKE | NODE_NOADDR)) !== 0 || (node.link === null && node.numSlots === 0)) {
      freshNodes--;
      continue;
    }
    // clusterNodeIsInGossipSection. nodeOrder holds each id once, so its index names the node.
    if (pickedStamps[index] === picked) continue;
    pickedStamps[index] = picked;
    gossip.push(gossipEntry(node));
    freshNodes--;
  }
  // Every PFAIL node, so that failure reports spread fast (the count is the one the cron took).
  let pfailRoom = s.statsPfailNodes;
  for (const id of orderRead) {
    if (pfailRoom === 0) break;
    const node = nodesRead[id]!;
    if ((node.flags & (NODE_HANDSHAKE | NODE_NOADDR)) !== 0 || (node.flags & NODE_PFAIL) === 0) continue;
    gossip.push(gossipEntry(node));
    pfailRoom--;
  }
  if (type === "ping" && outbound) {
    const target = s.nodes[s.outboundLinks[conn]!];
    if (target !== undefined) target.pingSentMs = nowMs;
  }
  sendOn(s, conn, pingMessage(s, type, gossip), ctx);
}

/** clusterBroadcastMessage: on every node's outbound link, skipping myself and handshakes. */
export function broadcast(s: ClusterNodeState, message: ClusterMessage, ctx: BusCtx): void {
  for (const id of s.nodeOrder) {
    const node = s.nodes[id]!;
    if ((node.flags & (NODE_MYSELF | NODE_HANDSHAKE)) !== 0 || node.link === null) continue;
    sendOn(s, node.link, message, ctx);
  }
}

/** clusterBroadcastPong: a PONG to everyone, or only to my master's replicas (LOCAL_SLAVES). */
export function broadcastPong(s: ClusterNodeState, target: "all" | "localReplicas", ctx: BusCtx, nowMs: number): void {
  const me = myself(s);
  for (const id of s.nodeOrder) {
    const node = s.nodes[id]!;
    if ((node.flags & (NODE_MYSELF | NODE_HANDSHAKE)) !== 0 || node.link === null) continue;
    if (target === "localReplicas") {
      const local = (node.flags & NODE_REPLICA) !== 0 && node.replicaOf !== null && (node.replicaOf === me.replicaOf || node.replicaOf === me.id);
      if (!local) continue;
    }
    sendPing(s, node.link, "pong", ctx, nowMs, true);
  }
}

