/**
 * The numbers of master–replica replication (replication.c, server.h, config.c of Redis 7.0.15),
 * each under Redis's name where it has one, and the few choices the simulator makes on its own
 * (marked "simulator"). Options that a user can set live in RedisConfig under their own names.
 */

/** The kernel channel every replication link is opened on. */
export const REPLICATION_CHANNEL = "replication";

/**
 * The host arms this timer every REPLICATION_CRON_PERIOD_MS and calls `replicationCron`
 * (server.c: `run_with_period(1000) replicationCron()`).
 */
export const REPLICATION_CRON_TIMER = "replicationCron";
export const REPLICATION_CRON_PERIOD_MS = 1000; // server.c:serverCron

/**
 * Simulator: fires when a diskless RDB transfer finishes (the fork child's exit). The host hands
 * this timer event to `handleReplicationEvent`; `replicationCron` also finishes an overdue
 * transfer, so a host that forgets the timer is at most a second late, never stuck.
 */
export const REPLICATION_TRANSFER_TIMER = "replicationRdbTransfer";

/** A cleared replid2 (replication.c:clearReplicationId2). */
export const CLEARED_REPLID = "0".repeat(40);
/** Replication ids are 40 hex characters (server.h CONFIG_RUN_ID_SIZE), drawn as 20 random bytes. */
export const REPLID_RANDOM_BYTES = 20;

/** repl-backlog-size is never below this (server.h CONFIG_REPL_BACKLOG_MIN_SIZE). */
export const CONFIG_REPL_BACKLOG_MIN_SIZE = 16 * 1024; // server.h
/** The replication buffer is a list of blocks of this size (server.h PROTO_REPLY_CHUNK_BYTES). */
export const PROTO_REPLY_CHUNK_BYTES = 16 * 1024; // server.h

/** `repl-diskless-sync-delay` (default 5 s; `repl-diskless-sync yes` is the 7.0 default). */
export const REPL_DISKLESS_SYNC_DELAY_S = 5; // config.c

/**
 * Simulator: the payload rate of a diskless RDB transfer, about what a 1 Gbit/s LAN carries
 * once TCP/IP overhead is paid (the fork child serialises faster than that for plain strings).
 */
export const RDB_TRANSFER_BYTES_PER_SEC = 100_000_000;
/**
 * Simulator: fork and pipe set-up, for any size of data. Real 7.0.15 on loopback took 2 ms from
 * `Starting BGSAVE for SYNC` to the replica's `Finished with success` for an empty or tiny
 * dataset (docs/observations/redis-7.0.15, e.g. shutdown/redis-7002.log and redis-7004.log).
 */
export const RDB_TRANSFER_SETUP_US = 2_000;
/**
 * Simulator: the bytes of an RDB that do not depend on the keys: "REDIS0010", the aux fields
 * (redis-ver, redis-bits, ctime, used-mem, repl-stream-db, repl-id, repl-offset, aof-base),
 * SELECTDB + RESIZEDB, the EOF opcode and the CRC64, and the diskless `$EOF:<40>` framing.
 */
export const RDB_FIXED_BYTES = 9 + 156 + 7 + 9 + 47 + 40;

/** Every process listens on loopback (CONTRACTS §2). */
export const REPLICATION_HOST = "127.0.0.1";

/** The wire cost of the commands the stream carries (RESP multibulk). */
export const RESP_PING_BYTES = 14; // "*1\r\n$4\r\nPING\r\n"

/** processCommand's refusal when min-replicas-to-write is not met (the error, without "-"). */
export const NOREPLICAS_ERROR = "NOREPLICAS Not enough good replicas to write.";
/** processCommand's refusal of a write on a read-only replica (the error, without "-"). */
export const READONLY_ERROR = "READONLY You can't write against a read only replica.";
/** syncCommand's refusal when this server is a replica whose own master link is down. */
export const NOMASTERLINK_ERROR = "-NOMASTERLINK Can't SYNC while not connected with my master";

/** Options Redis has that RedisConfig does not carry: their 7.0 defaults (config.c). */
export const REPLICA_READ_ONLY_DEFAULT = true; // replica-read-only yes
export const REPLICA_ANNOUNCED_DEFAULT = true; // replica-announced yes
