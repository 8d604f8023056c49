import { keyedRecord } from "../keyed-record";
import type { Micros } from "../kernel/time";
import type { BootCtx, ConnId, Ctx, Message, ProcessEvent, ProcessModel } from "../process/model";
import { CLUSTER_CRON_PERIOD_MS } from "../redis-constants";
import type { RedisConfig } from "../redis-config";
import * as replication from "../replication";
import { BUS_CHANNEL, type ClusterMessage } from "./messages";
import { freeLink, sendPing, type BusCtx } from "./bus";
import { clusterCron } from "./cron";
import { updateClusterState } from "./cluster-state";
import { handleReplicaFailover } from "./election";
import { NODE_MASTER, NODE_MEET, NODE_MYSELF, NODE_REPLICA } from "./flags";
import { handleManualFailover } from "./manual-failover";
import { loadNodesConf, nodesConfOf, type NodesConf } from "./nodes-conf";
import { processPacket } from "./packet";
import { executeCommand, isWriteCommand } from "./commands";
import { MIGRATE_TIMEOUT_TIMER, failMigrate, isMigrateConn, onMigrateConnected, onMigrateReply, startMigrate, takeAsking } from "./migration";
import type { ClientMessage } from "../client/protocol";
import {
  TODO_HANDLE_FAILOVER,
  TODO_HANDLE_MANUALFAILOVER,
  TODO_SAVE_CONFIG,
  TODO_UPDATE_STATE,
  emptySlotTable,
  isReplica,
  myself,
  newNodeView,
  type ClusterNodeState,
  type NodeId,
} from "./state";

/**
 * A Redis Cluster node as a kernel process: the cluster bus (cluster.c), replication
 * (replication.c, shared with standalone servers), and the server's own lifecycle. Handlers run
 * one event at a time, and after each the deferred work of clusterBeforeSleep, as Redis does
 * once per event-loop iteration.
 */

export const CLUSTER_CRON_TIMER = "clusterCron";
/** server.c:initServer: aeCreateTimeEvent(server.el, 1, serverCron, …). */
const SERVER_CRON_FIRST_RUN_US = 1000;
/** While SHUTDOWN waits for lagging replicas, serverCron re-checks them every 100 ms. */
const SHUTDOWN_WAIT_TIMER = "shutdownWait";
/** Fires when a manual failover's write pause ends. */
const UNPAUSE_TIMER = "unpauseClients";

/** What survives a crash or an exit: nodes.conf (always) and whatever replication persists. */
export interface ClusterNodePersisted {
  readonly nodesConf: NodesConf;
  readonly replication: ReturnType<typeof replication.persistReplication>;
}

export interface ClusterNodeOptions {
  readonly port: number;
  readonly config: RedisConfig;
  /**
   * The converged configuration `redis-cli --cluster create` would leave (see create.ts), or
   * none for a node that starts alone.
   */
  readonly formed?: NodesConf;
  /**
   * The bus links of a formed cluster, opened before the run (Simulation.preconnect); read when
   * the node first boots. A restarted node opens its links anew.
   */
  readonly formedLinks?: FormedBusLinks;
}

/** A formed node's pre-existing bus links: peer id → our outbound connection, and the inbound ones. */
export interface FormedBusLinks {
  readonly outbound: Map<NodeId, ConnId>;
  readonly inbound: ConnId[];
}

export type ClusterNodeMessage = ClusterMessage | Message;

export function clusterNodeModel(options: ClusterNodeOptions): ProcessModel<ClusterNodeState, ClusterNodeMessage, ClusterNodePersisted> {
  return {
    kind: "redis-cluster-node",
    init: (ctx) => freshState(options, ctx),
    persist: (s, how) => ({ nodesConf: s.nodesConf, replication: replication.persistReplication(s, how) }),
    restore: (persisted, ctx) => restoredState(options, persisted, ctx),
    handle(s, event, ctx) {
      handleEvent(s, event, ctx as BusCtx, options);
      clusterBeforeSleep(s, ctx as BusCtx);
    },
  };
}

function baseState(options: ClusterNodeOptions, ctx: BootCtx, myId: string): ClusterNodeState {
  return {
    port: options.port,
    config: options.config,
    data: keyedRecord(),
    replication: replication.initialReplication(ctx),
    nodesConf: { myId, currentEpoch: 0, lastVoteEpoch: 0, nodes: [] },
    myId,
    nodes: keyedRecord(),
    nodeOrder: [],
    currentEpoch: 0,
    lastVoteEpoch: 0,
    state: "fail",
    size: 1,
    slotOwner: emptySlotTable(),
    failoverAuthTimeMs: 0,
    failoverAuthCount: 0,
    failoverAuthSent: false,
    failoverAuthRank: 0,
    failoverAuthEpoch: 0,
    cantFailoverReason: "none",
    cantFailoverLastLogS: 0,
    mfEndMs: 0,
    mfReplica: null,
    mfMasterOffset: -1,
    mfCanStart: false,
    clientsPausedUntilMs: 0,
    pausedWrites: [],
    shutdownDeadlineMs: 0,
    preexistingLinks: keyedRecord(),
    firstCallTimeMs: 0,
    amongMinorityTimeMs: 0,
    cronIteration: 0,
    statsPfailNodes: 0,
    todoBeforeSleep: 0,
    outboundLinks: {},
    inboundLinks: {},
    statsSent: {},
    statsReceived: {},
    migratingSlotsTo: {},
    importingSlotsFrom: {},
    askingConns: {},
    forgottenUntilMs: keyedRecord(),
    migrate: null,
    heldCommands: [],
    migrateConns: {},
  };
}

function freshState(options: ClusterNodeOptions, ctx: BootCtx): ClusterNodeState {
  const nowMs = ctx.wallMs();
  if (options.formed !== undefined) {
    const s = fromConf(baseState(options, ctx, options.formed.myId), options.formed, nowMs, true);
    // A converged cluster has heard from each peer at some moment of the last half node
    // timeout, not all at once: spread the pong times, so the NT/2 pings spread as they do.
    const spread = ctx.rng("formed-pong");
    const halfTimeoutMs = Math.floor(s.config["cluster-node-timeout"] / 2);
    for (const id of s.nodeOrder) if (id !== s.myId) s.nodes[id]!.pongReceivedMs = nowMs - spread.int(halfTimeoutMs);
    // Its bus links exist already, both ways (opened before the run, without the PING a new
    // link opens with): a converged cluster does not reconnect when we start watching it.
    const links = options.formedLinks;
    if (links !== undefined) {
      for (const [id, conn] of links.outbound) {
        const node = s.nodes[id]!;
        node.link = conn;
        node.linkCreatedMs = nowMs;
        s.outboundLinks[conn] = id;
      }
      for (const conn of links.inbound) s.inboundLinks[conn] = null;
    }
    return s;
  }
  // clusterInit without nodes.conf: a new random name, alone, a master.
  const myId = ctx.rng("node-id").hex(20);
  const s = baseState(options, ctx, myId);
  s.nodes[myId] = newNodeView(myId, options.port, NODE_MYSELF | NODE_MASTER, nowMs);
  s.nodeOrder.push(myId);
  s.nodesConf = nodesConfOf(s);
  return s;
}

function restoredState(options: ClusterNodeOptions, persisted: ClusterNodePersisted, ctx: BootCtx): ClusterNodeState {
  const s = baseState(options, ctx, persisted.nodesConf.myId);
  const me = persisted.nodesConf.nodes.find((n) => n.id === persisted.nodesConf.myId);
  replication.restoreReplication(s, persisted.replication, ctx, { iAmMaster: me === undefined || (me.flags & NODE_REPLICA) === 0 });
  return fromConf(s, persisted.nodesConf, ctx.wallMs(), false);
}

/**
 * Loads a nodes.conf. A freshly formed cluster is taken as converged (everyone has heard from
 * everyone, the state is already ok); a restarted node starts in state fail, as Redis does.
 */
function fromConf(s: ClusterNodeState, conf: NodesConf, nowMs: number, formed: boolean): ClusterNodeState {
  // s is a fresh baseState: its slot table is still empty, and loading fills it.
  Object.assign(s, loadNodesConf(conf, nowMs, s.slotOwner));
  if (formed) {
    for (const id of s.nodeOrder) s.nodes[id]!.pongReceivedMs = nowMs;
    s.state = "ok";
    s.firstCallTimeMs = 1;
    s.size = s.nodeOrder.filter((id) => (s.nodes[id]!.flags & NODE_MASTER) !== 0 && s.nodes[id]!.numSlots > 0).length;
  }
  s.nodesConf = nodesConfOf(s);
  return s;
}


function nodeTimeoutMs(s: ClusterNodeState): number {
  return s.config["cluster-node-timeout"];
}

function handleEvent(s: ClusterNodeState, event: ProcessEvent<ClusterNodeMessage>, ctx: BusCtx, options: ClusterNodeOptions): void {
  const nowMs = ctx.wallMs();
  switch (event.type) {
    case "start": {
      ctx.emit(event.restarted || s.nodeOrder.length > 1 ? { type: "clusterConfigLoaded", myId: s.myId } : { type: "clusterConfigCreated", myId: s.myId });
      ctx.emit({ type: "serverInitialized", port: s.port });
      // initServer arms serverCron to run 1 ms after start, so a (re)started node connects to
      // its peers and pings them at once. The nodes of a freshly formed cluster were started
      // at different moments before the run began: their crons keep a random phase.
      const formedAtBoot = !event.restarted && ctx.incarnation === 0 && options.formed !== undefined;
      ctx.setTimer(CLUSTER_CRON_TIMER, (formedAtBoot ? ctx.rng("cron-phase").int(CLUSTER_CRON_PERIOD_MS * 1000) + 1 : SERVER_CRON_FIRST_RUN_US) as Micros);
      ctx.setTimer(replication.REPLICATION_CRON_TIMER, (formedAtBoot ? ctx.rng("repl-cron-phase").int(1_000_000) + 1 : SERVER_CRON_FIRST_RUN_US) as Micros);
      // A formed replica starts replicating at once; a restarted one waits for clusterCron.
      const me = myself(s);
      if (!event.restarted && isReplica(me) && me.replicaOf !== null) {
        replication.replicationSetMaster(s, ctx, String(s.nodes[me.replicaOf]!.port));
      }
      return;
    }
    case "timer":
      if (event.name === CLUSTER_CRON_TIMER) {
        runClusterCron(s, nowMs, ctx);
        ctx.setTimer(CLUSTER_CRON_TIMER, (CLUSTER_CRON_PERIOD_MS * 1000) as Micros);
      } else if (event.name === SHUTDOWN_WAIT_TIMER) {
        checkShutdownReady(s, nowMs, ctx);
      } else if (event.name === MIGRATE_TIMEOUT_TIMER) {
        failMigrate(s, null, ctx);
        releaseHeldCommands(s, ctx);
      } else if (event.name === UNPAUSE_TIMER) {
        // Nothing to do: the writes are released below, once the pause is over.
      } else if (event.name === replication.REPLICATION_CRON_TIMER) {
        // A master pausing clients for a manual failover does not ping its replicas meanwhile.
        replication.replicationCron(s, ctx, { suppressPing: s.clientsPausedUntilMs > nowMs });
        ctx.setTimer(replication.REPLICATION_CRON_TIMER, 1_000_000 as Micros);
      } else {
        replication.handleReplicationEvent(s, event, ctx);
      }
      return;
    case "connected":
      if (event.channel === BUS_CHANNEL) return onBusLinkConnected(s, event.conn, nowMs, ctx);
      if (isMigrateConn(s, event.conn)) return onMigrateConnected(s, event.conn, ctx);
      replication.handleReplicationEvent(s, event, ctx);
      return;
    case "accepted":
      if (event.channel === BUS_CHANNEL) {
        s.inboundLinks[event.conn] = null;
        return;
      }
      replication.handleReplicationEvent(s, event, ctx);
      return;
    case "connectFailed":
      if (event.channel === BUS_CHANNEL) {
        const nodeId = s.outboundLinks[event.conn];
        if (nodeId !== undefined) ctx.emit({ type: "busConnectFailed", peer: nodeId, port: Number(event.peer), error: "Connection refused" });
        freeLink(s, event.conn, ctx);
        return;
      }
      if (isMigrateConn(s, event.conn)) {
        failMigrate(s, event.conn, ctx);
        releaseHeldCommands(s, ctx);
        return;
      }
      replication.handleReplicationEvent(s, event, ctx);
      return;
    case "closed":
      if (isBusConn(s, event.conn)) {
        freeLink(s, event.conn, ctx);
        return;
      }
      if (isMigrateConn(s, event.conn)) {
        failMigrate(s, event.conn, ctx);
        releaseHeldCommands(s, ctx);
        return;
      }
      delete s.askingConns[event.conn];
      replication.handleReplicationEvent(s, event, ctx);
      return;
    case "message":
      if (isBusConn(s, event.conn)) {
        processPacket(s, event.conn, event.message as ClusterMessage, nodeTimeoutMs(s), nowMs, ctx);
        return;
      }
      if (isMigrateConn(s, event.conn)) {
        onMigrateReply(s, event.conn, event.message as ClientMessage, ctx);
        releaseHeldCommands(s, ctx);
        return;
      }
      if (replication.handleReplicationEvent(s, event, ctx)) return;
      if (event.message.type === "command") {
        const command = event.message as Extract<ClientMessage, { type: "command" }>;
        // MIGRATE blocks the server until its target has answered: the others wait their turn.
        if (s.migrate !== null) {
          s.heldCommands.push({ conn: event.conn, id: command.id, argv: [...command.argv] });
          return;
        }
        // pauseClients(PAUSE_DURING_FAILOVER, …, PAUSE_ACTIONS_CLIENT_WRITE_SET): a write waits.
        if (s.clientsPausedUntilMs > nowMs && isWriteCommand(command.argv)) {
          s.pausedWrites.push({ conn: event.conn, id: command.id, argv: [...command.argv] });
          ctx.setTimer(UNPAUSE_TIMER, ((s.clientsPausedUntilMs - nowMs) * 1000) as Micros);
          return;
        }
        runClientCommand(s, event.conn, command.id, command.argv, ctx);
      }
      return;
    case "shutdown":
      prepareForShutdown(s, nowMs, ctx);
      return;
  }
}

/**
 * SHUTDOWN in 7.0 (server.c: prepareForShutdown, isReadyToShutdown, finishShutdown): a master
 * whose replicas have not all acknowledged its whole stream pauses writes and waits for them, up
 * to `shutdown-timeout`, then says how many were in sync, saves its snapshot and exits. (Redis
 * also asks the replicas for a fresh ACK at once, with REPLCONF GETACK; here the wait relies on
 * their once-a-second ACK, so it can last up to a second longer.)
 */
function prepareForShutdown(s: ClusterNodeState, nowMs: number, ctx: BusCtx): void {
  ctx.emit({ type: "shutdownRequested" });
  const timeoutS = s.config["shutdown-timeout"];
  if (timeoutS !== 0 && !readyToShutdown(s)) {
    s.shutdownDeadlineMs = nowMs + timeoutS * 1000;
    s.clientsPausedUntilMs = Math.max(s.clientsPausedUntilMs, s.shutdownDeadlineMs);
    ctx.emit({ type: "shutdownWaitingForReplicas", timeoutS });
    ctx.setTimer(SHUTDOWN_WAIT_TIMER, (CLUSTER_CRON_PERIOD_MS * 1000) as Micros);
    return;
  }
  finishShutdown(s, nowMs, ctx);
}

function readyToShutdown(s: ClusterNodeState): boolean {
  const offset = replication.masterReplOffset(s);
  return s.replication.replicas.every((r) => r.ackOffset === offset);
}

function checkShutdownReady(s: ClusterNodeState, nowMs: number, ctx: BusCtx): void {
  if (readyToShutdown(s) || nowMs >= s.shutdownDeadlineMs) finishShutdown(s, nowMs, ctx);
  else ctx.setTimer(SHUTDOWN_WAIT_TIMER, (CLUSTER_CRON_PERIOD_MS * 1000) as Micros);
}

function finishShutdown(s: ClusterNodeState, nowMs: number, ctx: BusCtx): void {
  const offset = replication.masterReplOffset(s);
  const replicas = s.replication.replicas;
  for (const r of replicas) {
    if (r.ackOffset === offset) continue;
    const lagS = r.state === "online" ? Math.floor(nowMs / 1000) - r.ackTime : 0;
    ctx.emit({ type: "laggingReplicaAtShutdown", replica: `127.0.0.1:${r.listeningPort}`, behindBytes: offset - r.ackOffset, lagS, state: r.state });
  }
  if (replicas.length > 0) ctx.emit({ type: "replicasInSyncAtShutdown", inSync: replicas.filter((r) => r.ackOffset === offset).length, replicas: replicas.length });
  if (s.config["save-on-shutdown"]) ctx.emit({ type: "finalRdbSaved", keys: Object.keys(s.data).length });
  ctx.emit({ type: "readyToExit" });
  ctx.exit();
}

/** One client command: MIGRATE may answer later; everything else answers at once. */
function runClientCommand(s: ClusterNodeState, conn: ConnId, id: number, argv: readonly string[], ctx: BusCtx): void {
  if ((argv[0] ?? "").toUpperCase() === "MIGRATE") {
    takeAsking(s, conn);
    const immediate = startMigrate(s, conn, id, argv, ctx);
    if (immediate !== null) {
      const message: ClientMessage = { type: "reply", id, reply: immediate };
      ctx.send(conn, message);
    }
    return;
  }
  const message: ClientMessage = { type: "reply", id, reply: executeCommand(s, argv, ctx, conn) };
  ctx.send(conn, message);
}

/** The commands that waited behind a MIGRATE run in arrival order, until another one blocks. */
function releaseHeldCommands(s: ClusterNodeState, ctx: BusCtx): void {
  while (s.migrate === null && s.heldCommands.length > 0) {
    const next = s.heldCommands.shift()!;
    runClientCommand(s, next.conn, next.id, next.argv, ctx);
  }
}

/**
 * Writes held by a manual failover's pause run once it is lifted — when it times out, or when
 * the master turns replica (they then get MOVED to the new master, as real clients do).
 */
function releasePausedWrites(s: ClusterNodeState, ctx: BusCtx): void {
  if (s.pausedWrites.length === 0 || s.clientsPausedUntilMs > ctx.wallMs()) return;
  const held = s.pausedWrites;
  s.pausedWrites = [];
  for (const w of held) {
    const reply: ClientMessage = { type: "reply", id: w.id, reply: executeCommand(s, w.argv, ctx, w.conn) };
    ctx.send(w.conn, reply);
  }
}

function runClusterCron(s: ClusterNodeState, nowMs: number, ctx: BusCtx): void {
  clusterCron(s, nodeTimeoutMs(s), nowMs, ctx);
}

function isBusConn(s: ClusterNodeState, conn: ConnId): boolean {
  return s.outboundLinks[conn] !== undefined || s.inboundLinks[conn] !== undefined;
}

/**
 * clusterLinkConnectHandler: the first packet on a new link is a PING (MEET for a node met by
 * CLUSTER MEET); a ping that was already pending keeps its start time, so reconnecting does not
 * reset the failure clock.
 */
function onBusLinkConnected(s: ClusterNodeState, conn: ConnId, nowMs: number, ctx: BusCtx): void {
  const nodeId = s.outboundLinks[conn];
  if (nodeId === undefined) return;
  const node = s.nodes[nodeId]!;
  const oldPingSentMs = node.pingSentMs;
  sendPing(s, conn, (node.flags & NODE_MEET) !== 0 ? "meet" : "ping", ctx, nowMs, true);
  if (oldPingSentMs !== 0) node.pingSentMs = oldPingSentMs;
  node.flags &= ~NODE_MEET;
}

/**
 * clusterBeforeSleep: the work handlers deferred (cluster.c CLUSTER_TODO_*), once per event-loop
 * iteration — so an AUTH_ACK that completes a majority is acted on as soon as it arrives.
 */
export function clusterBeforeSleep(s: ClusterNodeState, ctx: BusCtx): void {
  releasePausedWrites(s, ctx);
  const flags = s.todoBeforeSleep;
  if (flags === 0) return;
  s.todoBeforeSleep = 0;
  const nowMs = ctx.wallMs();
  if ((flags & TODO_HANDLE_MANUALFAILOVER) !== 0 && isReplica(myself(s))) {
    handleManualFailover(s, ctx);
    handleReplicaFailover(s, nodeTimeoutMs(s), nowMs, ctx);
  } else if ((flags & TODO_HANDLE_FAILOVER) !== 0) {
    handleReplicaFailover(s, nodeTimeoutMs(s), nowMs, ctx);
  }
  if ((flags & TODO_UPDATE_STATE) !== 0) updateClusterState(s, nodeTimeoutMs(s), nowMs, ctx);
  if ((flags & TODO_SAVE_CONFIG) !== 0) s.nodesConf = nodesConfOf(s);
}
