import { backlogSizeBytes } from "./backlog";
import { NOREPLICAS_ERROR, REPLICATION_HOST, REPLICA_ANNOUNCED_DEFAULT, REPLICA_READ_ONLY_DEFAULT } from "./constants";
import { transferLastIoSeconds, type ReplicaClientState, type ServerCore } from "./state";

/**
 * What others read of a server's replication: the offsets the cluster bus carries, the inputs
 * of the failover rules, the min-replicas check, and the `INFO replication` text. Pure functions
 * of the state (and of the clock, where Redis reads it), so report can call them on a state
 * rebuilt from the trace.
 */

/** A clock to read: `nowUs` for the simulated instant, `wallMs()` for the process's wall clock. */
export interface ClockView {
  readonly nowUs: number;
  wallMs(): number;
}

/** master_repl_offset. */
export function masterReplOffset(core: ServerCore): number {
  return core.replication.masterReplOffset;
}

/** Is a master configured (server.masterhost != NULL)? */
export function hasMaster(core: ServerCore): boolean {
  return core.replication.masterHost !== null;
}

/** replicationGetSlaveOffset: the processed offset of the master or cached master; 0 if neither, or on a master. */
export function replicaProcessedOffset(core: ServerCore): number {
  const rs = core.replication;
  if (rs.masterHost === null) return 0;
  const offset = rs.master?.reploff ?? rs.cachedMaster?.reploff ?? 0;
  return offset < 0 ? 0 : offset;
}

/** master_link_status:up (repl_state == CONNECTED). */
export function masterLinkUp(core: ServerCore): boolean {
  return core.replication.replState === "connected";
}

/** connected_slaves: every replica client, including those still syncing. */
export function replicaCount(core: ServerCore): number {
  return core.replication.replicas.length;
}

/** Replicas in state online. */
export function onlineReplicaCount(core: ServerCore): number {
  return core.replication.replicas.filter((r) => r.state === "online").length;
}

/**
 * The inputs of cluster.c's data-age rule (clusterHandleSlaveFailover), in unix seconds: with the
 * link up the age counts from the master's last interaction, else from repl_down_since.
 */
export function dataAgeInputs(core: ServerCore): { linkUp: boolean; lastInteractionS: number; downSinceS: number } {
  const rs = core.replication;
  return { linkUp: rs.replState === "connected", lastInteractionS: rs.master?.lastInteraction ?? 0, downSinceS: rs.downSince };
}

/** The role character of a log line's prefix: `S` with a master configured, else `M`. */
export function replicationRoleChar(core: ServerCore): "S" | "M" {
  return core.replication.masterHost === null ? "M" : "S";
}

/** repl_good_slaves_count as last refreshed (replicationCron, replica online or freed, partial resync). */
export function goodReplicasCount(core: ServerCore): number {
  return core.replication.goodReplicas;
}

/**
 * checkGoodReplicasStatus, as processCommand applies it to a write: the exact error when the
 * write must be refused (`NOREPLICAS Not enough good replicas to write.`, without the "-"), or
 * null. Only a master refuses, only with both min-replicas options non-zero.
 */
export function minReplicasWriteError(core: ServerCore): string | null {
  const toWrite = core.config["min-replicas-to-write"];
  const maxLag = core.config["min-replicas-max-lag"];
  if (core.replication.masterHost !== null || toWrite === 0 || maxLag === 0) return null;
  return core.replication.goodReplicas >= toWrite ? null : NOREPLICAS_ERROR;
}

/** replstateToString. */
function replicaStateText(state: ReplicaClientState): string {
  return state === "online" ? "online" : "wait_bgsave";
}

/**
 * The `# Replication` section of INFO, exactly as server.c:genRedisInfoString prints it in
 * 7.0.15: every line ends in "\r\n". FAILOVER is not modelled: master_failover_state is
 * always no-failover.
 */
export function infoReplication(core: ServerCore, clock: ClockView): string {
  const rs = core.replication;
  const now = Math.floor(clock.wallMs() / 1000);
  const lines: string[] = ["# Replication", `role:${rs.masterHost === null ? "master" : "slave"}`];
  if (rs.masterHost !== null) {
    const processed = rs.master?.reploff ?? rs.cachedMaster?.reploff ?? 1;
    lines.push(
      `master_host:${REPLICATION_HOST}`,
      `master_port:${Number(rs.masterHost)}`,
      `master_link_status:${rs.replState === "connected" ? "up" : "down"}`,
      `master_last_io_seconds_ago:${rs.master !== null ? now - rs.master.lastInteraction : -1}`,
      `master_sync_in_progress:${rs.replState === "transfer" ? 1 : 0}`,
      `slave_read_repl_offset:${processed}`,
      `slave_repl_offset:${processed}`,
    );
    if (rs.replState === "transfer") {
      // A diskless transfer is framed with an EOF mark: Redis's transfer size is 0 once the
      // mark is read, so total is 0, left is negative and the percentage stays 0.00.
      const sync = rs.sync;
      const elapsedUs = sync === null ? 0 : Math.min(clock.nowUs - sync.startedUs, sync.transferUs);
      const read = sync === null || sync.transferUs === 0 ? 0 : Math.floor((sync.rdbBytes * elapsedUs) / sync.transferUs);
      lines.push(
        "master_sync_total_bytes:0",
        `master_sync_read_bytes:${read}`,
        `master_sync_left_bytes:${-read}`,
        "master_sync_perc:0.00",
        `master_sync_last_io_seconds_ago:${now - transferLastIoSeconds(core, clock)}`,
      );
    }
    if (rs.replState !== "connected") lines.push(`master_link_down_since_seconds:${rs.downSince !== 0 ? now - rs.downSince : -1}`);
    lines.push(
      `slave_priority:${core.config["replica-priority"]}`,
      `slave_read_only:${REPLICA_READ_ONLY_DEFAULT ? 1 : 0}`,
      `replica_announced:${REPLICA_ANNOUNCED_DEFAULT ? 1 : 0}`,
    );
  }
  lines.push(`connected_slaves:${rs.replicas.length}`);
  if (core.config["min-replicas-to-write"] !== 0 && core.config["min-replicas-max-lag"] !== 0) lines.push(`min_slaves_good_slaves:${rs.goodReplicas}`);
  rs.replicas.forEach((r, i) => {
    const lag = r.state === "online" ? now - r.ackTime : 0;
    lines.push(`slave${i}:ip=${REPLICATION_HOST},port=${r.listeningPort},state=${replicaStateText(r.state)},offset=${r.ackOffset},lag=${lag}`);
  });
  const backlog = rs.backlog;
  lines.push(
    "master_failover_state:no-failover",
    `master_replid:${rs.replid}`,
    `master_replid2:${rs.replid2}`,
    `master_repl_offset:${rs.masterReplOffset}`,
    `second_repl_offset:${rs.secondReplIdOffset}`,
    `repl_backlog_active:${backlog !== null ? 1 : 0}`,
    `repl_backlog_size:${backlogSizeBytes(core.config)}`,
    `repl_backlog_first_byte_offset:${backlog !== null ? backlog.offset : 0}`,
    `repl_backlog_histlen:${backlog !== null ? backlog.histlen : 0}`,
  );
  return lines.map((line) => line + "\r\n").join("");
}
