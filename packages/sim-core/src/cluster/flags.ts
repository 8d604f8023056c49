/**
 * A node's flags as cluster.h numbers them, kept as one bit set like Redis does, so that gossip
 * carries them as a number and CLUSTER NODES prints them in Redis's fixed order.
 */
export const NODE_MASTER = 1; // CLUSTER_NODE_MASTER
export const NODE_REPLICA = 2; // CLUSTER_NODE_SLAVE
export const NODE_PFAIL = 4; // CLUSTER_NODE_PFAIL: "fail?"
export const NODE_FAIL = 8; // CLUSTER_NODE_FAIL
export const NODE_MYSELF = 16; // CLUSTER_NODE_MYSELF
export const NODE_HANDSHAKE = 32; // CLUSTER_NODE_HANDSHAKE
export const NODE_NOADDR = 64; // CLUSTER_NODE_NOADDR
export const NODE_MEET = 128; // CLUSTER_NODE_MEET (not printed)
export const NODE_MIGRATE_TO = 256; // CLUSTER_NODE_MIGRATE_TO (not printed)
export const NODE_NOFAILOVER = 512; // CLUSTER_NODE_NOFAILOVER

/** Header mflags (cluster.h CLUSTERMSG_FLAG0_*). */
export const MFLAG_PAUSED = 1;
export const MFLAG_FORCEACK = 2;

/** clusterGenNodeDescription's order: myself,master,slave,fail?,fail,handshake,noaddr,nofailover. */
const PRINTED: readonly [number, string][] = [
  [NODE_MYSELF, "myself"],
  [NODE_MASTER, "master"],
  [NODE_REPLICA, "slave"],
  [NODE_PFAIL, "fail?"],
  [NODE_FAIL, "fail"],
  [NODE_HANDSHAKE, "handshake"],
  [NODE_NOADDR, "noaddr"],
  [NODE_NOFAILOVER, "nofailover"],
];

export function formatNodeFlags(flags: number): string {
  const names = PRINTED.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
  return names.length === 0 ? "noflags" : names.join(",");
}

export const isFailing = (flags: number): boolean => (flags & (NODE_PFAIL | NODE_FAIL)) !== 0;
