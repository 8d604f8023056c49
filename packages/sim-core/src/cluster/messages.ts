import type { ClusterHealth, NodeId } from "./state";
import type { SlotRanges } from "./slots";

/**
 * Cluster bus messages (cluster.h clusterMsg). The binary layout is abstracted away; every field
 * Redis's failover logic reads is kept. Every message carries the header (clusterBuildMessageHdr).
 */
export interface BusHeader {
  readonly sender: NodeId;
  readonly port: number;
  /** The sender's own flags. */
  readonly flags: number;
  readonly currentEpoch: number;
  /** The configEpoch of the sender's master if it is a replica with a known master, else its own. */
  readonly configEpoch: number;
  /** master_repl_offset for a master, the processed offset for a replica. */
  readonly offset: number;
  /** The sender's master, or null when it is a master. */
  readonly replicaOf: NodeId | null;
  /** The slots of the sender's master (replica) or its own (master). */
  readonly slots: SlotRanges;
  /** CLUSTERMSG_FLAG0_PAUSED / FORCEACK. */
  readonly mflags: number;
  /** The sender's cluster state (receivers ignore it, as Redis does). */
  readonly state: ClusterHealth;
}

/** One gossip entry (clusterMsgDataGossip): the sender's view of another node. */
export interface GossipEntry {
  readonly id: NodeId;
  /** ping_sent / 1000 and pong_received / 1000: whole seconds, as on the wire. */
  readonly pingSentS: number;
  readonly pongReceivedS: number;
  readonly port: number;
  readonly flags: number;
}

export type ClusterMessage =
  | (BusHeader & { readonly type: "ping" | "pong" | "meet"; readonly gossip: readonly GossipEntry[] })
  | (BusHeader & { readonly type: "fail"; readonly about: NodeId })
  | (BusHeader & { readonly type: "update"; readonly about: NodeId; readonly aboutConfigEpoch: number; readonly aboutSlots: SlotRanges })
  | (BusHeader & { readonly type: "authRequest" | "authAck" | "mfstart" });

export type ClusterMessageType = ClusterMessage["type"];

/** The names CLUSTER INFO gives each type in its stats lines (clusterGetMessageTypeString). */
export const MESSAGE_STATS_NAME: Record<ClusterMessageType, string> = {
  ping: "ping",
  pong: "pong",
  meet: "meet",
  fail: "fail",
  update: "update",
  authRequest: "auth-req",
  authAck: "auth-ack",
  mfstart: "mfstart",
};

/** The order of types in CLUSTER INFO (their cluster.h numbers). */
export const MESSAGE_TYPE_ORDER: readonly ClusterMessageType[] = ["ping", "pong", "meet", "fail", "authRequest", "authAck", "update", "mfstart"];

/** The bus channel name on connections, and the bus port offset. */
export const BUS_CHANNEL = "cluster-bus";
