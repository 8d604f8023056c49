import type { Ctx, Message } from "../process/model";
import * as replication from "../replication";
import type { ClusterNodeState } from "./state";

/**
 * What the cluster model asks of replication (replication.c), in cluster.c's words. The cluster
 * node and a standalone server share the one replication model; this is the seam.
 */

/** master_repl_offset: what a master puts in its bus header. */
export function masterReplOffset(s: ClusterNodeState): number {
  return replication.masterReplOffset(s);
}

/** replicationGetSlaveOffset: a replica's processed offset (master or cached master), else 0. */
export function replicaProcessedOffset(s: ClusterNodeState): number {
  return replication.replicaProcessedOffset(s);
}

/** The inputs of the data-age rule (clusterHandleSlaveFailover), in whole seconds. */
export function replicaDataAgeInputs(s: ClusterNodeState): { linkUp: boolean; lastInteractionS: number; downSinceS: number } {
  return replication.dataAgeInputs(s);
}

/** Is a replication master configured (server.masterhost)? */
export function replicationHasMaster(s: ClusterNodeState): boolean {
  return replication.hasMaster(s);
}

/** replicationSetMaster toward the node listening on `port`. */
export function replicationSetMasterOf(s: ClusterNodeState, ctx: Ctx<Message>, port: number): void {
  replication.replicationSetMaster(s, ctx, String(port));
}

/** replicationUnsetMaster, on promotion. */
export function replicationPromote(s: ClusterNodeState, ctx: Ctx<Message>): void {
  replication.replicationUnsetMaster(s, ctx);
}
