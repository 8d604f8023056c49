/**
 * Redis 7.0.15's numbers, in one place, each under the name Redis gives it and with the file it
 * comes from. Defaults of configuration options are in `cluster/config.ts`, under the option's
 * own name; what is here is fixed in Redis's source.
 */

// ---- hash slots (cluster.h) --------------------------------------------------------------------
export const CLUSTER_SLOTS = 16384; // cluster.h
/** The bus port is the client port plus this, unless `cluster-port` says otherwise. */
export const CLUSTER_PORT_INCR = 10000; // cluster.h

// ---- timing (server.c, cluster.c, cluster.h) ---------------------------------------------------
/** clusterCron runs inside serverCron's run_with_period(100). */
export const CLUSTER_CRON_PERIOD_MS = 100; // server.c
/** Every 10th clusterCron call pings the best of 5 random peers. */
export const CLUSTER_RANDOM_PING_EVERY_TICKS = 10; // cluster.c:clusterCron
export const CLUSTER_RANDOM_PING_DRAWS = 5; // cluster.c:clusterCron
/** A failure report counts for this many node timeouts. */
export const CLUSTER_FAIL_REPORT_VALIDITY_MULT = 2; // cluster.h
/** A slot owner's FAIL is kept at least this many node timeouts before it may be undone. */
export const CLUSTER_FAIL_UNDO_TIME_MULT = 2; // cluster.h
export const CLUSTER_MF_TIMEOUT_MS = 5000; // cluster.h
/** The master pauses writes for CLUSTER_MF_TIMEOUT × this during a manual failover. */
export const CLUSTER_MF_PAUSE_MULT = 2; // cluster.h
export const CLUSTER_SLAVE_MIGRATION_DELAY_MS = 5000; // cluster.h
export const CLUSTER_CANT_FAILOVER_RELOG_PERIOD_S = 300; // cluster.h (60*5)
export const CLUSTER_MAX_REJOIN_DELAY_MS = 5000; // cluster.c
export const CLUSTER_MIN_REJOIN_DELAY_MS = 500; // cluster.c
/** A master that just started waits this long before declaring the cluster ok. */
export const CLUSTER_WRITABLE_DELAY_MS = 2000; // cluster.c
export const CLUSTER_BLACKLIST_TTL_S = 60; // cluster.c
/** clusterHandleSlaveFailover: 500 ms fixed + random() % 500 + 1000 ms per rank. */
export const CLUSTER_ELECTION_FIXED_DELAY_MS = 500; // cluster.c:clusterHandleSlaveFailover
export const CLUSTER_ELECTION_RANDOM_DELAY_MS = 500; // cluster.c:clusterHandleSlaveFailover
export const CLUSTER_ELECTION_RANK_DELAY_MS = 1000; // cluster.c:clusterHandleSlaveFailover
/** auth_timeout = max(2·NT, this). */
export const CLUSTER_MIN_AUTH_TIMEOUT_MS = 2000; // cluster.c:clusterHandleSlaveFailover
/** clusterLogCantFailover stays silent this long past NT after the master's FAIL. */
export const CLUSTER_CANT_FAILOVER_QUIET_MS = 5000; // cluster.c:clusterLogCantFailover
/** Handshake timeout = max(NT, this). */
export const CLUSTER_MIN_HANDSHAKE_TIMEOUT_MS = 1000; // cluster.c:clusterCron

// ---- node ids (cluster.h) ----------------------------------------------------------------------
export const CLUSTER_NAMELEN = 40; // cluster.h
/** Replication and run ids are 40 hex characters too. */
export const CONFIG_RUN_ID_SIZE = 40; // server.h
