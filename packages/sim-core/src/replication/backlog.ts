import { assert } from "../kernel/assert";
import type { RedisConfig } from "../redis-config";
import { CLEARED_REPLID, CONFIG_REPL_BACKLOG_MIN_SIZE, PROTO_REPLY_CHUNK_BYTES } from "./constants";
import type { ReplicationState } from "./state";
import { copyCommand, type ReplCommand } from "./stream";

/**
 * The replication backlog and the replication ids (replication.c: createReplicationBacklog,
 * freeReplicationBacklog, feedReplicationBuffer, changeReplicationId, clearReplicationId2).
 */

/** repl-backlog-size, never below 16 KiB (resizeReplicationBacklog). */
export function backlogSizeBytes(config: RedisConfig): number {
  return Math.max(config["repl-backlog-size"], CONFIG_REPL_BACKLOG_MIN_SIZE);
}

/** createReplicationBacklog: empty, and its first byte is the next byte the stream will get. */
export function createReplicationBacklog(rs: ReplicationState): void {
  assert(rs.backlog === null, "createReplicationBacklog: a backlog exists already");
  rs.backlog = { offset: rs.masterReplOffset + 1, histlen: 0, blocks: [] };
}

/** freeReplicationBacklog: only without replicas (Redis asserts it). */
export function freeReplicationBacklog(rs: ReplicationState): void {
  assert(rs.replicas.length === 0, "freeReplicationBacklog with replicas attached");
  rs.backlog = null;
}

/** clearReplicationId2: replid2 = '0'×40, second_replid_offset = -1. */
export function clearReplicationId2(rs: ReplicationState): void {
  rs.replid2 = CLEARED_REPLID;
  rs.secondReplIdOffset = -1;
}

/**
 * feedReplicationBuffer for a run of commands: they get consecutive offsets after
 * master_repl_offset, which advances only while a backlog exists. Returns whether they were fed
 * (not without a backlog).
 */
export function feedBacklog(rs: ReplicationState, config: RedisConfig, commands: readonly ReplCommand[]): boolean {
  const backlog = rs.backlog;
  if (backlog === null) return false;
  const size = backlogSizeBytes(config);
  const blocks = backlog.blocks;
  for (const cmd of commands) {
    const bytes = cmd.bytes;
    let last = blocks[blocks.length - 1];
    if (last === undefined || last.bytes >= PROTO_REPLY_CHUNK_BYTES) {
      last = { firstOffset: rs.masterReplOffset + 1, bytes: 0, commands: [] };
      blocks.push(last);
    }
    rs.masterReplOffset += bytes;
    last.commands.push(cmd);
    last.bytes += bytes;
    backlog.histlen = Math.min(backlog.histlen + bytes, size);
  }
  backlog.offset = rs.masterReplOffset - backlog.histlen + 1;
  trimBacklogBlocks(rs);
  return true;
}

/**
 * Drops the head blocks that neither the backlog's range nor a replica waiting for its output
 * buffer (after its RDB) still reaches (7.0 never frees a block a replica references).
 */
export function trimBacklogBlocks(rs: ReplicationState): void {
  const backlog = rs.backlog;
  if (backlog === null) return;
  let keepFrom = backlog.offset;
  for (const r of rs.replicas) {
    if (r.state !== "wait_bgsave_start" && !r.streaming && r.sentOffset + 1 < keepFrom) keepFrom = r.sentOffset + 1;
  }
  let drop = 0;
  while (drop < backlog.blocks.length - 1) {
    const block = backlog.blocks[drop]!;
    if (block.firstOffset + block.bytes - 1 >= keepFrom) break;
    drop++;
  }
  if (drop > 0) backlog.blocks.splice(0, drop);
}

/**
 * Copies of the commands held from `fromOffset` to master_repl_offset (addReplyReplicationBacklog,
 * and the output buffer of a replica that waited for its RDB). `fromOffset` must be the first
 * byte of a command, or master_repl_offset + 1 (nothing to send).
 */
export function backlogCommandsFrom(rs: ReplicationState, fromOffset: number): ReplCommand[] {
  const out: ReplCommand[] = [];
  if (fromOffset > rs.masterReplOffset) return out;
  const backlog = rs.backlog;
  assert(backlog !== null, `backlog read from offset ${fromOffset} without a backlog`);
  let found = false;
  for (const block of backlog.blocks) {
    if (block.firstOffset + block.bytes - 1 < fromOffset) continue;
    // Each command's offset follows from the block's first one and the bytes before it.
    let offset = block.firstOffset;
    for (const cmd of block.commands) {
      const bytes = cmd.bytes;
      if (!found) {
        if (offset + bytes - 1 < fromOffset) {
          offset += bytes;
          continue;
        }
        const at = offset;
        assert(at === fromOffset, () => `backlog read from offset ${fromOffset}, inside the command at ${at} (${bytes} bytes)`);
        found = true;
      }
      out.push(copyCommand(cmd));
      offset += bytes;
    }
  }
  assert(found, () => `backlog read from offset ${fromOffset}: no command held there (master_repl_offset ${rs.masterReplOffset})`);
  return out;
}
