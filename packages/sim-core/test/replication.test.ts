import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { faultScheduleArb } from "../src/fc/index";
import { Simulation, WALL_CLOCK_EPOCH_MS, ms, seconds, us, type SimulationMode, type TraceRecord } from "../src/index";
import {
  CLEARED_REPLID,
  REPLICATION_CHANNEL,
  handleReplicationEvent,
  NOREPLICAS_ERROR,
  READONLY_ERROR,
  estimateRdbBytes,
  infoReplication,
  psyncDecision,
  rdbTransferUs,
  replCommandBytes,
  replicaProcessedOffset,
  type ReplicationState,
  type ReplBacklog,
} from "../src/replication/index";
import { replCommand, replSetCommand } from "../src/replication/stream";
import { mark, promote, replicaOf, replicationHost, write, writes, type HostOptions, type HostScript, type HostState } from "./replication-host";

// ---- helpers -------------------------------------------------------------------------------------

const KERNEL_EVENTS = new Set(["processStarted", "processCrashed", "processExited", "processPaused", "processResumed", "clockJumped", "faultApplied", "faultSkipped"]);

/** The replication events of one node, as `type` strings (kernel events left out). */
function eventTypes(sim: Simulation, node: string, fromUs = 0, toUs = Number.MAX_SAFE_INTEGER): string[] {
  return records(sim, node, fromUs, toUs).map((r) => r.type);
}

function records(sim: Simulation, node: string, fromUs = 0, toUs = Number.MAX_SAFE_INTEGER): TraceRecord[] {
  return sim.trace.filter((r) => r.node === node && !KERNEL_EVENTS.has(r.type) && r.atUs >= fromUs && r.atUs <= toUs);
}

function first<T extends TraceRecord["type"]>(sim: Simulation, node: string, type: T): Extract<TraceRecord, { type: T }> {
  const found = sim.trace.find((r) => r.node === node && r.type === type);
  if (found === undefined) throw new Error(`${node} never emitted ${type}; it emitted: ${eventTypes(sim, node).join(", ")}`);
  return found as Extract<TraceRecord, { type: T }>;
}

function all<T extends TraceRecord["type"]>(sim: Simulation, node: string, type: T): Extract<TraceRecord, { type: T }>[] {
  return sim.trace.filter((r) => r.node === node && r.type === type) as Extract<TraceRecord, { type: T }>[];
}

const state = (sim: Simulation, node: string): HostState => sim.state<HostState>(node) as HostState;
const repl = (sim: Simulation, node: string): ReplicationState => state(sim, node).replication;

/** The process's wall clock (no clock jumps in these tests). */
const clock = (sim: Simulation) => ({ nowUs: sim.nowUs, wallMs: () => WALL_CLOCK_EPOCH_MS + Math.floor(sim.nowUs / 1000) });

interface Servers {
  readonly [port: string]: Omit<HostOptions, "port">;
}

function cluster(servers: Servers, options: { seed?: number; mode?: SimulationMode; jitterUs?: number } = {}): Simulation {
  const sim = new Simulation({ seed: options.seed ?? 1, mode: options.mode ?? "fast", network: { jitterUs: options.jitterUs ?? 120 } });
  for (const [port, opts] of Object.entries(servers)) sim.addProcess(port, replicationHost({ port: Number(port), ...opts }));
  return sim;
}

const at = (atUs: number, act: HostScript["act"]): HostScript => ({ atUs, act });

/** The RESP bytes of `SET key value`, built as Redis writes it and measured in UTF-8. */
function respSet(key: string, value: string): number {
  const arg = (s: string) => `$${Buffer.byteLength(s, "utf8")}\r\n${s}\r\n`;
  return Buffer.byteLength(`*3\r\n${arg("SET")}${arg(key)}${arg(value)}`, "utf8");
}
const SELECT_0_BYTES = Buffer.byteLength("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n");
const PING_BYTES = Buffer.byteLength("*1\r\n$4\r\nPING\r\n");

// ---- the PSYNC decision --------------------------------------------------------------------------

describe("the PSYNC decision (masterTryPartialResynchronization)", () => {
  const A = "a".repeat(40);
  const B = "b".repeat(40);
  const C = "c".repeat(40);

  const situation = fc
    .record({
      masterReplOffset: fc.integer({ min: 0, max: 10_000 }),
      histlen: fc.integer({ min: 0, max: 10_000 }),
      hasBacklog: fc.boolean(),
      hasReplid2: fc.boolean(),
      secondBack: fc.integer({ min: 0, max: 10_000 }),
    })
    .map(({ masterReplOffset, histlen, hasBacklog, hasReplid2, secondBack }) => {
      const held = Math.min(histlen, masterReplOffset);
      const backlog: ReplBacklog | null = hasBacklog ? { offset: masterReplOffset - held + 1, histlen: held, blocks: [] } : null;
      return {
        replid: A,
        replid2: hasReplid2 ? B : CLEARED_REPLID,
        secondReplIdOffset: hasReplid2 ? Math.max(1, masterReplOffset + 1 - secondBack) : -1,
        masterReplOffset,
        backlog,
      };
    });

  it("accepts a partial resync exactly when the id matches (replid, or replid2 up to its offset) and the backlog holds the offset", () => {
    fc.assert(
      fc.property(situation, fc.constantFrom(A, B, C, "?", A.toUpperCase()), fc.integer({ min: -2, max: 12 }), fc.integer({ min: -1, max: 10_002 }), (rs, replid, nearSecond, anywhere) => {
        for (const offset of [anywhere, rs.secondReplIdOffset + nearSecond - 5, rs.masterReplOffset + 1, rs.masterReplOffset + 2, (rs.backlog?.offset ?? 0) - 1, rs.backlog?.offset ?? 0]) {
          const decision = psyncDecision(rs, replid, offset);
          const asked = replid.toLowerCase();
          const idOk = asked === rs.replid || (asked === rs.replid2 && offset <= rs.secondReplIdOffset);
          const held = rs.backlog !== null && rs.backlog.offset <= offset && offset <= rs.backlog.offset + rs.backlog.histlen;
          if (idOk && held) expect(decision).toEqual({ kind: "continue" });
          else if (!idOk && replid === "?") expect(decision).toEqual({ kind: "fullResyncRequested" });
          else if (!idOk && asked !== rs.replid2) expect(decision).toEqual({ kind: "replidMismatch" });
          else if (!idOk) expect(decision).toEqual({ kind: "secondIdTooFar" });
          else expect(decision).toEqual({ kind: "backlogMissing", beyondMasterOffset: offset > rs.masterReplOffset });
        }
      }),
      { numRuns: 300 },
    );
  });

  it("accepts the offset just past the master's (nothing to send), and not one further", () => {
    const rs = { replid: A, replid2: CLEARED_REPLID, secondReplIdOffset: -1, masterReplOffset: 100, backlog: { offset: 51, histlen: 50, blocks: [] } };
    expect(psyncDecision(rs, A, 101)).toEqual({ kind: "continue" });
    expect(psyncDecision(rs, A, 51)).toEqual({ kind: "continue" });
    expect(psyncDecision(rs, A, 50)).toEqual({ kind: "backlogMissing", beyondMasterOffset: false });
    expect(psyncDecision(rs, A, 102)).toEqual({ kind: "backlogMissing", beyondMasterOffset: true });
  });
});

describe("the four PSYNC outcomes, end to end", () => {
  it("a replica with no cached master asks PSYNC ? -1 and gets a full resync", () => {
    const sim = cluster({ "7001": {}, "7002": { configReplicaOf: "7001" } });
    sim.runUntil(seconds(8));
    // A config-file replicaof connects at the first replicationCron, one second after boot.
    expect(first(sim, "7002", "connectingToMaster").atUs).toBe(1_000_000);
    expect(eventTypes(sim, "7002")).toEqual([
      "connectingToMaster",
      "syncStarted",
      "syncConnectFired",
      "masterPingReplied",
      "partialResyncNotPossible",
      "fullResyncFromMaster",
      "receivingStreamedRdb",
      "syncFlushingOldData",
      "syncLoadingDb",
      "syncFinished",
    ]);
    expect(eventTypes(sim, "7001")).toEqual(["replicaAsksForSync", "fullResyncRequested", "backlogCreated", "disklessSyncDelayed", "bgsaveForSyncStarted", "rdbTransferDone", "replicaSyncSucceeded"]);
  });

  it("REPLICAOF on a fresh server tries its own id, which the master does not know: a full resync", () => {
    const sim = cluster({ "7001": {}, "7002": { replicaOf: "7001" } });
    sim.runUntil(seconds(8));
    const own = first(sim, "7002", "cachedMasterSynthesized");
    expect(first(sim, "7002", "partialResyncAttempt")).toMatchObject({ replid: own.replid, offset: 1 });
    const mismatch = first(sim, "7001", "psyncReplidMismatch");
    expect(mismatch).toMatchObject({ replica: "7002", requestedReplid: own.replid, replid2: CLEARED_REPLID });
    // The backlog is created after the decision, with a new id.
    const created = first(sim, "7001", "backlogCreated");
    expect(created.replid).not.toBe(mismatch.replid);
    expect(repl(sim, "7001").replid).toBe(created.replid);
    expect(repl(sim, "7002").replid).toBe(created.replid);
  });

  it("a replica that comes back within the backlog continues where it stopped, and gets exactly what it missed", () => {
    // 7002 shuts down (its RDB keeps the replication id and offset), 7001 writes on, 7002 returns.
    const sim = cluster({ "7001": { script: [...writes(5, 8_000_000, 100_000), ...writes(7, 13_000_000, 100_000, "later")] }, "7002": { replicaOf: "7001" } });
    sim.schedule({ type: "shutdown", node: "7002" }, seconds(12));
    sim.schedule({ type: "restart", node: "7002" }, seconds(16));
    sim.runUntil(seconds(12));
    const offsetAtShutdown = repl(sim, "7002").masterReplOffset;
    sim.runUntil(seconds(17));
    const accepted = first(sim, "7001", "partialResyncAccepted");
    expect(accepted).toMatchObject({ replica: "7002", fromOffset: offsetAtShutdown + 1 });
    expect(accepted.bytes).toBe(repl(sim, "7001").masterReplOffset - offsetAtShutdown);
    expect(accepted.bytes).toBe(7 * respSet("later0", "value0")); // no PING fell in the window
    expect(eventTypes(sim, "7002", seconds(16))).toEqual([
      "cachedMasterDiscarded",
      "cachedMasterSynthesized",
      "connectingToMaster",
      "syncStarted",
      "syncConnectFired",
      "masterPingReplied",
      "partialResyncAttempt",
      "partialResyncSucceeded",
      "masterAcceptedPartialResync",
    ]);
    expect(state(sim, "7002").data).toEqual(state(sim, "7001").data);
    expect(Object.keys(state(sim, "7002").data)).toHaveLength(12);
  });

  it("a replica that missed more than the backlog holds gets a full resync", () => {
    const big = "x".repeat(1000);
    const sim = cluster({
      "7001": { config: { "repl-backlog-size": 16 * 1024 }, script: Array.from({ length: 20 }, (_, i) => at(13_000_000 + i * 10_000, write(`big${i}`, big))) },
      "7002": { replicaOf: "7001", config: { "repl-backlog-size": 16 * 1024 } },
    });
    sim.schedule({ type: "shutdown", node: "7002" }, seconds(12));
    sim.schedule({ type: "restart", node: "7002" }, seconds(16));
    sim.runUntil(seconds(12));
    const offsetAtShutdown = repl(sim, "7002").masterReplOffset;
    sim.runUntil(seconds(25));
    const master = repl(sim, "7001");
    expect(master.backlog!.histlen).toBe(16 * 1024);
    expect(master.backlog!.offset).toBe(master.masterReplOffset - 16 * 1024 + 1);
    expect(first(sim, "7001", "psyncBacklogMissing")).toMatchObject({ replica: "7002", requestedOffset: offsetAtShutdown + 1, beyondMasterOffset: false });
    expect(all(sim, "7001", "bgsaveForSyncStarted")).toHaveLength(2);
    expect(state(sim, "7002").data).toEqual(state(sim, "7001").data);
  });
});

// ---- promotion -----------------------------------------------------------------------------------

describe("promotion (replicationUnsetMaster)", () => {
  it("shifts the ids exactly: replid2 = the old id, valid up to offset + 1, and a new replid", () => {
    const sim = cluster({ "7001": { script: writes(4, 8_000_000, 100_000) }, "7002": { replicaOf: "7001", script: [at(15_000_000, promote)] } });
    sim.runUntil(seconds(14.9));
    const before = { ...repl(sim, "7002") };
    expect(before.replid).toBe(repl(sim, "7001").replid);
    sim.runUntil(seconds(16));
    const after = repl(sim, "7002");
    const shifted = first(sim, "7002", "replicationIdShifted");
    expect(shifted).toEqual({ atUs: 15_000_000, node: "7002", type: "replicationIdShifted", replid2: before.replid, validUpToOffset: before.masterReplOffset + 1, replid: after.replid });
    expect(after.replid2).toBe(before.replid);
    expect(after.secondReplIdOffset).toBe(before.masterReplOffset + 1);
    expect(after.replid).not.toBe(before.replid);
    expect(after.replid).toMatch(/^[0-9a-f]{40}$/);
    expect(after.masterHost).toBeNull();
    expect(after.cachedMaster).toBeNull();
    expect(eventTypes(sim, "7002", 15_000_000, 15_000_000)).toEqual(["masterLinkLost", "masterCached", "cachedMasterDiscarded", "replicationIdShifted"]);
  });

  it("a sibling partially resyncs with the promoted replica iff its offset is not beyond the promoted one's", () => {
    fc.assert(
      fc.property(
        fc.record({
          early: fc.integer({ min: 0, max: 6 }),
          late: fc.integer({ min: 0, max: 6 }),
          lagging: fc.constantFrom("7002", "7003", "none"),
          lagStartMs: fc.integer({ min: 7_000, max: 14_000 }),
          seed: fc.integer({ min: 1, max: 1000 }),
        }),
        ({ early, late, lagging, lagStartMs, seed }) => {
          // 7001 writes, one replica stops receiving (a one-way cut), 7001 writes more and dies;
          // 7002 is promoted and 7003 follows it.
          const sim = cluster(
            {
              "7001": { script: [...writes(early, 6_000_000, 200_000), ...writes(late, lagStartMs * 1000 + 100_000, 200_000, "late")] },
              "7002": { replicaOf: "7001", script: [at(20_000_000, promote)] },
              "7003": { replicaOf: "7001", script: [at(21_000_000, replicaOf("7002"))] },
            },
            { seed },
          );
          if (lagging !== "none") sim.schedule({ type: "partition", groups: [["7001"], [lagging]], oneWay: true }, ms(lagStartMs));
          sim.schedule({ type: "kill", node: "7001" }, seconds(19));
          sim.runUntil(us(seconds(20) - 1));
          const promotedOffset = repl(sim, "7002").masterReplOffset;
          sim.runUntil(us(seconds(21) - 1));
          const siblingOffset = replicaProcessedOffset(state(sim, "7003"));
          sim.runUntil(seconds(30));
          const partial = all(sim, "7002", "partialResyncAccepted").some((r) => r.replica === "7003");
          expect(partial).toBe(siblingOffset <= promotedOffset);
          if (!partial) expect(first(sim, "7002", "psyncSecondIdTooFar")).toMatchObject({ requestedOffset: siblingOffset + 1, secondReplidOffset: promotedOffset + 1 });
          // Either way the sibling ends with the promoted replica's history.
          expect(state(sim, "7003").data).toEqual(state(sim, "7002").data);
          expect(repl(sim, "7003").masterReplOffset).toBe(repl(sim, "7002").masterReplOffset);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("a returning old master that wrote more than the promoted replica got does a full resync and loses those writes", () => {
    const sim = cluster({
      "7001": { script: [...writes(3, 8_000_000, 100_000), at(11_000_000, write("lost", "1")), at(11_500_000, write("lost2", "2")), at(21_000_000, replicaOf("7002"))] },
      "7002": { replicaOf: "7001", script: [at(13_000_000, promote), at(14_000_000, write("new", "3"))] },
    });
    sim.schedule({ type: "partition", name: "cut", groups: [["7001"], ["7002"]] }, seconds(10.5));
    sim.schedule({ type: "heal", name: "cut" }, seconds(20));
    sim.runUntil(seconds(20.9));
    const oldMaster = { ...repl(sim, "7001") };
    const promoted = { ...repl(sim, "7002") };
    expect(state(sim, "7001").replies).toEqual(["OK", "OK", "OK", "OK", "OK"]);
    expect(oldMaster.masterReplOffset).toBeGreaterThan(promoted.secondReplIdOffset - 1);
    sim.runUntil(seconds(30));
    expect(first(sim, "7001", "cachedMasterSynthesized")).toMatchObject({ replid: promoted.replid2, offset: oldMaster.masterReplOffset });
    expect(first(sim, "7002", "psyncSecondIdTooFar")).toMatchObject({ replica: "7001", requestedOffset: oldMaster.masterReplOffset + 1, secondReplidOffset: promoted.secondReplIdOffset });
    expect(first(sim, "7001", "syncFinished").replid).toBe(repl(sim, "7002").replid);
    expect(state(sim, "7001").data).toEqual({ key0: "value0", key1: "value1", key2: "value2", new: "3" });
    expect(state(sim, "7001").data).not.toHaveProperty("lost");
  });

  it("a returning old master that wrote nothing more (not even a PING) continues with a partial resync", () => {
    // 7002 is promoted at 10.5 s: 7001 loses its only replica before its PING at 11 s, so its
    // offset stays at the promoted replica's. 7002 takes a write; 7001 then follows it.
    const sim = cluster({
      "7001": { script: [...writes(3, 8_000_000, 100_000), at(13_000_000, replicaOf("7002"))] },
      "7002": { replicaOf: "7001", script: [at(10_500_000, promote), at(12_000_000, write("new", "3"))] },
    });
    sim.runUntil(seconds(12.9));
    const oldOffset = repl(sim, "7001").masterReplOffset;
    expect(oldOffset).toBe(repl(sim, "7002").secondReplIdOffset - 1);
    sim.runUntil(seconds(14));
    expect(first(sim, "7002", "partialResyncAccepted")).toMatchObject({ replica: "7001", fromOffset: oldOffset + 1, bytes: SELECT_0_BYTES + respSet("new", "3") });
    expect(first(sim, "7001", "masterReplidChanged").replid).toBe(repl(sim, "7002").replid);
    expect(state(sim, "7001").data).toEqual(state(sim, "7002").data);
    expect(all(sim, "7001", "fullResyncFromMaster")).toHaveLength(0);
  });
});

// ---- offsets ---------------------------------------------------------------------------------------

describe("offsets", () => {
  const text = fc.string({ unit: "grapheme", maxLength: 40 });

  it("a command adds its exact RESP length in bytes", () => {
    fc.assert(
      fc.property(text, text, (key, value) => {
        expect(replCommandBytes({ op: "set", key, value })).toBe(respSet(key, value));
        const arg = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
        expect(replCommandBytes({ op: "del", key })).toBe(Buffer.byteLength(`*2\r\n${arg("DEL")}${arg(key)}`));
        // A command made for the stream carries that count (the backlog and replicas read it).
        expect(replSetCommand(key, value).bytes).toBe(respSet(key, value));
        for (const fields of [{ op: "set", key, value }, { op: "del", key }, { op: "publish", channel: key, message: value }, { op: "ping" }, { op: "select", db: 0 }] as const) {
          expect(replCommand(fields)).toEqual({ ...fields, bytes: replCommandBytes(fields) });
        }
      }),
    );
    // Lengths of every digit count, 1 to 7.
    for (const length of [0, 9, 10, 99, 100, 12_345, 1_000_000]) expect(replCommandBytes({ op: "set", key: "k", value: "v".repeat(length) })).toBe(respSet("k", "v".repeat(length)));
    expect(replCommandBytes({ op: "ping" })).toBe(PING_BYTES);
    expect(PING_BYTES).toBe(14);
    expect(replCommandBytes({ op: "select", db: 0 })).toBe(SELECT_0_BYTES);
  });

  it("the master's offset grows by each write's RESP bytes (a SELECT before the first) and by 14 per replication PING", () => {
    const keyValue = fc.tuple(fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }), fc.string({ unit: "grapheme", maxLength: 30 }));
    fc.assert(
      fc.property(fc.array(keyValue, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 20 }), (kvs, pingPeriod) => {
        const measured = (key: string, value: string): HostScript["act"] => (s, ctx) => {
          const before = s.replication.masterReplOffset;
          write(key, value)(s, ctx);
          s.marks.push(s.replication.masterReplOffset - before);
        };
        const quietFrom = 40;
        const sim = cluster({
          "7001": {
            config: { "repl-ping-replica-period": pingPeriod },
            script: [
              ...kvs.map(([k, v], i) => at(8_250_000 + i * 1_000_000, measured(k, v))),
              // Once a second through a quiet window, after that second's replicationCron.
              ...Array.from({ length: 30 }, (_, i) => at((quietFrom + i) * 1_000_000 + 500_000, mark((s) => s.replication.masterReplOffset))),
            ],
          },
          "7002": { replicaOf: "7001" },
        });
        sim.runUntil(seconds(quietFrom + 31.5));
        const marks = state(sim, "7001").marks;
        const perWrite = marks.slice(0, kvs.length);
        expect(perWrite).toEqual(kvs.map(([k, v], i) => respSet(k, v) + (i === 0 ? SELECT_0_BYTES : 0)));
        // The cron runs at whole seconds; its n-th run (n = 0, 1, …) at second n + 1 pings when n % period == 0.
        const quiet = marks.slice(kvs.length);
        for (let i = 1; i < quiet.length; i++) {
          const second = quietFrom + i;
          expect(quiet[i]! - quiet[i - 1]!).toBe((second - 1) % pingPeriod === 0 ? PING_BYTES : 0);
        }
        expect(repl(sim, "7002").masterReplOffset).toBe(repl(sim, "7001").masterReplOffset);
        expect(state(sim, "7002").data).toEqual(state(sim, "7001").data);
      }),
      { numRuns: 25 },
    );
  });

  it("a replica's processed offset catches up once the network latency has passed", () => {
    const sim = cluster({ "7001": { script: [at(12_250_000, write("k", "v"))] }, "7002": { replicaOf: "7001" } }, { jitterUs: 0 });
    sim.schedule({ type: "delay", from: "7001", to: "7002", extraMs: 50 }, seconds(10));
    sim.runUntil(seconds(12.25));
    const master = repl(sim, "7001").masterReplOffset;
    const before = replicaProcessedOffset(state(sim, "7002"));
    expect(master - before).toBe(SELECT_0_BYTES + respSet("k", "v"));
    sim.runUntil(us(seconds(12.25) + ms(50)));
    expect(replicaProcessedOffset(state(sim, "7002"))).toBe(before);
    sim.runUntil(us(seconds(12.25) + ms(50.08)));
    expect(replicaProcessedOffset(state(sim, "7002"))).toBe(master);
    expect(state(sim, "7002").data).toEqual({ k: "v" });
    // The master hears of it with the next REPLCONF ACK (at 13 s, 50 ms away the other way is not delayed).
    sim.runUntil(seconds(13.01));
    expect(repl(sim, "7001").replicas[0]!.ackOffset).toBe(master);
  });
});

// ---- failures of the link ------------------------------------------------------------------------

describe("the link to the master", () => {
  it("is retried every second while the master refuses connections", () => {
    const sim = new Simulation({ seed: 3 });
    sim.addProcess("7002", replicationHost({ port: 7002, replicaOf: "7001" }));
    sim.addProcess("7001", replicationHost({ port: 7001 }), { startAtUs: seconds(3.5) });
    sim.runUntil(seconds(5));
    const lines = records(sim, "7002").map((r) => `${Math.floor(r.atUs / 1000)} ${r.type}${"error" in r ? ` ${r.error}` : ""}`);
    expect(lines.slice(0, 17)).toEqual([
      "0 cachedMasterSynthesized",
      "0 connectingToMaster",
      "0 syncStarted",
      "0 syncError Connection refused",
      "1000 connectingToMaster",
      "1000 syncStarted",
      "1000 syncError Connection refused",
      "2000 connectingToMaster",
      "2000 syncStarted",
      "2000 syncError Connection refused",
      "3000 connectingToMaster",
      "3000 syncStarted",
      "3000 syncError Connection refused",
      "4000 connectingToMaster",
      "4000 syncStarted",
      "4000 syncConnectFired",
      "4000 masterPingReplied",
    ]);
    expect(repl(sim, "7002").replState).toBe("handshake"); // waiting for the diskless sync to start
  });

  it("times out after repl-timeout (60 s) of silence, on both sides, then keeps trying", () => {
    // The replica last heard from its master when the full sync ended (5 s); the master last
    // got an ACK at 10 s. A partition from 10.5 s silences both.
    const sim = cluster({ "7001": {}, "7002": { replicaOf: "7001" } });
    sim.schedule({ type: "partition", groups: [["7001"], ["7002"]] }, seconds(10.5));
    sim.runUntil(seconds(30));
    expect(infoReplication(state(sim, "7002"), clock(sim))).toContain("master_link_status:up\r\nmaster_last_io_seconds_ago:25\r\n");
    sim.runUntil(seconds(130));
    expect(first(sim, "7002", "masterTimeout")).toMatchObject({ atUs: 66_000_000, silentS: 61 });
    expect(eventTypes(sim, "7002", seconds(66), seconds(66))).toEqual(["masterTimeout", "masterLinkLost", "masterCached", "reconnectingToMaster", "syncStarted"]);
    expect(first(sim, "7001", "replicaTimedOut")).toMatchObject({ atUs: 71_000_000, replica: "7002", silentS: 61 });
    expect(eventTypes(sim, "7001", seconds(71), seconds(71))).toEqual(["replicaTimedOut", "replicaLinkLost"]);
    // The connect across the cut never completes: it times out 60 s later, and starts again.
    expect(eventTypes(sim, "7002", seconds(67), seconds(130))).toEqual(["connectTimeout", "reconnectingToMaster", "syncStarted"]);
    expect(first(sim, "7002", "connectTimeout").atUs).toBe(127_000_000);
    expect(infoReplication(state(sim, "7002"), clock(sim))).toContain("master_link_status:down\r\nmaster_last_io_seconds_ago:-1\r\n");
    expect(infoReplication(state(sim, "7002"), clock(sim))).toContain("master_link_down_since_seconds:64\r\n");
  });

  it("times out a master that is paused (SIGSTOP), and reconnects to it once it runs again", () => {
    const sim = cluster({ "7001": { script: writes(2, 8_000_000, 100_000) }, "7002": { replicaOf: "7001" } });
    sim.schedule({ type: "pause", node: "7001" }, seconds(10.5));
    sim.schedule({ type: "resume", node: "7001" }, seconds(80));
    sim.runUntil(seconds(79));
    // Last heard at 8 s (the writes): silent for more than 60 s at 69 s.
    expect(first(sim, "7002", "masterTimeout")).toMatchObject({ atUs: 69_000_000, silentS: 61 });
    sim.runUntil(seconds(82));
    // On resume the paused master handles the handshake that waited in its socket: the replica
    // continues from its cached master.
    expect(first(sim, "7001", "partialResyncAccepted")).toMatchObject({ replica: "7002" });
    expect(repl(sim, "7002").replState).toBe("connected");
    expect(state(sim, "7002").data).toEqual(state(sim, "7001").data);
  });
});

// ---- min-replicas-to-write --------------------------------------------------------------------------

describe("min-replicas-to-write", () => {
  it("refuses writes with NOREPLICAS once the last ACK is older than min-replicas-max-lag, at the next refresh", () => {
    const config = { "min-replicas-to-write": 1, "min-replicas-max-lag": 10 };
    const sim = cluster({
      "7001": {
        config,
        script: [
          at(2_500_000, write("early", "x")), // no replica online yet
          ...Array.from({ length: 15 }, (_, i) => at(21_500_000 + i * 1_000_000, write(`k${i}`, "v"))),
          at(40_500_000, write("after", "heal")),
        ],
      },
      "7002": { replicaOf: "7001" },
    });
    sim.schedule({ type: "partition", name: "cut", groups: [["7001"], ["7002"]] }, seconds(20.5));
    sim.schedule({ type: "heal", name: "cut" }, seconds(36));
    sim.runUntil(seconds(30.6));
    expect(infoReplication(state(sim, "7001"), clock(sim))).toContain("connected_slaves:1\r\nmin_slaves_good_slaves:1\r\n");
    sim.runUntil(seconds(45));
    // Last ACK at 20 s: still good at the refresh of 30 s (lag 10), not at 31 s (lag 11).
    expect(state(sim, "7001").replies).toEqual([NOREPLICAS_ERROR, ...Array<string>(10).fill("OK"), ...Array<string>(5).fill(NOREPLICAS_ERROR), "OK"]);
    expect(NOREPLICAS_ERROR).toBe("NOREPLICAS Not enough good replicas to write.");
    expect(state(sim, "7001").data).not.toHaveProperty("k10");
  });
});

// ---- INFO replication --------------------------------------------------------------------------------

describe("INFO replication", () => {
  it("prints a master with one replica, and that replica, line for line", () => {
    const sim = cluster({ "7001": { script: writes(3, 8_000_000, 100_000) }, "7002": { replicaOf: "7001" } });
    sim.runUntil(seconds(20.5));
    const id = repl(sim, "7001").replid;
    // Offsets: PING at 1 s (14), SELECT (23) + 3 × SET keyN valueN (35 each), PING at 11 s (14).
    expect(infoReplication(state(sim, "7001"), clock(sim))).toBe(
      [
        "# Replication",
        "role:master",
        "connected_slaves:1",
        "slave0:ip=127.0.0.1,port=7002,state=online,offset=156,lag=0",
        "master_failover_state:no-failover",
        `master_replid:${id}`,
        "master_replid2:0000000000000000000000000000000000000000",
        "master_repl_offset:156",
        "second_repl_offset:-1",
        "repl_backlog_active:1",
        "repl_backlog_size:1048576",
        "repl_backlog_first_byte_offset:1",
        "repl_backlog_histlen:156",
        "",
      ].join("\r\n"),
    );
    expect(infoReplication(state(sim, "7002"), clock(sim))).toBe(
      [
        "# Replication",
        "role:slave",
        "master_host:127.0.0.1",
        "master_port:7001",
        "master_link_status:up",
        "master_last_io_seconds_ago:9",
        "master_sync_in_progress:0",
        "slave_read_repl_offset:156",
        "slave_repl_offset:156",
        "slave_priority:100",
        "slave_read_only:1",
        "replica_announced:1",
        "connected_slaves:0",
        "master_failover_state:no-failover",
        `master_replid:${id}`,
        "master_replid2:0000000000000000000000000000000000000000",
        "master_repl_offset:156",
        "second_repl_offset:-1",
        "repl_backlog_active:1",
        "repl_backlog_size:1048576",
        "repl_backlog_first_byte_offset:15",
        "repl_backlog_histlen:142",
        "",
      ].join("\r\n"),
    );
  });

  it("shows a replica waiting for its diskless sync, and one receiving it", () => {
    const data: Record<string, string> = {};
    for (let i = 0; i < 2000; i++) data[`key:${i}`] = "v".repeat(100);
    const big = Array.from({ length: 2000 }, (_, i) => at(500_000, write(`key:${i}`, "v".repeat(100))));
    const sim = cluster({ "7001": { script: big }, "7002": { replicaOf: "7001" } });
    sim.runUntil(seconds(3));
    const waiting = infoReplication(state(sim, "7001"), clock(sim));
    expect(waiting).toContain("slave0:ip=127.0.0.1,port=7002,state=wait_bgsave,offset=0,lag=0\r\n");
    expect(infoReplication(state(sim, "7002"), clock(sim))).toContain("master_link_status:down\r\nmaster_last_io_seconds_ago:-1\r\nmaster_sync_in_progress:0\r\n");
    // The fork at 5 s: about 240 kB at 100 MB/s, plus the set-up.
    const transferUs = rdbTransferUs(estimateRdbBytes(data));
    expect(all(sim, "7001", "bgsaveForSyncStarted")).toEqual([]);
    sim.runUntil(us(seconds(5) + Math.floor(transferUs / 2)));
    expect(first(sim, "7001", "bgsaveForSyncStarted")).toMatchObject({ atUs: 5_000_000, rdbBytes: estimateRdbBytes(data), transferUs });
    const receiving = infoReplication(state(sim, "7002"), clock(sim));
    expect(receiving).toContain("master_sync_in_progress:1\r\n");
    expect(receiving).toMatch(/master_sync_total_bytes:0\r\nmaster_sync_read_bytes:(\d+)\r\nmaster_sync_left_bytes:-\1\r\nmaster_sync_perc:0.00\r\nmaster_sync_last_io_seconds_ago:0\r\nmaster_link_down_since_seconds:-1\r\n/);
    sim.runUntil(seconds(6));
    expect(state(sim, "7002").data).toEqual(data);
    expect(first(sim, "7002", "syncFinished").atUs).toBeGreaterThanOrEqual(5_000_000 + transferUs);
  });
});

// ---- restarts ----------------------------------------------------------------------------------------

describe("what survives a restart", () => {
  it("a master restarted from its SHUTDOWN RDB keeps its old id as replid2, and its replica continues", () => {
    const sim = cluster({ "7001": { script: writes(3, 8_000_000, 100_000) }, "7002": { replicaOf: "7001" } });
    sim.schedule({ type: "shutdown", node: "7001" }, seconds(15));
    sim.schedule({ type: "restart", node: "7001" }, seconds(17.5));
    sim.runUntil(seconds(14));
    const before = { ...repl(sim, "7001") };
    sim.runUntil(seconds(17.5));
    const after = repl(sim, "7001");
    expect(after.replid).not.toBe(before.replid);
    expect(after.replid2).toBe(before.replid);
    expect(after.secondReplIdOffset).toBe(before.masterReplOffset + 1);
    expect(after.masterReplOffset).toBe(before.masterReplOffset);
    expect(after.backlog).toEqual({ offset: before.masterReplOffset + 1, histlen: 0, blocks: [] });
    expect(state(sim, "7001").data).toEqual({ key0: "value0", key1: "value1", key2: "value2" });
    // The replica kept trying every second, and continues with nothing to send.
    expect(all(sim, "7002", "syncError").map((r) => Math.floor(r.atUs / 1e6))).toEqual([15, 16, 17]);
    sim.runUntil(seconds(19));
    expect(first(sim, "7001", "partialResyncAccepted")).toMatchObject({ replica: "7002", bytes: 0, fromOffset: before.masterReplOffset + 1 });
  });

  it("a master without persistence comes back empty with a new id: its replica does a full resync and loses everything", () => {
    const config = { "save-on-shutdown": false };
    const sim = cluster({ "7001": { config, script: writes(3, 8_000_000, 100_000) }, "7002": { config, replicaOf: "7001" } });
    sim.schedule({ type: "kill", node: "7001" }, seconds(15));
    sim.schedule({ type: "restart", node: "7001" }, seconds(17.5));
    sim.runUntil(seconds(14));
    const oldId = repl(sim, "7001").replid;
    expect(Object.keys(state(sim, "7002").data)).toHaveLength(3);
    sim.runUntil(seconds(30));
    expect(repl(sim, "7001").replid2).toBe(CLEARED_REPLID);
    expect(all(sim, "7001", "psyncReplidMismatch").filter((r) => r.atUs > seconds(17.5))).toMatchObject([{ replica: "7002", requestedReplid: oldId }]);
    expect(state(sim, "7001").data).toEqual({});
    expect(state(sim, "7002").data).toEqual({});
  });

  it("appendonly keeps the dataset across a crash, but not the replication id", () => {
    const config = { appendonly: true };
    const sim = cluster({ "7001": { config, script: writes(3, 8_000_000, 100_000) }, "7002": { replicaOf: "7001" } });
    sim.schedule({ type: "kill", node: "7001" }, seconds(15));
    sim.schedule({ type: "restart", node: "7001" }, seconds(17.5));
    sim.runUntil(seconds(30));
    expect(state(sim, "7001").data).toEqual({ key0: "value0", key1: "value1", key2: "value2" });
    expect(all(sim, "7001", "psyncReplidMismatch").filter((r) => r.atUs > seconds(17.5))).toHaveLength(1);
    expect(state(sim, "7002").data).toEqual(state(sim, "7001").data);
  });

  it("a replica's crash leaves the RDB of its full sync, which it reloads and continues from", () => {
    // The full sync at 5 s carried an empty dataset at offset 14; the writes came after it.
    const sim = cluster({ "7001": { script: writes(3, 8_000_000, 100_000) }, "7002": { replicaOf: "7001" } });
    sim.schedule({ type: "kill", node: "7002" }, seconds(15));
    sim.schedule({ type: "restart", node: "7002" }, seconds(16));
    sim.runUntil(seconds(16));
    expect(state(sim, "7002").data).toEqual({});
    expect(repl(sim, "7002").masterReplOffset).toBe(14);
    sim.runUntil(seconds(17));
    const accepted = all(sim, "7001", "partialResyncAccepted");
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({ fromOffset: 15, bytes: repl(sim, "7001").masterReplOffset - 14 });
    expect(state(sim, "7002").data).toEqual(state(sim, "7001").data);
  });
});

// ---- chained replicas and determinism ------------------------------------------------------------------

describe("chains and determinism", () => {
  it("a replica of a replica waits for its master's link, then receives the top master's stream unchanged", () => {
    const sim = cluster({ "7001": { script: writes(4, 12_000_000, 100_000) }, "7002": { replicaOf: "7001" }, "7003": { replicaOf: "7002" } });
    sim.runUntil(seconds(25));
    expect(first(sim, "7003", "masterUnableToPsync").error).toBe("-NOMASTERLINK Can't SYNC while not connected with my master");
    expect(repl(sim, "7003").replid).toBe(repl(sim, "7001").replid);
    expect(repl(sim, "7003").masterReplOffset).toBe(repl(sim, "7001").masterReplOffset);
    expect(state(sim, "7003").data).toEqual(state(sim, "7001").data);
    expect(Object.keys(state(sim, "7003").data)).toHaveLength(4);
  });

  it("fast and trace mode give the same trace and the same states", () => {
    const build = (mode: SimulationMode): Simulation => {
      const sim = cluster(
        {
          "7001": { config: { "repl-backlog-size": 16 * 1024 }, script: [...writes(30, 6_000_000, 300_000), at(31_000_000, replicaOf("7002")), ...writes(3, 36_000_000, 100_000, "z")] },
          "7002": { replicaOf: "7001", script: [at(20_000_000, promote), ...writes(5, 22_000_000, 500_000, "p")] },
          "7003": { replicaOf: "7001", script: [at(21_000_000, replicaOf("7002"))] },
        },
        { mode, seed: 7 },
      );
      sim.schedule({ type: "partition", name: "p", groups: [["7001"], ["7003"]], oneWay: true }, seconds(12));
      sim.schedule({ type: "kill", node: "7003" }, seconds(25));
      sim.schedule({ type: "restart", node: "7003" }, seconds(27));
      sim.schedule({ type: "heal", name: "p" }, seconds(28));
      sim.runUntil(seconds(45));
      return sim;
    };
    const fast = build("fast");
    const trace = build("trace");
    expect(trace.traceHash()).toBe(fast.traceHash());
    for (const node of ["7001", "7002", "7003"]) expect(JSON.parse(JSON.stringify(trace.state(node)))).toEqual(JSON.parse(JSON.stringify(fast.state(node))));
    expect(state(fast, "7003").data).toEqual(state(fast, "7002").data);
    expect(state(fast, "7001").data).toEqual(state(fast, "7002").data);
    expect(state(fast, "7001").replies.slice(-3)).toEqual(Array<string>(3).fill(READONLY_ERROR));
  });
});

describe("under any faults", () => {
  const ids = ["7001", "7002", "7003"];

  /** Lifts every fault the vocabulary can leave in place, and brings every process back up. */
  function undoAllFaults(sim: Simulation): void {
    sim.apply({ type: "heal" }); // skipped when nothing is partitioned
    for (const name of ["h1", "h2"]) sim.apply({ type: "release", name });
    for (const from of ids) {
      for (const to of ids) {
        if (from === to) continue;
        sim.apply({ type: "unclog", from, to });
        sim.apply({ type: "delay", from, to, extraMs: 0 });
        sim.apply({ type: "loss", from, to, rate: 0 });
      }
    }
    for (const id of ids) {
      // A resumed process may handle a SHUTDOWN that waited in its socket, and exit.
      if (sim.status(id) === "paused") sim.apply({ type: "resume", node: id });
      const status = sim.status(id);
      if (status === "crashed" || status === "exited") sim.apply({ type: "restart", node: id });
    }
  }

  it("keep their invariants, give the same history in fast and trace mode, and converge once the faults are lifted", () => {
    fc.assert(
      fc.property(faultScheduleArb(ids, { maxFaults: 8, horizonMs: 40_000 }), fc.integer({ min: 1, max: 10_000 }), (faults, seed) => {
        const build = (mode: SimulationMode): Simulation => {
          const sim = cluster(
            { "7001": { script: writes(18, 6_000_000, 2_000_000) }, "7002": { replicaOf: "7001" }, "7003": { replicaOf: "7001", config: { "repl-backlog-size": 16 * 1024 } } },
            { mode, seed },
          );
          sim.scheduleAll(faults);
          sim.runUntil(seconds(41));
          undoAllFaults(sim);
          sim.runUntil(seconds(400.5));
          return sim;
        };
        const fast = build("fast");
        const trace = build("trace");
        expect(trace.traceHash()).toBe(fast.traceHash());
        const master = state(fast, "7001");
        for (const replica of ["7002", "7003"]) {
          expect(repl(fast, replica).replState).toBe("connected");
          expect(state(fast, replica).data).toEqual(master.data);
          expect(repl(fast, replica).masterReplOffset).toBe(master.replication.masterReplOffset);
          expect(repl(fast, replica).replid).toBe(master.replication.replid);
        }
      }),
      { numRuns: 25 },
    );
  });
  it("converge on the promoted replica after a failover amid network faults and pauses", () => {
    const noRestarts = faultScheduleArb(ids, { maxFaults: 8, horizonMs: 40_000 }).map((faults) =>
      faults.filter(({ fault }) => fault.type !== "kill" && fault.type !== "shutdown" && fault.type !== "restart"),
    );
    fc.assert(
      fc.property(noRestarts, fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 8, max: 38 }), (faults, seed, failoverS) => {
        const sim = cluster(
          {
            "7001": { script: [...writes(18, 6_000_000, 2_000_000), at(failoverS * 1e6 + 500_000, replicaOf("7002"))] },
            "7002": { replicaOf: "7001", script: [at(failoverS * 1e6, promote), ...writes(10, failoverS * 1e6 + 250_000, 1_000_000, "after")] },
            "7003": { replicaOf: "7001", script: [at(failoverS * 1e6 + 100_000, replicaOf("7002"))] },
          },
          { seed },
        );
        sim.scheduleAll(faults);
        sim.runUntil(seconds(41));
        undoAllFaults(sim);
        sim.runUntil(seconds(400.5));
        const master = state(sim, "7002");
        expect(master.replication.masterHost).toBeNull();
        for (const replica of ["7001", "7003"]) {
          expect(repl(sim, replica).replState).toBe("connected");
          expect(state(sim, replica).data).toEqual(master.data);
          expect(repl(sim, replica).masterReplOffset).toBe(master.replication.masterReplOffset);
        }
        expect(Object.keys(master.data).filter((k) => k.startsWith("after"))).toHaveLength(master.replies.filter((r) => r === "OK").length);
      }),
      { numRuns: 25 },
    );
  });
});

describe("handleReplicationEvent", () => {
  it("claims replication's connections and timer, and nothing else", () => {
    const sim = cluster({ "7001": {} });
    sim.runUntil(us(0));
    const core = structuredClone(state(sim, "7001"));
    const ctx = { self: "7001", nowUs: us(0), incarnation: 0, wallMs: () => WALL_CLOCK_EPOCH_MS, rng: () => { throw new Error("no draws"); }, connect: () => 99, send: () => {}, close: () => {}, setTimer: () => {}, cancelTimer: () => {}, emit: () => {}, exit: () => {} };
    expect(handleReplicationEvent(core, { type: "timer", name: "clusterCron" }, ctx)).toBe(false);
    expect(handleReplicationEvent(core, { type: "accepted", conn: 5, peer: "7002", channel: "cluster-bus" }, ctx)).toBe(false);
    expect(handleReplicationEvent(core, { type: "message", conn: 5, from: "7002", message: { type: "replPing" } }, ctx)).toBe(false);
    expect(handleReplicationEvent(core, { type: "closed", conn: 5, peer: "7002", reason: "eof" }, ctx)).toBe(false);
    expect(handleReplicationEvent(core, { type: "accepted", conn: 6, peer: "7002", channel: REPLICATION_CHANNEL }, ctx)).toBe(true);
    expect(handleReplicationEvent(core, { type: "message", conn: 6, from: "7002", message: { type: "replPing" } }, ctx)).toBe(true);
    expect(handleReplicationEvent(core, { type: "closed", conn: 6, peer: "7002", reason: "eof" }, ctx)).toBe(true);
    expect(handleReplicationEvent(core, { type: "closed", conn: 6, peer: "7002", reason: "eof" }, ctx)).toBe(false);
    expect(core.replication.pendingClients).toEqual([]);
  });
});
