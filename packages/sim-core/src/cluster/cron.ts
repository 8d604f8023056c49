import { CLUSTER_MIN_HANDSHAKE_TIMEOUT_MS, CLUSTER_RANDOM_PING_DRAWS, CLUSTER_RANDOM_PING_EVERY_TICKS } from "../redis-constants";
import { createLink, freeLink, sendPing, type BusCtx } from "./bus";
import { updateClusterState } from "./cluster-state";
import { handleReplicaFailover } from "./election";
import { checkPossiblyFailing } from "./failure-detection";
import { NODE_HANDSHAKE, NODE_MYSELF, NODE_NOADDR, NODE_PFAIL } from "./flags";
import { checkManualFailoverTimeout, handleManualFailover } from "./manual-failover";
import { replicationHasMaster, replicationSetMasterOf } from "./replication-view";
import { isMaster, isReplica, myself, type ClusterNodeState } from "./state";
import { unwrapRecorded } from "../trace/patch-recorder";

/**
 * clusterCron, every 100 ms, in Redis's order: reconnect links, one random ping a second, the
 * per-node ping and failure rules, then the replica's failover duties and the cluster state.
 */
export function clusterCron(s: ClusterNodeState, nodeTimeoutMs: number, nowMs: number, ctx: BusCtx): void {
  s.cronIteration++;
  const handshakeTimeoutMs = Math.max(nodeTimeoutMs, CLUSTER_MIN_HANDSHAKE_TIMEOUT_MS);
  const halfTimeoutMs = Math.floor(nodeTimeoutMs / 2);
  const me = myself(s);
  s.statsPfailNodes = 0;

  // 1. Count PFAIL nodes (for gossip), drop stale handshakes, and open a link to every node
  // that has none — a dead peer gets a fresh connect attempt every tick.
  // (By index, without a copy of nodeOrder: a dropped handshake is the entry at `i` itself, and
  // the next one then moves into `i`. At 1000 nodes the copy cost 10,000 arrays per second.)
  // The loops read every node's view: in trace mode they read them without the recording
  // proxies (unwrapRecorded; a 1000-node cron spent most of its time in proxy traps) and take
  // the proxy (`nodes[id]`) only to hand a node to code that changes it.
  const order = s.nodeOrder;
  const nodes = s.nodes;
  const nodesRead = unwrapRecorded(nodes);
  for (let i = 0; i < order.length; i++) {
    const id = order[i]!;
    const node = nodesRead[id]!;
    const flags = node.flags;
    if ((flags & (NODE_MYSELF | NODE_NOADDR)) !== 0) continue;
    if ((flags & NODE_PFAIL) !== 0) s.statsPfailNodes++;
    if ((flags & NODE_HANDSHAKE) !== 0 && nowMs - node.ctimeMs > handshakeTimeoutMs) {
      delete nodes[id];
      order.splice(i--, 1);
      continue;
    }
    if (node.link === null) createLink(s, nodes[id]!, ctx, nowMs);
  }

  // 2. Once a second, ping the one of five random nodes we heard from longest ago.
  if (s.cronIteration % CLUSTER_RANDOM_PING_EVERY_TICKS === 0) {
    const rng = ctx.rng("gossip");
    let oldest: (typeof s.nodes)[string] | undefined;
    for (let draw = 0; draw < CLUSTER_RANDOM_PING_DRAWS; draw++) {
      const node = s.nodes[s.nodeOrder[rng.int(s.nodeOrder.length)]!]!;
      if (node.link === null || node.pingSentMs !== 0 || (node.flags & (NODE_MYSELF | NODE_HANDSHAKE)) !== 0) continue;
      if (oldest === undefined || node.pongReceivedMs < oldest.pongReceivedMs) oldest = node;
    }
    if (oldest !== undefined) sendPing(s, oldest.link!, "ping", ctx, nowMs, true);
  }

  // 3. Per node: recycle a link that went silent, ping anyone not heard from in half a timeout,
  // and flag PFAIL a node whose ping has waited longer than the timeout.
  let update = false;
  for (const id of unwrapRecorded(s.nodeOrder)) {
    const node = nodesRead[id]!;
    if ((node.flags & (NODE_MYSELF | NODE_NOADDR | NODE_HANDSHAKE)) !== 0) continue;
    if (
      node.link !== null &&
      nowMs - node.linkCreatedMs > nodeTimeoutMs &&
      node.pingSentMs !== 0 &&
      nowMs - node.pingSentMs > halfTimeoutMs &&
      nowMs - node.dataReceivedMs > halfTimeoutMs
    ) {
      // The link may be fine and the node slow, or the link may be stuck: a new one decides.
      freeLink(s, node.link, ctx);
    }
    if (node.link !== null && node.pingSentMs === 0 && nowMs - node.pongReceivedMs > halfTimeoutMs) {
      sendPing(s, node.link, "ping", ctx, nowMs, true);
      continue;
    }
    if (isMaster(me) && s.mfEndMs !== 0 && s.mfReplica === node.id && node.link !== null) {
      sendPing(s, node.link, "ping", ctx, nowMs, true);
      continue;
    }
    if (node.pingSentMs === 0) continue;
    if (checkPossiblyFailing(s, nodes[id]!, nodeTimeoutMs, nowMs, ctx)) update = true;
  }

  // 4. A replica whose replication master is not set yet (just restarted) starts replicating.
  if (isReplica(me) && me.replicaOf !== null && !replicationHasMaster(s)) {
    const master = s.nodes[me.replicaOf];
    if (master !== undefined && (master.flags & NODE_NOADDR) === 0) replicationSetMasterOf(s, ctx, master.port);
  }

  checkManualFailoverTimeout(s, nowMs, ctx);
  if (isReplica(me)) {
    handleManualFailover(s, ctx);
    handleReplicaFailover(s, nodeTimeoutMs, nowMs, ctx);
  }

  if (update || s.state === "fail") updateClusterState(s, nodeTimeoutMs, nowMs, ctx);
}
