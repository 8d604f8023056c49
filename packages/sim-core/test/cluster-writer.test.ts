import { slotOwnerOf } from "../src/cluster/slot-table";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ACK_BUCKET_KEYS,
  ackedByKey,
  assignSlot,
  clusterWriterModel,
  errorKindOf,
  finalValueInCluster,
  forEachAck,
  keyHashSlot,
  lostWrites,
  parseClusterNodes,
  seconds,
  slotRouteOf,
  us,
  writerSummary,
  type ClusterWriterState,
  type Simulation,
} from "../src/index";
import type { ClusterNodeState } from "../src/cluster/state";
import { clusterNodes } from "../src/replies/cluster-nodes";
import { SYNCED_AT, clusterSim, eventsOf, idOf, node, ownerPortOf } from "./cluster-helpers";

const NT = 2000;
const CLIENT = "client-1";
/** Half-way between two writes (they go out on whole milliseconds): nothing of the workload is in flight. */
const FAULT_AT = us(SYNCED_AT + 500);
const PORTS = [7001, 7002, 7003, 7004, 7005, 7006];

function writerSim(seed: number, mode: "fast" | "trace" = "fast", writesPerSecond = 1000): Simulation {
  const sim = clusterSim({ seed, nodeTimeoutMs: NT, mode });
  sim.addProcess(CLIENT, clusterWriterModel({ seeds: [7001], writesPerSecond, logAcks: true }));
  return sim;
}

const writer = (sim: Simulation): ClusterWriterState => sim.state<ClusterWriterState>(CLIENT);
const running = (sim: Simulation): ClusterNodeState[] => PORTS.filter((p) => sim.status(String(p)) === "running").map((p) => node(sim, p));

describe("the cluster writer's routing", () => {
  it("learns the slot map and gets OK from all three masters, each for its own slots", () => {
    const sim = writerSim(1);
    sim.runUntil(SYNCED_AT);
    const w = writer(sim);
    expect(w.slotMap).toEqual([
      { first: 0, last: 5460, port: 7001 },
      { first: 5461, last: 10922, port: 7002 },
      { first: 10923, last: 16383, port: 7003 },
    ]);
    const byPort = new Map<number, number>();
    for (const ack of w.ackLog) {
      byPort.set(ack.port, (byPort.get(ack.port) ?? 0) + 1);
      // Every OK came from the master that serves the key's slot, and that master holds the value.
      expect([ack.key, ack.port]).toEqual([ack.key, ownerPortOf(sim, 7002, keyHashSlot(ack.key))]);
    }
    expect([...byPort.keys()].sort()).toEqual([7001, 7002, 7003]);
    for (const count of byPort.values()) expect(count).toBeGreaterThan(3000);
    const acked = ackedByKey(w);
    for (const [key, value] of Object.entries(acked)) expect(node(sim, ownerPortOf(sim, 7002, keyHashSlot(key))!).data[key]).toBe(value);
    // Only the first writes, sent before the CLUSTER NODES reply, may meet a MOVED.
    expect(Object.keys(w.errors).filter((k) => k !== "MOVED")).toEqual([]);
    expect(w.counts.acked).toBe(Object.keys(acked).length);
    expect(eventsOf(sim, "writesFailing")).toEqual([]);
  });

  it("parses CLUSTER NODES into the node's own slot map", () => {
    const sim = writerSim(2);
    sim.runUntil(seconds(1));
    const parsed = parseClusterNodes(clusterNodes(node(sim, 7005)));
    expect(parsed.ports).toEqual(PORTS);
    for (const slot of [0, 5460, 5461, 10922, 10923, 16383]) expect(slotRouteOf(parsed.slotMap, slot)).toBe(ownerPortOf(sim, 7005, slot));
  });

  it("reads each slot's owner from any CLUSTER NODES text: the higher config epoch wins a doubly claimed slot, the first line a tie", () => {
    // The oracle: slot by slot, as a client would read the text without shortcuts.
    const oracle = (lines: { port: number; epoch: number; ranges: [number, number][] }[]): (number | null)[] => {
      const owner: (number | null)[] = new Array(16384).fill(null);
      const epochOf: number[] = new Array(16384).fill(-1);
      for (const l of lines) for (const [first, last] of l.ranges) for (let slot = first; slot <= last; slot++) if (owner[slot] === null || l.epoch > epochOf[slot]!) [owner[slot], epochOf[slot]] = [l.port, l.epoch];
      return owner;
    };
    const range = fc.tuple(fc.integer({ min: 0, max: 16383 }), fc.integer({ min: 0, max: 400 })).map(([first, length]): [number, number] => [first, Math.min(16383, first + length)]);
    const line = fc.record({ port: fc.integer({ min: 7001, max: 7009 }), epoch: fc.integer({ min: 0, max: 3 }), ranges: fc.array(range, { maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 5 }), (lines) => {
        const text = lines.map((l, i) => `${"ab".repeat(19)}${String(i).padStart(2, "0")} 127.0.0.1:${l.port}@${l.port + 10000} master - 0 0 ${l.epoch} connected ${l.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(" ")}`.trimEnd()).join("\n");
        const parsed = parseClusterNodes(text);
        const want = oracle(lines);
        const got = want.map((_, slot) => slotRouteOf(parsed.slotMap, slot));
        expect(got).toEqual(want);
        // Runs are sorted, disjoint and merged: no two neighbours with one port touch.
        parsed.slotMap.forEach((r, i) => i > 0 && expect(r.first > parsed.slotMap[i - 1]!.last && !(r.port === parsed.slotMap[i - 1]!.port && r.first === parsed.slotMap[i - 1]!.last + 1)).toBe(true));
      }),
      { numRuns: 150 },
    );
  });

  it("moves one slot on MOVED, splitting and merging runs", () => {
    const map = [{ first: 0, last: 99, port: 7001 }];
    const moved = assignSlot(map, 50, 7002);
    expect(moved).toEqual([
      { first: 0, last: 49, port: 7001 },
      { first: 50, last: 50, port: 7002 },
      { first: 51, last: 99, port: 7001 },
    ]);
    expect(assignSlot(moved, 50, 7001)).toEqual(map);
    expect(errorKindOf("CLUSTERDOWN The cluster is down")).toBe("CLUSTERDOWN");
    expect(errorKindOf("MOVED 12182 127.0.0.1:7003")).toBe("MOVED");
    expect(errorKindOf("ERR unknown command 'X'")).toBe("otherError");
  });
});

describe("the cluster writer's record of acknowledged writes", () => {
  it("with a keySpace, keeps each key's latest acknowledged value and no more keys than the space", () => {
    const sim = clusterSim({ seed: 6, nodeTimeoutMs: NT });
    const keySpace = 40;
    sim.addProcess(CLIENT, clusterWriterModel({ seeds: [7001], writesPerSecond: 500, keySpace, logAcks: true }));
    sim.runUntil(SYNCED_AT);
    const w = writer(sim);
    expect(w.counts.acked).toBeGreaterThan(10 * keySpace);
    const acked = ackedByKey(w);
    // Every key was written and acknowledged many times; the record holds one value per key (a key
    // whose latest write was still in flight when the run stopped is left out until it is answered).
    const names = Array.from({ length: keySpace }, (_, n) => `key:${n}`);
    expect(Object.keys(acked).length).toBeGreaterThanOrEqual(keySpace - 2);
    for (const key of Object.keys(acked)) expect(names).toContain(key);
    for (const [key, value] of Object.entries(acked)) {
      // Write number seq has the value seq and goes to key seq mod keySpace…
      expect(Number(value) % keySpace).toBe(Number(key.slice("key:".length)));
      // …and the value kept is the key's latest: from the last two rounds of the key space.
      expect(Number(value)).toBeGreaterThanOrEqual(w.nextSeq - 2 * keySpace);
    }
    expect(lostWrites(acked, finalValueInCluster(running(sim)))).toEqual([]);
  });

  it("names key numbers past the shared range and hashes their slots like any other key", () => {
    const w = writer(writerSim(7));
    const state: ClusterWriterState = { ...w, keyPrefix: "user:", acked: [] };
    const values = new Map([[3, "3"], [1025, "1025"], [70_000, "70000"], [70_001, ""]]);
    for (const [n, value] of values) {
      while (state.acked.length <= Math.floor(n / ACK_BUCKET_KEYS)) state.acked.push(new Array(ACK_BUCKET_KEYS).fill(null));
      state.acked[Math.floor(n / ACK_BUCKET_KEYS)]![n % ACK_BUCKET_KEYS] = value;
    }
    const seen: [string, number, string][] = [];
    forEachAck(state, (key, slot, value) => seen.push([key, slot, value]));
    // In key-number order; "" (an ack overwritten by a write in flight) is left out.
    expect(seen).toEqual([3, 1025, 70_000].map((n) => [`user:${n}`, keyHashSlot(`user:${n}`), String(n)]));
    expect(ackedByKey(state)).toEqual({ "user:3": "3", "user:1025": "1025", "user:70000": "70000" });
  });
});

describe("the cluster writer through a kill -9 of a master", () => {
  const run = (seed: number) => {
    const sim = writerSim(seed);
    sim.schedule({ type: "kill", node: "7001" }, FAULT_AT);
    sim.runUntil(seconds(40));
    return sim;
  };

  it("sees refused connections then CLUSTERDOWN, and recovers once the replica has won and the client has refreshed", () => {
    for (const seed of [1, 2, 3]) {
      const sim = run(seed);
      const w = writer(sim);
      expect(w.errors.connectionRefused ?? 0).toBeGreaterThan(0);
      expect(w.errors.CLUSTERDOWN ?? 0).toBeGreaterThan(0);

      const failing = eventsOf(sim, "writesFailing");
      const recovered = eventsOf(sim, "writesRecovered");
      // One event each: the writer says when the outage starts and ends, not once per write.
      expect(failing).toHaveLength(1);
      expect(recovered).toHaveLength(1);
      expect(failing[0]!.server).toBe(7001);
      expect(["connectionRefused", "connectionClosed"]).toContain(failing[0]!.error);
      expect(failing[0]!.atUs).toBeGreaterThan(FAULT_AT);

      const won = eventsOf(sim, "electionWon", 7004)[0]!;
      expect(recovered[0]!.atUs).toBeGreaterThan(won.atUs);
      // The outage runs from the last OK before the kill to the first OK from 7004: the failover,
      // plus the client's reaction (one refresh interval, 100 ms, and a round trip or two).
      const failoverMs = (won.atUs - FAULT_AT) / 1000;
      const outageMs = recovered[0]!.outageMs;
      expect(outageMs).toBeGreaterThanOrEqual(Math.floor(failoverMs));
      expect(outageMs).toBeLessThanOrEqual(failoverMs + 150);
      expect(writerSummary(w, sim.nowUs).outageMs).toBe(outageMs);
      expect(w.failedAtOutageStart + recovered[0]!.failedWrites).toBe(w.counts.failed);

      // Slots 0-5460 are written through 7004 from then on.
      const after = w.ackLog.filter((a) => a.atUs >= recovered[0]!.atUs && keyHashSlot(a.key) <= 5460);
      expect(after.length).toBeGreaterThan(1000);
      expect(new Set(after.map((a) => a.port))).toEqual(new Set([7004]));
      expect(w.slotMap[0]).toEqual({ first: 0, last: 5460, port: 7004 });
    }
  });

  it("loses no acknowledged write: everything 7001 acknowledged had reached 7004", () => {
    const sim = run(4);
    const w = writer(sim);
    expect(w.ackLog.filter((a) => a.port === 7001).length).toBeGreaterThan(3000);
    expect(w.ackLog.filter((a) => a.port === 7001 && a.atUs > FAULT_AT)).toEqual([]);
    expect(lostWrites(ackedByKey(w), finalValueInCluster(running(sim)))).toEqual([]);
  });

  it("writes the same trace in fast and trace mode", () => {
    const traced = (mode: "fast" | "trace") => {
      const sim = writerSim(5, mode, 200);
      sim.schedule({ type: "kill", node: "7002" }, seconds(3));
      sim.runUntil(seconds(8));
      return sim;
    };
    const fast = traced("fast");
    const trace = traced("trace");
    expect(eventsOf(fast, "writesFailing")).toHaveLength(1);
    expect(trace.traceHash()).toBe(fast.traceHash());
    expect(writer(trace)).toEqual(writer(fast));
  });
});

describe("acknowledged writes across a partition (CONTRACTS §8 writes.lost)", () => {
  const cut = (seed: number, groups: (string[] | "rest")[]) => {
    const sim = writerSim(seed);
    sim.schedule({ type: "partition", name: "cut", groups }, FAULT_AT);
    sim.runUntil(seconds(30));
    return sim;
  };

  it("loses nothing when the client stays with the majority: the cut-off master acknowledges nothing", () => {
    const sim = cut(6, [["7001"], "rest"]);
    const w = writer(sim);
    expect(eventsOf(sim, "electionWon", 7004)).toHaveLength(1);
    expect(w.ackLog.filter((a) => a.port === 7001 && a.atUs > FAULT_AT)).toEqual([]);
    expect(w.errors.timeout ?? 0).toBeGreaterThan(0);
    expect(lostWrites(ackedByKey(w), finalValueInCluster(running(sim)))).toEqual([]);
  });

  it("loses exactly the writes the old master acknowledged after the cut, when the client is on its side", () => {
    const sim = cut(7, [["7001", CLIENT], "rest"]);
    const w = writer(sim);
    expect(eventsOf(sim, "electionWon", 7004)).toHaveLength(1);
    const ackedAfterCut = w.ackLog.filter((a) => a.atUs > FAULT_AT);
    // Only 7001 is reachable from the client's side; it takes writes until it sees itself in the minority.
    expect(new Set(ackedAfterCut.map((a) => a.port))).toEqual(new Set([7001]));
    expect(ackedAfterCut.length).toBeGreaterThan(300);
    const expected = ackedAfterCut.map((a) => a.key).sort();

    // Before the heal both masters claim 0-5460: 7004's epoch (7) beats 7001's (1).
    expect(slotOwnerOf(node(sim, 7001).slotOwner, 0)).toBe(idOf(sim, 7001));
    const lostBeforeHeal = lostWrites(ackedByKey(w), finalValueInCluster(running(sim)));
    expect([...lostBeforeHeal].sort()).toEqual(expected);

    // After the heal 7001 follows 7004 and resyncs: its own copy of those writes is gone too.
    sim.schedule({ type: "heal", name: "cut" }, seconds(31));
    sim.runUntil(seconds(60));
    expect(node(sim, 7001).nodes[idOf(sim, 7001)]!.replicaOf).toBe(idOf(sim, 7004));
    const lost = lostWrites(ackedByKey(writer(sim)), finalValueInCluster(running(sim)));
    const oldMasterAcksAfterCut = writer(sim).ackLog.filter((a) => a.atUs > FAULT_AT && a.port === 7001);
    expect(oldMasterAcksAfterCut.map((a) => a.key).sort()).toEqual(expected);
    expect([...lost].sort()).toEqual(expected);
    for (const key of expected) expect(node(sim, 7001).data[key]).toBeUndefined();
  });
});
