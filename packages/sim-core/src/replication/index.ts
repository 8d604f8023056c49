import { assert } from "../kernel/assert";
import type { Ctx, ProcessEvent } from "../process/model";
import { clearReplicationId2, freeReplicationBacklog } from "./backlog";
import { REPLICATION_CHANNEL, REPLICATION_TRANSFER_TIMER } from "./constants";
import {
  acceptReplicationClient,
  finishRdbTransferIfDone,
  freeReplicaClient,
  handleMasterSideClosed,
  handleMasterSideMessage,
  refreshGoodReplicasCount,
  replicationFeedSlaves,
  replicationStartPendingFork,
} from "./master";
import { onMasterLinkClosed, onMasterLinkConnectFailed, onMasterLinkConnected, onMasterLinkMessage, replicaCron } from "./replica";
import { isReplicationMessage, newReplid, unixSeconds, type ServerCore } from "./state";
import { replCommand, replSetCommand } from "./stream";

/**
 * Master–replica replication (PSYNC2) of Redis 7.0.15, as a module that a host process model
 * embeds: a Redis Cluster node, or a standalone server watched by Sentinel. The host's state
 * extends ServerCore; the host
 * - arms REPLICATION_CRON_TIMER every second and calls `replicationCron`;
 * - hands every other kernel event that may be replication's to `handleReplicationEvent`
 *   (connections on REPLICATION_CHANNEL, messages and closes of connections it does not own,
 *   and timers it does not own — REPLICATION_TRANSFER_TIMER among them);
 * - calls `replicationSetMaster` / `replicationUnsetMaster` on REPLICAOF, failover or promotion,
 *   and `propagateWrite` for each write a client makes on a master (after `minReplicasWriteError`);
 * - persists with `persistReplication` and restores with `restoreReplication`.
 */

export * from "./constants";
export * from "./state";
export * from "./stream";
export * from "./persistence";
export * from "./info";
export { backlogSizeBytes } from "./backlog";
export { psyncDecision, rdbTransferUs, type PsyncDecision } from "./master";
export { replicationSetMaster, replicationUnsetMaster } from "./replica";
export type { ReplicationEvent, ReplicationEventType } from "./events";

/**
 * Hands a kernel event to replication. Returns true when it was replication's (a connection on
 * REPLICATION_CHANNEL or one this state knows, or REPLICATION_TRANSFER_TIMER), false otherwise.
 */
export function handleReplicationEvent(core: ServerCore, event: ProcessEvent, ctx: Ctx): boolean {
  const rs = core.replication;
  switch (event.type) {
    case "timer":
      if (event.name !== REPLICATION_TRANSFER_TIMER) return false;
      finishRdbTransferIfDone(core, ctx);
      return true;
    case "accepted":
      if (event.channel !== REPLICATION_CHANNEL) return false;
      acceptReplicationClient(core, event.conn, event.peer);
      return true;
    case "connected":
      if (event.conn === rs.link) onMasterLinkConnected(core, ctx);
      else if (event.channel === REPLICATION_CHANNEL) ctx.close(event.conn); // a link we gave up on
      else return false;
      return true;
    case "connectFailed":
      if (event.conn === rs.link) onMasterLinkConnectFailed(core, ctx, "Connection refused");
      else if (event.channel !== REPLICATION_CHANNEL) return false;
      return true;
    case "message":
      if (event.conn === rs.link) {
        if (isReplicationMessage(event.message)) onMasterLinkMessage(core, ctx, event.message);
        return true;
      }
      if (!isReplicationMessage(event.message)) return false;
      return handleMasterSideMessage(core, ctx, event.conn, event.message);
    case "closed":
      if (event.conn === rs.link) {
        onMasterLinkClosed(core, ctx, event.reason);
        return true;
      }
      return handleMasterSideClosed(core, ctx, event.conn);
    default:
      return false;
  }
}

export interface ReplicationCronOptions {
  /**
   * Skip the replication PING this run: Redis does while clients are paused for a manual
   * failover (cluster mf_end, or a FAILOVER command), so the offsets stay where the failover
   * compares them.
   */
  readonly suppressPing?: boolean;
}

/**
 * replicationCron (7.0.15), once a second: the replica's timeouts, reconnection and ACK; the
 * master's PING every repl-ping-replica-period runs, replica timeouts, backlog time to live,
 * the delayed diskless fork, and the good-replica count.
 */
export function replicationCron(core: ServerCore, ctx: Ctx, options: ReplicationCronOptions = {}): void {
  const rs = core.replication;
  replicaCron(core, ctx);

  const now = unixSeconds(ctx);
  const pingPeriod = core.config["repl-ping-replica-period"];
  if (pingPeriod > 0 && rs.cronLoops % pingPeriod === 0 && rs.replicas.length > 0 && !options.suppressPing) {
    replicationFeedSlaves(core, ctx, replCommand({ op: "ping" }));
  }

  // Replicas online that stopped ACKing.
  const timeout = core.config["repl-timeout"];
  for (let i = 0; i < rs.replicas.length; ) {
    const r = rs.replicas[i]!;
    if (r.state === "online" && now - r.ackTime > timeout) {
      ctx.emit({ type: "replicaTimedOut", replica: r.peer, silentS: now - r.ackTime });
      freeReplicaClient(core, ctx, i);
      continue;
    }
    i++;
  }

  // A master alone long enough gives its backlog back, and starts a new history.
  const ttl = core.config["repl-backlog-ttl"];
  if (rs.replicas.length === 0 && ttl > 0 && rs.backlog !== null && rs.masterHost === null && now - rs.noReplicasSince > ttl) {
    rs.replid = newReplid(ctx);
    clearReplicationId2(rs);
    freeReplicationBacklog(rs);
    ctx.emit({ type: "backlogFreed", afterSeconds: ttl });
  }

  finishRdbTransferIfDone(core, ctx);
  replicationStartPendingFork(core, ctx);
  refreshGoodReplicasCount(core, ctx);
  rs.cronLoops++;
}

/**
 * A client's write executed on a master (`SET key value`, or `DEL key` when `value` is null):
 * applied to the dataset and propagated, a SELECT first if the stream needs one. A DEL of a
 * missing key changes nothing and is not propagated, as in Redis. The host checks
 * `minReplicasWriteError` (and READONLY on replicas) before calling this.
 */
/** A PUBLISH executed on a master goes into its replication stream too (a replica's does not). */
export function propagatePublish(core: ServerCore, ctx: Ctx, channel: string, message: string): void {
  if (core.replication.masterHost !== null) return;
  replicationFeedSlaves(core, ctx, replCommand({ op: "publish", channel, message }));
}

export function propagateWrite(core: ServerCore, ctx: Ctx, key: string, value: string | null): void {
  assert(core.replication.masterHost === null, () => `${ctx.self} propagated a write of "${key}" while it is a replica of ${core.replication.masterHost}`);
  if (value === null) {
    if (!Object.prototype.hasOwnProperty.call(core.data, key)) return;
    delete core.data[key];
    replicationFeedSlaves(core, ctx, replCommand({ op: "del", key }));
  } else {
    core.data[key] = value;
    replicationFeedSlaves(core, ctx, replSetCommand(key, value));
  }
}
