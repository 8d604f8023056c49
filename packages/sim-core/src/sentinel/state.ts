import type { ConnId } from "../process/model";
import type { SentinelInstanceRef } from "./events";

/**
 * One Sentinel's state (sentinel.c: `struct sentinelState` and `sentinelRedisInstance`), as plain
 * objects: no classes, no Maps, so it runs under immer unchanged. Dicts are arrays kept in a
 * seeded order (Redis's dicts iterate in a per-process pseudo-random order, §1.2).
 * All times are this process's wall-clock ms (mstime()).
 */

// ---- constants (sentinel.c, 7.0.15) ----------------------------------------------------------------
export const SENTINEL_PING_PERIOD_MS = 1000; // sentinel.c SENTINEL_PING_PERIOD
export const SENTINEL_INFO_PERIOD_MS = 10_000; // sentinel_info_period
export const SENTINEL_INFO_PERIOD_FAST_MS = 1000; // replicas of a master in ODOWN/failover
export const SENTINEL_ASK_PERIOD_MS = 1000; // sentinel_ask_period
export const SENTINEL_PUBLISH_PERIOD_MS = 2000; // sentinel_publish_period
export const SENTINEL_DEFAULT_DOWN_AFTER_MS = 30_000; // sentinel_default_down_after
export const SENTINEL_TILT_TRIGGER_MS = 2000; // sentinel_tilt_trigger
export const SENTINEL_TILT_PERIOD_MS = SENTINEL_PING_PERIOD_MS * 30; // sentinel_tilt_period
export const SENTINEL_SLAVE_RECONF_TIMEOUT_MS = 10_000; // sentinel_slave_reconf_timeout
export const SENTINEL_MIN_LINK_RECONNECT_PERIOD_MS = 15_000; // sentinel_min_link_reconnect_period
export const SENTINEL_ELECTION_TIMEOUT_MS = 10_000; // sentinel_election_timeout
export const SENTINEL_DEFAULT_FAILOVER_TIMEOUT_MS = 180_000; // sentinel_default_failover_timeout
export const SENTINEL_DEFAULT_SLAVE_PRIORITY = 100; // sentinel.c
export const SENTINEL_DEFAULT_PARALLEL_SYNCS = 1; // sentinel.c
export const SENTINEL_MAX_PENDING_COMMANDS = 100; // sentinel.c
export const SENTINEL_MAX_DESYNC_MS = 1000; // sentinel.c
export const SENTINEL_HELLO_CHANNEL = "__sentinel__:hello"; // sentinel.c
/** server.h CONFIG_DEFAULT_HZ: Sentinel's timer runs at 10 + rand() % 10 Hz. */
export const CONFIG_DEFAULT_HZ = 10; // server.h
/** Every process listens on loopback (CONTRACTS §2). */
export const SENTINEL_IP = "127.0.0.1";

// ---- flags (sentinel.c SRI_*) --------------------------------------------------------------------
export const SRI_MASTER = 1 << 0;
export const SRI_SLAVE = 1 << 1;
export const SRI_SENTINEL = 1 << 2;
export const SRI_S_DOWN = 1 << 3;
export const SRI_O_DOWN = 1 << 4;
export const SRI_MASTER_DOWN = 1 << 5;
export const SRI_FAILOVER_IN_PROGRESS = 1 << 6;
export const SRI_PROMOTED = 1 << 7;
export const SRI_RECONF_SENT = 1 << 8;
export const SRI_RECONF_INPROG = 1 << 9;
export const SRI_RECONF_DONE = 1 << 10;
export const SRI_FORCE_FAILOVER = 1 << 11;

export type FailoverState = "none" | "wait_start" | "select_slave" | "send_slaveof_noone" | "wait_promotion" | "reconf_slaves" | "update_config";
const FAILOVER_ORDER: readonly FailoverState[] = ["none", "wait_start", "select_slave", "send_slaveof_noone", "wait_promotion", "reconf_slaves", "update_config"];
export function failoverStateIndex(state: FailoverState): number {
  return FAILOVER_ORDER.indexOf(state);
}

/** What a reply on the command link answers (the callback hiredis would call). */
export type PendingKind = "ping" | "info" | "publish" | "isMasterDown" | "discard";

export interface PendingCommand {
  readonly id: number;
  readonly kind: PendingKind;
}

/** instanceLink: the command and pub/sub connections to one instance, and their clocks. */
export interface InstanceLink {
  /** A connect in progress counts as a link, as hiredis's async connect does. */
  cc: ConnId | null;
  pc: ConnId | null;
  ccConnTime: number;
  pcConnTime: number;
  pcLastActivity: number;
  lastReconnTime: number;
  /** Commands sent on cc whose replies have not come (pending_commands). */
  pending: PendingCommand[];
  /** Time of the oldest unanswered PING, 0 when none (act_ping_time). */
  actPingTime: number;
  lastPingTime: number;
  lastPongTime: number;
  lastAvailTime: number;
}

/** sentinelRedisInstance: a master, a replica or another Sentinel, as this Sentinel sees it. */
export interface Sri {
  flags: number;
  name: string;
  port: number;
  runId: string | null;
  link: InstanceLink;
  lastPubTime: number;
  lastHelloTime: number;
  lastMasterDownReplyTime: number;
  sDownSinceTime: number;
  oDownSinceTime: number;
  downAfterMs: number;
  infoRefresh: number;
  roleReported: "master" | "slave";
  roleReportedTime: number;
  masterLinkDownTime: number;
  slavePriority: number;
  slaveReplOffset: number;
  slaveMasterHost: string | null;
  slaveMasterPort: number;
  slaveMasterLinkUp: boolean;
  slaveConfChangeTime: number;
  slaveReconfSentTime: number;
  /** On a sentinel SRI: its vote as it told us. On the master: our own vote. */
  leader: string | null;
  leaderEpoch: number;
}

export interface MasterSri extends Sri {
  quorum: number;
  parallelSyncs: number;
  failoverTimeoutMs: number;
  configEpoch: number;
  failoverEpoch: number;
  failoverState: FailoverState;
  failoverStateChangeTime: number;
  failoverStartTime: number;
  /** failover_delay_logged: the failover_start_time the "Next failover delay" line was logged for. */
  failoverDelayLogged: number;
  /** The promoted replica's name (`127.0.0.1:<port>`). */
  promotedSlave: string | null;
  slaves: Sri[];
  sentinels: Sri[];
}

export interface SentinelConfig {
  /** ms (`sentinel down-after-milliseconds <name> <ms>`). */
  readonly "down-after-milliseconds": number;
  readonly "parallel-syncs": number;
  /** ms. */
  readonly "failover-timeout": number;
}

export const SENTINEL_DEFAULTS: SentinelConfig = {
  "down-after-milliseconds": SENTINEL_DEFAULT_DOWN_AFTER_MS,
  "parallel-syncs": SENTINEL_DEFAULT_PARALLEL_SYNCS,
  "failover-timeout": SENTINEL_DEFAULT_FAILOVER_TIMEOUT_MS,
};

export interface SentinelState {
  port: number;
  myId: string;
  currentEpoch: number;
  tilt: boolean;
  tiltStartTime: number;
  previousTime: number;
  master: MasterSri;
  nextCommandId: number;
}

export function createInstanceLink(now: number): InstanceLink {
  return { cc: null, pc: null, ccConnTime: 0, pcConnTime: 0, pcLastActivity: 0, lastReconnTime: 0, pending: [], actPingTime: now, lastPingTime: 0, lastPongTime: now, lastAvailTime: now };
}

/** createSentinelRedisInstance's defaults. */
export function createSri(flags: number, name: string, port: number, downAfterMs: number, now: number): Sri {
  return {
    flags,
    name,
    port,
    runId: null,
    link: createInstanceLink(now),
    lastPubTime: now,
    lastHelloTime: now,
    lastMasterDownReplyTime: now,
    sDownSinceTime: 0,
    oDownSinceTime: 0,
    downAfterMs,
    infoRefresh: 0,
    roleReported: (flags & SRI_SLAVE) !== 0 ? "slave" : "master",
    roleReportedTime: now,
    masterLinkDownTime: 0,
    slavePriority: SENTINEL_DEFAULT_SLAVE_PRIORITY,
    slaveReplOffset: 0,
    slaveMasterHost: null,
    slaveMasterPort: 0,
    slaveMasterLinkUp: false,
    slaveConfChangeTime: now,
    slaveReconfSentTime: 0,
    leader: null,
    leaderEpoch: 0,
  };
}

export function replicaName(port: number): string {
  return `${SENTINEL_IP}:${port}`;
}

export function isDisconnected(ri: Sri): boolean {
  return ri.link.cc === null || ((ri.flags & (SRI_MASTER | SRI_SLAVE)) !== 0 && ri.link.pc === null);
}

export function instanceRef(s: SentinelState, ri: Sri): SentinelInstanceRef {
  const m = s.master;
  const kind = (ri.flags & SRI_MASTER) !== 0 ? "master" : (ri.flags & SRI_SLAVE) !== 0 ? "slave" : "sentinel";
  return { kind, name: ri.name, ip: SENTINEL_IP, port: ri.port, master: kind === "master" ? null : { name: m.name, ip: SENTINEL_IP, port: m.port } };
}
