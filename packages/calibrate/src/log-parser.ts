import type { TraceEvent } from "@failover-lab/sim-core/trace";
import type { sentinel } from "@failover-lab/sim-core";

/**
 * Real Redis log lines → the simulator's semantic events (CONTRACTS §3/§5: calibration reads
 * only sim-core's trace union). It is the inverse of report's renderer (report/src/log/messages.ts):
 * every line shape this file knows is one that renderer writes, and a property test renders an
 * event, parses the line back and expects the same event.
 *
 * Two prefixes are read (server.c:serverLogRaw):
 * - 7.0: `<pid>:<role> 30 Dec 2026 15:28:06.662 <level> <message>`
 * - 3.x (the articles): `<pid>:<role> 30 Dec 15:28:06.662 <level> <message>`, no year; the caller
 *   says which year to assume.
 * Real servers log in the host's local time zone; the caller passes its offset (Debian in CI: UTC).
 *
 * A line the parser does not know gives `event: null`; it is kept, so that the event-sequence
 * comparison can still show it. Fields a line does not print are filled from the lines before
 * it in the same log where Redis printed them there (electionWon's epoch), else set to 0, and are
 * listed in `inferred`.
 *
 * Addresses: Redis prints `ip:port`; the simulator names a process by its port (CONTRACTS §2),
 * so `127.0.0.1:7001` becomes `"7001"` and any other address is kept as printed.
 */

export type LogLevelName = "debug" | "verbose" | "notice" | "warning";

export interface ParsedLine {
  /** 1-based line number in its file. */
  readonly lineNo: number;
  readonly pid: number;
  /** serverLogRaw's role character: X Sentinel, M master, S replica, C forked child. */
  readonly role: "X" | "M" | "S" | "C";
  /** The line's wall clock, ms since the Unix epoch. */
  readonly wallMs: number;
  readonly level: LogLevelName;
  readonly text: string;
  readonly event: TraceEvent | null;
  /** Fields of `event` the line does not print (filled from earlier lines, or 0). */
  readonly inferred?: readonly string[];
}

export interface ParseOptions {
  /** For 3.x lines without a year. Default: 2026 (the simulator's wall clock year, CONTRACTS §1). */
  readonly assumeYear?: number;
  /** Minutes east of UTC of the clock the server logged with. Default 0 (UTC). */
  readonly utcOffsetMinutes?: number;
  /** A name for errors (the log file's path). */
  readonly source?: string;
}

/** A log line that does not have serverLogRaw's prefix: which file, which line, what was expected. */
export class LogParseError extends Error {
  constructor(
    readonly source: string,
    readonly lineNo: number,
    readonly line: string,
  ) {
    super(`${source}:${lineNo}: not a Redis log line (expected "<pid>:<X|M|S|C> DD Mon [YYYY] HH:MM:SS.mmm <.|-|*|#> <message>"), got: ${JSON.stringify(line.slice(0, 120))}`);
    this.name = "LogParseError";
  }
}

const PREFIX = /^(\d+):([XCSM]) (\d{1,2}) ([A-Z][a-z]{2})(?: (\d{4}))? (\d{2}):(\d{2}):(\d{2})\.(\d{3}) ([.\-*#]) (.*)$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const LEVELS: Readonly<Record<string, LogLevelName>> = { ".": "debug", "-": "verbose", "*": "notice", "#": "warning" };
const DEFAULT_YEAR = 2026;

/**
 * Lines Redis writes around a log that are not serverLogRaw lines: the ASCII-art logo of a
 * foreground start and blank lines. They are skipped, not errors.
 */
function isBannerNoise(line: string): boolean {
  return line.trim() === "" || !/^\d+:[XCSM] /.test(line);
}

/** Every line of one log file, in order. Lines without the prefix (logo, blank) are skipped. */
export function parseLog(text: string, options: ParseOptions = {}): ParsedLine[] {
  const out: ParsedLine[] = [];
  const context = newContext();
  const lines = text.split("\n");
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, "");
    if (isBannerNoise(line)) continue;
    out.push(parseLineIn(line, i + 1, options, context));
  }
  return out;
}

/** One line on its own (no earlier lines to infer from). Throws LogParseError on a bad prefix. */
export function parseLine(line: string, options: ParseOptions = {}, lineNo = 1): ParsedLine {
  return parseLineIn(line, lineNo, options, newContext());
}

/** What a log remembers across lines to fill fields a line does not print. */
interface Context {
  lastElectionEpoch: number | null;
  lastMaster: string | null;
}

function newContext(): Context {
  return { lastElectionEpoch: null, lastMaster: null };
}

function parseLineIn(line: string, lineNo: number, options: ParseOptions, context: Context): ParsedLine {
  const m = PREFIX.exec(line);
  if (m === null) throw new LogParseError(options.source ?? "<log>", lineNo, line);
  const [, pid, role, day, mon, year, hh, mi, ss, msec, levelChar, text] = m as unknown as string[];
  const month = MONTHS.indexOf(mon!);
  if (month < 0) throw new LogParseError(options.source ?? "<log>", lineNo, line);
  const y = year === undefined ? (options.assumeYear ?? DEFAULT_YEAR) : Number(year);
  const localMs = Date.UTC(y, month, Number(day), Number(hh), Number(mi), Number(ss), Number(msec));
  const wallMs = localMs - (options.utcOffsetMinutes ?? 0) * 60_000;
  const parsed = messageEvent(text!, context);
  return {
    lineNo,
    pid: Number(pid),
    role: role as ParsedLine["role"],
    wallMs,
    level: LEVELS[levelChar!]!,
    text: text!,
    event: parsed?.event ?? null,
    ...(parsed?.inferred === undefined ? {} : { inferred: parsed.inferred }),
  };
}

/** `ip:port` → the process name: the port on loopback (CONTRACTS §2), else the address as printed. */
export function processOf(address: string): string {
  const m = /^127\.0\.0\.1:(\d+)$/.exec(address);
  return m === null ? address : m[1]!;
}

interface Rule {
  readonly pattern: RegExp;
  readonly build: (m: RegExpExecArray, context: Context) => { event: TraceEvent; inferred?: readonly string[] };
}

const ID = "([0-9a-f]{40})";
const ADDR = "(\\S+:\\d+)";
const num = (s: string | undefined): number => Number(s);
const ev = (event: TraceEvent, inferred?: readonly string[]) => (inferred === undefined ? { event } : { event, inferred });

/**
 * One rule per line shape, tried in order; each names the Redis function that prints it. The
 * `(?:REPLICA|SLAVE)` and `(?:replica|slave)` alternatives read the 3.x wording of the articles.
 */
const RULES: readonly Rule[] = [
  // ---- cluster.c ------------------------------------------------------------------------------
  // clusterLoadConfig / clusterInit
  { pattern: new RegExp(`^Node configuration loaded, I'm ${ID}$`), build: (m) => ev({ type: "clusterConfigLoaded", myId: m[1]! }) },
  { pattern: new RegExp(`^No cluster configuration found, I'm ${ID}$`), build: (m) => ev({ type: "clusterConfigCreated", myId: m[1]! }) },
  // clusterCron (debug): PFAIL. Real 7.0.15 at loglevel notice never prints it.
  { pattern: new RegExp(`^\\*\\*\\* NODE ${ID} possibly failing$`), build: (m) => ev({ type: "nodePossiblyFailing", peer: m[1]! }) },
  { pattern: new RegExp(`^Node ${ID} reported node ${ID} as not reachable\\.$`), build: (m) => ev({ type: "failureReported", reporter: m[1]!, peer: m[2]! }) },
  { pattern: new RegExp(`^Node ${ID} reported node ${ID} is back online\\.$`), build: (m) => ev({ type: "failureReportRemoved", reporter: m[1]!, peer: m[2]! }) },
  // markNodeAsFailingIfNeeded: the line does not print how many reports made the quorum.
  {
    pattern: new RegExp(`^Marking node ${ID} as failing \\(quorum reached\\)\\.$`),
    build: (m) => ev({ type: "nodeMarkedFailing", peer: m[1]!, reports: 0, quorum: 0 }, ["reports", "quorum"]),
  },
  { pattern: new RegExp(`^FAIL message received from ${ID} about ${ID}$`), build: (m) => ev({ type: "failMessageReceived", from: m[1]!, about: m[2]! }) },
  {
    pattern: new RegExp(`^Clear FAIL state for node ${ID}: (?:(replica|master without slots) is reachable again|is reachable again and nobody is serving its slots after some time)\\.$`),
    build: (m) => ev({ type: "failStateCleared", peer: m[1]!, reason: m[2] === undefined ? "nobodyServing" : m[2] === "replica" ? "replica" : "masterWithoutSlots" }),
  },
  { pattern: /^Cluster state changed: (ok|fail)$/, build: (m) => ev({ type: "clusterStateChanged", state: m[1] as "ok" | "fail" }) },
  // clusterHandleSlaveFailover
  {
    pattern: /^Start of election delayed for (\d+) milliseconds \(rank #(\d+), offset (\d+)\)\.$/,
    build: (m) => ev({ type: "electionDelayed", delayMs: num(m[1]), rank: num(m[2]), offset: num(m[3]) }),
  },
  {
    pattern: /^(?:Replica|Slave) rank updated to #(\d+), added (\d+) milliseconds of delay\.$/,
    build: (m) => ev({ type: "replicaRankUpdated", rank: num(m[1]), addedDelayMs: num(m[2]) }),
  },
  {
    pattern: /^Starting a failover election for epoch (\d+)\.$/,
    build: (m, c) => {
      c.lastElectionEpoch = num(m[1]);
      return ev({ type: "electionStarted", epoch: num(m[1]) });
    },
  },
  // The won line has no epoch: it is the one this replica's last election asked for.
  {
    pattern: /^Failover election won: I'm the new master\.$/,
    build: (_m, c) => ev({ type: "electionWon", epoch: c.lastElectionEpoch ?? 0 }, ["epoch"]),
  },
  { pattern: /^configEpoch set to (\d+) after successful failover$/, build: (m) => ev({ type: "configEpochSetAfterFailover", epoch: num(m[1]) }) },
  {
    pattern: /^Currently unable to failover: (.*)$/,
    build: (m) => {
      const reason = CANT_FAILOVER[m[1]!];
      return reason === undefined ? { event: null as unknown as TraceEvent } : ev({ type: "cantFailover", reason });
    },
  },
  { pattern: new RegExp(`^Failover auth granted to ${ID} for epoch (\\d+)$`), build: (m) => ev({ type: "authGranted", to: m[1]!, epoch: num(m[2]) }) },
  {
    pattern: new RegExp(`^Failover auth denied to ${ID}: reqEpoch \\((\\d+)\\) < curEpoch\\((\\d+)\\)$`),
    build: (m) => ev({ type: "authDenied", to: m[1]!, reason: "staleRequestEpoch", requestEpoch: num(m[2]), currentEpoch: num(m[3]) }),
  },
  {
    pattern: new RegExp(`^Failover auth denied to ${ID}: already voted for epoch (\\d+)$`),
    build: (m) => ev({ type: "authDenied", to: m[1]!, reason: "alreadyVoted", currentEpoch: num(m[2]) }),
  },
  { pattern: new RegExp(`^Failover auth denied to ${ID}: it is a master node$`), build: (m) => ev({ type: "authDenied", to: m[1]!, reason: "isMaster" }) },
  { pattern: new RegExp(`^Failover auth denied to ${ID}: I don't know its master$`), build: (m) => ev({ type: "authDenied", to: m[1]!, reason: "masterUnknown" }) },
  { pattern: new RegExp(`^Failover auth denied to ${ID}: its master is up$`), build: (m) => ev({ type: "authDenied", to: m[1]!, reason: "masterUp" }) },
  {
    pattern: new RegExp(`^Failover auth denied to ${ID}: can't vote about this master before (\\d+) milliseconds$`),
    build: (m) => ev({ type: "authDenied", to: m[1]!, reason: "tooSoon", waitMs: num(m[2]) }),
  },
  {
    pattern: new RegExp(`^Failover auth denied to ${ID}: slot (\\d+) epoch \\((\\d+)\\) > reqEpoch \\((\\d+)\\)$`),
    build: (m) => ev({ type: "authDenied", to: m[1]!, reason: "slotEpoch", slot: num(m[2]), slotEpoch: num(m[3]), requestEpoch: num(m[4]) }),
  },
  {
    pattern: new RegExp(`^Configuration change detected\\. Reconfiguring myself as a (?:replica|slave) of ${ID}$`),
    build: (m) => ev({ type: "reconfiguredAsReplica", master: m[1]! }),
  },
  {
    pattern: new RegExp(`^I'm a sub-(?:replica|slave)! Reconfiguring myself as a (?:replica|slave) of grandmaster ${ID}$`),
    build: (m) => ev({ type: "reconfiguredToGrandmaster", master: m[1]! }),
  },
  {
    pattern: new RegExp(`^Node ${ID} has old slots configuration, sending an UPDATE message about ${ID}$`),
    build: (m) => ev({ type: "updateSent", to: m[1]!, about: m[2]! }),
  },
  { pattern: /^Discarding UPDATE message about myself\.$/, build: () => ev({ type: "updateAboutMyselfDiscarded" }) },
  { pattern: /^New configEpoch set to (\d+)$/, build: (m) => ev({ type: "configEpochBumped", epoch: num(m[1]) }) },
  {
    pattern: new RegExp(`^WARNING: configEpoch collision with node ${ID}\\. configEpoch set to (\\d+)$`),
    build: (m) => ev({ type: "configEpochCollision", other: m[1]!, epoch: num(m[2]) }),
  },
  { pattern: /^configEpoch set to (\d+) via CLUSTER SET-CONFIG-EPOCH$/, build: (m) => ev({ type: "configEpochSetByCommand", epoch: num(m[1]) }) },
  // clusterLinkConnectHandler prints the bus port; the event carries the client port.
  {
    pattern: new RegExp(`^Connection with Node ${ID} at \\S+:(\\d+) failed: (.*)$`),
    build: (m) => ev({ type: "busConnectFailed", peer: m[1]!, port: num(m[2]) - CLUSTER_PORT_INCR, error: m[3]! }),
  },
  { pattern: /^Manual failover user request accepted\.$/, build: () => ev({ type: "manualFailoverAccepted", mode: "default" }) },
  { pattern: /^Forced failover user request accepted\.$/, build: () => ev({ type: "manualFailoverAccepted", mode: "force" }) },
  { pattern: /^Taking over the master \(user request\)\.$/, build: () => ev({ type: "manualFailoverAccepted", mode: "takeover" }) },
  { pattern: new RegExp(`^Manual failover requested by (?:replica|slave) ${ID}\\.$`), build: (m) => ev({ type: "manualFailoverRequested", replica: m[1]! }) },
  {
    pattern: /^Received replication offset for paused master manual failover: (\d+)$/,
    build: (m) => ev({ type: "manualFailoverMasterOffset", offset: num(m[1]) }),
  },
  { pattern: /^All master replication stream processed, manual failover can start\.$/, build: () => ev({ type: "manualFailoverCanStart" }) },
  { pattern: /^Manual failover timed out\.$/, build: () => ev({ type: "manualFailoverTimedOut" }) },
  { pattern: new RegExp(`^Migrating to orphaned master ${ID}$`), build: (m) => ev({ type: "migratingToOrphanedMaster", master: m[1]! }) },

  // ---- server.c ------------------------------------------------------------------------------
  // redisAsciiArt (the key line of a start; `Server initialized` / `Ready to accept connections` follow).
  { pattern: /^Running mode=(?:cluster|standalone|sentinel), port=(\d+)\.$/, build: (m) => ev({ type: "serverInitialized", port: num(m[1]) }) },
  { pattern: /^User requested shutdown\.\.\.$/, build: () => ev({ type: "shutdownRequested" }) },
  { pattern: /^(?:Redis|Sentinel) is now ready to exit, bye bye\.\.\.$/, build: () => ev({ type: "readyToExit" }) },
  { pattern: /^CONFIG REWRITE executed with success\.$/, build: () => ev({ type: "configRewritten" }) },

  // ---- replication.c: the role changes and the resyncs ---------------------------------------
  {
    pattern: new RegExp(`^Connecting to MASTER ${ADDR}$`),
    build: (m, c) => {
      c.lastMaster = processOf(m[1]!);
      return ev({ type: "connectingToMaster", master: c.lastMaster });
    },
  },
  // freeClient: the line does not say which master; it is the one this replica last connected to.
  { pattern: /^Connection with master lost\.$/, build: (_m, c) => ev({ type: "masterLinkLost", master: c.lastMaster ?? "" }, ["master"]) },
  { pattern: /^Discarding previously cached master state\.$/, build: () => ev({ type: "cachedMasterDiscarded" }) },
  {
    pattern: /^Setting secondary replication ID to ([0-9a-f]{40}), valid up to offset: (\d+)\. New replication ID is ([0-9a-f]{40})$/,
    build: (m) => ev({ type: "replicationIdShifted", replid2: m[1]!, validUpToOffset: num(m[2]), replid: m[3]! }),
  },
  {
    pattern: /^Trying a partial resynchronization \(request ([0-9a-f?]{40}):(-?\d+)\)\.$/,
    build: (m) => ev({ type: "partialResyncAttempt", replid: m[1]!, offset: num(m[2]) }),
  },
  { pattern: /^Partial resynchronization not possible \(no cached master\)$/, build: () => ev({ type: "partialResyncNotPossible" }) },
  { pattern: /^Full resync from master: ([0-9a-f]{40}):(\d+)$/, build: (m) => ev({ type: "fullResyncFromMaster", replid: m[1]!, offset: num(m[2]) }) },
  { pattern: /^Successful partial resynchronization with master\.$/, build: () => ev({ type: "partialResyncSucceeded" }) },
  { pattern: /^Master replication ID changed to ([0-9a-f]{40})$/, build: (m) => ev({ type: "masterReplidChanged", replid: m[1]! }) },
  { pattern: /^MASTER <-> (?:REPLICA|SLAVE) sync: Master accepted a Partial Resynchronization\.$/, build: () => ev({ type: "masterAcceptedPartialResync" }) },
  { pattern: new RegExp(`^(?:Replica|Slave) ${ADDR} asks for synchronization$`), build: (m) => ev({ type: "replicaAsksForSync", replica: processOf(m[1]!) }) },
  { pattern: new RegExp(`^Full resync requested by (?:replica|slave) ${ADDR}$`), build: (m) => ev({ type: "fullResyncRequested", replica: processOf(m[1]!) }) },
  {
    pattern: new RegExp(`^Partial resynchronization request from ${ADDR} accepted\\. Sending (\\d+) bytes of backlog starting from offset (\\d+)\\.$`),
    build: (m) => ev({ type: "partialResyncAccepted", replica: processOf(m[1]!), bytes: num(m[2]), fromOffset: num(m[3]) }),
  },
  {
    pattern: new RegExp(`^Partial resynchronization not accepted: Requested offset for second ID was (\\d+), but I can reply up to (\\d+)$`),
    // The line does not name the replica; the `asks for synchronization` line before it does.
    build: (m) => ev({ type: "psyncSecondIdTooFar", replica: "", requestedOffset: num(m[1]), secondReplidOffset: num(m[2]) }, ["replica"]),
  },
  { pattern: new RegExp(`^Connection with (?:replica|slave) ${ADDR} lost\\.$`), build: (m) => ev({ type: "replicaLinkLost", replica: processOf(m[1]!) }) },
  // replicationGetSlaveName: when the replica already closed its end, getpeername fails and 7.0.15
  // names the client by id (a paused master resuming after its replicas left prints this).
  { pattern: /^Connection with (?:replica|slave) client id #\d+ lost\.$/, build: () => ev({ type: "replicaLinkLost", replica: "" }, ["replica"]) },
  { pattern: new RegExp(`^Synchronization with (?:replica|slave) ${ADDR} succeeded$`), build: (m) => ev({ type: "replicaSyncSucceeded", replica: processOf(m[1]!) }) },

  // ---- sentinel.c ----------------------------------------------------------------------------
  { pattern: /^Sentinel ID is ([0-9a-f]{40})$/, build: (m) => ev({ type: "sentinelId", myId: m[1]! }) },
  { pattern: /^([0-9a-f]{40}) voted for ([0-9a-f]{40}) (\d+)$/, build: (m) => ev({ type: "peerVoted", peer: m[1]!, leader: m[2]!, epoch: num(m[3]) }) },
  {
    pattern: /^Next failover delay: I will not start a failover before (\w{3} \w{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/,
    build: (m) => ev({ type: "nextFailoverDelay", notBeforeMs: ctimeMs(m[1]!) }),
  },
  { pattern: /^\+new-epoch (\d+)$/, build: (m) => ev({ type: "newEpoch", epoch: num(m[1]) }) },
  { pattern: /^\+vote-for-leader ([0-9a-f]{40}) (\d+)$/, build: (m) => ev({ type: "voteForLeader", leader: m[1]!, epoch: num(m[2]) }) },
  {
    pattern: /^\+switch-master (\S+) (\S+) (\d+) (\S+) (\d+)$/,
    build: (m) => ev({ type: "switchMaster", masterName: m[1]!, oldIp: m[2]!, oldPort: num(m[3]), newIp: m[4]!, newPort: num(m[5]) }),
  },
  { pattern: /^\+tilt #tilt mode entered$/, build: () => ev({ type: "tilt", deltaMs: 0 }, ["deltaMs"]) },
  { pattern: /^-tilt #tilt mode exited$/, build: () => ev({ type: "tiltExited" }) },
];

const CLUSTER_PORT_INCR = 10_000;

const CANT_FAILOVER: Readonly<Record<string, "dataAge" | "waitingDelay" | "expired" | "waitingVotes">> = {
  "Disconnected from master for longer than allowed. Please check the 'cluster-replica-validity-factor' configuration option.": "dataAge",
  "Waiting the delay before I can start a new failover.": "waitingDelay",
  "Failover attempt expired.": "expired",
  "Waiting for votes, but majority still not reached.": "waitingVotes",
};

/** Sentinel events whose message is `%@` (plus a tail for a few), by their Redis name. */
const SENTINEL_INSTANCE_EVENTS: Readonly<Record<string, string>> = {
  "+monitor": "monitor",
  "+sdown": "sdown",
  "-sdown": "sdownCleared",
  "+odown": "odown",
  "-odown": "odownCleared",
  "+try-failover": "tryFailover",
  "+elected-leader": "electedLeader",
  "-failover-abort-not-elected": "failoverAbortNotElected",
  "+failover-state-select-slave": "failoverStateSelectSlave",
  "+selected-slave": "selectedSlave",
  "-failover-abort-no-good-slave": "failoverAbortNoGoodSlave",
  "+failover-state-send-slaveof-noone": "failoverStateSendSlaveofNoone",
  "-failover-abort-slave-timeout": "failoverAbortSlaveTimeout",
  "+failover-state-wait-promotion": "failoverStateWaitPromotion",
  "+promoted-slave": "promotedSlave",
  "+failover-state-reconf-slaves": "failoverStateReconfSlaves",
  "+slave-reconf-sent": "slaveReconfSent",
  "-slave-reconf-sent-timeout": "slaveReconfSentTimeout",
  "+slave-reconf-sent-be": "slaveReconfSentBe",
  "+slave-reconf-inprog": "slaveReconfInprog",
  "+slave-reconf-done": "slaveReconfDone",
  "+failover-end-for-timeout": "failoverEndForTimeout",
  "+failover-end": "failoverEnd",
  "+config-update-from": "configUpdateFrom",
  "+slave": "slaveAdded",
  "+sentinel": "sentinelAdded",
  "+convert-to-slave": "convertToSlave",
  "+fix-slave-config": "fixSlaveConfig",
  "+reboot": "reboot",
  "+role-change": "roleChange",
  "-role-change": "roleChange",
  "+reset-master": "resetMaster",
};

/** sentinel.c:sentinelEvent's `%@`: `<type> <name> <ip> <port>[ @ <master> <ip> <port>]`, then a tail. */
const INSTANCE = /^([+-][a-z-]+) (master|slave|sentinel) (\S+) (\S+) (\d+)(?: @ (\S+) (\S+) (\d+))?(.*)$/;

function sentinelInstanceEvent(text: string): { event: TraceEvent } | null {
  const m = INSTANCE.exec(text);
  if (m === null) return null;
  const type = SENTINEL_INSTANCE_EVENTS[m[1]!];
  if (type === undefined) return null;
  const instance: sentinel.SentinelInstanceRef = {
    kind: m[2] as sentinel.SentinelInstanceRef["kind"],
    name: m[3]!,
    ip: m[4]!,
    port: num(m[5]),
    master: m[6] === undefined ? null : { name: m[6], ip: m[7]!, port: num(m[8]) },
  };
  const tail = m[9]!;
  switch (type) {
    case "monitor": {
      const q = /^ quorum (\d+)$/.exec(tail);
      return q === null ? null : { event: { type: "monitor", instance, quorum: num(q[1]) } };
    }
    case "odown": {
      const q = /^ #quorum (\d+)\/(\d+)$/.exec(tail);
      return q === null ? null : { event: { type: "odown", instance, count: num(q[1]), quorum: num(q[2]) } };
    }
    case "roleChange": {
      const r = /^ new reported role is (master|slave)$/.exec(tail);
      if (r === null) return null;
      return { event: { type: "roleChange", instance, role: r[1] as "master" | "slave", matches: m[1] === "+role-change" } };
    }
    default:
      if (tail !== "") return null;
      return { event: { type, instance } as TraceEvent };
  }
}

function messageEvent(text: string, context: Context): { event: TraceEvent; inferred?: readonly string[] } | null {
  for (const rule of RULES) {
    const m = rule.pattern.exec(text);
    if (m === null) continue;
    const built = rule.build(m, context);
    return built.event === null ? null : built;
  }
  return sentinelInstanceEvent(text);
}

/** ctime(3) text in UTC (`Wed Dec 30 15:34:12 2026`) → ms since the epoch. */
function ctimeMs(text: string): number {
  const m = /^\w{3} (\w{3}) +(\d+) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(text)!;
  return Date.UTC(num(m[6]), MONTHS.indexOf(m[1]!), num(m[2]), num(m[3]), num(m[4]), num(m[5]));
}

/** The event types this parser can produce: the vocabulary calibration compares on. */
export const PARSED_EVENT_TYPES: readonly TraceEvent["type"][] = [
  "clusterConfigLoaded",
  "clusterConfigCreated",
  "nodePossiblyFailing",
  "failureReported",
  "failureReportRemoved",
  "nodeMarkedFailing",
  "failMessageReceived",
  "failStateCleared",
  "clusterStateChanged",
  "electionDelayed",
  "replicaRankUpdated",
  "electionStarted",
  "electionWon",
  "configEpochSetAfterFailover",
  "cantFailover",
  "authGranted",
  "authDenied",
  "reconfiguredAsReplica",
  "reconfiguredToGrandmaster",
  "updateSent",
  "updateAboutMyselfDiscarded",
  "configEpochBumped",
  "configEpochCollision",
  "configEpochSetByCommand",
  "busConnectFailed",
  "manualFailoverAccepted",
  "manualFailoverRequested",
  "manualFailoverMasterOffset",
  "manualFailoverCanStart",
  "manualFailoverTimedOut",
  "migratingToOrphanedMaster",
  "serverInitialized",
  "shutdownRequested",
  "readyToExit",
  "configRewritten",
  "connectingToMaster",
  "masterLinkLost",
  "cachedMasterDiscarded",
  "replicationIdShifted",
  "partialResyncAttempt",
  "partialResyncNotPossible",
  "fullResyncFromMaster",
  "partialResyncSucceeded",
  "masterReplidChanged",
  "masterAcceptedPartialResync",
  "replicaAsksForSync",
  "fullResyncRequested",
  "partialResyncAccepted",
  "psyncSecondIdTooFar",
  "replicaLinkLost",
  "replicaSyncSucceeded",
  "sentinelId",
  "peerVoted",
  "nextFailoverDelay",
  "newEpoch",
  "voteForLeader",
  "switchMaster",
  "tilt",
  "tiltExited",
  ...(Object.values(SENTINEL_INSTANCE_EVENTS).filter((t, i, all) => all.indexOf(t) === i) as TraceEvent["type"][]),
];
