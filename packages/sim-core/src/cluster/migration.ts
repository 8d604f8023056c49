import { keyedRecord } from "../keyed-record";
import type { Micros } from "../kernel/time";
import type { ConnId } from "../process/model";
import { CLIENT_CHANNEL, bulk, error, integer, ok, type ClientMessage, type Reply } from "../client/protocol";
import { CLUSTER_BLACKLIST_TTL_S, CLUSTER_SLOTS } from "../redis-constants";
import * as replication from "../replication";
import { NODE_IP } from "../replies/cluster-nodes";
import { broadcastPong, type BusCtx } from "./bus";
import { becomeReplicaOf, bumpConfigEpochWithoutConsensus, setNodeAsMaster } from "./config-update";
import { deleteNode } from "./handshake";
import { keyHashSlot } from "./key-slot";
import { NODE_MIGRATE_TO } from "./flags";
import { NO_SLOTS, withSlot, withoutSlot } from "./slots";
import { emptySlotTable, setSlotOwner, slotOwnerOf } from "./slot-table";
import { TODO_FSYNC_CONFIG, TODO_SAVE_CONFIG, TODO_UPDATE_STATE, isMaster, isReplica, myself, type ClusterNodeState, type NodeId } from "./state";

/**
 * Moving hash slots between masters, as `redis-cli --cluster reshard` drives it (Redis 7.0.15
 * cluster.c): CLUSTER SETSLOT IMPORTING/MIGRATING/STABLE/NODE, GETKEYSINSLOT, COUNTKEYSINSLOT,
 * ASKING and the ASK redirection, MIGRATE (a node-to-node transfer: the target RESTOREs each
 * key, the source deletes it once the target said OK), CLUSTER FORGET with its blacklist, and
 * CLUSTER RESET.
 */

/** MIGRATE's timer: the target did not answer in time. */
export const MIGRATE_TIMEOUT_TIMER = "migrateTimeout";

/** cluster.c:getSlotOrReply. */
function parseSlot(arg: string | undefined): number | null {
  const slot = Number(arg);
  return arg === undefined || !/^-?\d+$/.test(arg) || slot < 0 || slot >= CLUSTER_SLOTS ? null : slot;
}

/** getLongLongFromObjectOrReply. */
function parseInteger(arg: string): number | null {
  return /^-?\d+$/.test(arg) && Number.isSafeInteger(Number(arg)) ? Number(arg) : null;
}

const NOT_AN_INTEGER = "ERR value is not an integer or out of range";

/** The keys of one slot, newest first, as db.c's slot-to-keys list holds them (head insertion). */
export function keysInSlot(s: ClusterNodeState, slot: number): string[] {
  const keys: string[] = [];
  for (const key of Object.keys(s.data)) if (keyHashSlot(key) === slot) keys.push(key);
  return keys.reverse();
}

export function countKeysInSlot(s: ClusterNodeState, slot: number): number {
  let n = 0;
  for (const key of Object.keys(s.data)) if (keyHashSlot(key) === slot) n++;
  return n;
}

/**
 * CLUSTER SETSLOT <slot> MIGRATING|IMPORTING <id> | STABLE | NODE <id> (clusterCommand
 * "setslot"): the checks and error texts of 7.0.15, in its order.
 */
export function clusterSetSlot(s: ClusterNodeState, args: readonly string[], ctx: BusCtx): Reply {
  if (args.length < 2) return error("ERR wrong number of arguments for 'cluster|setslot' command");
  const me = myself(s);
  if (isReplica(me)) return error("ERR Please use SETSLOT only with masters.");
  const slot = parseSlot(args[0]);
  if (slot === null) return error("ERR Invalid or out of range slot");
  const action = args[1]!.toUpperCase();
  const target = args[2];
  if (action === "MIGRATING" && args.length === 3) {
    if (slotOwnerOf(s.slotOwner, slot) !== s.myId) return error(`ERR I'm not the owner of hash slot ${slot}`);
    const n = s.nodes[target!];
    if (n === undefined) return error(`ERR I don't know about node ${target}`);
    if (isReplica(n)) return error("ERR Target node is not a master");
    s.migratingSlotsTo[slot] = n.id;
  } else if (action === "IMPORTING" && args.length === 3) {
    if (slotOwnerOf(s.slotOwner, slot) === s.myId) return error(`ERR I'm already the owner of hash slot ${slot}`);
    const n = s.nodes[target!];
    if (n === undefined) return error(`ERR I don't know about node ${target}`);
    if (isReplica(n)) return error("ERR Target node is not a master");
    s.importingSlotsFrom[slot] = n.id;
  } else if (action === "STABLE" && args.length === 2) {
    delete s.importingSlotsFrom[slot];
    delete s.migratingSlotsTo[slot];
  } else if (action === "NODE" && args.length === 3) {
    const n = s.nodes[target!];
    if (n === undefined) return error(`ERR Unknown node ${target}`);
    if (isReplica(n)) return error("ERR Target node is not a master");
    const keys = countKeysInSlot(s, slot);
    // A slot I serve may go elsewhere only once its keys have left.
    if (slotOwnerOf(s.slotOwner, slot) === s.myId && n.id !== s.myId && keys !== 0) {
      return error(`ERR Can't assign hashslot ${slot} to a different node while I still hold keys for this hash slot.`);
    }
    // Closing a migration with no keys left clears the migrating state.
    if (keys === 0) delete s.migratingSlotsTo[slot];
    const slotWasMine = slotOwnerOf(s.slotOwner, slot) === s.myId;
    assignSlot(s, slot, n.id);
    // A master left without slots follows the node that took the last one (7.0's
    // cluster-allow-replica-migration rule in clusterCommand "setslot").
    if (slotWasMine && n.id !== s.myId && me.numSlots === 0 && s.config["cluster-allow-replica-migration"]) {
      ctx.emit({ type: "reconfiguredAsReplica", master: n.id });
      becomeReplicaOf(s, n, ctx);
      s.todoBeforeSleep |= TODO_SAVE_CONFIG | TODO_UPDATE_STATE | TODO_FSYNC_CONFIG;
    }
    // Closing an import on the importer: a new configEpoch without consensus, so the new owner
    // wins the slot everywhere, and a PONG to everyone at once (clusterBroadcastPong).
    if (n.id === s.myId && s.importingSlotsFrom[slot] !== undefined) {
      if (bumpConfigEpochWithoutConsensus(s, ctx)) ctx.emit({ type: "configEpochUpdatedAfterImport", slot });
      delete s.importingSlotsFrom[slot];
      broadcastPong(s, "all", ctx, ctx.wallMs());
    }
  } else {
    return error("ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP");
  }
  s.todoBeforeSleep |= TODO_SAVE_CONFIG | TODO_UPDATE_STATE;
  return ok;
}

/**
 * clusterDelSlot + clusterAddSlot for one slot: the two owners' slot sets change by one slot,
 * without rescanning the table (a reshard does this thousands of times on every master).
 */
function assignSlot(s: ClusterNodeState, slot: number, owner: NodeId): void {
  const previous = slotOwnerOf(s.slotOwner, slot);
  if (previous === owner) return;
  if (previous !== null) {
    const old = s.nodes[previous];
    if (old !== undefined) {
      old.slots = withoutSlot(old.slots, slot);
      old.numSlots--;
    }
  }
  setSlotOwner(s.slotOwner, slot, owner);
  const next = s.nodes[owner]!;
  next.slots = withSlot(next.slots, slot);
  next.numSlots++;
}

/** CLUSTER COUNTKEYSINSLOT <slot>. */
export function clusterCountKeysInSlot(s: ClusterNodeState, args: readonly string[]): Reply {
  if (args.length !== 1) return error("ERR wrong number of arguments for 'cluster|countkeysinslot' command");
  const slot = parseInteger(args[0]!);
  if (slot === null) return error(NOT_AN_INTEGER);
  if (slot < 0 || slot >= CLUSTER_SLOTS) return error("ERR Invalid slot");
  return integer(countKeysInSlot(s, slot));
}

/** CLUSTER GETKEYSINSLOT <slot> <count>. */
export function clusterGetKeysInSlot(s: ClusterNodeState, args: readonly string[]): Reply {
  if (args.length !== 2) return error("ERR wrong number of arguments for 'cluster|getkeysinslot' command");
  const slot = parseInteger(args[0]!);
  const maxKeys = parseInteger(args[1]!);
  if (slot === null || maxKeys === null) return error(NOT_AN_INTEGER);
  if (slot < 0 || slot >= CLUSTER_SLOTS || maxKeys < 0) return error("ERR Invalid slot or number of keys");
  return { kind: "array", items: keysInSlot(s, slot).slice(0, maxKeys).map((k) => bulk(k)) };
}

/**
 * CLUSTER FORGET <id>: drop the node and keep it out of what gossip teaches for a minute
 * (clusterBlacklistAddNode), long enough for every node to be told to forget it too.
 */
export function clusterForget(s: ClusterNodeState, args: readonly string[], ctx: BusCtx): Reply {
  if (args.length !== 1) return error("ERR wrong number of arguments for 'cluster|forget' command");
  const id = args[0]!;
  const n = s.nodes[id];
  if (n === undefined) return error(`ERR Unknown node ${id}`);
  if (n.id === s.myId) return error("ERR I tried hard but I can't forget myself...");
  const me = myself(s);
  if (isReplica(me) && me.replicaOf === n.id) return error("ERR Can't forget my master!");
  s.forgottenUntilMs[id] = ctx.wallMs() + CLUSTER_BLACKLIST_TTL_S * 1000;
  forgetNode(s, id, ctx);
  s.todoBeforeSleep |= TODO_UPDATE_STATE | TODO_SAVE_CONFIG;
  return ok;
}

/** clusterDelNode's slot side: the node's slots become unassigned, its migrations close. */
export function forgetNode(s: ClusterNodeState, id: NodeId, ctx: BusCtx): void {
  for (let slot = 0; slot < CLUSTER_SLOTS; slot++) if (slotOwnerOf(s.slotOwner, slot) === id) setSlotOwner(s.slotOwner, slot, null);
  for (const slot of Object.keys(s.migratingSlotsTo)) if (s.migratingSlotsTo[Number(slot)] === id) delete s.migratingSlotsTo[Number(slot)];
  for (const slot of Object.keys(s.importingSlotsFrom)) if (s.importingSlotsFrom[Number(slot)] === id) delete s.importingSlotsFrom[Number(slot)];
  deleteNode(s, id, ctx);
}

/** clusterBlacklistExists, after clusterBlacklistCleanup: forgotten less than a minute ago. */
export function isForgotten(s: ClusterNodeState, id: NodeId, nowMs: number): boolean {
  const until = s.forgottenUntilMs[id];
  if (until === undefined) return false;
  if (until < nowMs) {
    delete s.forgottenUntilMs[id];
    return false;
  }
  return true;
}

/**
 * CLUSTER RESET [SOFT|HARD] (clusterReset): a replica turns master and drops its data; every
 * migration closes, every slot is released, every other node forgotten. HARD also zeroes the
 * epochs; the new random name Redis gives a node on HARD is not modelled (the node keeps its id).
 */
export function clusterReset(s: ClusterNodeState, args: readonly string[], ctx: BusCtx): Reply {
  if (args.length > 1) return error("ERR wrong number of arguments for 'cluster|reset' command");
  const mode = (args[0] ?? "SOFT").toUpperCase();
  if (mode !== "SOFT" && mode !== "HARD") return error("ERR syntax error");
  const me = myself(s);
  if (isMaster(me) && Object.keys(s.data).length !== 0) return error("ERR CLUSTER RESET can't be called with master nodes containing keys");
  if (isReplica(me)) {
    setNodeAsMaster(s, me);
    me.flags &= ~NODE_MIGRATE_TO;
    replication.replicationUnsetMaster(s, ctx);
    s.data = keyedRecord();
  }
  s.migratingSlotsTo = {};
  s.importingSlotsFrom = {};
  s.slotOwner = emptySlotTable();
  me.slots = NO_SLOTS;
  me.numSlots = 0;
  for (const id of [...s.nodeOrder]) if (id !== s.myId) deleteNode(s, id, ctx);
  if (mode === "HARD") {
    s.currentEpoch = 0;
    s.lastVoteEpoch = 0;
    me.configEpoch = 0;
  }
  s.todoBeforeSleep |= TODO_SAVE_CONFIG | TODO_UPDATE_STATE | TODO_FSYNC_CONFIG;
  return ok;
}

/**
 * getNodeByQuery's migration rules for a key of a slot this node knows an owner for: null when
 * the command runs here. A key missing from a slot I am migrating is asked for at the target
 * (-ASK); an importing slot serves a client that said ASKING (or RESTORE-ASKING) first.
 * Otherwise the owner decides (MOVED).
 */
export function routeMigratingKey(s: ClusterNodeState, slot: number, key: string, asking: boolean): Reply | null {
  const owner = slotOwnerOf(s.slotOwner, slot)!;
  const migratingTo = owner === s.myId ? s.migratingSlotsTo[slot] : undefined;
  const importing = migratingTo === undefined && s.importingSlotsFrom[slot] !== undefined;
  // Only a migrating slot asks whether the key is here (a dataset lookup on every write otherwise).
  if (migratingTo !== undefined && s.data[key] === undefined) {
    const target = s.nodes[migratingTo];
    if (target !== undefined) return error(`ASK ${slot} ${NODE_IP}:${target.port}`);
  }
  if (importing && asking) return null;
  if (owner !== s.myId) return error(`MOVED ${slot} ${NODE_IP}:${s.nodes[owner]!.port}`);
  return null;
}

/** The flag the next command of this connection carries, cleared as it is read (resetClient). */
export function takeAsking(s: ClusterNodeState, conn: number | undefined): boolean {
  if (conn === undefined || s.askingConns[conn] !== true) return false;
  delete s.askingConns[conn];
  return true;
}

/**
 * RESTORE-ASKING key ttl payload [REPLACE]: MIGRATE's half on the target. The payload is the
 * value itself (no DUMP encoding in the model); the TTL is not modelled.
 */
export function restoreCommand(s: ClusterNodeState, argv: readonly string[], ctx: BusCtx): Reply {
  const [, key, ttl, payload, ...rest] = argv;
  if (key === undefined || ttl === undefined || payload === undefined) return error(`ERR wrong number of arguments for '${argv[0]!.toLowerCase()}' command`);
  const replace = rest.some((a) => a.toUpperCase() === "REPLACE");
  if (!replace && s.data[key] !== undefined) return error("BUSYKEY Target key name already exists.");
  replication.propagateWrite(s, ctx, key, payload);
  return ok;
}

/**
 * MIGRATE host port key|"" db timeout [COPY] [REPLACE] [KEYS key…] (cluster.c:migrateCommand).
 * Sends one RESTORE-ASKING per existing key to the target over a cached connection, and blocks
 * this node's other clients until every reply is in (Redis blocks the whole server on
 * connSyncReadLine; here the bus keeps running). Returns the reply at once for the cases that
 * need no transfer, or null when the reply will come from `onMigrateReply`.
 */
export function startMigrate(s: ClusterNodeState, conn: number, id: number, argv: readonly string[], ctx: BusCtx): Reply | null {
  if (argv.length < 6) return error("ERR wrong number of arguments for 'migrate' command");
  const port = Number(argv[2]);
  const timeoutArg = parseInteger(argv[5]!);
  if (parseInteger(argv[4]!) === null || timeoutArg === null) return error(NOT_AN_INTEGER);
  let copy = false;
  let replace = false;
  let keys: string[] = [argv[3]!];
  for (let j = 6; j < argv.length; j++) {
    const option = argv[j]!.toUpperCase();
    if (option === "COPY") copy = true;
    else if (option === "REPLACE") replace = true;
    else if (option === "KEYS") {
      if (argv[3] !== "") return error("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string");
      keys = argv.slice(j + 1);
      break;
    } else return error("ERR syntax error");
  }
  const present = keys.filter((k) => s.data[k] !== undefined);
  if (present.length === 0) return { kind: "status", text: "NOKEY" };
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return error("IOERR error or timeout connecting to the client");
  const timeoutMs = timeoutArg <= 0 ? 1000 : timeoutArg;
  const cached = s.migrateConns[port];
  const targetConn = cached ?? ctx.connect(String(port), CLIENT_CHANNEL);
  if (cached === undefined) s.migrateConns[port] = targetConn;
  s.migrate = { conn, id, targetPort: port, targetConn, keys: present, waiting: [], error: null, restored: [], copy, replace, sent: false, nextId: 1 };
  ctx.setTimer(MIGRATE_TIMEOUT_TIMER, (timeoutMs * 1000) as Micros);
  if (cached !== undefined) sendRestores(s, ctx);
  return null;
}

/** The RESTORE-ASKING pipeline, once the connection to the target is up. */
function sendRestores(s: ClusterNodeState, ctx: BusCtx): void {
  const m = s.migrate;
  if (m === null || m.sent) return;
  m.sent = true;
  for (const key of m.keys) {
    const reqId = m.nextId++;
    m.waiting.push(reqId);
    const argv = ["RESTORE-ASKING", key, "0", s.data[key]!, ...(m.replace ? ["REPLACE"] : [])];
    const command: ClientMessage = { type: "command", id: reqId, argv };
    ctx.send(m.targetConn, command);
  }
}

/** True when `conn` is one of this node's MIGRATE connections. */
export function isMigrateConn(s: ClusterNodeState, conn: ConnId): boolean {
  // Asked of every client command: a walk of the (nearly always empty) record, no array built.
  const conns = s.migrateConns;
  for (const port in conns) if (conns[port] === conn) return true;
  return false;
}

/** The connection to the target is up: send what waits. */
export function onMigrateConnected(s: ClusterNodeState, conn: ConnId, ctx: BusCtx): void {
  if (s.migrate !== null && s.migrate.targetConn === conn) sendRestores(s, ctx);
}

/**
 * One RESTORE-ASKING reply. An OK deletes the key here (and on my replicas, as the DEL MIGRATE
 * is rewritten to); the first error is kept for the final reply. The last reply finishes the
 * command and lets the held clients in.
 */
export function onMigrateReply(s: ClusterNodeState, conn: ConnId, message: ClientMessage, ctx: BusCtx): void {
  const m = s.migrate;
  if (m === null || m.targetConn !== conn || message.type !== "reply") return;
  const index = m.waiting.indexOf(message.id);
  if (index < 0) return;
  m.waiting.splice(index, 1);
  const key = m.keys[message.id - 1]!;
  if (message.reply.kind === "error") {
    if (m.error === null) m.error = `ERR Target instance replied with error: ${message.reply.text}`;
  } else if (!m.copy) {
    m.restored.push(key);
    replication.propagateWrite(s, ctx, key, null);
  }
  if (m.waiting.length === 0) finishMigrate(s, m.error === null ? ok : error(m.error), ctx);
}

/** The target went away or stayed silent past the timeout: IOERR, and the socket is dropped. */
export function failMigrate(s: ClusterNodeState, conn: ConnId | null, ctx: BusCtx): void {
  const m = s.migrate;
  if (m === null || (conn !== null && m.targetConn !== conn)) {
    if (conn !== null) dropMigrateConn(s, conn);
    return;
  }
  const phase = m.sent ? "reading" : "connecting";
  dropMigrateConn(s, m.targetConn);
  ctx.close(m.targetConn);
  finishMigrate(s, error(phase === "connecting" ? "IOERR error or timeout connecting to the client" : "IOERR error or timeout reading to target instance"), ctx);
}

function dropMigrateConn(s: ClusterNodeState, conn: ConnId): void {
  for (const [port, c] of Object.entries(s.migrateConns)) if (c === conn) delete s.migrateConns[Number(port)];
}

function finishMigrate(s: ClusterNodeState, reply: Reply, ctx: BusCtx): void {
  const m = s.migrate!;
  s.migrate = null;
  ctx.cancelTimer(MIGRATE_TIMEOUT_TIMER);
  const message: ClientMessage = { type: "reply", id: m.id, reply };
  ctx.send(m.conn, message);
}

/** FUNCTION DUMP / LIST / RESTORE, as add-node uses them: this model has no functions. */
export function functionCommand(args: readonly string[]): Reply {
  switch ((args[0] ?? "").toUpperCase()) {
    case "DUMP":
      return bulk(EMPTY_FUNCTION_DUMP);
    case "LIST":
      return { kind: "array", items: [] };
    case "RESTORE":
      return args[1] === undefined ? error("ERR wrong number of arguments for 'function|restore' command") : ok;
    default:
      return error(`ERR unknown subcommand '${args[0] ?? ""}'. Try FUNCTION HELP.`);
  }
}

/** Stands for FUNCTION DUMP's payload on a server without functions (an RDB trailer, no entries). */
const EMPTY_FUNCTION_DUMP = "<no functions>";
