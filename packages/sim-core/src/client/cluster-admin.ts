import type { Micros } from "../kernel/time";
import type { ConnId, Ctx, ProcessEvent, ProcessModel } from "../process/model";
import {
  checkClusterLines,
  computeReshardTable,
  configSignature,
  myselfOf,
  nodeInfoLines,
  parseManagerNodes,
  type LoadedNode,
  type ManagerNode,
} from "../replies/cluster-manager";
import { CLIENT_CHANNEL, type ClientMessage, type Reply } from "./protocol";

/**
 * `redis-cli --cluster add-node | reshard | del-node` as a client process (redis-cli.c 7.0.15:
 * clusterManagerCommandAddNode, clusterManagerCommandReshard, clusterManagerCommandDeleteNode,
 * clusterManagerMoveSlot). Like redis-cli it talks to the nodes one blocking call at a time over
 * one connection per node, reads CLUSTER NODES to learn the cluster, and prints what redis-cli
 * prints (without its colour codes), as `clusterAdminOutput` events. It ends with
 * `clusterAdminExited` (status 0 or 1) and exits.
 */

/** redis-cli's defaults (CLUSTER_MANAGER_MIGRATE_TIMEOUT, CLUSTER_MANAGER_MIGRATE_PIPELINE). */
const MIGRATE_TIMEOUT_MS = 60_000;
const MIGRATE_PIPELINE_KEYS = 10;
/** add-node --cluster-slave sleeps a second after MEET; the join wait polls once a second. */
const JOIN_POLL_US = 1_000_000;
const SLEEP_TIMER = "sleep";

export type ClusterAdminArgs =
  | { readonly command: "add-node"; readonly newPort: number; readonly entryPort: number; readonly replica: boolean; readonly masterId: string | null }
  | { readonly command: "reshard"; readonly entryPort: number; readonly from: string; readonly to: string; readonly slots: number }
  | { readonly command: "del-node"; readonly entryPort: number; readonly nodeId: string };

/** Parses redis-cli's `--cluster <command> …` arguments for the commands modelled; throws on others. */
export function parseClusterAdminArgs(argv: readonly string[]): ClusterAdminArgs {
  const [command, ...rest] = argv;
  const positional: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (!a.startsWith("--cluster-")) positional.push(a);
    else if (a === "--cluster-slave" || a === "--cluster-yes") options[a] = true;
    else if (rest[i + 1] === undefined) throw new Error(`redis-cli --cluster ${command}: ${a} needs a value`);
    else options[a] = rest[++i]!;
  }
  const port = (hostPort: string | undefined): number => {
    const m = /^127\.0\.0\.1:(\d+)$/.exec(hostPort ?? "");
    if (m === null) throw new Error(`redis-cli --cluster ${command}: expected 127.0.0.1:PORT, got "${hostPort ?? ""}"`);
    return Number(m[1]);
  };
  switch (command) {
    case "add-node":
      return {
        command,
        newPort: port(positional[0]),
        entryPort: port(positional[1]),
        replica: options["--cluster-slave"] === true,
        masterId: typeof options["--cluster-master-id"] === "string" ? options["--cluster-master-id"] : null,
      };
    case "reshard": {
      const { "--cluster-from": from, "--cluster-to": to, "--cluster-slots": slots } = options;
      if (typeof from !== "string" || typeof to !== "string" || typeof slots !== "string" || options["--cluster-yes"] !== true) {
        throw new Error("redis-cli --cluster reshard: the model needs --cluster-from, --cluster-to, --cluster-slots and --cluster-yes (it cannot prompt)");
      }
      return { command, entryPort: port(positional[0]), from, to, slots: Number(slots) };
    }
    case "del-node":
      if (positional[1] === undefined) throw new Error("redis-cli --cluster del-node: expected 127.0.0.1:PORT NODE-ID");
      return { command, entryPort: port(positional[0]), nodeId: positional[1] };
    default:
      throw new Error(`redis-cli --cluster ${command ?? ""}: not modelled (add-node, reshard, del-node are)`);
  }
}

/** Where the command is in its script: each tag names the reply it waits for. */
type Tag =
  | "entryNodes"
  | "friendNodes"
  | "signature"
  | "newNodeInfo"
  | "newNodeSize"
  | "functionDump"
  | "functionList"
  | "functionRestore"
  | "meet"
  | "joinSignature"
  | "replicate"
  | "setImporting"
  | "setMigrating"
  | "getKeys"
  | "migrate"
  | "setNode"
  | "forget"
  | "reassign"
  | "reset";

export interface ClusterAdminState {
  /** cluster_manager.nodes: the entry node first, then its reachable friends. */
  nodes: LoadedNode[];
  /** Friends still to load: port and the entry node's view of it. */
  friends: { port: number; view: ManagerNode }[];
  /** The CLUSTER NODES replies of a consistency round, by position in `nodes` (+ the new node). */
  signatures: string[];
  /** The call in flight. */
  pending: { tag: Tag; port: number; id: number } | null;
  conns: Record<number, ConnId>;
  ready: Record<number, true>;
  /** Requests waiting for their connection. */
  queued: Record<number, { id: number; argv: string[] }>;
  nextId: number;
  /** Per-command progress. */
  phase: "load" | "check" | "run" | "done";
  checkOk: boolean;
  masterId: string | null;
  table: { slot: number; source: number }[];
  tableIndex: number;
  /** The `Moving slot …:` line being printed, dots and all. */
  partial: string;
  /** For del-node: nodes left to FORGET. */
  forgetIndex: number;
  setNodeTargets: number[];
  joinDots: string;
}

export function clusterAdminModel(argv: readonly string[]): ProcessModel<ClusterAdminState, ClientMessage, undefined> {
  const args = parseClusterAdminArgs(argv);
  const fresh = (): ClusterAdminState => ({
    nodes: [],
    friends: [],
    signatures: [],
    pending: null,
    conns: {},
    ready: {},
    queued: {},
    nextId: 1,
    phase: "load",
    checkOk: true,
    masterId: null,
    table: [],
    tableIndex: 0,
    partial: "",
    forgetIndex: 0,
    setNodeTargets: [],
    joinDots: "",
  });
  return {
    kind: "redis-cli-cluster",
    init: fresh,
    persist: () => undefined,
    restore: fresh,
    handle(s, event, ctx) {
      handleAdminEvent(args, s, event, ctx);
    },
  };
}

type AdminCtx = Ctx<ClientMessage>;

function handleAdminEvent(args: ClusterAdminArgs, s: ClusterAdminState, event: ProcessEvent<ClientMessage>, ctx: AdminCtx): void {
  switch (event.type) {
    case "start":
      if (args.command === "add-node") print(ctx, `>>> Adding node 127.0.0.1:${args.newPort} to cluster 127.0.0.1:${args.entryPort}`);
      if (args.command === "del-node") print(ctx, `>>> Removing node ${args.nodeId} from cluster 127.0.0.1:${args.entryPort}`);
      call(s, ctx, "entryNodes", args.entryPort, ["CLUSTER", "NODES"]);
      return;
    case "connected": {
      const port = portOf(s, event.conn);
      if (port === undefined) return;
      s.ready[port] = true;
      const q = s.queued[port];
      if (q !== undefined) {
        delete s.queued[port];
        send(ctx, event.conn, q.id, q.argv);
      }
      return;
    }
    case "connectFailed":
    case "closed": {
      const port = portOf(s, event.conn);
      if (port === undefined) return;
      delete s.conns[port];
      delete s.ready[port];
      delete s.queued[port];
      if (s.pending !== null && s.pending.port === port) {
        const tag = s.pending.tag;
        s.pending = null;
        if (event.type === "connectFailed") print(ctx, `Could not connect to Redis at 127.0.0.1:${port}: Connection refused`);
        onReply(args, s, ctx, tag, port, null);
      }
      return;
    }
    case "message": {
      const message = event.message;
      if (message.type !== "reply" || s.pending === null || s.pending.id !== message.id) return;
      const { tag, port } = s.pending;
      s.pending = null;
      onReply(args, s, ctx, tag, port, message.reply);
      return;
    }
    case "timer":
      if (event.name === SLEEP_TIMER) joinRound(s, ctx);
      return;
    case "accepted":
      return;
    case "shutdown":
      ctx.exit();
      return;
  }
}

function portOf(s: ClusterAdminState, conn: ConnId): number | undefined {
  for (const [port, c] of Object.entries(s.conns)) if (c === conn) return Number(port);
  return undefined;
}

function print(ctx: AdminCtx, ...lines: string[]): void {
  if (lines.length > 0) ctx.emit({ type: "clusterAdminOutput", lines });
}

function send(ctx: AdminCtx, conn: ConnId, id: number, argv: readonly string[]): void {
  const message: ClientMessage = { type: "command", id, argv: [...argv] };
  ctx.send(conn, message);
}

/** One blocking call: reuse the node's connection, or open it and send once it is up. */
function call(s: ClusterAdminState, ctx: AdminCtx, tag: Tag, port: number, argv: string[]): void {
  const id = s.nextId++;
  s.pending = { tag, port, id };
  const conn = s.conns[port];
  if (conn !== undefined && s.ready[port] === true) {
    send(ctx, conn, id, argv);
    return;
  }
  if (conn === undefined) s.conns[port] = ctx.connect(String(port), CLIENT_CHANNEL);
  s.queued[port] = { id, argv };
}

function finish(s: ClusterAdminState, ctx: AdminCtx, status: 0 | 1): void {
  s.phase = "done";
  for (const conn of Object.values(s.conns)) ctx.close(conn);
  s.conns = {};
  ctx.emit({ type: "clusterAdminExited", status });
  ctx.exit();
}

function text(reply: Reply | null): string | null {
  return reply !== null && reply.kind === "bulk" ? reply.text : null;
}

function errorText(reply: Reply | null): string | null {
  if (reply === null) return "I/O error";
  return reply.kind === "error" ? reply.text : null;
}

/** What redis-cli keeps of a node from its own CLUSTER NODES line. */
function loadedFrom(self: ManagerNode, port: number): LoadedNode {
  const isReplica = self.flags.includes("slave");
  return { port, id: self.id, isReplica, replicaOf: isReplica ? self.replicaOf : null, slots: self.slots, migrating: self.migrating, importing: self.importing, replicas: 0 };
}

const byId = (s: ClusterAdminState, id: string): LoadedNode | undefined => s.nodes.find((n) => n.id === id);

function onReply(args: ClusterAdminArgs, s: ClusterAdminState, ctx: AdminCtx, tag: Tag, port: number, reply: Reply | null): void {
  switch (tag) {
    // clusterManagerLoadInfoFromNode: the entry node, then every friend it lists.
    case "entryNodes": {
      const nodes = parseManagerNodes(text(reply) ?? "");
      const self = myselfOf(nodes);
      if (self === undefined) {
        print(ctx, `[ERR] Node 127.0.0.1:${port} ${errorText(reply) ?? "is not configured as a cluster node."}`);
        return finish(s, ctx, 1);
      }
      s.nodes = [loadedFrom(self, port)];
      s.friends = nodes.filter((n) => n !== self).map((view) => ({ port: view.port, view }));
      return loadNextFriend(args, s, ctx);
    }
    case "friendNodes": {
      const friend = s.friends.shift()!;
      const self = reply === null ? undefined : myselfOf(parseManagerNodes(text(reply) ?? ""));
      if (self !== undefined) {
        const flags = [...friend.view.flags, ...self.flags];
        const unusable = flags.includes("noaddr") || flags.includes("fail") || friend.view.linkState === "disconnected";
        if (!unusable) s.nodes.push(loadedFrom(self, port));
      }
      return loadNextFriend(args, s, ctx);
    }
    case "signature":
      s.signatures.push(configSignature(text(reply) ?? ""));
      return nextSignature(args, s, ctx);
    default:
      return runCommand(args, s, ctx, tag, port, reply);
  }
}

function loadNextFriend(args: ClusterAdminArgs, s: ClusterAdminState, ctx: AdminCtx): void {
  const next = s.friends[0];
  if (next !== undefined) return call(s, ctx, "friendNodes", next.port, ["CLUSTER", "NODES"]);
  // Count each master's replicas; a replica of an unknown master is only warned about.
  const warnings: string[] = [];
  s.nodes = s.nodes.map((n) => ({ ...n, replicas: s.nodes.filter((r) => r.replicaOf === n.id).length }));
  for (const n of s.nodes) if (n.replicaOf !== null && byId(s, n.replicaOf) === undefined) warnings.push(`*** WARNING: 127.0.0.1:${n.port} claims to be slave of unknown node ID ${n.replicaOf}.`);
  print(ctx, ...warnings);
  if (args.command === "del-node") {
    s.phase = "run";
    return delNodeStart(args, s, ctx);
  }
  // clusterManagerCheckCluster: the listing, then a CLUSTER NODES round for agreement.
  s.phase = "check";
  print(ctx, `>>> Performing Cluster Check (using node 127.0.0.1:${s.nodes[0]!.port})`, ...s.nodes.flatMap((n) => nodeInfoLines(n)));
  s.signatures = [];
  nextSignature(args, s, ctx);
}

function nextSignature(args: ClusterAdminArgs, s: ClusterAdminState, ctx: AdminCtx): void {
  const next = s.nodes[s.signatures.length];
  if (next !== undefined) return call(s, ctx, "signature", next.port, ["CLUSTER", "NODES"]);
  if (s.phase === "run") return afterJoinRound(args, s, ctx);
  const { lines, ok } = checkClusterLines(s.nodes, s.signatures);
  print(ctx, ...lines);
  s.checkOk = ok;
  s.phase = "run";
  if (args.command === "add-node") return addNodeStart(args, s, ctx);
  if (args.command === "reshard") return reshardStart(args, s, ctx);
}

// --- add-node -------------------------------------------------------------------------------

function addNodeStart(args: Extract<ClusterAdminArgs, { command: "add-node" }>, s: ClusterAdminState, ctx: AdminCtx): void {
  if (!s.checkOk) return finish(s, ctx, 1);
  if (args.replica) {
    if (args.masterId !== null) {
      if (byId(s, args.masterId) === undefined) {
        print(ctx, `[ERR] No such master ID ${args.masterId}`);
        return finish(s, ctx, 1);
      }
      s.masterId = args.masterId;
    } else {
      // clusterManagerNodeWithLeastReplicas: the first master with the fewest replicas.
      let best: LoadedNode | undefined;
      for (const n of s.nodes) if (!n.isReplica && (best === undefined || n.replicas < best.replicas)) best = n;
      s.masterId = best!.id;
      print(ctx, `Automatically selected master 127.0.0.1:${best!.port}`);
    }
  }
  call(s, ctx, "newNodeInfo", args.newPort, ["CLUSTER", "INFO"]);
}

function runCommand(args: ClusterAdminArgs, s: ClusterAdminState, ctx: AdminCtx, tag: Tag, port: number, reply: Reply | null): void {
  if (args.command === "add-node") return addNodeStep(args, s, ctx, tag, reply);
  if (args.command === "reshard") return reshardStep(args, s, ctx, tag, port, reply);
  return delNodeStep(args, s, ctx, tag, port, reply);
}

function addNodeStep(args: Extract<ClusterAdminArgs, { command: "add-node" }>, s: ClusterAdminState, ctx: AdminCtx, tag: Tag, reply: Reply | null): void {
  const node = `127.0.0.1:${args.newPort}`;
  const err = errorText(reply);
  switch (tag) {
    case "newNodeInfo": {
      if (reply === null) {
        print(ctx, `[ERR] Sorry, can't connect to node ${node}`);
        return finish(s, ctx, 1);
      }
      // clusterManagerNodeIsEmpty: it must know no other node and hold no key.
      if (err !== null || !/cluster_known_nodes:1\r\n/.test(text(reply) ?? "")) return notEmpty(s, ctx, args.newPort, err);
      return call(s, ctx, "newNodeSize", args.newPort, ["DBSIZE"]);
    }
    case "newNodeSize":
      if (reply === null || reply.kind !== "integer" || reply.value !== 0) return notEmpty(s, ctx, args.newPort, errorText(reply));
      s.nodes.push({ port: args.newPort, id: "", isReplica: false, replicaOf: null, slots: [], migrating: [], importing: [], replicas: 0 });
      if (s.masterId !== null) return meet(args, s, ctx);
      // A new master gets the cluster's functions (a replica gets them from its master).
      print(ctx, ">>> Getting functions from cluster");
      return call(s, ctx, "functionDump", args.entryPort, ["FUNCTION", "DUMP"]);
    case "functionDump":
      if (err !== null) {
        print(ctx, `>>> Failed retrieving Functions from the cluster, skip this step as Redis version do not support function command (error = '${err}')`);
        return meet(args, s, ctx);
      }
      s.joinDots = text(reply) ?? "";
      print(ctx, `>>> Send FUNCTION LIST to ${node} to verify there is no functions in it`);
      return call(s, ctx, "functionList", args.newPort, ["FUNCTION", "LIST"]);
    case "functionList":
      if (err !== null) {
        print(ctx, `>>> Failed on CLUSTER LIST (error = '${err}')`);
        return finish(s, ctx, 1);
      }
      if (reply!.kind === "array" && reply!.items.length > 0) {
        print(ctx, ">>> New node already contains functions and can not be added to the cluster. Use FUNCTION FLUSH and try again.");
        return finish(s, ctx, 1);
      }
      print(ctx, `>>> Send FUNCTION RESTORE to ${node}`);
      return call(s, ctx, "functionRestore", args.newPort, ["FUNCTION", "RESTORE", s.joinDots]);
    case "functionRestore":
      s.joinDots = "";
      if (err !== null) {
        print(ctx, `>>> Failed loading functions to the new node (error = '${err}')`);
        return finish(s, ctx, 1);
      }
      return meet(args, s, ctx);
    case "meet":
      if (err !== null) return replyError(s, ctx, args.newPort, err);
      if (s.masterId === null) return added(s, ctx);
      // sleep(1), then clusterManagerWaitForClusterJoin.
      ctx.setTimer(SLEEP_TIMER, JOIN_POLL_US as Micros);
      print(ctx, "Waiting for the cluster to join");
      return;
    case "replicate":
      if (err !== null) return replyError(s, ctx, args.newPort, err);
      return added(s, ctx);
    default:
      return;
  }
}

function notEmpty(s: ClusterAdminState, ctx: AdminCtx, port: number, err: string | null): void {
  print(ctx, `[ERR] Node 127.0.0.1:${port} ${err ?? "is not empty. Either the node already knows other nodes (check with CLUSTER NODES) or contains some key in database 0."}`);
  finish(s, ctx, 1);
}

/** CLUSTER_MANAGER_PRINT_REPLY_ERROR. */
function replyError(s: ClusterAdminState, ctx: AdminCtx, port: number, err: string): void {
  print(ctx, `Node 127.0.0.1:${port} replied with error:`, err);
  finish(s, ctx, 1);
}

function meet(args: Extract<ClusterAdminArgs, { command: "add-node" }>, s: ClusterAdminState, ctx: AdminCtx): void {
  print(ctx, `>>> Send CLUSTER MEET to node 127.0.0.1:${args.newPort} to make it join the cluster.`);
  call(s, ctx, "meet", args.newPort, ["CLUSTER", "MEET", "127.0.0.1", String(s.nodes[0]!.port)]);
}

function added(s: ClusterAdminState, ctx: AdminCtx): void {
  print(ctx, "[OK] New node added correctly.");
  finish(s, ctx, 0);
}

/** One round of clusterManagerIsConfigConsistent over every node, the new one included. */
function joinRound(s: ClusterAdminState, ctx: AdminCtx): void {
  s.signatures = [];
  call(s, ctx, "signature", s.nodes[0]!.port, ["CLUSTER", "NODES"]);
}

function afterJoinRound(args: ClusterAdminArgs, s: ClusterAdminState, ctx: AdminCtx): void {
  if (args.command !== "add-node") return;
  if (new Set(s.signatures).size > 1) {
    s.joinDots += ".";
    ctx.setTimer(SLEEP_TIMER, JOIN_POLL_US as Micros);
    return;
  }
  const master = byId(s, s.masterId!)!;
  print(ctx, s.joinDots, `>>> Configure node as replica of 127.0.0.1:${master.port}.`);
  s.joinDots = "";
  call(s, ctx, "replicate", args.newPort, ["CLUSTER", "REPLICATE", master.id]);
}

// --- reshard --------------------------------------------------------------------------------

function reshardStart(args: Extract<ClusterAdminArgs, { command: "reshard" }>, s: ClusterAdminState, ctx: AdminCtx): void {
  if (!s.checkOk) {
    print(ctx, "*** Please fix your cluster problems before resharding");
    return finish(s, ctx, 1);
  }
  // clusterNodeForResharding.
  const target = byId(s, args.to);
  if (target === undefined || target.isReplica) {
    print(ctx, `*** The specified node (${args.to}) is not known or not a master, please retry.`);
    return finish(s, ctx, 1);
  }
  const sources: LoadedNode[] = [];
  for (const from of args.from.split(",")) {
    if (from === "all") {
      sources.length = 0;
      sources.push(...s.nodes.filter((n) => !n.isReplica && n.replicaOf === null && n.id !== target.id));
      break;
    }
    const src = byId(s, from);
    if (src === undefined || src.isReplica) {
      print(ctx, `*** The specified node (${from}) is not known or not a master, please retry.`);
      return finish(s, ctx, 1);
    }
    if (src.id === target.id) print(ctx, "*** It is not possible to use the target node as source node.");
    else sources.push(src);
  }
  if (sources.length === 0) {
    print(ctx, "*** No source nodes given, operation aborted.");
    return finish(s, ctx, 1);
  }
  const table = computeReshardTable(sources, args.slots);
  print(
    ctx,
    "",
    `Ready to move ${args.slots} slots.`,
    "  Source nodes:",
    ...sources.flatMap((n) => nodeInfoLines(n, 4)),
    "  Destination node:",
    ...nodeInfoLines(target, 4),
    "  Resharding plan:",
    ...table.map((t) => `    Moving slot ${t.slot} from ${t.source.id}`),
  );
  s.table = table.map((t) => ({ slot: t.slot, source: t.source.port }));
  s.tableIndex = 0;
  s.masterId = target.id;
  nextSlot(s, ctx);
}

const nodeAt = (s: ClusterAdminState, port: number): LoadedNode => s.nodes.find((n) => n.port === port)!;

/** clusterManagerMoveSlot for the next entry of the plan. */
function nextSlot(s: ClusterAdminState, ctx: AdminCtx): void {
  const item = s.table[s.tableIndex];
  if (item === undefined) return finish(s, ctx, 0);
  const target = byId(s, s.masterId!)!;
  const source = nodeAt(s, item.source);
  s.partial = `Moving slot ${item.slot} from 127.0.0.1:${source.port} to 127.0.0.1:${target.port}: `;
  call(s, ctx, "setImporting", target.port, ["CLUSTER", "SETSLOT", String(item.slot), "IMPORTING", source.id]);
}

function reshardStep(args: Extract<ClusterAdminArgs, { command: "reshard" }>, s: ClusterAdminState, ctx: AdminCtx, tag: Tag, port: number, reply: Reply | null): void {
  void args;
  const item = s.table[s.tableIndex]!;
  const target = byId(s, s.masterId!)!;
  const source = nodeAt(s, item.source);
  const err = errorText(reply);
  const failed = (e: string): void => {
    print(ctx, s.partial);
    print(ctx, `clusterManagerMoveSlot failed: ${e}`);
    finish(s, ctx, 1);
  };
  switch (tag) {
    case "setImporting":
      if (err !== null) return failed(err);
      return call(s, ctx, "setMigrating", source.port, ["CLUSTER", "SETSLOT", String(item.slot), "MIGRATING", target.id]);
    case "setMigrating":
      if (err !== null) return failed(err);
      return call(s, ctx, "getKeys", source.port, ["CLUSTER", "GETKEYSINSLOT", String(item.slot), String(MIGRATE_PIPELINE_KEYS)]);
    case "getKeys": {
      if (err !== null) {
        print(ctx, s.partial, `Node 127.0.0.1:${source.port} replied with error:`, err);
        return finish(s, ctx, 1);
      }
      const keys = reply!.kind === "array" ? reply!.items.map((k) => (k.kind === "bulk" ? (k.text ?? "") : "")) : [];
      if (keys.length === 0) {
        // The keys are gone: print the line, then hand the slot over, target first (#7116).
        print(ctx, s.partial);
        s.partial = "";
        s.setNodeTargets = [source.port, ...s.nodes.filter((n) => n.port !== target.port && n.port !== source.port && !n.isReplica).map((n) => n.port)];
        return call(s, ctx, "setNode", target.port, ["CLUSTER", "SETSLOT", String(item.slot), "NODE", target.id]);
      }
      s.joinDots = ".".repeat(keys.length);
      return call(s, ctx, "migrate", source.port, ["MIGRATE", "127.0.0.1", String(target.port), "", "0", String(MIGRATE_TIMEOUT_MS), "KEYS", ...keys]);
    }
    case "migrate":
      if (err !== null) {
        print(ctx, s.partial, `Node 127.0.0.1:${source.port} replied with error:`, err);
        return finish(s, ctx, 1);
      }
      s.partial += s.joinDots;
      s.joinDots = "";
      return call(s, ctx, "getKeys", source.port, ["CLUSTER", "GETKEYSINSLOT", String(item.slot), String(MIGRATE_PIPELINE_KEYS)]);
    case "setNode": {
      // The source may have turned replica when it lost its last slot: that error is expected.
      if (err !== null && !(port === source.port && err.startsWith("ERR Please use SETSLOT only with masters."))) {
        print(ctx, `clusterManagerMoveSlot failed: ${err}`);
        return finish(s, ctx, 1);
      }
      const next = s.setNodeTargets.shift();
      if (next !== undefined) return call(s, ctx, "setNode", next, ["CLUSTER", "SETSLOT", String(item.slot), "NODE", target.id]);
      s.tableIndex++;
      return nextSlot(s, ctx);
    }
    default:
      return;
  }
}

// --- del-node -------------------------------------------------------------------------------

function delNodeStart(args: Extract<ClusterAdminArgs, { command: "del-node" }>, s: ClusterAdminState, ctx: AdminCtx): void {
  const node = byId(s, args.nodeId);
  if (node === undefined) {
    print(ctx, `[ERR] No such node ID ${args.nodeId}`);
    return finish(s, ctx, 1);
  }
  if (node.slots.length !== 0) {
    print(ctx, `[ERR] Node 127.0.0.1:${node.port} is not empty! Reshard data away and try again.`);
    return finish(s, ctx, 1);
  }
  print(ctx, ">>> Sending CLUSTER FORGET messages to the cluster...");
  s.forgetIndex = 0;
  nextForget(args, s, ctx);
}

function nextForget(args: Extract<ClusterAdminArgs, { command: "del-node" }>, s: ClusterAdminState, ctx: AdminCtx): void {
  const doomed = byId(s, args.nodeId)!;
  while (s.forgetIndex < s.nodes.length && s.nodes[s.forgetIndex]!.id === doomed.id) s.forgetIndex++;
  const n = s.nodes[s.forgetIndex];
  if (n === undefined) {
    print(ctx, ">>> Sending CLUSTER RESET SOFT to the deleted node.");
    return call(s, ctx, "reset", doomed.port, ["CLUSTER", "RESET", "SOFT"]);
  }
  if (n.replicaOf === doomed.id) {
    // A replica of the removed node moves to the master with the fewest replicas.
    let best: LoadedNode | undefined;
    for (const m of s.nodes) if (!m.isReplica && (best === undefined || m.replicas < best.replicas)) best = m;
    print(ctx, `>>> 127.0.0.1:${n.port} as replica of 127.0.0.1:${best!.port}`);
    return call(s, ctx, "reassign", n.port, ["CLUSTER", "REPLICATE", best!.id]);
  }
  call(s, ctx, "forget", n.port, ["CLUSTER", "FORGET", doomed.id]);
}

function delNodeStep(args: Extract<ClusterAdminArgs, { command: "del-node" }>, s: ClusterAdminState, ctx: AdminCtx, tag: Tag, port: number, reply: Reply | null): void {
  const err = errorText(reply);
  if (err !== null) return replyError(s, ctx, port, err);
  switch (tag) {
    case "reassign":
      return call(s, ctx, "forget", port, ["CLUSTER", "FORGET", args.nodeId]);
    case "forget":
      s.forgetIndex++;
      return nextForget(args, s, ctx);
    case "reset":
      return finish(s, ctx, 0);
    default:
      return;
  }
}
