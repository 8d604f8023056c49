import { describe, expect, it } from "vitest";
import { Simulation, addSentinelTopology, seconds, sentinel, type StandaloneState, type TraceRecord } from "@failover-lab/sim-core";

/**
 * The third article's drill (seeds/002, Redis 3.2.8 in docker-compose): one master (6400), two
 * replicas (6401, 6402), three Sentinels (26400–26402) with quorum 2. `docker pause` the master:
 * it is frozen, not dead — connections stay open and nothing answers. The Sentinels agree it is
 * down (`+odown … #quorum 3/2` on a Sentinel that hears both peers), elect one leader in epoch 1,
 * and switch to a replica; `docker unpause`: the old master is converted into a replica of the
 * new one and resyncs.
 *
 * The article's Sentinel config is read off its log: `+sdown slave` 5 s after `+slave` means
 * down-after-milliseconds 5000, and `Next failover delay` 10 s after the vote means
 * failover-timeout 5000 (the gate is 2 × failover-timeout).
 */

const PAUSE_AT_S = 60;
const RESUME_AT_S = 120;
const SENTINELS = ["26400", "26401", "26402"];

function run(seed: number, mode: "fast" | "trace" = "fast"): Simulation {
  const sim = new Simulation({ seed, mode, scenario: "drill-002" });
  addSentinelTopology(sim, {
    master: 6400,
    replicas: [6401, 6402],
    sentinels: [26400, 26401, 26402],
    quorum: 2,
    sentinel: { "down-after-milliseconds": 5000, "failover-timeout": 5000 },
  });
  sim.schedule({ type: "pause", node: "6400" }, seconds(PAUSE_AT_S));
  sim.schedule({ type: "resume", node: "6400" }, seconds(RESUME_AT_S));
  sim.runUntil(seconds(160));
  return sim;
}

function lines(sim: Simulation, node: string, fromS = 0): string[] {
  return sim.trace
    .filter((r: TraceRecord) => r.node === node && r.type in sentinel.SENTINEL_EVENT_NAMES && r.atUs >= fromS * 1e6)
    .map((r) => {
      const { atUs: _a, node: _n, ...event } = r;
      return sentinel.sentinelEventLine(event as sentinel.SentinelEvent);
    });
}

describe.each([1, 2, 3])("drill-002 (seed %i): docker pause of the master, three Sentinels, quorum 2", (seed) => {
  const sim = run(seed);
  const ids = Object.fromEntries(SENTINELS.map((p) => [p, sim.state<sentinel.SentinelState>(p).myId]));
  const leader = SENTINELS.find((p) => lines(sim, p).includes("+elected-leader master mymaster 127.0.0.1 6400"))!;
  const newMaster = sim.state<sentinel.SentinelState>(leader).master.port;

  it("has every Sentinel see the master SDOWN, and one count all three: #quorum 3/2", () => {
    for (const p of SENTINELS) expect(lines(sim, p, PAUSE_AT_S)).toContain("+sdown master mymaster 127.0.0.1 6400");
    const odowns = SENTINELS.flatMap((p) => lines(sim, p).filter((l) => l.startsWith("+odown master mymaster 127.0.0.1 6400 #quorum")));
    expect(odowns.length).toBeGreaterThanOrEqual(1);
    expect(odowns.every((l) => /#quorum [23]\/2$/.test(l))).toBe(true);
    expect(odowns).toContain("+odown master mymaster 127.0.0.1 6400 #quorum 3/2");
  });

  it("elects exactly one leader in epoch 1, and every Sentinel votes for it", () => {
    const elected = SENTINELS.filter((p) => lines(sim, p).includes("+elected-leader master mymaster 127.0.0.1 6400"));
    expect(elected).toEqual([leader]);
    for (const p of SENTINELS) {
      const l = lines(sim, p);
      expect(l).toContain("+new-epoch 1");
      expect(l).toContain(`+vote-for-leader ${ids[leader]} 1`);
    }
    expect(lines(sim, leader)).toContain("+try-failover master mymaster 127.0.0.1 6400");
  });

  it("switches every Sentinel to the promoted replica; the others learn it from the leader's hello", () => {
    expect([6401, 6402]).toContain(newMaster);
    const other = newMaster === 6401 ? 6402 : 6401;
    for (const p of SENTINELS) {
      const l = lines(sim, p);
      expect(l).toContain(`+switch-master mymaster 127.0.0.1 6400 127.0.0.1 ${newMaster}`);
      expect(l).toContain(`+slave slave 127.0.0.1:${other} 127.0.0.1 ${other} @ mymaster 127.0.0.1 ${newMaster}`);
      expect(l).toContain(`+slave slave 127.0.0.1:6400 127.0.0.1 6400 @ mymaster 127.0.0.1 ${newMaster}`);
      // While paused, the old master is SDOWN as a replica (article: 06:48:38.902).
      expect(l).toContain(`+sdown slave 127.0.0.1:6400 127.0.0.1 6400 @ mymaster 127.0.0.1 ${newMaster}`);
      if (p !== leader) {
        expect(l).toContain(`+config-update-from sentinel ${ids[leader]} 127.0.0.1 ${Number(leader)} @ mymaster 127.0.0.1 6400`);
        expect(l.indexOf(`+config-update-from sentinel ${ids[leader]} 127.0.0.1 ${Number(leader)} @ mymaster 127.0.0.1 6400`)).toBe(l.indexOf(`+switch-master mymaster 127.0.0.1 6400 127.0.0.1 ${newMaster}`) - 1);
      }
    }
    const promoted = sim.trace.filter((r) => r.node === String(newMaster) && r.type === "masterModeEnabled");
    expect(promoted).toHaveLength(1);
  });

  it("turns the unpaused old master into a replica about 10 s after it resumes, and it resyncs from the new master", () => {
    const converted = sim.trace.filter((r) => r.type === "convertToSlave" && r.atUs > RESUME_AT_S * 1e6);
    expect(converted.length).toBeGreaterThanOrEqual(1);
    const afterS = converted[0]!.atUs / 1e6 - RESUME_AT_S;
    expect(afterS).toBeGreaterThan(8);
    expect(afterS).toBeLessThan(12);
    const old = sim.state<StandaloneState>("6400");
    expect(old.replication.masterHost).toBe(String(newMaster));
    expect(old.replication.replState).toBe("connected");
    const resync = sim.trace.filter((r) => r.node === "6400" && r.atUs > RESUME_AT_S * 1e6).map((r) => r.type);
    expect(resync).toContain("cachedMasterSynthesized");
    // As the article (3.2.8) and real 7.0.15 (docs/observations/sentinel-7.0.15) show: a full
    // resync. The Sentinels' hello PUBLISHes waited in the frozen master's socket; on resume it
    // runs them while still a master and propagates them, so its offset passes the point up to
    // which the promoted replica can continue its old history.
    expect(resync).toContain("fullResyncFromMaster");
    expect(resync).not.toContain("partialResyncSucceeded");
    const refused = sim.trace.filter((r) => r.node === String(newMaster) && r.type === "psyncSecondIdTooFar" && r.replica === "6400");
    expect(refused.length).toBe(1);
    for (const p of [6400, 6401, 6402]) expect(sim.state<StandaloneState>(String(p)).replication.masterReplOffset).toBe(sim.state<StandaloneState>(String(newMaster)).replication.masterReplOffset);
  });

  it("ends with every replica following one master", () => {
    const masters = [6400, 6401, 6402].filter((p) => sim.state<StandaloneState>(String(p)).replication.masterHost === null);
    expect(masters).toEqual([newMaster]);
    for (const p of SENTINELS) expect(sim.state<sentinel.SentinelState>(p).master.port).toBe(newMaster);
  });
});

describe("drill-002 determinism", () => {
  it("replays byte for byte in fast and trace mode", () => {
    expect(run(7, "trace").traceHash()).toBe(run(7).traceHash());
  });
});
