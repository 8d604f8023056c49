import { shared } from "../kernel/shared-value";
import { unwrapRecorded } from "../trace/patch-recorder";
import { keyHashSlot } from "./key-slot";
import { buildHeader, sendOn, type BusCtx } from "./bus";
import { NODE_MASTER, NODE_MIGRATE_TO, NODE_MYSELF, NODE_REPLICA } from "./flags";
import type { BusHeader } from "./messages";
import { slotCount, withSlot, withoutSlot, type SlotRanges } from "./slots";
import { rangesOwnedInTable, setSlotOwner, slotOwnerOf } from "./slot-table";
import { TODO_FSYNC_CONFIG, TODO_SAVE_CONFIG, TODO_UPDATE_STATE, isMaster, isReplica, myself, type ClusterNodeState, type NodeId, type NodeView } from "./state";
import { replicationSetMasterOf } from "./replication-view";

/** Up to this many slots moved by one claim are updated in place (see updateSlotsConfigWith). */
const FEW_MOVED_SLOTS = 16;

/**
 * How slot ownership and roles change hands: the highest configEpoch wins each slot
 * (clusterUpdateSlotsConfigWith), stale nodes are told with UPDATE, a master that lost its last
 * slot follows whoever took them, and equal epochs are broken by node id
 * (clusterHandleConfigEpochCollision).
 */

/** Recomputes each affected node's `slots` and `numSlots` from the slot table. */
export function refreshOwnedSlots(s: ClusterNodeState, ids: Iterable<NodeId>): void {
  for (const id of ids) {
    const node = s.nodes[id];
    if (node === undefined) continue;
    node.slots = rangesOwnedInTable(s.slotOwner, id);
    node.numSlots = slotCount(node.slots);
  }
}

/** Binds every slot of `slots` to `owner` (CLUSTER ADDSLOTS at creation; promotion). */
export function bindSlots(s: ClusterNodeState, owner: NodeId, slots: SlotRanges): void {
  const affected = new Set<NodeId>([owner]);
  for (const [first, last] of slots) {
    for (let slot = first; slot <= last; slot++) {
      const previous = slotOwnerOf(s.slotOwner, slot);
      if (previous !== null) affected.add(previous);
      setSlotOwner(s.slotOwner, slot, owner);
    }
  }
  refreshOwnedSlots(s, affected);
}

/** clusterSetNodeAsMaster: mark `node` a master in my view. */
export function setNodeAsMaster(s: ClusterNodeState, node: NodeView): void {
  if (isMaster(node)) return;
  if (node.replicaOf !== null && (node.flags & NODE_MYSELF) === 0) node.flags |= NODE_MIGRATE_TO;
  node.flags = (node.flags & ~NODE_REPLICA) | NODE_MASTER;
  node.replicaOf = null;
  s.todoBeforeSleep |= TODO_SAVE_CONFIG | TODO_UPDATE_STATE;
}

/** clusterSetMaster: I become a replica of `master` and start replicating from it. */
export function becomeReplicaOf(s: ClusterNodeState, master: NodeView, ctx: BusCtx): void {
  const me = myself(s);
  if (isMaster(me)) me.flags = (me.flags & ~(NODE_MASTER | NODE_MIGRATE_TO)) | NODE_REPLICA;
  me.replicaOf = master.id;
  replicationSetMasterOf(s, ctx, master.port);
  resetManualFailover(s);
}

/** resetManualFailover (the master's client pause is lifted with it). */
export function resetManualFailover(s: ClusterNodeState): void {
  s.mfEndMs = 0;
  s.mfCanStart = false;
  s.mfReplica = null;
  s.mfMasterOffset = -1;
  s.clientsPausedUntilMs = 0;
}

/**
 * clusterUpdateSlotsConfigWith: `sender` claims `slots` with `senderConfigEpoch`. Each slot goes
 * to it if unbound here or bound to an owner with a smaller configEpoch. If that took the last
 * slot of my master (or mine), I follow the sender; slots I lose that still hold keys are emptied.
 */
export function updateSlotsConfigWith(s: ClusterNodeState, sender: NodeView, senderConfigEpoch: number, slots: SlotRanges, ctx: BusCtx): void {
  const me = myself(s);
  if (sender.id === me.id) {
    ctx.emit({ type: "updateAboutMyselfDiscarded" });
    return;
  }
  const curMaster = isMaster(me) ? me : me.replicaOf !== null ? s.nodes[me.replicaOf] : undefined;
  let newMaster: NodeView | null = null;
  let migratedOurSlots = 0;
  let dirtySlots: number[] = [];
  const slotsWithKeys = isMaster(me) ? slotsHoldingKeys(s) : new Set<number>();
  const affected = new Set<NodeId>([sender.id]);
  /** Pairs of (slot, previous owner) that went to the sender. */
  const moved: (number | NodeId | null)[] = [];
  // Looked up once: in trace mode each property read of the state is a proxy trap. The owners are
  // only read, so they are read without the recording proxies (unwrapRecorded).
  const table = s.slotOwner;
  const tableRead = unwrapRecorded(table);
  const nodesRead = unwrapRecorded(s.nodes);
  const senderId = sender.id;
  const myId = me.id;
  const curMasterId = curMaster === undefined ? undefined : curMaster.id;
  for (const [first, last] of slots) {
    for (let slot = first; slot <= last; slot++) {
      const ownerId = slotOwnerOf(tableRead, slot);
      if (ownerId === senderId) continue;
      const owner = ownerId === null ? undefined : nodesRead[ownerId];
      if (owner === undefined || owner.configEpoch < senderConfigEpoch) {
        if (ownerId === myId && slotsWithKeys.has(slot)) dirtySlots.push(slot);
        if (ownerId === curMasterId) {
          newMaster = sender;
          migratedOurSlots++;
        }
        if (ownerId !== null) affected.add(ownerId);
        setSlotOwner(table, slot, senderId);
        moved.push(slot, ownerId);
        s.todoBeforeSleep |= TODO_SAVE_CONFIG | TODO_UPDATE_STATE | TODO_FSYNC_CONFIG;
      }
    }
  }
  // A few slots changing hands (a reshard's one slot at a time) update the owners' sets in
  // place; many (a failover's whole range) recompute them from the table.
  if (moved.length <= 2 * FEW_MOVED_SLOTS) {
    for (let i = 0; i < moved.length; i += 2) {
      const slot = moved[i] as number;
      const from = moved[i + 1] as NodeId | null;
      const old = from === null ? undefined : s.nodes[from];
      if (old !== undefined) {
        old.slots = withoutSlot(old.slots, slot);
        old.numSlots = slotCount(old.slots);
      }
      sender.slots = withSlot(sender.slots, slot);
      sender.numSlots = slotCount(sender.slots);
    }
  } else {
    refreshOwnedSlots(s, affected);
  }

  const senderSlots = slotCount(slots);
  if (newMaster !== null && curMaster !== undefined && curMaster.numSlots === 0 && (s.config["cluster-allow-replica-migration"] || senderSlots === migratedOurSlots)) {
    ctx.emit({ type: "reconfiguredAsReplica", master: sender.id });
    becomeReplicaOf(s, sender, ctx);
    s.todoBeforeSleep |= TODO_SAVE_CONFIG | TODO_UPDATE_STATE | TODO_FSYNC_CONFIG;
  } else if (isReplica(me) && me.replicaOf !== null && isReplica(s.nodes[me.replicaOf]!) && s.nodes[me.replicaOf]!.replicaOf !== me.id) {
    const grandmaster = s.nodes[s.nodes[me.replicaOf]!.replicaOf ?? ""];
    if (grandmaster !== undefined) {
      ctx.emit({ type: "reconfiguredToGrandmaster", master: grandmaster.id });
      becomeReplicaOf(s, grandmaster, ctx);
      s.todoBeforeSleep |= TODO_SAVE_CONFIG | TODO_UPDATE_STATE | TODO_FSYNC_CONFIG;
    }
  } else if (dirtySlots.length > 0) {
    // The slots we lost while still holding keys: the keys go with them.
    const lost = new Set(dirtySlots);
    for (const key of Object.keys(s.data)) if (lost.has(keyHashSlot(key))) delete s.data[key];
    dirtySlots = [];
  }
}

function slotsHoldingKeys(s: ClusterNodeState): Set<number> {
  const slots = new Set<number>();
  for (const key of Object.keys(s.data)) slots.add(keyHashSlot(key));
  return slots;
}

/**
 * clusterProcessPacket, after a heartbeat whose slots differ from my table: tell the sender about
 * the first of its claimed slots that I know a newer owner of — one UPDATE per heartbeat, on my
 * outbound link to it, if I have one.
 */
export function sendUpdateIfStale(s: ClusterNodeState, sender: NodeView, header: BusHeader, ctx: BusCtx): void {
  // A read-only scan of up to 16384 slots: without the trace-mode recording proxies.
  const table = unwrapRecorded(s.slotOwner);
  const nodes = unwrapRecorded(s.nodes);
  const senderId = sender.id;
  for (const [first, last] of header.slots) {
    for (let slot = first; slot <= last; slot++) {
      const ownerId = slotOwnerOf(table, slot);
      if (ownerId === null || ownerId === senderId) continue;
      const owner = nodes[ownerId]!;
      if (owner.configEpoch <= header.configEpoch) continue;
      ctx.emit({ type: "updateSent", to: sender.id, about: owner.id });
      if (sender.link !== null) {
        sendOn(s, sender.link, { ...buildHeader(s), type: "update", about: owner.id, aboutConfigEpoch: owner.configEpoch, aboutSlots: shared(owner.slots) }, ctx);
      }
      return;
    }
  }
}

/** The UPDATE message: adopt the reported owner's newer claim. */
export function handleUpdate(s: ClusterNodeState, aboutId: NodeId, reportedEpoch: number, slots: SlotRanges, ctx: BusCtx): void {
  const about = s.nodes[aboutId];
  if (about === undefined || about.configEpoch >= reportedEpoch) return;
  if (isReplica(about)) setNodeAsMaster(s, about);
  about.configEpoch = reportedEpoch;
  updateSlotsConfigWith(s, about, reportedEpoch, slots, ctx);
}

/**
 * clusterHandleConfigEpochCollision: two masters with one configEpoch. The one with the smaller
 * node id takes a new epoch, so that every slot ends with one winner.
 */
export function handleConfigEpochCollision(s: ClusterNodeState, sender: NodeView, senderConfigEpoch: number, ctx: BusCtx): void {
  const me = myself(s);
  if (senderConfigEpoch !== me.configEpoch || !isMaster(sender) || !isMaster(me)) return;
  if (sender.id <= me.id) return;
  s.currentEpoch++;
  me.configEpoch = s.currentEpoch;
  s.todoBeforeSleep |= TODO_SAVE_CONFIG | TODO_FSYNC_CONFIG;
  ctx.emit({ type: "configEpochCollision", other: sender.id, epoch: me.configEpoch });
}

/**
 * clusterBumpConfigEpochWithoutConsensus (TAKEOVER, closing an import): take a fresh epoch unless
 * mine is already the unique maximum.
 */
export function bumpConfigEpochWithoutConsensus(s: ClusterNodeState, ctx: BusCtx): boolean {
  const me = myself(s);
  let maxEpoch = s.currentEpoch;
  for (const id of s.nodeOrder) if (s.nodes[id]!.configEpoch > maxEpoch) maxEpoch = s.nodes[id]!.configEpoch;
  if (me.configEpoch !== 0 && me.configEpoch === maxEpoch) return false;
  s.currentEpoch++;
  me.configEpoch = s.currentEpoch;
  s.todoBeforeSleep |= TODO_SAVE_CONFIG | TODO_FSYNC_CONFIG;
  ctx.emit({ type: "configEpochBumped", epoch: me.configEpoch });
  return true;
}
