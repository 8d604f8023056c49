import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TraceEvent } from "@failover-lab/sim-core/trace";
import type { sentinel } from "@failover-lab/sim-core";
import { formatLogLine, logMessages } from "@failover-lab/report";
import { LogParseError, PARSED_EVENT_TYPES, parseLine, parseLog } from "../src/log-parser";

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), "utf8");
const eventsOf = (text: string) => parseLog(text).flatMap((l) => (l.event === null ? [] : [l.event]));

describe("the log parser on real Redis 7.0.15 logs", () => {
  it("reads the promoted replica's failover, in order, with the numbers it printed", () => {
    const lines = parseLog(fixture("kill-master-7004.log.txt"));
    const failover = lines.filter((l) => l.event !== null && ["failMessageReceived", "clusterStateChanged", "electionDelayed", "electionStarted", "electionWon", "configEpochSetAfterFailover"].includes(l.event.type));
    expect(failover.slice(-7).map((l) => l.event)).toEqual([
      { type: "failMessageReceived", from: "7254a5a7ed6557066d35578dd897c0ecad8f14bb", about: "8d7a1fb934fcc3898f8ce1513b7ff88c38b2f734" },
      { type: "clusterStateChanged", state: "fail" },
      { type: "electionDelayed", delayMs: 797, rank: 0, offset: 1591 },
      { type: "electionStarted", epoch: 7 },
      { type: "electionWon", epoch: 7 },
      { type: "configEpochSetAfterFailover", epoch: 7 },
      { type: "clusterStateChanged", state: "ok" },
    ]);
    const won = lines.find((l) => l.event?.type === "electionWon")!;
    expect(won.inferred).toEqual(["epoch"]);
    expect(won.wallMs).toBe(Date.UTC(2026, 10, 26, 14, 9, 50, 875));
    expect(won.role).toBe("S");
    // The role character turns to M with replicationUnsetMaster, right after the win.
    expect(lines[lines.indexOf(won) + 2]!.role).toBe("M");
  });

  it("reads a voter's grant and the FAIL it marked itself", () => {
    const events = eventsOf(fixture("kill-master-7002.log.txt"));
    const types = events.map((e) => e.type);
    expect(types).toContain("authGranted");
    expect(types.filter((t) => t === "nodeMarkedFailing" || t === "failMessageReceived").length).toBeGreaterThanOrEqual(1);
    const granted = events.find((e) => e.type === "authGranted") as Extract<TraceEvent, { type: "authGranted" }>;
    expect(granted.epoch).toBe(7);
  });

  it("reads a Sentinel's failover as the events the simulator emits", () => {
    const events = eventsOf(fixture("paused-master-26400.log.txt"));
    const types = events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(["serverInitialized", "sentinelId", "monitor", "slaveAdded", "sentinelAdded", "sdown", "newEpoch", "voteForLeader", "configUpdateFrom", "switchMaster", "sdownCleared", "convertToSlave"]),
    );
    expect(types.indexOf("sdown")).toBeLessThan(types.indexOf("switchMaster"));
    expect(events.find((e) => e.type === "switchMaster")).toEqual({ type: "switchMaster", masterName: "mymaster", oldIp: "127.0.0.1", oldPort: 6400, newIp: "127.0.0.1", newPort: 6401 });
    expect(events.find((e) => e.type === "monitor")).toMatchObject({ quorum: 2, instance: { kind: "master", name: "mymaster", port: 6400, master: null } });
  });

  it("reads a replica link lost when Redis could only name the client by id", () => {
    const [line] = parseLog("21446:M 26 Nov 2026 16:20:58.465 # Connection with replica client id #4 lost.");
    expect(line!.event).toEqual({ type: "replicaLinkLost", replica: "" });
    expect(line!.inferred).toEqual(["replica"]);
  });

  it("keeps the lines it does not know, with their time, as event null", () => {
    const lines = parseLog(fixture("paused-master-26400.log.txt"));
    const saved = lines.filter((l) => l.text === "Sentinel new configuration saved on disk");
    expect(saved.length).toBeGreaterThan(0);
    expect(saved.every((l) => l.event === null && l.level === "notice")).toBe(true);
  });
});

describe("the log parser on the articles' lines (Redis 3.x, no year in the prefix)", () => {
  it("reads seeds/000's election with the year it is told to assume", () => {
    const text = [
      "6874:S 30 Dec 15:28:06.647 * FAIL message received from 40cecda23f32cb3b8ff60752c00514f2d7d9c3d0 about 273aa3c0416e7d1795ce678d56bd2db148613f7e",
      "6874:S 30 Dec 15:28:06.662 # Start of election delayed for 842 milliseconds (rank #0, offset 105547).",
      "6874:S 30 Dec 15:28:07.565 # Starting a failover election for epoch 4.",
      "6874:S 30 Dec 15:28:07.567 # Failover election won: I'm the new master.",
      "6874:S 30 Dec 15:28:07.567 # configEpoch set to 4 after successful failover",
    ].join("\n");
    const lines = parseLog(text, { assumeYear: 2016 });
    expect(lines.map((l) => l.event?.type)).toEqual(["failMessageReceived", "electionDelayed", "electionStarted", "electionWon", "configEpochSetAfterFailover"]);
    expect(lines[1]!.event).toEqual({ type: "electionDelayed", delayMs: 842, rank: 0, offset: 105547 });
    expect(lines[3]!.event).toEqual({ type: "electionWon", epoch: 4 });
    expect(lines[0]!.wallMs).toBe(Date.UTC(2016, 11, 30, 15, 28, 6, 647));
  });

  it("reads seeds/001's Sentinel failover and keeps non-loopback addresses as printed", () => {
    const text = [
      "8576:X 19 Dec 00:53:18.074 # +sdown master mymaster 192.168.61.140 6379",
      "8576:X 19 Dec 00:53:18.074 # +odown master mymaster 192.168.61.140 6379 #quorum 1/1",
      "8576:X 19 Dec 00:53:18.074 # +new-epoch 3",
      "8576:X 19 Dec 00:53:18.084 # +vote-for-leader 5a5eb7b97de060e7ad5f6aa20475a40b3d9fd3e1 3",
      "8576:X 19 Dec 00:53:18.156 # +selected-slave slave 192.168.61.145:6379 192.168.61.145 6379 @ mymaster 192.168.61.140 6379",
      "8576:X 19 Dec 00:53:19.201 # +promoted-slave slave 192.168.61.145:6379 192.168.61.145 6379 @ mymaster 192.168.61.140 6379",
      "8576:X 19 Dec 00:53:19.250 # +switch-master mymaster 192.168.61.140 6379 192.168.61.145 6379",
      "8177:S 19 Dec 00:53:17.467 * Connecting to MASTER 192.168.61.140:6379",
      "5614:M 17 Dec 04:20:00.789 * Slave 192.168.61.145:6379 asks for synchronization",
    ].join("\n");
    const events = eventsOf(text);
    expect(events.map((e) => e.type)).toEqual(["sdown", "odown", "newEpoch", "voteForLeader", "selectedSlave", "promotedSlave", "switchMaster", "connectingToMaster", "replicaAsksForSync"]);
    expect(events[1]).toMatchObject({ count: 1, quorum: 1 });
    expect(events[4]).toMatchObject({ instance: { kind: "slave", name: "192.168.61.145:6379", port: 6379, master: { name: "mymaster", ip: "192.168.61.140", port: 6379 } } });
    expect(events[7]).toEqual({ type: "connectingToMaster", master: "192.168.61.140:6379" });
  });

  it("names the file, the line and what it expected for a line without Redis's prefix", () => {
    expect(() => parseLog("6874:S 30 Dec 2026 15:28:06.662 # ok\nthis is not a log line at all\n", { source: "x.log" })).not.toThrow();
    expect(() => parseLine("6874:Q 30 Dec 2026 15:28:06.662 # bad role", { source: "x.log" }, 7)).toThrow(LogParseError);
    expect(() => parseLine("6874:S 30 Foo 2026 15:28:06.662 # bad month", { source: "x.log" }, 7)).toThrow(/x\.log:7: not a Redis log line \(expected/);
  });
});

// ---- round trip against report's renderer ---------------------------------------------------------

const hexId = fc.stringMatching(/^[0-9a-f]{40}$/);
const port = fc.integer({ min: 1, max: 55_000 });
const small = fc.nat({ max: 1_000_000 });
const proc = port.map(String);

const instance: fc.Arbitrary<sentinel.SentinelInstanceRef> = fc.oneof(
  fc.record({ kind: fc.constant("master" as const), name: fc.constantFrom("mymaster", "cache"), ip: fc.constant("127.0.0.1"), port, master: fc.constant(null) }),
  fc.tuple(port, port).map(([p, m]) => ({ kind: "slave" as const, name: `127.0.0.1:${p}`, ip: "127.0.0.1", port: p, master: { name: "mymaster", ip: "127.0.0.1", port: m } })),
  fc.tuple(hexId, port, port).map(([id, p, m]) => ({ kind: "sentinel" as const, name: id, ip: "127.0.0.1", port: p, master: { name: "mymaster", ip: "127.0.0.1", port: m } })),
);

const INSTANCE_TYPES = [
  "sdown", "sdownCleared", "odownCleared", "tryFailover", "electedLeader", "failoverAbortNotElected", "failoverStateSelectSlave", "selectedSlave",
  "failoverAbortNoGoodSlave", "failoverStateSendSlaveofNoone", "failoverAbortSlaveTimeout", "failoverStateWaitPromotion", "promotedSlave",
  "failoverStateReconfSlaves", "slaveReconfSent", "slaveReconfSentTimeout", "slaveReconfSentBe", "slaveReconfInprog", "slaveReconfDone",
  "failoverEndForTimeout", "failoverEnd", "configUpdateFrom", "slaveAdded", "sentinelAdded", "convertToSlave", "fixSlaveConfig", "reboot", "resetMaster",
] as const;

/** Events of the parsed vocabulary, drawn with their fields. */
const parsedEvent: fc.Arbitrary<TraceEvent> = fc.oneof(
  hexId.map((myId): TraceEvent => ({ type: "clusterConfigLoaded", myId })),
  hexId.map((myId): TraceEvent => ({ type: "clusterConfigCreated", myId })),
  hexId.map((peer): TraceEvent => ({ type: "nodePossiblyFailing", peer })),
  fc.tuple(hexId, hexId).map(([reporter, peer]): TraceEvent => ({ type: "failureReported", reporter, peer })),
  fc.tuple(hexId, hexId).map(([reporter, peer]): TraceEvent => ({ type: "failureReportRemoved", reporter, peer })),
  fc.tuple(hexId, small, small).map(([peer, reports, quorum]): TraceEvent => ({ type: "nodeMarkedFailing", peer, reports, quorum })),
  fc.tuple(hexId, hexId).map(([from, about]): TraceEvent => ({ type: "failMessageReceived", from, about })),
  fc.tuple(hexId, fc.constantFrom("replica", "masterWithoutSlots", "nobodyServing") as fc.Arbitrary<"replica">).map(([peer, reason]): TraceEvent => ({ type: "failStateCleared", peer, reason })),
  fc.constantFrom("ok", "fail").map((state): TraceEvent => ({ type: "clusterStateChanged", state: state as "ok" })),
  fc.tuple(small, fc.nat({ max: 15 }), small).map(([delayMs, rank, offset]): TraceEvent => ({ type: "electionDelayed", delayMs, rank, offset })),
  fc.tuple(fc.nat({ max: 15 }), small).map(([rank, addedDelayMs]): TraceEvent => ({ type: "replicaRankUpdated", rank, addedDelayMs })),
  small.map((epoch): TraceEvent => ({ type: "electionStarted", epoch })),
  small.map((epoch): TraceEvent => ({ type: "electionWon", epoch })),
  small.map((epoch): TraceEvent => ({ type: "configEpochSetAfterFailover", epoch })),
  fc.constantFrom("dataAge", "waitingDelay", "expired", "waitingVotes").map((reason): TraceEvent => ({ type: "cantFailover", reason: reason as "dataAge" })),
  fc.tuple(hexId, small).map(([to, epoch]): TraceEvent => ({ type: "authGranted", to, epoch })),
  fc.tuple(hexId, small, small).map(([to, requestEpoch, currentEpoch]): TraceEvent => ({ type: "authDenied", to, reason: "staleRequestEpoch", requestEpoch, currentEpoch })),
  fc.tuple(hexId, small).map(([to, currentEpoch]): TraceEvent => ({ type: "authDenied", to, reason: "alreadyVoted", currentEpoch })),
  fc.tuple(hexId, fc.constantFrom("isMaster", "masterUnknown", "masterUp")).map(([to, reason]): TraceEvent => ({ type: "authDenied", to, reason: reason as "isMaster" })),
  fc.tuple(hexId, small).map(([to, waitMs]): TraceEvent => ({ type: "authDenied", to, reason: "tooSoon", waitMs })),
  fc.tuple(hexId, fc.nat({ max: 16383 }), small, small).map(([to, slot, slotEpoch, requestEpoch]): TraceEvent => ({ type: "authDenied", to, reason: "slotEpoch", slot, slotEpoch, requestEpoch })),
  hexId.map((master): TraceEvent => ({ type: "reconfiguredAsReplica", master })),
  hexId.map((master): TraceEvent => ({ type: "reconfiguredToGrandmaster", master })),
  fc.tuple(hexId, hexId).map(([to, about]): TraceEvent => ({ type: "updateSent", to, about })),
  fc.constant<TraceEvent>({ type: "updateAboutMyselfDiscarded" }),
  small.map((epoch): TraceEvent => ({ type: "configEpochBumped", epoch })),
  fc.tuple(hexId, small).map(([other, epoch]): TraceEvent => ({ type: "configEpochCollision", other, epoch })),
  small.map((epoch): TraceEvent => ({ type: "configEpochSetByCommand", epoch })),
  fc.tuple(hexId, port, fc.constantFrom("Connection refused", "Connection reset by peer")).map(([peer, p, error]): TraceEvent => ({ type: "busConnectFailed", peer, port: p, error })),
  fc.constantFrom("default", "force", "takeover").map((mode): TraceEvent => ({ type: "manualFailoverAccepted", mode: mode as "default" })),
  hexId.map((replica): TraceEvent => ({ type: "manualFailoverRequested", replica })),
  small.map((offset): TraceEvent => ({ type: "manualFailoverMasterOffset", offset })),
  fc.constant<TraceEvent>({ type: "manualFailoverCanStart" }),
  fc.constant<TraceEvent>({ type: "manualFailoverTimedOut" }),
  hexId.map((master): TraceEvent => ({ type: "migratingToOrphanedMaster", master })),
  port.map((p): TraceEvent => ({ type: "serverInitialized", port: p })),
  fc.constant<TraceEvent>({ type: "shutdownRequested" }),
  fc.constant<TraceEvent>({ type: "readyToExit" }),
  fc.constant<TraceEvent>({ type: "configRewritten" }),
  proc.map((master): TraceEvent => ({ type: "connectingToMaster", master })),
  proc.map((master): TraceEvent => ({ type: "masterLinkLost", master })),
  fc.constant<TraceEvent>({ type: "cachedMasterDiscarded" }),
  fc.tuple(hexId, small, hexId).map(([replid2, validUpToOffset, replid]): TraceEvent => ({ type: "replicationIdShifted", replid2, validUpToOffset, replid })),
  fc.tuple(hexId, small).map(([replid, offset]): TraceEvent => ({ type: "partialResyncAttempt", replid, offset })),
  fc.constant<TraceEvent>({ type: "partialResyncNotPossible" }),
  fc.tuple(hexId, small).map(([replid, offset]): TraceEvent => ({ type: "fullResyncFromMaster", replid, offset })),
  fc.constant<TraceEvent>({ type: "partialResyncSucceeded" }),
  hexId.map((replid): TraceEvent => ({ type: "masterReplidChanged", replid })),
  fc.constant<TraceEvent>({ type: "masterAcceptedPartialResync" }),
  proc.map((replica): TraceEvent => ({ type: "replicaAsksForSync", replica })),
  proc.map((replica): TraceEvent => ({ type: "fullResyncRequested", replica })),
  fc.tuple(proc, small, small).map(([replica, bytes, fromOffset]): TraceEvent => ({ type: "partialResyncAccepted", replica, bytes, fromOffset })),
  fc.tuple(proc, small, small).map(([replica, requestedOffset, secondReplidOffset]): TraceEvent => ({ type: "psyncSecondIdTooFar", replica, requestedOffset, secondReplidOffset })),
  proc.map((replica): TraceEvent => ({ type: "replicaLinkLost", replica })),
  proc.map((replica): TraceEvent => ({ type: "replicaSyncSucceeded", replica })),
  hexId.map((myId): TraceEvent => ({ type: "sentinelId", myId })),
  fc.tuple(hexId, hexId, small).map(([peer, leader, epoch]): TraceEvent => ({ type: "peerVoted", peer, leader, epoch })),
  fc.integer({ min: 0, max: 4_000_000_000 }).map((s): TraceEvent => ({ type: "nextFailoverDelay", notBeforeMs: s * 1000 })),
  small.map((epoch): TraceEvent => ({ type: "newEpoch", epoch })),
  fc.tuple(hexId, small).map(([leader, epoch]): TraceEvent => ({ type: "voteForLeader", leader, epoch })),
  fc.tuple(port, port).map(([o, n]): TraceEvent => ({ type: "switchMaster", masterName: "mymaster", oldIp: "127.0.0.1", oldPort: o, newIp: "127.0.0.1", newPort: n })),
  small.map((deltaMs): TraceEvent => ({ type: "tilt", deltaMs })),
  fc.constant<TraceEvent>({ type: "tiltExited" }),
  fc.tuple(instance, fc.nat({ max: 9 })).map(([i, quorum]): TraceEvent => ({ type: "monitor", instance: i, quorum })),
  fc.tuple(instance, fc.nat({ max: 9 }), fc.nat({ max: 9 })).map(([i, count, quorum]): TraceEvent => ({ type: "odown", instance: i, count, quorum })),
  fc.tuple(instance, fc.constantFrom("master", "slave"), fc.boolean()).map(([i, role, matches]): TraceEvent => ({ type: "roleChange", instance: i, role: role as "master", matches })),
  fc.tuple(instance, fc.constantFrom(...INSTANCE_TYPES)).map(([i, type]) => ({ type, instance: i }) as TraceEvent),
);

const without = (event: TraceEvent, fields: readonly string[] = []): Record<string, unknown> =>
  Object.fromEntries(Object.entries(event).filter(([k]) => !fields.includes(k)));

describe("round trip with report's renderer", () => {
  it("renders any parsed-vocabulary event to Redis log lines and parses the same event back", () => {
    fc.assert(
      fc.property(parsedEvent, fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }), fc.constantFrom<"M" | "S" | "X">("M", "S", "X"), (event, wallMs, role) => {
        const kind = role === "X" ? "sentinel" : "server";
        const messages = logMessages(event, { kind, clusterMode: true });
        const lines = messages.map((m) => formatLogLine(7001, role, wallMs, m.level, m.text)).join("\n");
        const parsed = parseLog(lines).filter((l) => l.event !== null);
        expect(parsed).toHaveLength(1);
        const back = parsed[0]!;
        expect(back.wallMs).toBe(wallMs);
        expect(back.pid).toBe(7001);
        expect(back.role).toBe(role);
        expect(without(back.event!, back.inferred)).toEqual(without(event, back.inferred));
      }),
      { numRuns: 2000 },
    );
  });

  it("covers every event type it claims to parse", () => {
    const drawn = new Set(fc.sample(parsedEvent, 20_000).map((e) => e.type));
    expect([...new Set(PARSED_EVENT_TYPES)].filter((t) => !drawn.has(t))).toEqual([]);
  });
});
