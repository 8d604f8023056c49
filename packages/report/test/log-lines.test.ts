import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Simulation, addCreatedCluster, seconds, WALL_CLOCK_EPOCH_MS as SIM_WALL_CLOCK_EPOCH_MS } from "@failover-lab/sim-core";
import type { TraceEvent, TraceEventType, TraceRecord } from "@failover-lab/sim-core/trace";
import { describe, expect, it } from "vitest";
import {
  LOGGED_EVENT_TYPES,
  LOG_LINE_PATTERN,
  NOT_LOGGED,
  WALL_CLOCK_EPOCH_MS,
  createLogContext,
  logLines,
  logMessages,
  mergedLog,
  renderLog,
  type LogOptions,
  type LoggedEventType,
} from "../src/index";

// ---- helpers -------------------------------------------------------------------------------------

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const OBSERVATIONS = join(REPO, "docs/observations/redis-7.0.15");

/** A record of `node` at `atUs`. */
const at = (atUs: number, node: string, event: TraceEvent): TraceRecord => ({ atUs, node, ...event }) as TraceRecord;

/** Records for one node, 1 ms apart from `startUs`, in the order given. */
const recordsOf = (node: string, events: readonly TraceEvent[], startUs = 1_000_000): TraceRecord[] =>
  events.map((event, i) => at(startUs + i * 1000, node, event));

interface ParsedLine {
  readonly pid: number;
  readonly role: string;
  readonly date: string;
  readonly time: string;
  readonly level: string;
  readonly message: string;
}

function parse(line: string): ParsedLine {
  const m = LOG_LINE_PATTERN.exec(line);
  if (m === null) throw new Error(`not a Redis 7.0 log line: ${JSON.stringify(line)}`);
  return { pid: Number(m[1]), role: m[2]!, date: m[3]!, time: m[4]!, level: m[5]!, message: m[6]! };
}

/**
 * The lines of a committed observation file, with the `[port] (+offset) ` that the summaries put
 * before each verbatim line taken off. (The raw redis-<port>.log copies are not committed: the
 * summaries, formats.md and restart-log-7001.txt quote them.)
 */
function observedLines(file: string): string[] {
  return readFileSync(join(OBSERVATIONS, file), "utf8")
    .split("\n")
    .map((line) => line.replace(/^\[\d+\] \(\+\d+\) /, ""));
}

function expectConsecutive(file: string, lines: readonly string[]): void {
  const all = observedLines(file);
  const start = all.indexOf(lines[0]!);
  expect(start, `${file} has ${JSON.stringify(lines[0])}`).toBeGreaterThanOrEqual(0);
  expect(all.slice(start, start + lines.length), `${file} has these lines in a row`).toEqual(lines);
}

// Node ids of the nt2000-a run (docs/observations/redis-7.0.15/nt2000-a/summary.md).
const A_7001 = "8d7a1fb934fcc3898f8ce1513b7ff88c38b2f734";
const A_7003 = "7254a5a7ed6557066d35578dd897c0ecad8f14bb";
const A_7004 = "22ef3d728eb27533250b6cda2fa4d788883763df";
const CLEARED = "0000000000000000000000000000000000000000";
const replicaOf7001: TraceEvent = { type: "connectingToMaster", master: "7001" };

// ---- 1. the article's line ----------------------------------------------------------------------------

describe("the article's election line (seed 000, drill-000's 7006)", () => {
  it("renders with pid 7006, role S, the 2026 date and the millisecond of its record", () => {
    const records = [
      at(0, "7006", { type: "processStarted", incarnation: 0, restarted: false }),
      at(0, "7006", { type: "connectingToMaster", master: "7003" }),
      // 6.662 999 s after simulated time 0: the stamp keeps whole milliseconds.
      at(6_662_999, "7006", { type: "electionDelayed", delayMs: 842, rank: 0, offset: 105547 }),
    ];
    expect(renderLog(records, "7006").at(-1)).toBe(
      "7006:S 30 Dec 2026 15:28:06.662 # Start of election delayed for 842 milliseconds (rank #0, offset 105547).",
    );
  });

  it("renders the article's whole failover excerpt in 7.0.15's words", () => {
    // seed 000 (Redis 3.0.2, 208:6378 = 7006 replicating 208:6379 = 7003), verbatim:
    //   6874:S 30 Dec 15:28:04.755 # Error condition on socket for SYNC: Connection refused
    //   6874:S 30 Dec 15:28:05.758 * Connecting to MASTER 192.168.31.208:6379
    //   6874:S 30 Dec 15:28:05.758 * MASTER <-> SLAVE sync started
    //   6874:S 30 Dec 15:28:05.759 # Error condition on socket for SYNC: Connection refused
    //   6874:S 30 Dec 15:28:06.647 * FAIL message received from 40cecda23f32cb3b8ff60752c00514f2d7d9c3d0 about 273aa3c0416e7d1795ce678d56bd2db148613f7e
    //   6874:S 30 Dec 15:28:06.647 # Cluster state changed: fail
    //   6874:S 30 Dec 15:28:06.662 # Start of election delayed for 842 milliseconds (rank #0, offset 105547).
    //   6874:S 30 Dec 15:28:07.565 # Starting a failover election for epoch 4.
    //   6874:S 30 Dec 15:28:07.567 # Failover election won: I'm the new master.
    //   6874:S 30 Dec 15:28:07.567 # configEpoch set to 4 after successful failover
    //   6874:M 30 Dec 15:28:07.567 * Discarding previously cached master state.
    //   6874:M 30 Dec 15:28:07.567 # Cluster state changed: ok
    // 7.0 adds the year, says REPLICA, elects for epoch 7 after create's 1–6 (CONTRACTS §1), and
    // logs the replication id shift on promotion (PSYNC2).
    const from = "40cecda23f32cb3b8ff60752c00514f2d7d9c3d0";
    const about = "273aa3c0416e7d1795ce678d56bd2db148613f7e";
    const oldId = "d69cc5e4e958985b057ec4edf436cdaf9a570361";
    const newId = "39c34807a8bd37c3f40861a4480e79bec97b6475";
    const ms = (s: number): number => Math.round(s * 1_000_000);
    const records = [
      at(0, "7006", { type: "processStarted", incarnation: 0, restarted: false }),
      at(ms(4.755), "7006", { type: "syncError", master: "7003", error: "Connection refused" }),
      at(ms(5.758), "7006", { type: "connectingToMaster", master: "7003" }),
      at(ms(5.758), "7006", { type: "syncStarted", master: "7003" }),
      at(ms(5.759), "7006", { type: "syncError", master: "7003", error: "Connection refused" }),
      at(ms(6.647), "7006", { type: "failMessageReceived", from, about }),
      at(ms(6.647), "7006", { type: "clusterStateChanged", state: "fail" }),
      at(ms(6.662), "7006", { type: "electionDelayed", delayMs: 842, rank: 0, offset: 105547 }),
      at(ms(7.565), "7006", { type: "electionStarted", epoch: 7 }),
      at(ms(7.567), "7006", { type: "electionWon", epoch: 7 }),
      at(ms(7.567), "7006", { type: "configEpochSetAfterFailover", epoch: 7 }),
      at(ms(7.567), "7006", { type: "cachedMasterDiscarded" }),
      at(ms(7.567), "7006", { type: "replicationIdShifted", replid2: oldId, validUpToOffset: 105548, replid: newId }),
      at(ms(7.567), "7006", { type: "clusterStateChanged", state: "ok" }),
    ];
    expect(renderLog(records, "7006")).toEqual([
      "7006:S 30 Dec 2026 15:28:04.755 # Error condition on socket for SYNC: Connection refused",
      "7006:S 30 Dec 2026 15:28:05.758 * Connecting to MASTER 127.0.0.1:7003",
      "7006:S 30 Dec 2026 15:28:05.758 * MASTER <-> REPLICA sync started",
      "7006:S 30 Dec 2026 15:28:05.759 # Error condition on socket for SYNC: Connection refused",
      `7006:S 30 Dec 2026 15:28:06.647 * FAIL message received from ${from} about ${about}`,
      "7006:S 30 Dec 2026 15:28:06.647 # Cluster state changed: fail",
      "7006:S 30 Dec 2026 15:28:06.662 # Start of election delayed for 842 milliseconds (rank #0, offset 105547).",
      "7006:S 30 Dec 2026 15:28:07.565 # Starting a failover election for epoch 7.",
      "7006:S 30 Dec 2026 15:28:07.567 # Failover election won: I'm the new master.",
      "7006:S 30 Dec 2026 15:28:07.567 # configEpoch set to 7 after successful failover",
      "7006:M 30 Dec 2026 15:28:07.567 * Discarding previously cached master state.",
      `7006:M 30 Dec 2026 15:28:07.567 # Setting secondary replication ID to ${oldId}, valid up to offset: 105548. New replication ID is ${newId}`,
      "7006:M 30 Dec 2026 15:28:07.567 # Cluster state changed: ok",
    ]);
  });

  it("uses sim-core's wall-clock epoch, 2026-12-30 15:28:00.000 UTC", () => {
    expect(WALL_CLOCK_EPOCH_MS).toBe(SIM_WALL_CLOCK_EPOCH_MS);
    expect(new Date(WALL_CLOCK_EPOCH_MS).toISOString()).toBe("2026-12-30T15:28:00.000Z");
  });
});

// ---- 2. lines of real Redis 7.0.15 ----------------------------------------------------------------

interface RealCase {
  readonly name: string;
  /** A committed file under docs/observations/redis-7.0.15 that quotes the lines. */
  readonly file: string;
  /** Consecutive verbatim lines of that file. */
  readonly lines: readonly string[];
  /** Indexes of `lines` the renderer deliberately does not write (the events lack the facts). */
  readonly notRendered?: readonly number[];
  /** Records before these, to put the process in the same state (their lines are not compared). */
  readonly before?: readonly TraceEvent[];
  readonly port: number;
  readonly events: readonly TraceEvent[];
}

const REAL: readonly RealCase[] = [
  {
    name: "Marking node … as failing (quorum reached).",
    file: "nt2000-a/summary.md",
    lines: [`13650:M 26 Nov 2026 14:09:50.049 * Marking node ${A_7001} as failing (quorum reached).`],
    port: 7002,
    events: [{ type: "nodeMarkedFailing", peer: A_7001, reports: 2, quorum: 2 }],
  },
  {
    name: "FAIL message received from … about … and Cluster state changed: fail",
    file: "nt2000-a/summary.md",
    lines: [
      `13662:S 26 Nov 2026 14:09:50.049 * FAIL message received from ${A_7003} about ${A_7001}`,
      "13662:S 26 Nov 2026 14:09:50.049 # Cluster state changed: fail",
    ],
    before: [replicaOf7001],
    port: 7004,
    events: [
      { type: "failMessageReceived", from: A_7003, about: A_7001 },
      { type: "clusterStateChanged", state: "fail" },
    ],
  },
  {
    name: "Start of election delayed … and Starting a failover election for epoch 7.",
    file: "nt2000-a/summary.md",
    lines: [
      "13662:S 26 Nov 2026 14:09:50.069 # Start of election delayed for 797 milliseconds (rank #0, offset 1591).",
      "13662:S 26 Nov 2026 14:09:50.170 * Connecting to MASTER 127.0.0.1:7001",
      "13662:S 26 Nov 2026 14:09:50.170 * MASTER <-> REPLICA sync started",
      "13662:S 26 Nov 2026 14:09:50.170 # Error condition on socket for SYNC: Connection refused",
      "13662:S 26 Nov 2026 14:09:50.874 # Starting a failover election for epoch 7.",
    ],
    before: [replicaOf7001],
    port: 7004,
    events: [
      { type: "electionDelayed", delayMs: 797, rank: 0, offset: 1591 },
      { type: "connectingToMaster", master: "7001" },
      { type: "syncStarted", master: "7001" },
      { type: "syncError", master: "7001", error: "Connection refused" },
      { type: "electionStarted", epoch: 7 },
    ],
  },
  {
    name: "Failover auth granted to … for epoch 7",
    file: "nt2000-a/summary.md",
    lines: [`13650:M 26 Nov 2026 14:09:50.875 # Failover auth granted to ${A_7004} for epoch 7`],
    port: 7002,
    events: [{ type: "authGranted", to: A_7004, epoch: 7 }],
  },
  {
    name: "the winner's promotion: election won, configEpoch, then M for the replication lines",
    file: "nt2000-a/summary.md",
    lines: [
      "13662:S 26 Nov 2026 14:09:50.875 # Failover election won: I'm the new master.",
      "13662:S 26 Nov 2026 14:09:50.875 # configEpoch set to 7 after successful failover",
      "13662:M 26 Nov 2026 14:09:50.875 * Discarding previously cached master state.",
      "13662:M 26 Nov 2026 14:09:50.875 # Setting secondary replication ID to 40b30f3a4c785375617bc2fd4e953ebb160a2c92, valid up to offset: 1592. New replication ID is dd803a07968a289e4da53147effa0c5b59141a37",
      "13662:M 26 Nov 2026 14:09:50.875 # Cluster state changed: ok",
    ],
    before: [replicaOf7001],
    port: 7004,
    events: [
      { type: "electionWon", epoch: 7 },
      { type: "configEpochSetAfterFailover", epoch: 7 },
      { type: "cachedMasterDiscarded" },
      {
        type: "replicationIdShifted",
        replid2: "40b30f3a4c785375617bc2fd4e953ebb160a2c92",
        validUpToOffset: 1592,
        replid: "dd803a07968a289e4da53147effa0c5b59141a37",
      },
      { type: "clusterStateChanged", state: "ok" },
    ],
  },
  {
    name: "Connection with master lost., Caching the disconnected master state., the handshake read failure",
    file: "nt2000-a/summary.md",
    lines: [
      "13662:S 26 Nov 2026 14:09:46.844 # Connection with master lost.",
      "13662:S 26 Nov 2026 14:09:46.844 * Caching the disconnected master state.",
      "13662:S 26 Nov 2026 14:09:46.844 * Reconnecting to MASTER 127.0.0.1:7001",
      "13662:S 26 Nov 2026 14:09:46.844 * MASTER <-> REPLICA sync started",
      "13662:S 26 Nov 2026 14:09:46.844 * Non blocking connect for SYNC fired the event.",
      "13662:S 26 Nov 2026 14:09:46.844 # Failed to read response from the server: Success",
      "13662:S 26 Nov 2026 14:09:46.844 # Master did not respond to command during SYNC handshake",
    ],
    before: [replicaOf7001],
    port: 7004,
    events: [
      { type: "masterLinkLost", master: "7001" },
      { type: "masterCached", replid: "40b30f3a4c785375617bc2fd4e953ebb160a2c92", offset: 1591 },
      { type: "reconnectingToMaster", master: "7001", afterFailure: false },
      { type: "syncStarted", master: "7001" },
      { type: "syncConnectFired", master: "7001" },
      { type: "handshakeReadFailed", step: "ping", reason: "eof" },
    ],
  },
  {
    name: "Master did not reply to PSYNC, will try later",
    file: "nt2000-presync/summary.md",
    lines: [
      "10513:S 26 Nov 2026 14:08:07.343 # Failed to read response from the server: Success",
      "10513:S 26 Nov 2026 14:08:07.343 # Master did not reply to PSYNC, will try later",
    ],
    before: [replicaOf7001],
    port: 7004,
    events: [{ type: "handshakeReadFailed", step: "psync", reason: "eof" }],
  },
  {
    name: "the old master restarted: Configuration change detected (M), then S from replicationSetMaster on",
    file: "nt2000-a/restart-log-7001.txt",
    lines: [
      `14781:M 26 Nov 2026 14:09:53.963 * Node configuration loaded, I'm ${A_7001}`,
      "14781:M 26 Nov 2026 14:09:53.963 * Running mode=cluster, port=7001.",
      "14781:M 26 Nov 2026 14:09:53.963 # Server initialized",
      "14781:M 26 Nov 2026 14:09:53.963 # WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low memory condition. Being disabled, it can can also cause failures without low memory condition, see https://github.com/jemalloc/jemalloc/issues/1328. To fix this issue add 'vm.overcommit_memory = 1' to /etc/sysctl.conf and then reboot or run the command 'sysctl vm.overcommit_memory=1' for this to take effect.",
      "14781:M 26 Nov 2026 14:09:53.964 * Ready to accept connections",
      `14781:M 26 Nov 2026 14:09:53.965 # Configuration change detected. Reconfiguring myself as a replica of ${A_7004}`,
      "14781:S 26 Nov 2026 14:09:53.965 * Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.",
      "14781:S 26 Nov 2026 14:09:53.965 * Connecting to MASTER 127.0.0.1:7004",
      "14781:S 26 Nov 2026 14:09:53.965 * MASTER <-> REPLICA sync started",
      "14781:S 26 Nov 2026 14:09:53.965 # Cluster state changed: ok",
      "14781:S 26 Nov 2026 14:09:53.965 * Non blocking connect for SYNC fired the event.",
      "14781:S 26 Nov 2026 14:09:53.966 * Master replied to PING, replication can continue...",
      "14781:S 26 Nov 2026 14:09:53.966 * Trying a partial resynchronization (request 0e62b9aba717c4ce80d465402affa70c2efa58ba:1).",
    ],
    // The host's memory overcommit warning is about the machine, not the server.
    notRendered: [3],
    before: [{ type: "processStarted", incarnation: 1, restarted: true }],
    port: 7001,
    events: [
      { type: "clusterConfigLoaded", myId: A_7001 },
      { type: "serverInitialized", port: 7001 },
      { type: "reconfiguredAsReplica", master: A_7004 },
      { type: "cachedMasterSynthesized", replid: "0e62b9aba717c4ce80d465402affa70c2efa58ba", offset: 0 },
      { type: "connectingToMaster", master: "7004" },
      { type: "syncStarted", master: "7004" },
      { type: "clusterStateChanged", state: "ok" },
      { type: "syncConnectFired", master: "7004" },
      { type: "masterPingReplied", master: "7004" },
      { type: "partialResyncAttempt", replid: "0e62b9aba717c4ce80d465402affa70c2efa58ba", offset: 1 },
    ],
  },
  {
    name: "a full sync on the replica: Full resync from master … Finished with success",
    file: "nt2000-a/restart-log-7001.txt",
    lines: [
      "14781:S 26 Nov 2026 14:09:58.204 * Full resync from master: dd803a07968a289e4da53147effa0c5b59141a37:1605",
      "14781:S 26 Nov 2026 14:09:58.206 * MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk",
      "14781:S 26 Nov 2026 14:09:58.206 * Discarding previously cached master state.",
      "14781:S 26 Nov 2026 14:09:58.206 * MASTER <-> REPLICA sync: Flushing old data",
      "14781:S 26 Nov 2026 14:09:58.206 * MASTER <-> REPLICA sync: Loading DB in memory",
      "14781:S 26 Nov 2026 14:09:58.207 * Loading RDB produced by version 7.0.15",
      "14781:S 26 Nov 2026 14:09:58.207 * RDB age 0 seconds",
      "14781:S 26 Nov 2026 14:09:58.207 * RDB memory usage when created 1.90 Mb",
      "14781:S 26 Nov 2026 14:09:58.207 * Done loading RDB, keys loaded: 32, keys expired: 0.",
      "14781:S 26 Nov 2026 14:09:58.207 * MASTER <-> REPLICA sync: Finished with success",
    ],
    // syncLoadingDb carries the key count only: no RDB age, no memory figure.
    notRendered: [6, 7],
    before: [{ type: "connectingToMaster", master: "7004" }],
    port: 7001,
    events: [
      { type: "fullResyncFromMaster", replid: "dd803a07968a289e4da53147effa0c5b59141a37", offset: 1605 },
      { type: "receivingStreamedRdb" },
      { type: "cachedMasterDiscarded" },
      { type: "syncFlushingOldData" },
      { type: "syncLoadingDb", keys: 32 },
      { type: "syncFinished", replid: "dd803a07968a289e4da53147effa0c5b59141a37", offset: 1605 },
    ],
  },
  {
    name: "a master's side of the first sync, up to the diskless transfer",
    file: "formats.md",
    lines: [
      "13650:M 26 Nov 2026 14:09:39.172 * Replica 127.0.0.1:7005 asks for synchronization",
      `13650:M 26 Nov 2026 14:09:39.172 * Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '9cc1b209fa73b666d87a1f9c3b228ae9e03f0c66', my replication IDs are '5e94e101e727cc63ae1af7fae7b45ea47f8a8165' and '${CLEARED}')`,
      `13650:M 26 Nov 2026 14:09:39.172 * Replication backlog created, my new replication IDs are '7a3999b02df308b9db3da8c2ddf9b42c323e2cb0' and '${CLEARED}'`,
      "13650:M 26 Nov 2026 14:09:39.172 * Delay next BGSAVE for diskless SYNC",
      "13650:M 26 Nov 2026 14:09:44.118 * Starting BGSAVE for SYNC with target: replicas sockets",
      "13650:M 26 Nov 2026 14:09:44.119 * Background RDB transfer started by pid 14089",
      "14089:C 26 Nov 2026 14:09:44.120 * Fork CoW for RDB: current 0 MB, peak 0 MB, average 0 MB",
    ],
    // The simulator forks no child: no child pid, and no line from the child itself.
    notRendered: [5, 6],
    port: 7002,
    events: [
      { type: "replicaAsksForSync", replica: "7005" },
      {
        type: "psyncReplidMismatch",
        replica: "7005",
        requestedReplid: "9cc1b209fa73b666d87a1f9c3b228ae9e03f0c66",
        replid: "5e94e101e727cc63ae1af7fae7b45ea47f8a8165",
        replid2: CLEARED,
      },
      { type: "backlogCreated", replid: "7a3999b02df308b9db3da8c2ddf9b42c323e2cb0", replid2: CLEARED },
      { type: "disklessSyncDelayed", replica: "7005" },
      { type: "bgsaveForSyncStarted", replicas: ["7005"], offset: 0, rdbBytes: 200, transferUs: 1000 },
    ],
  },
  {
    name: "the end of the diskless transfer, on the new master",
    file: "nt2000-a/summary.md",
    lines: [
      "13662:M 26 Nov 2026 14:09:58.206 # Diskless rdb transfer, done reading from pipe, 1 replicas still up.",
      "13662:M 26 Nov 2026 14:09:58.207 * Background RDB transfer terminated with success",
      "13662:M 26 Nov 2026 14:09:58.207 * Streamed RDB transfer with replica 127.0.0.1:7001 succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming",
      "13662:M 26 Nov 2026 14:09:58.207 * Synchronization with replica 127.0.0.1:7001 succeeded",
    ],
    port: 7004,
    events: [
      { type: "rdbTransferDone", replicasStillUp: 1 },
      { type: "replicaSyncSucceeded", replica: "7001" },
    ],
  },
  {
    name: "Clear FAIL state for node …: master without slots is reachable again.",
    file: "shutdown/summary.md",
    lines: ["18410:M 26 Nov 2026 14:11:50.263 * Clear FAIL state for node ddaff128785c746f7d431d60b2135a950c7c47b3: master without slots is reachable again."],
    port: 7002,
    events: [{ type: "failStateCleared", peer: "ddaff128785c746f7d431d60b2135a950c7c47b3", reason: "masterWithoutSlots" }],
  },
  {
    name: "Clear FAIL state for node …: is reachable again and nobody is serving its slots after some time.",
    file: "nt2000-presync/summary.md",
    lines: [
      "10501:M 26 Nov 2026 14:09:14.816 * Clear FAIL state for node 7f8d8a3178b0355d3dcbc3c10f14ca2b9fb3502c: is reachable again and nobody is serving its slots after some time.",
    ],
    port: 7002,
    events: [{ type: "failStateCleared", peer: "7f8d8a3178b0355d3dcbc3c10f14ca2b9fb3502c", reason: "nobodyServing" }],
  },
  {
    name: "Connection with replica … lost.",
    file: "formats.md",
    lines: ["22832:M 26 Nov 2026 14:13:33.195 # Connection with replica 127.0.0.1:7005 lost."],
    port: 7001,
    events: [{ type: "replicaLinkLost", replica: "7005" }],
  },
  {
    name: "a fresh node's start: No cluster configuration found, then CLUSTER SET-CONFIG-EPOCH",
    file: "formats.md",
    lines: [
      "13650:M 26 Nov 2026 14:09:37.085 * No cluster configuration found, I'm f876276f51c9bc728f06a8afe085ead9cc2abb78",
      "13650:M 26 Nov 2026 14:09:37.086 * Running mode=cluster, port=7002.",
      "13650:M 26 Nov 2026 14:09:37.086 # Server initialized",
      "13650:M 26 Nov 2026 14:09:37.086 # WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low memory condition. Being disabled, it can can also cause failures without low memory condition, see https://github.com/jemalloc/jemalloc/issues/1328. To fix this issue add 'vm.overcommit_memory = 1' to /etc/sysctl.conf and then reboot or run the command 'sysctl vm.overcommit_memory=1' for this to take effect.",
      "13650:M 26 Nov 2026 14:09:37.086 * Ready to accept connections",
      "13650:M 26 Nov 2026 14:09:37.168 # configEpoch set to 2 via CLUSTER SET-CONFIG-EPOCH",
      "13650:M 26 Nov 2026 14:09:37.283 # IP address for this node updated to 127.0.0.1",
    ],
    // The overcommit warning is about the host; no event stands for the node learning its own
    // address from a MEET.
    notRendered: [3, 6],
    before: [{ type: "processStarted", incarnation: 0, restarted: false }],
    port: 7002,
    events: [
      { type: "clusterConfigCreated", myId: "f876276f51c9bc728f06a8afe085ead9cc2abb78" },
      { type: "serverInitialized", port: 7002 },
      { type: "configEpochSetByCommand", epoch: 2 },
    ],
  },
  {
    name: "SHUTDOWN of a master",
    file: "shutdown/summary.md",
    lines: [
      "18404:M 26 Nov 2026 14:11:43.639 # User requested shutdown...",
      "18404:M 26 Nov 2026 14:11:43.639 * 1 of 1 replicas are in sync when shutting down.",
      "18404:M 26 Nov 2026 14:11:43.639 * Removing the pid file.",
      "18404:M 26 Nov 2026 14:11:43.639 # Redis is now ready to exit, bye bye...",
    ],
    // shutdownRequested has no replica counts; the simulated servers have no pid file.
    notRendered: [1, 2],
    port: 7001,
    events: [{ type: "shutdownRequested" }, { type: "readyToExit" }],
  },
];

describe("lines of real Redis 7.0.15 (docs/observations)", () => {
  for (const c of REAL) {
    it(`renders ${c.name} byte for byte`, () => {
      expectConsecutive(c.file, c.lines);
      const expected = c.lines.filter((_, i) => !(c.notRendered ?? []).includes(i)).map(parse);
      const process = String(c.port);
      const context = createLogContext(process);
      for (const event of c.before ?? []) logLines(at(0, process, event), context);
      const rendered = c.events.flatMap((event) => logLines(at(1_000_000, process, event), context));
      expect(rendered).toHaveLength(expected.length);
      rendered.forEach((line, i) => {
        expect(line).toMatch(LOG_LINE_PATTERN);
        const got = parse(line);
        const want = expected[i]!;
        // Everything after the time stamp is Redis's text byte for byte; the role character
        // and level character match the real line's.
        expect({ role: got.role, level: got.level, message: got.message }).toEqual({ role: want.role, level: want.level, message: want.message });
        expect(got.pid).toBe(c.port + 100_000 * context.incarnation);
      });
    });
  }

  it("prints the wordings cluster.c 7.0.15 has for every refused vote and every stalled failover", () => {
    const to = A_7004;
    const denied = (extra: object) => logMessages({ type: "authDenied", to, ...extra } as TraceEvent, { kind: "server", clusterMode: true })[0]!.text;
    expect(denied({ reason: "staleRequestEpoch", requestEpoch: 6, currentEpoch: 7 })).toBe(`Failover auth denied to ${to}: reqEpoch (6) < curEpoch(7)`);
    expect(denied({ reason: "alreadyVoted", currentEpoch: 7 })).toBe(`Failover auth denied to ${to}: already voted for epoch 7`);
    expect(denied({ reason: "isMaster" })).toBe(`Failover auth denied to ${to}: it is a master node`);
    expect(denied({ reason: "masterUnknown" })).toBe(`Failover auth denied to ${to}: I don't know its master`);
    expect(denied({ reason: "masterUp" })).toBe(`Failover auth denied to ${to}: its master is up`);
    expect(denied({ reason: "tooSoon", waitMs: 3217 })).toBe(`Failover auth denied to ${to}: can't vote about this master before 3217 milliseconds`);
    expect(denied({ reason: "slotEpoch", slot: 0, slotEpoch: 7, requestEpoch: 1 })).toBe(`Failover auth denied to ${to}: slot 0 epoch (7) > reqEpoch (1)`);
    expect(() => denied({ reason: "tooSoon" })).toThrow(/waitMs is missing/);

    const cant = (reason: string) => logMessages({ type: "cantFailover", reason } as TraceEvent, { kind: "server", clusterMode: true })[0]!.text;
    // Quoted in nt2000-presync/summary.md's timing table (the raw log line is not committed).
    expect(cant("dataAge")).toBe(
      "Currently unable to failover: Disconnected from master for longer than allowed. Please check the 'cluster-replica-validity-factor' configuration option.",
    );
    expect(cant("waitingDelay")).toBe("Currently unable to failover: Waiting the delay before I can start a new failover.");
    expect(cant("expired")).toBe("Currently unable to failover: Failover attempt expired.");
    expect(cant("waitingVotes")).toBe("Currently unable to failover: Waiting for votes, but majority still not reached.");
    expect(readFileSync(join(OBSERVATIONS, "nt2000-presync/summary.md"), "utf8")).toContain(cant("dataAge"));
  });

  it("prints the bus port (client port + 10000) in a failed bus connection", () => {
    const [line] = renderLog(recordsOf("7002", [{ type: "busConnectFailed", peer: A_7001, port: 7001, error: "Connection refused" }]), "7002", {
      verbosity: "verbose",
    });
    expect(parse(line!)).toMatchObject({ level: "-", message: `Connection with Node ${A_7001} at 127.0.0.1:17001 failed: Connection refused` });
  });
});

// ---- 3. verbosity --------------------------------------------------------------------------------

describe("loglevel", () => {
  const events: TraceEvent[] = [
    { type: "nodePossiblyFailing", peer: A_7001 },
    { type: "failureReported", reporter: A_7003, peer: A_7001 },
    { type: "nodeMarkedFailing", peer: A_7001, reports: 2, quorum: 2 },
    { type: "clusterStateChanged", state: "fail" },
  ];
  const levels = (options: LogOptions): string[] => renderLog(recordsOf("7002", events), "7002", options).map((line) => parse(line).level);

  it("shows only notice and warning lines by default, as `loglevel notice` does", () => {
    expect(levels({})).toEqual(["*", "#"]);
    expect(levels({ verbosity: "notice" })).toEqual(["*", "#"]);
  });

  it("shows verbose lines at verbose and debug lines at debug, with their level characters", () => {
    expect(levels({ verbosity: "verbose" })).toEqual(["-", "*", "#"]);
    expect(levels({ verbosity: "debug" })).toEqual([".", "-", "*", "#"]);
    expect(renderLog(recordsOf("7002", events), "7002", { verbosity: "debug" })[0]).toMatch(/ \. \*\*\* NODE 8d7a1fb934fcc3898f8ce1513b7ff88c38b2f734 possibly failing$/);
  });

  it("shows only warnings at warning", () => {
    expect(levels({ verbosity: "warning" })).toEqual(["#"]);
  });

  it("filters inside a multi-line event too", () => {
    // rdbTransferDone writes a warning then a notice.
    const lines = renderLog(recordsOf("7004", [{ type: "rdbTransferDone", replicasStillUp: 1 }]), "7004", { verbosity: "warning" });
    expect(lines.map((line) => parse(line).message)).toEqual(["Diskless rdb transfer, done reading from pipe, 1 replicas still up."]);
  });
});

// ---- 4. pids and clocks -------------------------------------------------------------------------------

describe("pid and wall clock", () => {
  it("logs port + 100000 × n after the n-th restart", () => {
    const records = [
      at(0, "7001", { type: "processStarted", incarnation: 0, restarted: false }),
      at(0, "7001", { type: "clusterConfigCreated", myId: A_7001 }),
      at(12_000_000, "7001", { type: "processCrashed" }),
      at(20_000_000, "7001", { type: "processStarted", incarnation: 1, restarted: true }),
      at(20_000_000, "7001", { type: "clusterConfigLoaded", myId: A_7001 }),
      at(30_000_000, "7001", { type: "processExited" }),
      at(40_000_000, "7001", { type: "processStarted", incarnation: 2, restarted: true }),
      at(40_000_000, "7001", { type: "clusterConfigLoaded", myId: A_7001 }),
    ];
    expect(renderLog(records, "7001").map((line) => parse(line).pid)).toEqual([7001, 107001, 207001]);
  });

  it("logs a Sentinel as X with its port as pid, restarts included", () => {
    const events: TraceEvent[] = [{ type: "serverInitialized", port: 26400 }];
    const first = renderLog(recordsOf("26400", events), "26400", { kind: "sentinel" });
    expect(first).toEqual(["26400:X 30 Dec 2026 15:28:01.000 * Running mode=sentinel, port=26400."]);
    const restarted = renderLog([at(0, "26400", { type: "processStarted", incarnation: 1, restarted: true }), ...recordsOf("26400", events)], "26400");
    expect(restarted[0]).toMatch(/^126400:X /);
    // The hint wins over the port convention.
    expect(renderLog(recordsOf("26400", events), "26400", { kind: "server" })[0]).toMatch(/^26400:M .* Running mode=standalone, port=26400\.$/);
  });

  it("moves a process's stamps by its own clock jumps from the jump on, and keeps them across a restart", () => {
    const state: TraceEvent = { type: "clusterStateChanged", state: "ok" };
    const records = [
      at(1_000_000, "7002", state),
      at(1_500_000, "7002", { type: "clockJumped", deltaMs: 60_000 }),
      at(2_000_000, "7002", state),
      at(2_000_000, "7003", { type: "clockJumped", deltaMs: 5_000 }),
      at(2_500_000, "7002", { type: "clockJumped", deltaMs: -30_500 }),
      at(3_000_000, "7002", state),
      at(4_000_000, "7002", { type: "processStarted", incarnation: 1, restarted: true }),
      at(4_000_000, "7002", state),
    ];
    expect(renderLog(records, "7002").map((line) => `${parse(line).date} ${parse(line).time}`)).toEqual([
      "30 Dec 2026 15:28:01.000",
      "30 Dec 2026 15:29:02.000",
      "30 Dec 2026 15:28:32.500",
      "30 Dec 2026 15:28:33.500",
    ]);
  });

  it("formats in UTC across a year boundary, days with two digits", () => {
    const newYear = (Date.UTC(2027, 0, 1, 0, 0, 0, 7) - WALL_CLOCK_EPOCH_MS) * 1000;
    const [line] = renderLog([at(newYear, "7002", { type: "clusterStateChanged", state: "ok" })], "7002");
    expect(line).toBe("7002:M 01 Jan 2027 00:00:00.007 # Cluster state changed: ok");
  });

  it("refuses a process that is not named by its port", () => {
    expect(() => renderLog([], "client-1")).toThrow(/named by its port/);
  });
});

// ---- 5. the role character ------------------------------------------------------------------------

describe("role character (follows server.masterhost)", () => {
  const roles = (node: string, events: readonly TraceEvent[]): string => renderLog(recordsOf(node, events), node).map((line) => parse(line).role).join("");

  it("switches from S to M on promotion at the first line replicationUnsetMaster writes", () => {
    expect(
      roles("7004", [
        { type: "connectingToMaster", master: "7001" },
        { type: "electionWon", epoch: 7 },
        { type: "configEpochSetAfterFailover", epoch: 7 },
        { type: "cachedMasterDiscarded" },
        { type: "replicationIdShifted", replid2: "a".repeat(40), validUpToOffset: 15, replid: "b".repeat(40) },
        { type: "clusterStateChanged", state: "ok" },
      ]),
    ).toBe("SSSMMM");
  });

  it("switches on the id shift when there was no cached master to discard", () => {
    expect(
      roles("7004", [
        { type: "connectingToMaster", master: "7001" },
        { type: "electionWon", epoch: 7 },
        { type: "replicationIdShifted", replid2: "a".repeat(40), validUpToOffset: 15, replid: "b".repeat(40) },
      ]),
    ).toBe("SSM");
  });

  it("prints M for the lines freeing a connected master during a promotion (masterhost is already cleared)", () => {
    expect(
      roles("7005", [
        { type: "connectingToMaster", master: "7002" },
        { type: "manualFailoverAccepted", mode: "takeover" },
        { type: "configEpochBumped", epoch: 8 },
        { type: "masterLinkLost", master: "7002" },
        { type: "masterCached", replid: "a".repeat(40), offset: 100 },
        { type: "cachedMasterDiscarded" },
        { type: "replicationIdShifted", replid2: "a".repeat(40), validUpToOffset: 101, replid: "b".repeat(40) },
      ]),
    ).toBe("SSSMMMM");
  });

  it("keeps S for a plain loss of the master link and for a full sync's discard", () => {
    expect(
      roles("7004", [
        { type: "connectingToMaster", master: "7001" },
        { type: "masterLinkLost", master: "7001" },
        { type: "masterCached", replid: "a".repeat(40), offset: 100 },
        { type: "reconnectingToMaster", master: "7001", afterFailure: false },
        { type: "cachedMasterDiscarded" },
      ]),
    ).toBe("SSSSS");
  });

  it("prints M while a connected replica is reattached to another master, until Connecting to MASTER", () => {
    expect(
      roles("7006", [
        { type: "connectingToMaster", master: "7003" },
        { type: "reconfiguredAsReplica", master: A_7004 },
        { type: "masterLinkLost", master: "7003" },
        { type: "masterCached", replid: "a".repeat(40), offset: 100 },
        { type: "connectingToMaster", master: "7004" },
      ]),
    ).toBe("SSMMS");
  });

  it("logs M after a restart until the first replicationSetMaster, whose discard is already S", () => {
    expect(
      roles("7004", [
        { type: "connectingToMaster", master: "7001" },
        { type: "processStarted", incarnation: 1, restarted: true },
        { type: "clusterConfigLoaded", myId: A_7004 },
        { type: "cachedMasterDiscarded" },
        { type: "cachedMasterSynthesized", replid: "a".repeat(40), offset: 100 },
        { type: "connectingToMaster", master: "7001" },
      ]),
    ).toBe("SMSSS");
  });

  it("keeps M for a master's own replication lines and X for a Sentinel", () => {
    expect(roles("7001", [{ type: "replicaAsksForSync", replica: "7004" }, { type: "replicaLinkLost", replica: "7004" }])).toBe("MM");
    expect(renderLog(recordsOf("26400", [{ type: "connectingToMaster", master: "7001" }]), "26400").map((l) => parse(l).role)).toEqual(["X"]);
  });
});

// ---- 6. every event type is rendered or declared unlogged ------------------------------------------

type EventOf<K extends TraceEventType> = Extract<TraceEvent, { readonly type: K }>;

/**
 * One sample of every event type that writes to the log. Typed over every such type, so a new
 * event type that is neither rendered nor in NOT_LOGGED fails the build here as in messages.ts.
 */
const SAMPLES: { readonly [K in LoggedEventType]: EventOf<K> } = {
  serverInitialized: { type: "serverInitialized", port: 7001 },
  shutdownRequested: { type: "shutdownRequested" },
  finalRdbSaved: { type: "finalRdbSaved", keys: 3 },
  shutdownWaitingForReplicas: { type: "shutdownWaitingForReplicas", timeoutS: 10 },
  laggingReplicaAtShutdown: { type: "laggingReplicaAtShutdown", replica: "127.0.0.1:7004", behindBytes: 37, lagS: 0, state: "online" },
  replicasInSyncAtShutdown: { type: "replicasInSyncAtShutdown", inSync: 1, replicas: 1 },
  masterModeEnabled: { type: "masterModeEnabled", client: { id: 7, peer: "26400", name: "sentinel-5a5eb7b9-cmd" } },
  replicaofEnabled: { type: "replicaofEnabled", master: "6401", client: { id: 7, peer: "26400", name: "sentinel-5a5eb7b9-cmd" } },
  replicaofNoop: { type: "replicaofNoop", master: "6401" },
  configRewritten: { type: "configRewritten" },
  readyToExit: { type: "readyToExit" },
  clusterConfigLoaded: { type: "clusterConfigLoaded", myId: A_7001 },
  clusterConfigCreated: { type: "clusterConfigCreated", myId: A_7001 },
  nodePossiblyFailing: { type: "nodePossiblyFailing", peer: A_7001 },
  failureReported: { type: "failureReported", reporter: A_7003, peer: A_7001 },
  failureReportRemoved: { type: "failureReportRemoved", reporter: A_7003, peer: A_7001 },
  nodeMarkedFailing: { type: "nodeMarkedFailing", peer: A_7001, reports: 2, quorum: 2 },
  failMessageReceived: { type: "failMessageReceived", from: A_7003, about: A_7001 },
  failStateCleared: { type: "failStateCleared", peer: A_7001, reason: "replica" },
  clusterStateChanged: { type: "clusterStateChanged", state: "ok" },
  electionDelayed: { type: "electionDelayed", delayMs: 842, rank: 0, offset: 105547 },
  replicaRankUpdated: { type: "replicaRankUpdated", rank: 1, addedDelayMs: 1000 },
  electionStarted: { type: "electionStarted", epoch: 7 },
  electionWon: { type: "electionWon", epoch: 7 },
  configEpochSetAfterFailover: { type: "configEpochSetAfterFailover", epoch: 7 },
  cantFailover: { type: "cantFailover", reason: "expired" },
  authGranted: { type: "authGranted", to: A_7004, epoch: 7 },
  authDenied: { type: "authDenied", to: A_7004, reason: "masterUp" },
  reconfiguredAsReplica: { type: "reconfiguredAsReplica", master: A_7004 },
  reconfiguredToGrandmaster: { type: "reconfiguredToGrandmaster", master: A_7004 },
  updateSent: { type: "updateSent", to: A_7001, about: A_7004 },
  updateAboutMyselfDiscarded: { type: "updateAboutMyselfDiscarded" },
  configEpochBumped: { type: "configEpochBumped", epoch: 8 },
  configEpochUpdatedAfterImport: { type: "configEpochUpdatedAfterImport", slot: 6000 },
  configEpochCollision: { type: "configEpochCollision", other: A_7003, epoch: 9 },
  configEpochSetByCommand: { type: "configEpochSetByCommand", epoch: 1 },
  busConnectFailed: { type: "busConnectFailed", peer: A_7001, port: 7001, error: "Connection refused" },
  manualFailoverAccepted: { type: "manualFailoverAccepted", mode: "force" },
  manualFailoverRequested: { type: "manualFailoverRequested", replica: A_7004 },
  manualFailoverMasterOffset: { type: "manualFailoverMasterOffset", offset: 1591 },
  manualFailoverCanStart: { type: "manualFailoverCanStart" },
  manualFailoverTimedOut: { type: "manualFailoverTimedOut" },
  migratingToOrphanedMaster: { type: "migratingToOrphanedMaster", master: A_7003 },
  connectingToMaster: { type: "connectingToMaster", master: "7001" },
  reconnectingToMaster: { type: "reconnectingToMaster", master: "7001", afterFailure: true },
  syncStarted: { type: "syncStarted", master: "7001" },
  syncError: { type: "syncError", master: "7001", error: "Connection refused" },
  syncConnectFired: { type: "syncConnectFired", master: "7001" },
  masterPingReplied: { type: "masterPingReplied", master: "7001" },
  partialResyncAttempt: { type: "partialResyncAttempt", replid: "a".repeat(40), offset: 1592 },
  partialResyncNotPossible: { type: "partialResyncNotPossible" },
  fullResyncFromMaster: { type: "fullResyncFromMaster", replid: "a".repeat(40), offset: 0 },
  partialResyncSucceeded: { type: "partialResyncSucceeded" },
  masterReplidChanged: { type: "masterReplidChanged", replid: "b".repeat(40) },
  masterAcceptedPartialResync: { type: "masterAcceptedPartialResync" },
  masterUnableToPsync: { type: "masterUnableToPsync", error: "-NOMASTERLINK Can't SYNC while not connected with my master" },
  handshakeReadFailed: { type: "handshakeReadFailed", step: "replconf", reason: "reset" },
  connectTimeout: { type: "connectTimeout", master: "7001" },
  receivingStreamedRdb: { type: "receivingStreamedRdb" },
  syncFlushingOldData: { type: "syncFlushingOldData" },
  syncLoadingDb: { type: "syncLoadingDb", keys: 32 },
  syncFinished: { type: "syncFinished", replid: "a".repeat(40), offset: 0 },
  syncIoError: { type: "syncIoError", error: "connection lost" },
  bulkTimeout: { type: "bulkTimeout" },
  masterLinkLost: { type: "masterLinkLost", master: "7001" },
  masterCached: { type: "masterCached", replid: "a".repeat(40), offset: 1591 },
  cachedMasterSynthesized: { type: "cachedMasterSynthesized", replid: "a".repeat(40), offset: 0 },
  cachedMasterDiscarded: { type: "cachedMasterDiscarded" },
  masterTimeout: { type: "masterTimeout", master: "7001", silentS: 61 },
  replicationIdShifted: { type: "replicationIdShifted", replid2: "a".repeat(40), validUpToOffset: 1592, replid: "b".repeat(40) },
  backlogCreated: { type: "backlogCreated", replid: "a".repeat(40), replid2: CLEARED },
  backlogFreed: { type: "backlogFreed", afterSeconds: 3600 },
  replicaAsksForSync: { type: "replicaAsksForSync", replica: "7004" },
  partialResyncAccepted: { type: "partialResyncAccepted", replica: "7004", bytes: 14, fromOffset: 1592 },
  fullResyncRequested: { type: "fullResyncRequested", replica: "7004" },
  psyncReplidMismatch: { type: "psyncReplidMismatch", replica: "7004", requestedReplid: "c".repeat(40), replid: "a".repeat(40), replid2: CLEARED },
  psyncSecondIdTooFar: { type: "psyncSecondIdTooFar", replica: "7004", requestedOffset: 2000, secondReplidOffset: 1592 },
  psyncBacklogMissing: { type: "psyncBacklogMissing", replica: "7004", requestedOffset: 9000, beyondMasterOffset: true },
  disklessSyncDelayed: { type: "disklessSyncDelayed", replica: "7004" },
  waitingForNextBgsave: { type: "waitingForNextBgsave", replica: "7004" },
  bgsaveForSyncStarted: { type: "bgsaveForSyncStarted", replicas: ["7004"], offset: 0, rdbBytes: 200, transferUs: 1000 },
  rdbTransferDone: { type: "rdbTransferDone", replicasStillUp: 1 },
  rdbTransferAborted: { type: "rdbTransferAborted" },
  replicaSyncSucceeded: { type: "replicaSyncSucceeded", replica: "7004" },
  replicaLinkLost: { type: "replicaLinkLost", replica: "7004" },
  replicaTimedOut: { type: "replicaTimedOut", replica: "7004", silentS: 61 },
  sentinelId: { type: "sentinelId", myId: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" },
  monitor: { type: "monitor", instance: { kind: "master", name: "mymaster", ip: "127.0.0.1", port: 6400, master: null }, quorum: 2 },
  odown: { type: "odown", instance: { kind: "master", name: "mymaster", ip: "127.0.0.1", port: 6400, master: null }, count: 3, quorum: 2 },
  newEpoch: { type: "newEpoch", epoch: 1 },
  voteForLeader: { type: "voteForLeader", leader: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", epoch: 1 },
  peerVoted: { type: "peerVoted", peer: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", leader: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", epoch: 1 },
  nextFailoverDelay: { type: "nextFailoverDelay", notBeforeMs: 1798644480000 + 360_000 },
  switchMaster: { type: "switchMaster", masterName: "mymaster", oldIp: "127.0.0.1", oldPort: 6400, newIp: "127.0.0.1", newPort: 6401 },
  configUpdateFrom: { type: "configUpdateFrom", instance: { kind: "sentinel", name: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", ip: "127.0.0.1", port: 26401, master: { name: "mymaster", ip: "127.0.0.1", port: 6400 } } },
  sentinelAdded: { type: "sentinelAdded", instance: { kind: "sentinel", name: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", ip: "127.0.0.1", port: 26401, master: { name: "mymaster", ip: "127.0.0.1", port: 6400 } } },
  roleChange: { type: "roleChange", instance: { kind: "slave", name: "127.0.0.1:6401", ip: "127.0.0.1", port: 6401, master: { name: "mymaster", ip: "127.0.0.1", port: 6400 } }, role: "master", matches: false },
  tilt: { type: "tilt", deltaMs: -60000 },
  tiltExited: { type: "tiltExited" },
  sdown: { type: "sdown", instance: { kind: "master", name: "mymaster", ip: "127.0.0.1", port: 6400, master: null } },
  sdownCleared: { type: "sdownCleared", instance: { kind: "master", name: "mymaster", ip: "127.0.0.1", port: 6400, master: null } },
  odownCleared: { type: "odownCleared", instance: { kind: "master", name: "mymaster", ip: "127.0.0.1", port: 6400, master: null } },
  tryFailover: { type: "tryFailover", instance: { kind: "master", name: "mymaster", ip: "127.0.0.1", port: 6400, master: null } },
  electedLeader: { type: "electedLeader", instance: { kind: "master", name: "mymaster", ip: "127.0.0.1", port: 6400, master: null } },
  failoverAbortNotElected: { type: "failoverAbortNotElected", instance: { kind: "master", name: "mymaster", ip: "127.0.0.1", port: 6400, master: null } },
  failoverStateSelectSlave: { type: "failoverStateSelectSlave", instance: { kind: "master", name: "mymaster", ip: "127.0.0.1", port: 6400, master: null } },
  failoverAbortNoGoodSlave: { type: "failoverAbortNoGoodSlave", instance: { kind: "master", name: "mymaster", ip: "127.0.0.1", port: 6400, master: null } },
  failoverAbortSlaveTimeout: { type: "failoverAbortSlaveTimeout", instance: { kind: "master", name: "mymaster", ip: "127.0.0.1", port: 6400, master: null } },
  failoverStateReconfSlaves: { type: "failoverStateReconfSlaves", instance: { kind: "master", name: "mymaster", ip: "127.0.0.1", port: 6400, master: null } },
  failoverEndForTimeout: { type: "failoverEndForTimeout", instance: { kind: "master", name: "mymaster", ip: "127.0.0.1", port: 6400, master: null } },
  failoverEnd: { type: "failoverEnd", instance: { kind: "master", name: "mymaster", ip: "127.0.0.1", port: 6400, master: null } },
  resetMaster: { type: "resetMaster", instance: { kind: "master", name: "mymaster", ip: "127.0.0.1", port: 6400, master: null } },
  reboot: { type: "reboot", instance: { kind: "master", name: "mymaster", ip: "127.0.0.1", port: 6400, master: null } },
  selectedSlave: { type: "selectedSlave", instance: { kind: "slave", name: "127.0.0.1:6401", ip: "127.0.0.1", port: 6401, master: { name: "mymaster", ip: "127.0.0.1", port: 6400 } } },
  failoverStateSendSlaveofNoone: { type: "failoverStateSendSlaveofNoone", instance: { kind: "slave", name: "127.0.0.1:6401", ip: "127.0.0.1", port: 6401, master: { name: "mymaster", ip: "127.0.0.1", port: 6400 } } },
  failoverStateWaitPromotion: { type: "failoverStateWaitPromotion", instance: { kind: "slave", name: "127.0.0.1:6401", ip: "127.0.0.1", port: 6401, master: { name: "mymaster", ip: "127.0.0.1", port: 6400 } } },
  promotedSlave: { type: "promotedSlave", instance: { kind: "slave", name: "127.0.0.1:6401", ip: "127.0.0.1", port: 6401, master: { name: "mymaster", ip: "127.0.0.1", port: 6400 } } },
  slaveReconfSent: { type: "slaveReconfSent", instance: { kind: "slave", name: "127.0.0.1:6401", ip: "127.0.0.1", port: 6401, master: { name: "mymaster", ip: "127.0.0.1", port: 6400 } } },
  slaveReconfSentTimeout: { type: "slaveReconfSentTimeout", instance: { kind: "slave", name: "127.0.0.1:6401", ip: "127.0.0.1", port: 6401, master: { name: "mymaster", ip: "127.0.0.1", port: 6400 } } },
  slaveReconfSentBe: { type: "slaveReconfSentBe", instance: { kind: "slave", name: "127.0.0.1:6401", ip: "127.0.0.1", port: 6401, master: { name: "mymaster", ip: "127.0.0.1", port: 6400 } } },
  slaveReconfInprog: { type: "slaveReconfInprog", instance: { kind: "slave", name: "127.0.0.1:6401", ip: "127.0.0.1", port: 6401, master: { name: "mymaster", ip: "127.0.0.1", port: 6400 } } },
  slaveReconfDone: { type: "slaveReconfDone", instance: { kind: "slave", name: "127.0.0.1:6401", ip: "127.0.0.1", port: 6401, master: { name: "mymaster", ip: "127.0.0.1", port: 6400 } } },
  slaveAdded: { type: "slaveAdded", instance: { kind: "slave", name: "127.0.0.1:6401", ip: "127.0.0.1", port: 6401, master: { name: "mymaster", ip: "127.0.0.1", port: 6400 } } },
  convertToSlave: { type: "convertToSlave", instance: { kind: "slave", name: "127.0.0.1:6401", ip: "127.0.0.1", port: 6401, master: { name: "mymaster", ip: "127.0.0.1", port: 6400 } } },
  fixSlaveConfig: { type: "fixSlaveConfig", instance: { kind: "slave", name: "127.0.0.1:6401", ip: "127.0.0.1", port: 6401, master: { name: "mymaster", ip: "127.0.0.1", port: 6400 } } },
};

/** The event types that are deliberately not log lines: changing this list is a decision. */
const EXPECTED_NOT_LOGGED = [
  "processStarted",
  "processCrashed",
  "processExited",
  "processPaused",
  "processResumed",
  "clockJumped",
  "faultApplied",
  "faultSkipped",
  "peerSuspected",
  "peerRecovered",
  "clientRedirected",
  "clientReply",
  "clientConnectFailed",
  "writesFailing",
  "writesRecovered",
  "clusterAdminOutput",
  "clusterAdminExited",
  "sentinelClientMasterFound",
  "sentinelClientMasterLost",
  "sentinelClientWritesResumed",
];

describe("every trace event type", () => {
  const facts = { kind: "server", clusterMode: true } as const;

  it("is either rendered or declared not logged, never both", () => {
    expect([...Object.keys(NOT_LOGGED)].sort()).toEqual([...EXPECTED_NOT_LOGGED].sort());
    expect([...LOGGED_EVENT_TYPES].sort()).toEqual(Object.keys(SAMPLES).sort());
    expect(LOGGED_EVENT_TYPES.filter((type) => Object.hasOwn(NOT_LOGGED, type))).toEqual([]);
  });

  it("renders every logged type to whole lines of text without holes", () => {
    for (const sample of Object.values(SAMPLES) as TraceEvent[]) {
      const messages = logMessages(sample, facts);
      expect(messages.length, sample.type).toBeGreaterThan(0);
      for (const { text } of messages) {
        expect(text, sample.type).not.toMatch(/undefined|NaN|\[object|\n/);
        expect(text.length, sample.type).toBeGreaterThan(0);
      }
    }
  });

  it("writes nothing for the types declared not logged, and gives a reason for each", () => {
    for (const [type, reason] of Object.entries(NOT_LOGGED)) {
      expect(logMessages({ type } as TraceEvent, facts), type).toEqual([]);
      expect(reason.length, type).toBeGreaterThan(10);
    }
  });

  it("refuses an event type it does not know rather than dropping it", () => {
    expect(() => logMessages({ type: "sentinelSdown" } as unknown as TraceEvent, facts)).toThrow(/no Redis log rendering for trace event "sentinelSdown"/);
  });
});

// ---- the merged log, and a simulated run against the real one --------------------------------------

describe("merged log", () => {
  it("interleaves the processes in trace order, each line with its process", () => {
    const records = [
      at(0, "7001", { type: "processStarted", incarnation: 0, restarted: false }),
      at(1_000_000, "7002", { type: "nodeMarkedFailing", peer: A_7001, reports: 2, quorum: 2 }),
      at(1_000_000, "net", { type: "faultApplied", fault: { type: "heal" } }),
      at(1_000_000, "7004", { type: "failMessageReceived", from: A_7003, about: A_7001 }),
      at(1_500_000, "client-1", { type: "clientConnectFailed", server: 7001 }),
      at(2_000_000, "7002", { type: "clusterStateChanged", state: "fail" }),
    ];
    const merged = mergedLog(records);
    expect(merged.map((l) => [l.atUs, l.process])).toEqual([
      [1_000_000, "7002"],
      [1_000_000, "7004"],
      [2_000_000, "7002"],
    ]);
    expect(merged[1]!.line).toBe(`7004:M 30 Dec 2026 15:28:01.000 * FAIL message received from ${A_7003} about ${A_7001}`);
    expect(mergedLog(records, ["7004"]).map((l) => l.process)).toEqual(["7004"]);
    expect(mergedLog(records, [{ process: "7002", kind: "sentinel" }]).map((l) => l.line.slice(0, 7))).toEqual(["7002:X ", "7002:X "]);
  });
});

describe("a simulated kill -9 of 7001, rendered, against the real nt2000-a run", () => {
  /** Ids and numbers vary between runs; the role, the level and the words must not. */
  const shape = (line: string): string => {
    const { role, level, message } = parse(line);
    return `${role} ${level} ${message.replace(/[0-9a-f]{40}/g, "<id>").replace(/\d+/g, "N")}`;
  };
  const reconnectNoise = /Connecting to MASTER|MASTER <-> REPLICA sync started|Error condition on socket for SYNC/;
  const between = (lines: readonly string[], first: RegExp, last: RegExp): string[] => {
    const from = lines.findIndex((l) => first.test(l));
    const to = lines.findIndex((l, i) => i > from && last.test(l));
    expect(from, `a line matching ${first}`).toBeGreaterThanOrEqual(0);
    expect(to, `a line matching ${last}`).toBeGreaterThan(from);
    return lines.slice(from, to + 1);
  };

  const sim = new Simulation({ seed: 1, mode: "fast", scenario: "report-log-lines" });
  addCreatedCluster(sim, {
    ports: [7001, 7002, 7003, 7004, 7005, 7006],
    replicasPerMaster: 1,
    pairing: { 7004: 7001, 7005: 7002, 7006: 7003 },
    config: { "cluster-node-timeout": 2000 },
  });
  sim.schedule({ type: "kill", node: "7001" }, seconds(12));
  sim.schedule({ type: "restart", node: "7001" }, seconds(20));
  sim.runUntil(seconds(40));

  it("logs the winner's election and promotion as 7004 did, S until replicationUnsetMaster", () => {
    const real = between(observedLines("nt2000-a/summary.md").map((l) => l.trim()).filter((l) => /^13662:/.test(l)), /Start of election delayed/, /Cluster state changed: ok/);
    const simulated = between(renderLog(sim.trace, "7004"), /Start of election delayed/, /Cluster state changed: ok/);
    const keep = (lines: string[]) => lines.filter((l) => !reconnectNoise.test(l)).map(shape);
    expect(keep(simulated)).toEqual(keep(real));
    expect(keep(simulated).map((l) => l[0]).join("")).toBe("SSSSMMM");
  });

  it("logs the restarted old master's rejoin as 7001 did, with the pid of its first restart", () => {
    const real = between(observedLines("nt2000-a/restart-log-7001.txt"), /Node configuration loaded/, /Trying a partial resynchronization/).filter(
      (l) => !l.includes("WARNING Memory overcommit"),
    );
    const simulated = between(renderLog(sim.trace, "7001"), /^107001:M .* Node configuration loaded/, /Trying a partial resynchronization/);
    expect(simulated.map(shape)).toEqual(real.map(shape));
    expect(new Set(simulated.map((l) => parse(l).pid))).toEqual(new Set([107001]));
  });
});

// ---- the package boundary ---------------------------------------------------------------------------

describe("report's sources", () => {
  it("import nothing but sim-core's /trace and /replies and each other (they also run in the browser)", () => {
    const dir = fileURLToPath(new URL("../src/", import.meta.url));
    const files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
      .map((entry) => join(entry.parentPath, entry.name));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const specifiers = [...readFileSync(file, "utf8").matchAll(/(?:import|export)[^"']*?from\s+["']([^"']+)["']/g)].map((m) => m[1]!);
      for (const specifier of specifiers) {
        const allowed = specifier.startsWith(".") || specifier === "@failover-lab/sim-core/trace" || specifier === "@failover-lab/sim-core/replies";
        expect(allowed, `${file} imports ${specifier}`).toBe(true);
      }
    }
  });
});
