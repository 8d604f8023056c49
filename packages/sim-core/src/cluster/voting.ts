import { buildHeader, sendOn, type BusCtx } from "./bus";
import { slotOwnerOf } from "./slot-table";
import { MFLAG_FORCEACK, NODE_FAIL } from "./flags";
import type { BusHeader } from "./messages";
import { TODO_FSYNC_CONFIG, TODO_HANDLE_FAILOVER, TODO_SAVE_CONFIG, isMaster, isReplica, myself, type ClusterNodeState, type NodeView } from "./state";


/**
 * A master's side of a failover (cluster.c: clusterSendFailoverAuthIfNeeded, and the AUTH_ACK
 * branch of clusterProcessPacket). Every check is in Redis's order; a refusal sends nothing
 * back, it is only logged.
 */
export function handleAuthRequest(s: ClusterNodeState, requester: NodeView, request: BusHeader, nodeTimeoutMs: number, nowMs: number, ctx: BusCtx): void {
  const me = myself(s);
  // Only masters that serve slots vote; others ignore the request without a word.
  if (isReplica(me) || me.numSlots === 0) return;
  const deny = (extra: Omit<Extract<Parameters<BusCtx["emit"]>[0], { type: "authDenied" }>, "type" | "to">): void =>
    ctx.emit({ type: "authDenied", to: requester.id, ...extra });

  if (request.currentEpoch < s.currentEpoch) return deny({ reason: "staleRequestEpoch", requestEpoch: request.currentEpoch, currentEpoch: s.currentEpoch });
  // One vote per epoch. The test hook (read only when the rule would refuse) breaks it on purpose.
  if (s.lastVoteEpoch === s.currentEpoch && s.config.testHooks?.voteTwicePerEpoch !== true) return deny({ reason: "alreadyVoted", currentEpoch: s.currentEpoch });

  const master = requester.replicaOf === null ? undefined : s.nodes[requester.replicaOf];
  const forceAck = (request.mflags & MFLAG_FORCEACK) !== 0;
  if (isMaster(requester)) return deny({ reason: "isMaster" });
  if (master === undefined) return deny({ reason: "masterUnknown" });
  if ((master.flags & NODE_FAIL) === 0 && !forceAck) return deny({ reason: "masterUp" });

  // Two votes for replicas of one master must be 2 × node timeout apart, so that a replica that
  // lost an election does not win the next one against the first winner.
  const sinceVoteMs = nowMs - master.votedTimeMs;
  if (sinceVoteMs < nodeTimeoutMs * 2) return deny({ reason: "tooSoon", waitMs: nodeTimeoutMs * 2 - sinceVoteMs });

  // The requester must not claim a slot that a node with a newer configEpoch owns here.
  for (const [first, last] of request.slots) {
    for (let slot = first; slot <= last; slot++) {
      const ownerId = slotOwnerOf(s.slotOwner, slot);
      if (ownerId === null) continue;
      const owner = s.nodes[ownerId]!;
      if (owner.configEpoch <= request.configEpoch) continue;
      return deny({ reason: "slotEpoch", slot, slotEpoch: owner.configEpoch, requestEpoch: request.configEpoch });
    }
  }

  s.lastVoteEpoch = s.currentEpoch;
  master.votedTimeMs = nowMs;
  s.todoBeforeSleep |= TODO_SAVE_CONFIG | TODO_FSYNC_CONFIG;
  // The vote counts here even when the ACK cannot leave (no link).
  if (requester.link !== null) sendOn(s, requester.link, { ...buildHeader(s), type: "authAck" }, ctx);
  ctx.emit({ type: "authGranted", to: requester.id, epoch: s.currentEpoch });
}

/** An AUTH_ACK counts if it comes from a slot-serving master in an epoch not older than mine. */
export function handleAuthAck(s: ClusterNodeState, sender: NodeView, header: BusHeader): void {
  if (isMaster(sender) && sender.numSlots > 0 && header.currentEpoch >= s.failoverAuthEpoch) {
    s.failoverAuthCount++;
    // Taken into account in this same loop iteration, from beforeSleep.
    s.todoBeforeSleep |= TODO_HANDLE_FAILOVER;
  }
}
