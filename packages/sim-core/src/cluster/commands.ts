import { bulk, error, integer, ok, type Reply } from "../client/protocol";
import * as replication from "../replication";
import { clusterInfo, clusterNodes } from "../replies/cluster-nodes";
import { sendOn, buildHeader, type BusCtx } from "./bus";
import { becomeReplicaOf, bindSlots, bumpConfigEpochWithoutConsensus, resetManualFailover } from "./config-update";
import { updateClusterState } from "./cluster-state";
import { startHandshake } from "./handshake";
import { slotRanges } from "./slots";
import { replaceMyMaster } from "./election";
import { NODE_FAIL } from "./flags";
import { keyHashSlot } from "./key-slot";
import { slotOwnerOf } from "./slot-table";
import { CLUSTER_MF_TIMEOUT_MS, CLUSTER_SLOTS } from "../redis-constants";
import { TODO_SAVE_CONFIG, TODO_UPDATE_STATE, isMaster, isReplica, myself, type ClusterNodeState } from "./state";
import { clusterCountKeysInSlot, clusterForget, clusterGetKeysInSlot, clusterReset, clusterSetSlot, functionCommand, restoreCommand, routeMigratingKey, takeAsking } from "./migration";

/**
 * The commands a cluster node answers (server.c:processCommand, cluster.c:getNodeByQuery and
 * clusterCommand). A keyed command is first routed: served here, redirected with MOVED, or refused
 * with CLUSTERDOWN; then a write on a master must pass min-replicas-to-write.
 */
const READ_COMMANDS = new Set(["GET", "EXISTS", "TTL"]);
const WRITE_COMMANDS = new Set(["SET", "DEL"]);

export function isWriteCommand(argv: readonly string[]): boolean {
  return WRITE_COMMANDS.has((argv[0] ?? "").toUpperCase());
}

/**
 * `conn` is the client connection the command came on, when there is one: ASKING marks it for
 * its next command only (resetClient clears CLIENT_ASKING after any other command).
 */
export function executeCommand(s: ClusterNodeState, argv: readonly string[], ctx: BusCtx, conn?: number): Reply {
  const name = (argv[0] ?? "").toUpperCase();
  if (name === "ASKING") {
    if (argv.length !== 1) return error("ERR wrong number of arguments for 'asking' command");
    if (conn !== undefined) s.askingConns[conn] = true;
    return ok;
  }
  const asking = takeAsking(s, conn);
  if (READ_COMMANDS.has(name) || WRITE_COMMANDS.has(name)) {
    const key = argv[1];
    if (key === undefined) return error(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
    const refusal = routeKey(s, key, asking, ctx);
    if (refusal !== null) return refusal;
    return runKeyCommand(s, name, argv, ctx);
  }
  if (name === "RESTORE" || name === "RESTORE-ASKING") {
    const key = argv[1];
    if (key === undefined) return error(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
    // RESTORE-ASKING carries CMD_ASKING: it may land in an importing slot.
    const refusal = routeKey(s, key, asking || name === "RESTORE-ASKING", ctx);
    if (refusal !== null) return refusal;
    if (isReplica(myself(s))) return error("READONLY You can't write against a read only replica.");
    return restoreCommand(s, argv, ctx);
  }
  switch (name) {
    case "FUNCTION":
      return functionCommand(argv.slice(1));
    case "PING":
      return { kind: "status", text: "PONG" };
    case "DBSIZE":
      return integer(Object.keys(s.data).length);
    case "INFO":
      return bulk(replication.infoReplication(s, ctx));
    case "CLUSTER":
      return clusterCommand(s, argv.slice(1), ctx);
    case "REPLICAOF":
    case "SLAVEOF":
      // replicaofCommand: a cluster node's master is set with CLUSTER REPLICATE.
      return error("ERR REPLICAOF not allowed in cluster mode.");
    default:
      return error(`ERR unknown command '${argv[0] ?? ""}', with args beginning with: ${argv.slice(1).map((a) => `'${a}' `).join("")}`);
  }
}

/**
 * getNodeByQuery + clusterRedirectClient: null when this node serves the key. An unbound slot
 * and a down cluster come first; then the migration rules (ASK, ASKING) and MOVED.
 */
function routeKey(s: ClusterNodeState, key: string, asking: boolean, ctx: BusCtx): Reply | null {
  const slot = keyHashSlot(key);
  const owner = slotOwnerOf(s.slotOwner, slot);
  if (owner === null) return error("CLUSTERDOWN Hash slot not served");
  if (s.state !== "ok") return error("CLUSTERDOWN The cluster is down");
  void ctx;
  return routeMigratingKey(s, slot, key, asking);
}

function runKeyCommand(s: ClusterNodeState, name: string, argv: readonly string[], ctx: BusCtx): Reply {
  const key = argv[1]!;
  if (WRITE_COMMANDS.has(name)) {
    if (isReplica(myself(s))) return error("READONLY You can't write against a read only replica.");
    const refused = replication.minReplicasWriteError(s);
    if (refused !== null) return error(refused);
  }
  switch (name) {
    case "GET":
      return bulk(s.data[key] ?? null);
    case "EXISTS":
      return integer(s.data[key] === undefined ? 0 : 1);
    case "TTL":
      return integer(s.data[key] === undefined ? -2 : -1);
    case "SET": {
      const value = argv[2];
      if (value === undefined) return error("ERR wrong number of arguments for 'set' command");
      replication.propagateWrite(s, ctx, key, value);
      return ok;
    }
    case "DEL": {
      const existed = s.data[key] !== undefined;
      if (existed) replication.propagateWrite(s, ctx, key, null);
      return integer(existed ? 1 : 0);
    }
    default:
      return error(`ERR unknown command '${name}'`);
  }
}

function clusterCommand(s: ClusterNodeState, args: readonly string[], ctx: BusCtx): Reply {
  const sub = (args[0] ?? "").toUpperCase();
  switch (sub) {
    case "NODES":
      return bulk(clusterNodes(s));
    case "INFO":
      return bulk(clusterInfo(s));
    case "MYID":
      return bulk(s.myId);
    case "KEYSLOT":
      return args[1] === undefined ? error("ERR wrong number of arguments for 'cluster|keyslot' command") : integer(keyHashSlot(args[1]));
    case "FAILOVER":
      return clusterFailover(s, (args[1] ?? "").toUpperCase(), ctx);
    case "MEET":
      return clusterMeet(s, args, ctx);
    case "ADDSLOTS":
    case "ADDSLOTSRANGE":
      return clusterAddSlots(s, sub, args.slice(1), ctx);
    case "SET-CONFIG-EPOCH":
      return clusterSetConfigEpoch(s, args[1], ctx);
    case "REPLICATE":
      return clusterReplicate(s, args[1], ctx);
    case "SETSLOT":
      return clusterSetSlot(s, args.slice(1), ctx);
    case "COUNTKEYSINSLOT":
      return clusterCountKeysInSlot(s, args.slice(1));
    case "GETKEYSINSLOT":
      return clusterGetKeysInSlot(s, args.slice(1));
    case "FORGET":
      return clusterForget(s, args.slice(1), ctx);
    case "RESET":
      return clusterReset(s, args.slice(1), ctx);
    default:
      return error(`ERR unknown subcommand '${args[0] ?? ""}'. Try CLUSTER HELP.`);
  }
}

/**
 * CLUSTER FAILOVER [FORCE|TAKEOVER] (clusterCommand "failover"): the default asks the master to
 * pause and hand over its final offset; FORCE skips the master; TAKEOVER skips the vote too.
 */
function clusterFailover(s: ClusterNodeState, option: string, ctx: BusCtx): Reply {
  if (option !== "" && option !== "FORCE" && option !== "TAKEOVER") return error("ERR syntax error");
  const force = option === "FORCE";
  const takeover = option === "TAKEOVER";
  const me = myself(s);
  if (isMaster(me)) return error("ERR You should send CLUSTER FAILOVER to a replica");
  const master = me.replicaOf === null ? undefined : s.nodes[me.replicaOf];
  if (master === undefined) return error("ERR I'm a replica but my master is unknown to me");
  if (!force && !takeover && ((master.flags & NODE_FAIL) !== 0 || master.link === null)) {
    return error("ERR Master is down or failed, please use CLUSTER FAILOVER FORCE");
  }
  const nowMs = ctx.wallMs();
  resetManualFailover(s);
  s.mfEndMs = nowMs + CLUSTER_MF_TIMEOUT_MS;
  if (takeover) {
    // A takeover needs no agreement: take a fresh epoch and the slots, at once.
    ctx.emit({ type: "manualFailoverAccepted", mode: "takeover" });
    bumpConfigEpochWithoutConsensus(s, ctx);
    replaceMyMaster(s, s.config["cluster-node-timeout"], nowMs, ctx);
  } else if (force) {
    ctx.emit({ type: "manualFailoverAccepted", mode: "force" });
    // The next clusterCron tick runs the election, with no master handshake.
    s.mfCanStart = true;
  } else {
    ctx.emit({ type: "manualFailoverAccepted", mode: "default" });
    sendOn(s, master.link!, { ...buildHeader(s), type: "mfstart" }, ctx);
  }
  return ok;
}

/** CLUSTER MEET <ip> <port>: start a handshake (clusterStartHandshake). */
function clusterMeet(s: ClusterNodeState, args: readonly string[], ctx: BusCtx): Reply {
  const port = Number(args[2]);
  if (args[1] === undefined || !Number.isInteger(port) || port <= 0 || port > 65535) return error(`ERR Invalid node address specified: ${args[1] ?? ""}:${args[2] ?? ""}`);
  startHandshake(s, port, ctx, ctx.wallMs());
  return ok;
}

/** CLUSTER ADDSLOTS slot… / ADDSLOTSRANGE first last…: claim unowned slots. */
function clusterAddSlots(s: ClusterNodeState, sub: string, args: readonly string[], ctx: BusCtx): Reply {
  const ranges: [number, number][] = [];
  if (sub === "ADDSLOTSRANGE") {
    if (args.length === 0 || args.length % 2 !== 0) return error("ERR wrong number of arguments for 'cluster|addslotsrange' command");
    for (let i = 0; i < args.length; i += 2) ranges.push([Number(args[i]), Number(args[i + 1])]);
  } else {
    if (args.length === 0) return error("ERR wrong number of arguments for 'cluster|addslots' command");
    for (const a of args) ranges.push([Number(a), Number(a)]);
  }
  for (const [first, last] of ranges) {
    if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last >= CLUSTER_SLOTS || first > last) return error("ERR Invalid or out of range slot");
    for (let slot = first; slot <= last; slot++) if (slotOwnerOf(s.slotOwner, slot) !== null) return error(`ERR Slot ${slot} is already busy`);
  }
  bindSlots(s, s.myId, slotRanges(ranges));
  updateClusterState(s, s.config["cluster-node-timeout"], ctx.wallMs(), ctx);
  s.todoBeforeSleep |= TODO_SAVE_CONFIG;
  return ok;
}

/** CLUSTER SET-CONFIG-EPOCH: only on a node that knows nobody and has no epoch yet. */
function clusterSetConfigEpoch(s: ClusterNodeState, arg: string | undefined, ctx: BusCtx): Reply {
  const epoch = Number(arg);
  if (arg === undefined || !Number.isSafeInteger(epoch) || epoch < 0) return error(`ERR Invalid config epoch specified: ${arg ?? ""}`);
  if (s.nodeOrder.length > 1) return error("ERR The user can assign a config epoch only when the node does not know any other node.");
  const me = myself(s);
  if (me.configEpoch !== 0) return error("ERR Node config epoch is already non-zero");
  me.configEpoch = epoch;
  ctx.emit({ type: "configEpochSetByCommand", epoch });
  if (s.currentEpoch < epoch) s.currentEpoch = epoch;
  s.todoBeforeSleep |= TODO_SAVE_CONFIG | TODO_UPDATE_STATE;
  return ok;
}

/** CLUSTER REPLICATE <node-id>: become a replica of that master (clusterSetMaster). */
function clusterReplicate(s: ClusterNodeState, id: string | undefined, ctx: BusCtx): Reply {
  const target = id === undefined ? undefined : s.nodes[id];
  if (target === undefined) return error(`ERR Unknown node ${id ?? ""}`);
  if (target.id === s.myId) return error("ERR Can't replicate myself");
  if (!isMaster(target)) return error("ERR I can only replicate a master, not a replica.");
  const me = myself(s);
  if (isMaster(me) && (me.numSlots !== 0 || Object.keys(s.data).length !== 0)) return error("ERR To set a master the node must be empty and without assigned slots.");
  becomeReplicaOf(s, target, ctx);
  s.todoBeforeSleep |= TODO_UPDATE_STATE | TODO_SAVE_CONFIG;
  return ok;
}
