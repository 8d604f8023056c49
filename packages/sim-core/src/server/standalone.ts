import { keyedRecord } from "../keyed-record";
import type { Micros } from "../kernel/time";
import type { BootCtx, ConnId, Ctx, Message, ProcessEvent, ProcessId, ProcessModel } from "../process/model";
import { redisConfig, type RedisConfig } from "../redis-config";
import * as replication from "../replication";
import { CLIENT_CHANNEL, bulk, error, integer, ok, type ClientMessage, type Reply } from "../client/protocol";
import type { ClientInfo } from "./events";

/**
 * A standalone (non-cluster) Redis 7.0.15 server as a kernel process: replication embedded as
 * replication/index.ts describes, and the commands Sentinel and plain clients send over
 * CLIENT_CHANNEL — PING, GET/SET/DEL, INFO, ROLE, REPLICAOF, MULTI/EXEC, CLIENT SETNAME/KILL,
 * CONFIG REWRITE, SUBSCRIBE/PUBLISH (enough pub/sub for Sentinel's hello channel), SHUTDOWN.
 *
 * What survives a restart: replication's persistence (dump.rdb, the AOF) and the config file's
 * `replicaof` line, which CONFIG REWRITE updates (Sentinel sends it with every REPLICAOF), so a
 * server Sentinel demoted comes back as a replica, and one it never reached comes back a master.
 */

export const STANDALONE_KIND = "redis-server";
/** The reply id of a pushed pub/sub message (`message <channel> <payload>`): no command asked for it. */
export const PUSH_REPLY_ID = 0;
/** The version Sentinel and INFO readers see. */
export const REDIS_VERSION = "7.0.15";

export interface StandaloneOptions {
  readonly port: number;
  readonly config?: Partial<RedisConfig>;
  /** `replicaof 127.0.0.1 <port>` in the config file. */
  readonly replicaof?: number;
}

/** One client connection (networking.c `client`), in accept order. */
export interface StandaloneClient {
  conn: ConnId;
  peer: ProcessId;
  id: number;
  name: string;
  /** Channels SUBSCRIBEd to: a client with any is of type pubsub for CLIENT KILL. */
  channels: string[];
  /** Commands queued by MULTI, or null outside a transaction. */
  multi: string[][] | null;
}

export interface StandaloneState extends replication.ServerCore {
  /** run_id (server.runid): 40 hex characters, new at every start. */
  runId: string;
  /** The config file's `replicaof` (a port), as CONFIG REWRITE last wrote it. */
  configReplicaOf: ProcessId | null;
  clients: StandaloneClient[];
  nextClientId: number;
}

export interface StandalonePersisted {
  readonly replication: replication.PersistedReplication;
  readonly configReplicaOf: ProcessId | null;
}

export type StandaloneMessage = ClientMessage | replication.ReplicationMessage | Message;

export function standaloneServerModel(options: StandaloneOptions): ProcessModel<StandaloneState, StandaloneMessage, StandalonePersisted> {
  const config = redisConfig(options.config ?? {});
  const configReplicaOf = options.replicaof === undefined ? null : String(options.replicaof);
  const fresh = (ctx: BootCtx, replicaOf: ProcessId | null): StandaloneState => ({
    port: options.port,
    config,
    data: keyedRecord(),
    replication: replication.initialReplication(ctx),
    // server.c:initServerConfig → getRandomHexChars(server.runid): a new one at every start.
    runId: ctx.rng("run-id").hex(20),
    configReplicaOf: replicaOf,
    clients: [],
    nextClientId: 1,
  });
  return {
    kind: STANDALONE_KIND,
    init(ctx) {
      const s = fresh(ctx, configReplicaOf);
      if (configReplicaOf !== null) replication.replicaOfAtBoot(s, configReplicaOf);
      return s;
    },
    persist: (s, how) => ({ replication: replication.persistReplication(s, how), configReplicaOf: s.configReplicaOf }),
    restore(persisted, ctx) {
      const s = fresh(ctx, persisted.configReplicaOf);
      replication.restoreReplication(s, persisted.replication, ctx, { replicaOf: persisted.configReplicaOf });
      return s;
    },
    handle: (s, event, ctx) => handleEvent(s, event as ProcessEvent<StandaloneMessage>, ctx as Ctx<StandaloneMessage>),
  };
}

function handleEvent(s: StandaloneState, event: ProcessEvent<StandaloneMessage>, ctx: Ctx<StandaloneMessage>): void {
  const c = ctx as unknown as Ctx;
  switch (event.type) {
    case "start":
      ctx.emit({ type: "serverInitialized", port: s.port });
      // serverCron's replicationCron (1 Hz) starts wherever the process happened to start.
      ctx.setTimer(replication.REPLICATION_CRON_TIMER, (ctx.rng("repl-cron-phase").int(1_000_000) + 1) as Micros);
      return;
    case "timer":
      if (event.name === replication.REPLICATION_CRON_TIMER) {
        replication.replicationCron(s, c);
        ctx.setTimer(replication.REPLICATION_CRON_TIMER, (replication.REPLICATION_CRON_PERIOD_MS * 1000) as Micros);
      } else replication.handleReplicationEvent(s, event, c);
      return;
    case "accepted":
      if (event.channel === CLIENT_CHANNEL) {
        s.clients.push({ conn: event.conn, peer: event.peer, id: s.nextClientId++, name: "", channels: [], multi: null });
        return;
      }
      replication.handleReplicationEvent(s, event, c);
      return;
    case "connected":
    case "connectFailed":
      replication.handleReplicationEvent(s, event, c);
      return;
    case "closed": {
      if (replication.handleReplicationEvent(s, event, c)) return;
      const i = s.clients.findIndex((cl) => cl.conn === event.conn);
      if (i >= 0) s.clients.splice(i, 1);
      return;
    }
    case "message": {
      if (replication.handleReplicationEvent(s, event, c)) return;
      const message = event.message as ClientMessage;
      if (message.type !== "command") return;
      const client = s.clients.find((cl) => cl.conn === event.conn);
      if (client === undefined) return;
      const reply = processCommand(s, client, message.argv, ctx);
      ctx.send(event.conn, { type: "reply", id: message.id, reply });
      return;
    }
    case "shutdown":
      // SHUTDOWN (7.0): the final snapshot when persistence asks for it, then exit.
      ctx.emit({ type: "shutdownRequested" });
      if (s.config["save-on-shutdown"]) ctx.emit({ type: "finalRdbSaved", keys: Object.keys(s.data).length });
      ctx.emit({ type: "readyToExit" });
      ctx.exit();
      return;
  }
}

function clientInfo(client: StandaloneClient): ClientInfo {
  return { id: client.id, peer: client.peer, name: client.name };
}

/** server.c:processCommand for the commands modelled; MULTI queues, EXEC runs the queue. */
export function processCommand(s: StandaloneState, client: StandaloneClient, argv: readonly string[], ctx: Ctx<StandaloneMessage>): Reply {
  const name = (argv[0] ?? "").toUpperCase();
  if (client.multi !== null && name !== "EXEC" && name !== "DISCARD" && name !== "MULTI") {
    client.multi.push([...argv]);
    return { kind: "status", text: "QUEUED" };
  }
  switch (name) {
    case "MULTI":
      if (client.multi !== null) return error("ERR MULTI calls can not be nested");
      client.multi = [];
      return ok;
    case "DISCARD":
      if (client.multi === null) return error("ERR DISCARD without MULTI");
      client.multi = null;
      return ok;
    case "EXEC": {
      if (client.multi === null) return error("ERR EXEC without MULTI");
      const queued = client.multi;
      client.multi = null;
      return { kind: "array", items: queued.map((cmd) => executeCommand(s, client, cmd, ctx)) };
    }
    default:
      return executeCommand(s, client, argv, ctx);
  }
}

function executeCommand(s: StandaloneState, client: StandaloneClient, argv: readonly string[], ctx: Ctx<StandaloneMessage>): Reply {
  const name = (argv[0] ?? "").toUpperCase();
  const c = ctx as unknown as Ctx;
  switch (name) {
    case "PING":
      return { kind: "status", text: "PONG" };
    case "GET":
      if (argv[1] === undefined) return error("ERR wrong number of arguments for 'get' command");
      return bulk(s.data[argv[1]] ?? null);
    case "DBSIZE":
      return integer(Object.keys(s.data).length);
    case "SET":
    case "DEL": {
      const key = argv[1];
      if (key === undefined || (name === "SET" && argv[2] === undefined)) return error(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
      if (s.replication.masterHost !== null) return error(replication.READONLY_ERROR);
      const refused = replication.minReplicasWriteError(s);
      if (refused !== null) return error(refused);
      if (name === "SET") {
        replication.propagateWrite(s, c, key, argv[2]!);
        return ok;
      }
      const existed = s.data[key] !== undefined;
      if (existed) replication.propagateWrite(s, c, key, null);
      return integer(existed ? 1 : 0);
    }
    case "INFO":
      return bulk(infoText(s, ctx));
    case "ROLE":
      return roleReply(s);
    case "REPLICAOF":
    case "SLAVEOF":
      return replicaofCommand(s, client, argv, ctx);
    case "CONFIG":
      if ((argv[1] ?? "").toUpperCase() === "REWRITE") {
        s.configReplicaOf = s.replication.masterHost;
        ctx.emit({ type: "configRewritten" });
        return ok;
      }
      return error(`ERR unknown subcommand '${argv[1] ?? ""}'. Try CONFIG HELP.`);
    case "CLIENT":
      return clientCommand(s, client, argv, ctx);
    case "SUBSCRIBE": {
      const items: Reply[] = [];
      for (const channel of argv.slice(1)) {
        if (!client.channels.includes(channel)) client.channels.push(channel);
        items.push(bulk("subscribe"), bulk(channel), integer(client.channels.length));
      }
      return { kind: "array", items };
    }
    case "PUBLISH": {
      const channel = argv[1];
      const payload = argv[2];
      if (channel === undefined || payload === undefined) return error("ERR wrong number of arguments for 'publish' command");
      let receivers = 0;
      for (const sub of s.clients) {
        if (!sub.channels.includes(channel)) continue;
        ctx.send(sub.conn, { type: "reply", id: PUSH_REPLY_ID, reply: { kind: "array", items: [bulk("message"), bulk(channel), bulk(payload)] } });
        receivers++;
      }
      replication.propagatePublish(s, ctx, channel, payload);
      return integer(receivers);
    }
    default:
      return error(`ERR unknown command '${argv[0] ?? ""}', with args beginning with: ${argv.slice(1).map((a) => `'${a}' `).join("")}`);
  }
}

/** replication.c:replicaofCommand. */
function replicaofCommand(s: StandaloneState, client: StandaloneClient, argv: readonly string[], ctx: Ctx<StandaloneMessage>): Reply {
  const c = ctx as unknown as Ctx;
  const host = argv[1];
  const port = argv[2];
  if (host === undefined || port === undefined) return error(`ERR wrong number of arguments for '${argv[0]!.toLowerCase()}' command`);
  if (host.toUpperCase() === "NO" && port.toUpperCase() === "ONE") {
    if (s.replication.masterHost !== null) {
      replication.replicationUnsetMaster(s, c);
      ctx.emit({ type: "masterModeEnabled", client: clientInfo(client) });
    }
    return ok;
  }
  const master = String(Number(port));
  if (!/^\d+$/.test(port)) return error("ERR value is out of range");
  if (s.replication.masterHost === master) {
    ctx.emit({ type: "replicaofNoop", master });
    return { kind: "status", text: "OK Already connected to specified master" };
  }
  replication.replicationSetMaster(s, c, master);
  ctx.emit({ type: "replicaofEnabled", master, client: clientInfo(client) });
  return ok;
}

/** CLIENT SETNAME / GETNAME / ID / KILL TYPE normal|pubsub (networking.c:clientCommand). */
function clientCommand(s: StandaloneState, client: StandaloneClient, argv: readonly string[], ctx: Ctx<StandaloneMessage>): Reply {
  const sub = (argv[1] ?? "").toUpperCase();
  switch (sub) {
    case "SETNAME":
      client.name = argv[2] ?? "";
      return ok;
    case "GETNAME":
      return bulk(client.name === "" ? null : client.name);
    case "ID":
      return integer(client.id);
    case "KILL": {
      if ((argv[2] ?? "").toUpperCase() !== "TYPE") return error("ERR syntax error");
      const type = (argv[3] ?? "").toLowerCase();
      if (type !== "normal" && type !== "pubsub") return error(`ERR Unknown client type '${argv[3] ?? ""}'`);
      // The caller survives (skipme yes); replicas are on their own channel and type.
      const victims = s.clients.filter((cl) => cl !== client && (cl.channels.length > 0 ? "pubsub" : "normal") === type);
      for (const victim of victims) {
        ctx.close(victim.conn);
        s.clients.splice(s.clients.indexOf(victim), 1);
      }
      return integer(victims.length);
    }
    default:
      return error(`ERR unknown subcommand '${argv[1] ?? ""}'. Try CLIENT HELP.`);
  }
}

/** INFO: `# Server` (what Sentinel reads: run_id) and `# Replication`, as genRedisInfoString prints them. */
export function infoText(s: StandaloneState, clock: replication.ClockView & { readonly incarnation?: number }): string {
  const server = [
    "# Server",
    `redis_version:${REDIS_VERSION}`,
    "redis_mode:standalone",
    `run_id:${s.runId}`,
    `tcp_port:${s.port}`,
  ]
    .map((line) => line + "\r\n")
    .join("");
  return `${server}\r\n${replication.infoReplication(s, clock)}`;
}

/** ROLE (replication.c:roleCommand). */
export function roleReply(s: StandaloneState): Reply {
  const rs = s.replication;
  if (rs.masterHost === null) {
    return {
      kind: "array",
      items: [
        bulk("master"),
        integer(rs.masterReplOffset),
        { kind: "array", items: rs.replicas.map((r) => ({ kind: "array", items: [bulk(replication.REPLICATION_HOST), bulk(String(r.listeningPort)), bulk(String(r.ackOffset))] }) as Reply) },
      ],
    };
  }
  const state = rs.replState === "connected" ? "connected" : rs.replState === "transfer" ? "sync" : rs.replState === "none" ? "none" : rs.replState === "connect" ? "connect" : "connecting";
  return {
    kind: "array",
    items: [bulk("slave"), bulk(replication.REPLICATION_HOST), integer(Number(rs.masterHost)), bulk(state), integer(replication.replicaProcessedOffset(s) || -1)],
  };
}
