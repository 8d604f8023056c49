import { bulk, error, integer, ok, type Reply } from "../client/protocol";
import * as replication from "../replication";
import { clusterInfo, clusterNodes } from "../replies/cluster-nodes";
import { sendOn, buildHeader, type BusCtx } from "./bus";
import { bumpConfigEpochWithoutConsensus, resetManualFailover } from "./config-update";
import { replaceMyMaster } from "./election";
import { NODE_FAIL } from "./flags";
import { keyHashSlot } from "./key-slot";
import { CLUSTER_MF_TIMEOUT_MS } from "../redis-constants";
import { isMaster, isReplica, myself, type ClusterNodeState } from "./state";
import { NODE_IP } from "../replies/cluster-nodes";

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

export function executeCommand(s: ClusterNodeState, argv: readonly string[], ctx: BusCtx): Reply {
  const name = (argv[0] ?? "").toUpperCase();
  if (READ_COMMANDS.has(name) || WRITE_COMMANDS.has(name)) {
    const key = argv[1];
    if (key === undefined) return error(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
    const refusal = routeKey(s, key, ctx);
    if (refusal !== null) return refusal;
    return runKeyCommand(s, name, argv, ctx);
  }
  switch (name) {
    case "PING":
      return { kind: "status", text: "PONG" };
    case "DBSIZE":
      return integer(Object.keys(s.data).length);
    case "INFO":
      return bulk(replication.infoReplication(s, ctx));
    case "CLUSTER":
      return clusterCommand(s, argv.slice(1), ctx);
    default:
      return error(`ERR unknown command '${argv[0] ?? ""}', with args beginning with: ${argv.slice(1).map((a) => `'${a}' `).join("")}`);
  }
}

/** getNodeByQuery + clusterRedirectClient: null when this node serves the key. */
function routeKey(s: ClusterNodeState, key: string, ctx: BusCtx): Reply | null {
  const slot = keyHashSlot(key);
  const owner = s.slotOwner[slot] ?? null;
  if (owner === null) return error("CLUSTERDOWN Hash slot not served");
  if (s.state !== "ok") return error("CLUSTERDOWN The cluster is down");
  if (owner !== s.myId) return error(`MOVED ${slot} ${NODE_IP}:${s.nodes[owner]!.port}`);
  void ctx;
  return null;
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
