import type { TraceEvent, TraceEventType } from "@failover-lab/sim-core/trace";
import { sentinelEventLine } from "@failover-lab/sim-core/replies";
import type { LogLevel } from "./prefix";

/**
 * What each trace event writes to its process's Redis log: the level and the text after the
 * prefix, exactly as Redis 7.0.15 formats it (the printf format is quoted above each renderer,
 * with the source file). One renderer per event type; an event type either has a renderer in
 * RENDERERS or a reason in NOT_LOGGED. A new event type in sim-core's union that is in neither
 * breaks the build here (RENDERERS is typed over every type not in NOT_LOGGED).
 *
 * Names are printed as Redis prints them: node ids in full where Redis has `%.40s`, and a
 * process (a port) as `127.0.0.1:<port>` where Redis prints `ip:port` (CONTRACTS §2).
 */

export interface LogMessage {
  readonly level: LogLevel;
  readonly text: string;
}

/** What a renderer may know beyond the event itself: the process it runs in. */
export interface MessageFacts {
  readonly kind: "server" | "sentinel";
  /** A cluster node (it logged its cluster configuration since it started). */
  readonly clusterMode: boolean;
}

/**
 * Event types that are not Redis log lines, each with the reason. An entry for a type the union
 * does not have (yet) is harmless; a type missing from both tables is a build error.
 */
export const NOT_LOGGED = {
  // Kernel: the simulator's own bookkeeping. Redis logs nothing when it is killed, paused or
  // resumed, or when its clock moves. (A real start prints a banner before its first line —
  // "Redis is starting", "Redis version=…", "Configuration loaded", "monotonic clock" — that
  // no event stands for; the log starts with the events the model emits.)
  processStarted: "kernel event: the process is (re)started; the log renders the model's own startup events",
  processCrashed: "kernel event: a kill -9 leaves no line in the log",
  processExited: "kernel event: the exit lines come from shutdownRequested / readyToExit",
  processPaused: "kernel event: SIGSTOP leaves no line in the log",
  processResumed: "kernel event: SIGCONT leaves no line in the log",
  clockJumped: "kernel event: the wall clock moves silently (the renderer applies the offset to later stamps)",
  // Faults are what the operator does, not what the server says.
  faultApplied: "fault event: an operator action, not a server log line",
  faultSkipped: "fault event: an operator action, not a server log line",
  // The heartbeat demo model is not Redis.
  peerSuspected: "heartbeat demo model: not a Redis process",
  peerRecovered: "heartbeat demo model: not a Redis process",
  // Clients print to their terminal, not to a server log.
  clientRedirected: "client event: redis-cli output, not a server log line",
  clientReply: "client event: redis-cli output, not a server log line",
  clientConnectFailed: "client event: redis-cli output, not a server log line",
  writesFailing: "client event: the workload writer's outage, not a server log line",
  writesRecovered: "client event: the workload writer's outage, not a server log line",
  clusterAdminOutput: "client event: redis-cli --cluster output, not a server log line",
  clusterAdminExited: "client event: redis-cli --cluster output, not a server log line",
  sentinelClientMasterFound: "client event: the Sentinel-aware client's own output, not a server log line",
  sentinelClientMasterLost: "client event: the Sentinel-aware client's own output, not a server log line",
  sentinelClientWritesResumed: "client event: the Sentinel-aware client's own output, not a server log line",
} as const satisfies Readonly<Record<string, string>>;

export type LoggedEventType = Exclude<TraceEventType, keyof typeof NOT_LOGGED>;

type EventOf<K extends TraceEventType> = Extract<TraceEvent, { readonly type: K }>;
type Renderer<K extends TraceEventType> = (event: EventOf<K>, facts: MessageFacts) => readonly LogMessage[];

/** cluster.h: CLUSTER_PORT_INCR, the bus port's distance from the client port (cluster-port 0). */
const CLUSTER_PORT_INCR = 10_000;
/** The version every simulated server is (CONTRACTS §1); rdbLoad prints the RDB's `redis-ver`. */
const REDIS_VERSION = "7.0.15";
const LOOPBACK = "127.0.0.1";

const debug = (text: string): LogMessage => ({ level: "debug", text });
const verbose = (text: string): LogMessage => ({ level: "verbose", text });
const notice = (text: string): LogMessage => ({ level: "notice", text });
const warning = (text: string): LogMessage => ({ level: "warning", text });

/** `%.40s` of a node id. */
const id = (nodeId: string): string => nodeId.slice(0, 40);
/** `ip:port` of a process named by its port. */
const addr = (port: string | number): string => `${LOOPBACK}:${port}`;
/** `%d`, `%lld`, `%llu`: the events carry whole numbers; anything else is a model bug. */
function int(n: number, what: string): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be a whole number to be logged, got ${n}`);
  return String(n);
}
/** A field the event's variant needs (authDenied keeps per-reason fields optional). */
function need(value: number | undefined, what: string): number {
  if (value === undefined) throw new RangeError(`${what} is missing: the log line cannot be written without it`);
  return value;
}

const CANT_FAILOVER_TEXT = {
  dataAge: "Disconnected from master for longer than allowed. Please check the 'cluster-replica-validity-factor' configuration option.",
  waitingDelay: "Waiting the delay before I can start a new failover.",
  expired: "Failover attempt expired.",
  waitingVotes: "Waiting for votes, but majority still not reached.",
} as const;

const MANUAL_FAILOVER_TEXT = {
  default: "Manual failover user request accepted.",
  force: "Forced failover user request accepted.",
  takeover: "Taking over the master (user request).",
} as const;

const RENDERERS: { readonly [K in LoggedEventType]: Renderer<K> } = {
  // ---- server.c: startup and shutdown ---------------------------------------------------------

  // redisAsciiArt: `* Running mode=%s, port=%d.` (no logo when logging to a file); main: `# Server
  // initialized` and, once loaded, `* Ready to accept connections` (Sentinel prints neither).
  serverInitialized: (e, f) => {
    const mode = f.kind === "sentinel" ? "sentinel" : f.clusterMode ? "cluster" : "standalone";
    const running = notice(`Running mode=${mode}, port=${int(e.port, "port")}.`);
    return f.kind === "sentinel" ? [running] : [running, warning("Server initialized"), notice("Ready to accept connections")];
  },
  // prepareForShutdown: `# User requested shutdown...`
  shutdownRequested: () => [warning("User requested shutdown...")],
  // prepareForShutdown: `* Waiting for replicas before shutting down.`
  shutdownWaitingForReplicas: () => [notice("Waiting for replicas before shutting down.")],
  // finishShutdown: `# Lagging replica %s reported offset %lld behind master, lag=%ld, state=%s.`
  laggingReplicaAtShutdown: (e) => [warning(`Lagging replica ${e.replica} reported offset ${int(e.behindBytes, "behindBytes")} behind master, lag=${int(e.lagS, "lagS")}, state=${e.state}.`)],
  // finishShutdown: `* %d of %d replicas are in sync when shutting down.`
  replicasInSyncAtShutdown: (e) => [notice(`${int(e.inSync, "inSync")} of ${int(e.replicas, "replicas")} replicas are in sync when shutting down.`)],
  // finishShutdown: `* Saving the final RDB snapshot before exiting.`; rdbSave: `* DB saved on disk`
  finalRdbSaved: () => [notice("Saving the final RDB snapshot before exiting."), notice("DB saved on disk")],
  // finishShutdown: `# %s is now ready to exit, bye bye...`
  readyToExit: (_e, f) => [warning(`${f.kind === "sentinel" ? "Sentinel" : "Redis"} is now ready to exit, bye bye...`)],
  // replicaofCommand: `* MASTER MODE enabled (user request from '%s')` — Redis prints the whole
  // CLIENT LIST entry of the caller (catClientInfoString); the event has its id, peer and name,
  // so the entry is abridged to those fields.
  masterModeEnabled: (e) => [notice(`MASTER MODE enabled (user request from '${clientInfo(e.client)}')`)],
  // replicaofCommand: `* REPLICAOF %s:%d enabled (user request from '%s')`
  replicaofEnabled: (e) => [notice(`REPLICAOF 127.0.0.1:${e.master} enabled (user request from '${clientInfo(e.client)}')`)],
  // replicaofCommand: `* REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.`
  replicaofNoop: () => [notice("REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.")],
  // configRewriteCommand: `# CONFIG REWRITE executed with success.`
  configRewritten: () => [warning("CONFIG REWRITE executed with success.")],

  // ---- sentinel.c ------------------------------------------------------------------------------
  // sentinelEvent: `<event> <message>`, the message being what Sentinel also PUBLISHes (wire
  // text, sim-core's: sentinelEventLine); the level is sentinelEvent's first argument (spec
  // §14.2). The plain lines (Sentinel ID, `voted for`, Next failover delay) are warnings.
  sentinelId: (e) => [warning(sentinelEventLine(e))],
  monitor: (e) => [warning(sentinelEventLine(e))],
  sdown: (e) => [warning(sentinelEventLine(e))],
  sdownCleared: (e) => [warning(sentinelEventLine(e))],
  odown: (e) => [warning(sentinelEventLine(e))],
  odownCleared: (e) => [warning(sentinelEventLine(e))],
  newEpoch: (e) => [warning(sentinelEventLine(e))],
  tryFailover: (e) => [warning(sentinelEventLine(e))],
  voteForLeader: (e) => [warning(sentinelEventLine(e))],
  peerVoted: (e) => [warning(sentinelEventLine(e))],
  nextFailoverDelay: (e) => [warning(sentinelEventLine(e))],
  electedLeader: (e) => [warning(sentinelEventLine(e))],
  failoverAbortNotElected: (e) => [warning(sentinelEventLine(e))],
  failoverStateSelectSlave: (e) => [warning(sentinelEventLine(e))],
  selectedSlave: (e) => [warning(sentinelEventLine(e))],
  failoverAbortNoGoodSlave: (e) => [warning(sentinelEventLine(e))],
  failoverStateSendSlaveofNoone: (e) => [notice(sentinelEventLine(e))],
  failoverAbortSlaveTimeout: (e) => [warning(sentinelEventLine(e))],
  failoverStateWaitPromotion: (e) => [notice(sentinelEventLine(e))],
  promotedSlave: (e) => [warning(sentinelEventLine(e))],
  failoverStateReconfSlaves: (e) => [warning(sentinelEventLine(e))],
  slaveReconfSent: (e) => [notice(sentinelEventLine(e))],
  slaveReconfSentTimeout: (e) => [notice(sentinelEventLine(e))],
  slaveReconfSentBe: (e) => [notice(sentinelEventLine(e))],
  slaveReconfInprog: (e) => [notice(sentinelEventLine(e))],
  slaveReconfDone: (e) => [notice(sentinelEventLine(e))],
  failoverEndForTimeout: (e) => [warning(sentinelEventLine(e))],
  failoverEnd: (e) => [warning(sentinelEventLine(e))],
  switchMaster: (e) => [warning(sentinelEventLine(e))],
  configUpdateFrom: (e) => [warning(sentinelEventLine(e))],
  slaveAdded: (e) => [notice(sentinelEventLine(e))],
  sentinelAdded: (e) => [notice(sentinelEventLine(e))],
  convertToSlave: (e) => [notice(sentinelEventLine(e))],
  fixSlaveConfig: (e) => [notice(sentinelEventLine(e))],
  reboot: (e) => [notice(sentinelEventLine(e))],
  roleChange: (e) => [verbose(sentinelEventLine(e))],
  resetMaster: (e) => [warning(sentinelEventLine(e))],
  tilt: (e) => [warning(sentinelEventLine(e))],
  tiltExited: (e) => [warning(sentinelEventLine(e))],

  // ---- cluster.c -------------------------------------------------------------------------------

  // clusterLoadConfig: `* Node configuration loaded, I'm %.40s`
  clusterConfigLoaded: (e) => [notice(`Node configuration loaded, I'm ${id(e.myId)}`)],
  // clusterInit: `* No cluster configuration found, I'm %.40s`
  clusterConfigCreated: (e) => [notice(`No cluster configuration found, I'm ${id(e.myId)}`)],
  // clusterCron: `. *** NODE %.40s possibly failing`
  nodePossiblyFailing: (e) => [debug(`*** NODE ${id(e.peer)} possibly failing`)],
  // clusterProcessGossipSection: `- Node %.40s reported node %.40s as not reachable.`
  failureReported: (e) => [verbose(`Node ${id(e.reporter)} reported node ${id(e.peer)} as not reachable.`)],
  // clusterProcessGossipSection: `- Node %.40s reported node %.40s is back online.`
  failureReportRemoved: (e) => [verbose(`Node ${id(e.reporter)} reported node ${id(e.peer)} is back online.`)],
  // markNodeAsFailingIfNeeded: `* Marking node %.40s as failing (quorum reached).`
  nodeMarkedFailing: (e) => [notice(`Marking node ${id(e.peer)} as failing (quorum reached).`)],
  // clusterProcessPacket: `* FAIL message received from %.40s about %.40s`
  failMessageReceived: (e) => [notice(`FAIL message received from ${id(e.from)} about ${id(e.about)}`)],
  // clearNodeFailureIfNeeded: `* Clear FAIL state for node %.40s: %s is reachable again.` or
  // `* Clear FAIL state for node %.40s: is reachable again and nobody is serving its slots after some time.`
  failStateCleared: (e) => {
    if (e.reason === "nobodyServing") {
      return [notice(`Clear FAIL state for node ${id(e.peer)}: is reachable again and nobody is serving its slots after some time.`)];
    }
    const who = e.reason === "replica" ? "replica" : "master without slots";
    return [notice(`Clear FAIL state for node ${id(e.peer)}: ${who} is reachable again.`)];
  },
  // clusterUpdateState: `# Cluster state changed: %s`
  clusterStateChanged: (e) => [warning(`Cluster state changed: ${e.state}`)],
  // clusterHandleSlaveFailover: `# Start of election delayed for %lld milliseconds (rank #%d, offset %lld).`
  electionDelayed: (e) => [
    warning(`Start of election delayed for ${int(e.delayMs, "delayMs")} milliseconds (rank #${int(e.rank, "rank")}, offset ${int(e.offset, "offset")}).`),
  ],
  // clusterHandleSlaveFailover: `# Replica rank updated to #%d, added %lld milliseconds of delay.`
  replicaRankUpdated: (e) => [warning(`Replica rank updated to #${int(e.rank, "rank")}, added ${int(e.addedDelayMs, "addedDelayMs")} milliseconds of delay.`)],
  // clusterHandleSlaveFailover: `# Starting a failover election for epoch %llu.`
  electionStarted: (e) => [warning(`Starting a failover election for epoch ${int(e.epoch, "epoch")}.`)],
  // clusterHandleSlaveFailover: `# Failover election won: I'm the new master.`
  electionWon: () => [warning("Failover election won: I'm the new master.")],
  // clusterHandleSlaveFailover: `# configEpoch set to %llu after successful failover`
  configEpochSetAfterFailover: (e) => [warning(`configEpoch set to ${int(e.epoch, "epoch")} after successful failover`)],
  // clusterLogCantFailover: `# Currently unable to failover: %s`
  cantFailover: (e) => [warning(`Currently unable to failover: ${CANT_FAILOVER_TEXT[e.reason]}`)],
  // clusterSendFailoverAuthIfNeeded: `# Failover auth granted to %.40s for epoch %llu`
  authGranted: (e) => [warning(`Failover auth granted to ${id(e.to)} for epoch ${int(e.epoch, "epoch")}`)],
  // clusterSendFailoverAuthIfNeeded: `# Failover auth denied to %.40s: …`, seven wordings.
  authDenied: (e) => {
    const to = id(e.to);
    const field = (name: "requestEpoch" | "currentEpoch" | "waitMs" | "slot" | "slotEpoch"): string =>
      int(need(e[name], `authDenied (${e.reason}).${name}`), name);
    switch (e.reason) {
      case "staleRequestEpoch":
        return [warning(`Failover auth denied to ${to}: reqEpoch (${field("requestEpoch")}) < curEpoch(${field("currentEpoch")})`)];
      case "alreadyVoted":
        // The epoch printed is server.cluster->currentEpoch; sim-core puts it in currentEpoch.
        return [warning(`Failover auth denied to ${to}: already voted for epoch ${field("currentEpoch")}`)];
      case "isMaster":
        return [warning(`Failover auth denied to ${to}: it is a master node`)];
      case "masterUnknown":
        return [warning(`Failover auth denied to ${to}: I don't know its master`)];
      case "masterUp":
        return [warning(`Failover auth denied to ${to}: its master is up`)];
      case "tooSoon":
        return [warning(`Failover auth denied to ${to}: can't vote about this master before ${field("waitMs")} milliseconds`)];
      case "slotEpoch":
        return [warning(`Failover auth denied to ${to}: slot ${field("slot")} epoch (${field("slotEpoch")}) > reqEpoch (${field("requestEpoch")})`)];
    }
  },
  // clusterUpdateSlotsConfigWith: `# Configuration change detected. Reconfiguring myself as a replica of %.40s`
  reconfiguredAsReplica: (e) => [warning(`Configuration change detected. Reconfiguring myself as a replica of ${id(e.master)}`)],
  // clusterUpdateSlotsConfigWith: `# I'm a sub-replica! Reconfiguring myself as a replica of grandmaster %.40s`
  reconfiguredToGrandmaster: (e) => [warning(`I'm a sub-replica! Reconfiguring myself as a replica of grandmaster ${id(e.master)}`)],
  // clusterProcessPacket: `- Node %.40s has old slots configuration, sending an UPDATE message about %.40s`
  updateSent: (e) => [verbose(`Node ${id(e.to)} has old slots configuration, sending an UPDATE message about ${id(e.about)}`)],
  // clusterUpdateSlotsConfigWith: `# Discarding UPDATE message about myself.`
  updateAboutMyselfDiscarded: () => [warning("Discarding UPDATE message about myself.")],
  // clusterBumpConfigEpochWithoutConsensus: `# New configEpoch set to %llu`
  configEpochBumped: (e) => [warning(`New configEpoch set to ${int(e.epoch, "epoch")}`)],
  // cluster.c:clusterCommand "setslot": serverLog(LL_WARNING, "configEpoch updated after importing slot %d", slot)
  configEpochUpdatedAfterImport: (e) => [warning(`configEpoch updated after importing slot ${int(e.slot, "slot")}`)],
  // clusterHandleConfigEpochCollision: `- WARNING: configEpoch collision with node %.40s. configEpoch set to %llu`
  configEpochCollision: (e) => [verbose(`WARNING: configEpoch collision with node ${id(e.other)}. configEpoch set to ${int(e.epoch, "epoch")}`)],
  // clusterCommand "set-config-epoch": `# configEpoch set to %llu via CLUSTER SET-CONFIG-EPOCH`
  configEpochSetByCommand: (e) => [warning(`configEpoch set to ${int(e.epoch, "epoch")} via CLUSTER SET-CONFIG-EPOCH`)],
  // clusterLinkConnectHandler: `- Connection with Node %.40s at %s:%d failed: %s`, where %d is
  // node->cport, the bus port. The event carries the peer's client port (its process name).
  busConnectFailed: (e) => [verbose(`Connection with Node ${id(e.peer)} at ${addr(int(e.port + CLUSTER_PORT_INCR, "port"))} failed: ${e.error}`)],
  // clusterCommand "failover": three wordings by mode.
  manualFailoverAccepted: (e) => [warning(MANUAL_FAILOVER_TEXT[e.mode])],
  // clusterProcessPacket (MFSTART): `# Manual failover requested by replica %.40s.`
  manualFailoverRequested: (e) => [warning(`Manual failover requested by replica ${id(e.replica)}.`)],
  // clusterProcessPacket: `# Received replication offset for paused master manual failover: %lld`
  manualFailoverMasterOffset: (e) => [warning(`Received replication offset for paused master manual failover: ${int(e.offset, "offset")}`)],
  // clusterHandleManualFailover: `# All master replication stream processed, manual failover can start.`
  manualFailoverCanStart: () => [warning("All master replication stream processed, manual failover can start.")],
  // manualFailoverCheckTimeout: `# Manual failover timed out.`
  manualFailoverTimedOut: () => [warning("Manual failover timed out.")],
  // clusterHandleSlaveMigration: `# Migrating to orphaned master %.40s`
  migratingToOrphanedMaster: (e) => [warning(`Migrating to orphaned master ${id(e.master)}`)],

  // ---- replication.c, replica side: connecting and the handshake -------------------------------

  // replicationSetMaster / replicationCron: `* Connecting to MASTER %s:%d`
  connectingToMaster: (e) => [notice(`Connecting to MASTER ${addr(e.master)}`)],
  // replicationHandleMasterDisconnection: `* Reconnecting to MASTER %s:%d`;
  // cancelReplicationHandshake: `* Reconnecting to MASTER %s:%d after failure`
  reconnectingToMaster: (e) => [notice(`Reconnecting to MASTER ${addr(e.master)}${e.afterFailure ? " after failure" : ""}`)],
  // connectWithMaster: `* MASTER <-> REPLICA sync started`
  syncStarted: () => [notice("MASTER <-> REPLICA sync started")],
  // syncWithMaster: `# Error condition on socket for SYNC: %s`
  syncError: (e) => [warning(`Error condition on socket for SYNC: ${e.error}`)],
  // syncWithMaster: `* Non blocking connect for SYNC fired the event.`
  syncConnectFired: () => [notice("Non blocking connect for SYNC fired the event.")],
  // syncWithMaster: `* Master replied to PING, replication can continue...`
  masterPingReplied: () => [notice("Master replied to PING, replication can continue...")],
  // slaveTryPartialResynchronization: `* Trying a partial resynchronization (request %s:%s).`
  partialResyncAttempt: (e) => [notice(`Trying a partial resynchronization (request ${e.replid}:${int(e.offset, "offset")}).`)],
  // slaveTryPartialResynchronization: `* Partial resynchronization not possible (no cached master)`
  partialResyncNotPossible: () => [notice("Partial resynchronization not possible (no cached master)")],
  // slaveTryPartialResynchronization: `* Full resync from master: %s:%lld`
  fullResyncFromMaster: (e) => [notice(`Full resync from master: ${e.replid}:${int(e.offset, "offset")}`)],
  // slaveTryPartialResynchronization: `* Successful partial resynchronization with master.`
  partialResyncSucceeded: () => [notice("Successful partial resynchronization with master.")],
  // slaveTryPartialResynchronization: `# Master replication ID changed to %s`
  masterReplidChanged: (e) => [warning(`Master replication ID changed to ${e.replid}`)],
  // syncWithMaster: `* MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.`
  masterAcceptedPartialResync: () => [notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.")],
  // slaveTryPartialResynchronization: `* Master is currently unable to PSYNC but should be in the future: %s`
  masterUnableToPsync: (e) => [notice(`Master is currently unable to PSYNC but should be in the future: ${e.error}`)],
  // receiveSynchronousResponse: `# Failed to read response from the server: %s` (connGetLastError,
  // which the synchronous read does not set: 7.0.15 prints "Success"); then syncWithMaster's
  // `# Master did not respond to command during SYNC handshake` or
  // slaveTryPartialResynchronization's `# Master did not reply to PSYNC, will try later`.
  handshakeReadFailed: (e) => [
    warning("Failed to read response from the server: Success"),
    warning(e.step === "psync" ? "Master did not reply to PSYNC, will try later" : "Master did not respond to command during SYNC handshake"),
  ],
  // replicationCron: `# Timeout connecting to the MASTER...`
  connectTimeout: () => [warning("Timeout connecting to the MASTER...")],

  // ---- replication.c, replica side: the full sync payload --------------------------------------

  // readSyncBulkPayload: `* MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF %s`
  // ("to disk": repl-diskless-load is disabled by default).
  receivingStreamedRdb: () => [notice("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk")],
  // readSyncBulkPayload: `* MASTER <-> REPLICA sync: Flushing old data`
  syncFlushingOldData: () => [notice("MASTER <-> REPLICA sync: Flushing old data")],
  // readSyncBulkPayload: `* MASTER <-> REPLICA sync: Loading DB in memory`; rdbLoadRioWithLoadingCtx:
  // `* Loading RDB produced by version %s`, `* RDB age %ld seconds`, `* RDB memory usage when
  // created %.2f Mb`, `* Done loading RDB, keys loaded: %lld, keys expired: %lld.` The age and the
  // memory figure are not in the event, so those two lines are left out rather than invented.
  syncLoadingDb: (e) => [
    notice("MASTER <-> REPLICA sync: Loading DB in memory"),
    notice(`Loading RDB produced by version ${REDIS_VERSION}`),
    notice(`Done loading RDB, keys loaded: ${int(e.keys, "keys")}, keys expired: 0.`),
  ],
  // readSyncBulkPayload: `* MASTER <-> REPLICA sync: Finished with success`
  syncFinished: () => [notice("MASTER <-> REPLICA sync: Finished with success")],
  // readSyncBulkPayload: `# I/O error trying to sync with MASTER: %s`
  syncIoError: (e) => [warning(`I/O error trying to sync with MASTER: ${e.error}`)],
  // replicationCron: `# Timeout receiving bulk data from MASTER... If the problem persists try to
  // set the 'repl-timeout' parameter in redis.conf to a larger value.`
  bulkTimeout: () => [
    warning("Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value."),
  ],

  // ---- the link and the cached master (networking.c:freeClient, replication.c) ------------------

  // freeClient: `# Connection with master lost.`
  masterLinkLost: () => [warning("Connection with master lost.")],
  // replicationCacheMaster: `* Caching the disconnected master state.`
  masterCached: () => [notice("Caching the disconnected master state.")],
  // replicationCacheMasterUsingMyself: one format split over three string literals.
  cachedMasterSynthesized: () => [
    notice(
      "Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.",
    ),
  ],
  // replicationDiscardCachedMaster: `* Discarding previously cached master state.`
  cachedMasterDiscarded: () => [notice("Discarding previously cached master state.")],
  // replicationCron: `# MASTER timeout: no data nor PING received...`
  masterTimeout: () => [warning("MASTER timeout: no data nor PING received...")],

  // ---- replication ids and the backlog -----------------------------------------------------------

  // shiftReplicationId: `# Setting secondary replication ID to %s, valid up to offset: %lld. New replication ID is %s`
  replicationIdShifted: (e) => [
    warning(`Setting secondary replication ID to ${e.replid2}, valid up to offset: ${int(e.validUpToOffset, "validUpToOffset")}. New replication ID is ${e.replid}`),
  ],
  // syncCommand: `* Replication backlog created, my new replication IDs are '%s' and '%s'`
  backlogCreated: (e) => [notice(`Replication backlog created, my new replication IDs are '${e.replid}' and '${e.replid2}'`)],
  // replicationCron: `* Replication backlog freed after %d seconds without connected replicas.`
  backlogFreed: (e) => [notice(`Replication backlog freed after ${int(e.afterSeconds, "afterSeconds")} seconds without connected replicas.`)],

  // ---- master side: SYNC / PSYNC ------------------------------------------------------------------

  // syncCommand: `* Replica %s asks for synchronization`
  replicaAsksForSync: (e) => [notice(`Replica ${addr(e.replica)} asks for synchronization`)],
  // masterTryPartialResynchronization: `* Partial resynchronization request from %s accepted.
  // Sending %lld bytes of backlog starting from offset %lld.`
  partialResyncAccepted: (e) => [
    notice(
      `Partial resynchronization request from ${addr(e.replica)} accepted. Sending ${int(e.bytes, "bytes")} bytes of backlog starting from offset ${int(e.fromOffset, "fromOffset")}.`,
    ),
  ],
  // masterTryPartialResynchronization: `* Full resync requested by replica %s`
  fullResyncRequested: (e) => [notice(`Full resync requested by replica ${addr(e.replica)}`)],
  // masterTryPartialResynchronization: `* Partial resynchronization not accepted: Replication ID
  // mismatch (Replica asked for '%s', my replication IDs are '%s' and '%s')`
  psyncReplidMismatch: (e) => [
    notice(
      `Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '${e.requestedReplid}', my replication IDs are '${e.replid}' and '${e.replid2}')`,
    ),
  ],
  // masterTryPartialResynchronization: `* Partial resynchronization not accepted: Requested offset
  // for second ID was %lld, but I can reply up to %lld`
  psyncSecondIdTooFar: (e) => [
    notice(
      `Partial resynchronization not accepted: Requested offset for second ID was ${int(e.requestedOffset, "requestedOffset")}, but I can reply up to ${int(e.secondReplidOffset, "secondReplidOffset")}`,
    ),
  ],
  // masterTryPartialResynchronization: `* Unable to partial resync with replica %s for lack of
  // backlog (Replica request was: %lld).` and, past the master's offset, `# Warning: replica %s
  // tried to PSYNC with an offset that is greater than the master replication offset.`
  psyncBacklogMissing: (e) => {
    const lines = [notice(`Unable to partial resync with replica ${addr(e.replica)} for lack of backlog (Replica request was: ${int(e.requestedOffset, "requestedOffset")}).`)];
    if (e.beyondMasterOffset) {
      lines.push(warning(`Warning: replica ${addr(e.replica)} tried to PSYNC with an offset that is greater than the master replication offset.`));
    }
    return lines;
  },

  // ---- master side: the diskless full sync ----------------------------------------------------------

  // syncCommand: `* Delay next BGSAVE for diskless SYNC`
  disklessSyncDelayed: () => [notice("Delay next BGSAVE for diskless SYNC")],
  // syncCommand: `* Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC`
  waitingForNextBgsave: () => [notice("Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC")],
  // startBgsaveForReplication: `* Starting BGSAVE for SYNC with target: %s` ("replicas sockets").
  // rdbSaveToSlavesSockets then logs `* Background RDB transfer started by pid %ld`, the fork
  // child's pid, which the simulator does not have: that line is left out rather than invented.
  bgsaveForSyncStarted: () => [notice("Starting BGSAVE for SYNC with target: replicas sockets")],
  // rdbPipeReadHandler: `# Diskless rdb transfer, done reading from pipe, %d replicas still up.`;
  // backgroundSaveDoneHandlerSocket: `* Background RDB transfer terminated with success`
  rdbTransferDone: (e) => [
    warning(`Diskless rdb transfer, done reading from pipe, ${int(e.replicasStillUp, "replicasStillUp")} replicas still up.`),
    notice("Background RDB transfer terminated with success"),
  ],
  // rdbPipeReadHandler: `# Diskless rdb transfer, last replica dropped, killing fork child.`
  rdbTransferAborted: () => [warning("Diskless rdb transfer, last replica dropped, killing fork child.")],
  // updateSlavesWaitingBgsave: `* Streamed RDB transfer with replica %s succeeded (socket). Waiting
  // for REPLCONF ACK from slave to enable streaming`; replicaPutOnline: `* Synchronization with replica %s succeeded`
  replicaSyncSucceeded: (e) => [
    notice(`Streamed RDB transfer with replica ${addr(e.replica)} succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming`),
    notice(`Synchronization with replica ${addr(e.replica)} succeeded`),
  ],

  // ---- master side: replica links ----------------------------------------------------------------

  // freeClient: `# Connection with replica %s lost.`
  replicaLinkLost: (e) => [warning(`Connection with replica ${addr(e.replica)} lost.`)],
  // replicationCron: `# Disconnecting timedout replica (streaming sync): %s`
  replicaTimedOut: (e) => [warning(`Disconnecting timedout replica (streaming sync): ${addr(e.replica)}`)],
};

/** The event types that write to the log (for tests and the report's own listing). */
export const LOGGED_EVENT_TYPES: readonly string[] = Object.keys(RENDERERS);

/** True when `type` is deliberately not a log line (see NOT_LOGGED for why). */
export function isNotLogged(type: string): boolean {
  return Object.hasOwn(NOT_LOGGED, type);
}

/**
 * The log messages one event writes, at every level (the caller filters by verbosity). An event
 * type that is neither rendered nor declared unlogged (possible only when the trace comes from
 * a newer sim-core than this renderer was built against) is an error, not a silent gap.
 */
export function logMessages(event: TraceEvent, facts: MessageFacts): readonly LogMessage[] {
  if (isNotLogged(event.type)) return [];
  if (!Object.hasOwn(RENDERERS, event.type)) throw new Error(`no Redis log rendering for trace event "${event.type}"`);
  const render = RENDERERS[event.type as LoggedEventType] as (event: TraceEvent, facts: MessageFacts) => readonly LogMessage[];
  return render(event, facts);
}

/** The fields of a CLIENT LIST entry the trace carries (id, addr, name). */
function clientInfo(c: { readonly id: number; readonly peer: string; readonly name: string }): string {
  const addr = /^\d+$/.test(c.peer) ? `127.0.0.1:${c.peer}` : c.peer;
  return `id=${c.id} addr=${addr} name=${c.name}`;
}
