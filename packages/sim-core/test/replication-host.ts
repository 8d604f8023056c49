import { keyedRecord } from "../src/keyed-record";
import type { Ctx, Micros, ProcessId, ProcessModel } from "../src/index";
import { redisConfig, type RedisConfig } from "../src/redis-config";
import {
  READONLY_ERROR,
  REPLICATION_CRON_TIMER,
  hasMaster,
  handleReplicationEvent,
  initialReplication,
  minReplicasWriteError,
  persistReplication,
  propagateWrite,
  replicationCron,
  replicationSetMaster,
  replicationUnsetMaster,
  replicaOfAtBoot,
  restoreReplication,
  type PersistedReplication,
  type ReplicationMessage,
  type ServerCore,
} from "../src/replication/index";

/**
 * A tiny Redis server for the replication tests: its state is a ServerCore, it runs
 * replicationCron every second, hands every other event to handleReplicationEvent, and runs
 * scripted commands (writes, REPLICAOF) at given instants of simulated time.
 */
export interface HostState extends ServerCore {
  /** Replies to the scripted writes, in order: "OK" or the error. */
  replies: string[];
  /** Values the scripts wrote down (see `mark`). */
  marks: number[];
}

export interface HostScript {
  /** Simulated µs since the start of the run. A step runs once, if the process is up then. */
  readonly atUs: number;
  readonly act: (state: HostState, ctx: Ctx) => void;
}

export interface HostOptions {
  readonly port: number;
  readonly config?: Partial<RedisConfig>;
  /** REPLICAOF at start, and again after every restart (as the cluster's clusterCron would). */
  readonly replicaOf?: ProcessId;
  /** `replicaof` in the config file: a replica from boot, connecting at the first replicationCron. */
  readonly configReplicaOf?: ProcessId;
  readonly script?: readonly HostScript[];
}

export const CRON_PERIOD_US = 1_000_000 as Micros;

export function replicationHost(options: HostOptions): ProcessModel<HostState, ReplicationMessage, PersistedReplication> {
  const config = redisConfig(options.config ?? {});
  const script = options.script ?? [];
  const fresh = (ctx: Parameters<ProcessModel<HostState>["init"]>[0]): HostState => ({
    port: options.port,
    config,
    data: keyedRecord(),
    replication: initialReplication(ctx),
    replies: [],
    marks: [],
  });
  return {
    kind: "replication-test-host",
    init: (ctx) => {
      const state = fresh(ctx);
      if (options.configReplicaOf !== undefined) replicaOfAtBoot(state, options.configReplicaOf);
      return state;
    },
    persist: (state, how) => persistReplication(state, how),
    restore: (persisted, ctx) => {
      const state = fresh(ctx);
      restoreReplication(state, persisted, ctx, { iAmMaster: options.replicaOf === undefined, replicaOf: options.configReplicaOf ?? null });
      return state;
    },
    handle(state, event, ctx) {
      switch (event.type) {
        case "start":
          ctx.setTimer(REPLICATION_CRON_TIMER, CRON_PERIOD_US);
          if (options.replicaOf !== undefined) replicationSetMaster(state, ctx, options.replicaOf);
          script.forEach((step, i) => {
            if (step.atUs > ctx.nowUs || (!event.restarted && step.atUs === ctx.nowUs)) ctx.setTimer(`script-${i}`, (step.atUs - ctx.nowUs) as Micros);
          });
          return;
        case "timer":
          if (event.name === REPLICATION_CRON_TIMER) {
            replicationCron(state, ctx);
            ctx.setTimer(REPLICATION_CRON_TIMER, CRON_PERIOD_US);
            return;
          }
          if (event.name.startsWith("script-")) {
            script[Number(event.name.slice("script-".length))]!.act(state, ctx);
            return;
          }
          handleReplicationEvent(state, event, ctx);
          return;
        case "shutdown":
          ctx.exit();
          return;
        default:
          handleReplicationEvent(state, event, ctx);
      }
    },
  };
}

/**
 * A client write: refused with READONLY on a replica, with NOREPLICAS when min-replicas says so,
 * else executed and propagated.
 */
export function write(key: string, value: string | null): HostScript["act"] {
  return (state, ctx) => {
    const error = hasMaster(state) ? READONLY_ERROR : minReplicasWriteError(state);
    if (error !== null) {
      state.replies.push(error);
      return;
    }
    propagateWrite(state, ctx, key, value);
    state.replies.push("OK");
  };
}

/** `n` writes of `key<i>` = `value<i>`, one script step each, `everyUs` apart from `fromUs`. */
export function writes(n: number, fromUs: number, everyUs: number, prefix = "key"): HostScript[] {
  return Array.from({ length: n }, (_, i) => ({ atUs: fromUs + i * everyUs, act: write(`${prefix}${i}`, `value${i}`) }));
}

export const replicaOf =
  (master: ProcessId): HostScript["act"] =>
  (state, ctx) =>
    replicationSetMaster(state, ctx, master);

export const promote: HostScript["act"] = (state, ctx) => replicationUnsetMaster(state, ctx);

/** Writes down a number the test wants to see later (e.g. an offset at this instant). */
export const mark =
  (read: (state: HostState) => number): HostScript["act"] =>
  (state) => {
    state.marks.push(read(state));
  };
