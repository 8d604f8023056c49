import { describe, expect, it } from "vitest";
import { RandomStream, Simulation, WALL_CLOCK_EPOCH_MS, seconds, type TraceRecord } from "../src/index";
import {
  SRI_MASTER_DOWN,
  SRI_S_DOWN,
  SRI_SLAVE,
  addSentinelTopology,
  createSri,
  getLeader,
  odownCount,
  selectSlave,
  sentinelModel,
  voteLeader,
  votesNeeded,
  type SentinelState,
  type Sri,
} from "../src/sentinel/index";

/** A Sentinel's state outside a simulation, with a ctx that records what it emits. */
function bench(peers: number, quorum: number) {
  const rng = (name: string) => new RandomStream(name, "bench");
  const boot = { self: "26400", nowUs: 0, incarnation: 0, wallMs: () => WALL_CLOCK_EPOCH_MS, rng };
  const s: SentinelState = sentinelModel({ port: 26400, masterPort: 6400, quorum }).init(boot as never);
  for (let i = 0; i < peers; i++) {
    const si = createSri(1 << 2, `peer${i}`.padEnd(40, "0"), 26401 + i, 30_000, WALL_CLOCK_EPOCH_MS);
    si.runId = si.name;
    s.master.sentinels.push(si);
  }
  const emitted: { type: string }[] = [];
  const ctx = { ...boot, emit: (e: { type: string }) => emitted.push(e), send: () => undefined, connect: () => 0, close: () => undefined } as never;
  return { s, ctx, emitted, now: WALL_CLOCK_EPOCH_MS + 100_000 };
}

const types = (sim: Simulation, node: string, type: string): TraceRecord[] => sim.trace.filter((r) => r.node === node && r.type === type);

describe("ODOWN quorum counting", () => {
  it("counts itself plus every peer that answered isdown=1, and nothing without its own SDOWN", () => {
    const { s } = bench(2, 2);
    s.master.sentinels.forEach((si) => (si.flags |= SRI_MASTER_DOWN));
    expect(odownCount(s)).toBe(0);
    s.master.flags |= SRI_S_DOWN;
    expect(odownCount(s)).toBe(3);
    s.master.sentinels[0]!.flags &= ~SRI_MASTER_DOWN;
    expect(odownCount(s)).toBe(2);
  });

  it("logs +odown … #quorum 3/2 on a Sentinel that heard both peers say down", () => {
    const sim = new Simulation({ seed: 4 });
    addSentinelTopology(sim, { master: 6400, replicas: [6401], sentinels: [26400, 26401, 26402], quorum: 2 });
    sim.schedule({ type: "kill", node: "6400" }, seconds(40));
    sim.runUntil(seconds(80));
    const odowns = ["26400", "26401", "26402"].flatMap((p) => types(sim, p, "odown")) as Extract<TraceRecord, { type: "odown" }>[];
    expect(odowns.map((o) => `${o.count}/${o.quorum}`)).toContain("3/2");
    expect(odowns.every((o) => o.count >= 2 && o.quorum === 2)).toBe(true);
  });
});

describe("votes", () => {
  it("gives one vote per epoch, first come first served, and answers later requests with it", () => {
    const { s, ctx, emitted, now } = bench(2, 2);
    expect(voteLeader(s, 5, "A".repeat(40), now, ctx)).toEqual({ leader: "A".repeat(40), epoch: 5 });
    expect(voteLeader(s, 5, "B".repeat(40), now, ctx)).toEqual({ leader: "A".repeat(40), epoch: 5 });
    expect(voteLeader(s, 4, "C".repeat(40), now, ctx)).toEqual({ leader: "A".repeat(40), epoch: 5 });
    expect(emitted.filter((e) => e.type === "voteForLeader")).toHaveLength(1);
    expect(s.currentEpoch).toBe(5);
    expect(voteLeader(s, 6, "B".repeat(40), now, ctx)).toEqual({ leader: "B".repeat(40), epoch: 6 });
  });

  it("blocks its own failover for 2 × failover-timeout after voting for another Sentinel", () => {
    const { s, ctx, now } = bench(2, 2);
    voteLeader(s, 1, "A".repeat(40), now, ctx);
    expect(s.master.failoverStartTime).toBeGreaterThanOrEqual(now);
    expect(s.master.failoverStartTime).toBeLessThan(now + 1000);
  });

  it("needs max(quorum, voters/2 + 1) votes to lead", () => {
    expect(votesNeeded(2, 3)).toBe(2);
    expect(votesNeeded(2, 5)).toBe(3);
    expect(votesNeeded(5, 5)).toBe(5);
    expect(votesNeeded(1, 1)).toBe(1);
    // 5 Sentinels, quorum 2: our vote and one peer's (2) do not make a leader; a third does.
    const { s, ctx, now } = bench(4, 2);
    s.currentEpoch = 1;
    s.master.sentinels[0]!.leader = s.myId;
    s.master.sentinels[0]!.leaderEpoch = 1;
    expect(getLeader(s, 1, now, ctx)).toBeNull();
    s.master.sentinels[1]!.leader = s.myId;
    s.master.sentinels[1]!.leaderEpoch = 1;
    expect(getLeader(s, 1, now, ctx)).toBe(s.myId);
  });

  it("elects at most one leader per epoch across Sentinels", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const sim = new Simulation({ seed });
      addSentinelTopology(sim, { master: 6400, replicas: [6401, 6402], sentinels: [26400, 26401, 26402], quorum: 2 });
      sim.schedule({ type: "kill", node: "6400" }, seconds(40));
      sim.runUntil(seconds(90));
      const elected = sim.trace.filter((r) => r.type === "electedLeader");
      expect(elected).toHaveLength(1);
    }
  });
});

describe("replica selection", () => {
  function withSlaves(specs: { port: number; priority?: number; offset?: number; runId?: string | null; sdown?: boolean; disconnected?: boolean; infoAgeMs?: number; linkDownMs?: number }[]) {
    const b = bench(0, 1);
    for (const spec of specs) {
      const r: Sri = createSri(SRI_SLAVE, `127.0.0.1:${spec.port}`, spec.port, 30_000, b.now);
      r.link.cc = 1;
      r.link.pc = spec.disconnected ? null : 2;
      r.link.lastAvailTime = b.now;
      r.infoRefresh = b.now - (spec.infoAgeMs ?? 100);
      r.slavePriority = spec.priority ?? 100;
      r.slaveReplOffset = spec.offset ?? 0;
      r.runId = spec.runId === undefined ? `${spec.port}`.padEnd(40, "a") : spec.runId;
      r.masterLinkDownTime = spec.linkDownMs ?? 0;
      if (spec.sdown) r.flags |= SRI_S_DOWN;
      b.s.master.slaves.push(r);
    }
    return b;
  }
  const pick = (b: ReturnType<typeof withSlaves>) => selectSlave(b.s, b.now)?.port ?? null;

  it("prefers the lower priority, then the higher offset, then the smaller run id (case-insensitive, none last)", () => {
    expect(pick(withSlaves([{ port: 1, priority: 100, offset: 900 }, { port: 2, priority: 10, offset: 5 }]))).toBe(2);
    expect(pick(withSlaves([{ port: 1, offset: 5 }, { port: 2, offset: 900 }]))).toBe(2);
    expect(pick(withSlaves([{ port: 1, offset: 7, runId: "BBBB" }, { port: 2, offset: 7, runId: "aaaa" }]))).toBe(2);
    expect(pick(withSlaves([{ port: 1, offset: 7, runId: null }, { port: 2, offset: 7, runId: "ffff" }]))).toBe(2);
  });

  it("excludes replicas that are down, disconnected, priority 0, with stale INFO, or too long cut from the master", () => {
    expect(pick(withSlaves([{ port: 1, offset: 900, sdown: true }, { port: 2 }]))).toBe(2);
    expect(pick(withSlaves([{ port: 1, offset: 900, disconnected: true }, { port: 2 }]))).toBe(2);
    expect(pick(withSlaves([{ port: 1, offset: 900, priority: 0 }, { port: 2 }]))).toBe(2);
    expect(pick(withSlaves([{ port: 1, offset: 900, infoAgeMs: 31_000 }, { port: 2 }]))).toBe(2);
    expect(pick(withSlaves([{ port: 1, offset: 900, linkDownMs: 300_001 }, { port: 2 }]))).toBe(2);
    expect(pick(withSlaves([{ port: 1, priority: 0 }]))).toBeNull();
  });
});

describe("failover rules in a running simulation", () => {
  function killed(options: { parallelSyncs: number; replicas: number[]; failoverTimeoutMs?: number; priorities?: Record<number, number>; seed?: number }) {
    const sim = new Simulation({ seed: options.seed ?? 1 });
    const redisByPort = Object.fromEntries(Object.entries(options.priorities ?? {}).map(([p, v]) => [Number(p), { "replica-priority": v }]));
    addSentinelTopology(sim, {
      master: 6400,
      replicas: options.replicas,
      sentinels: [26400],
      quorum: 1,
      redisByPort,
      sentinel: { "parallel-syncs": options.parallelSyncs, "down-after-milliseconds": 5000, ...(options.failoverTimeoutMs ? { "failover-timeout": options.failoverTimeoutMs } : {}) },
    });
    // Some data, so that a replica's full resync takes its time.
    sim.schedule({ type: "kill", node: "6400" }, seconds(30));
    sim.runUntil(seconds(90));
    return sim;
  }

  it("reconfigures at most parallel-syncs replicas at a time", () => {
    const inFlightMax = (sim: Simulation) => {
      let inFlight = 0;
      let max = 0;
      for (const r of sim.trace) {
        if (r.node !== "26400") continue;
        if (r.type === "slaveReconfSent") max = Math.max(max, ++inFlight);
        if (r.type === "slaveReconfDone") inFlight--;
      }
      return max;
    };
    const one = killed({ parallelSyncs: 1, replicas: [6401, 6402, 6403, 6404] });
    expect(types(one, "26400", "slaveReconfSent")).toHaveLength(3);
    expect(inFlightMax(one)).toBe(1);
    const three = killed({ parallelSyncs: 3, replicas: [6401, 6402, 6403, 6404] });
    expect(types(three, "26400", "slaveReconfSent")).toHaveLength(3);
    expect(inFlightMax(three)).toBe(3);
  });

  it("after an aborted failover, waits 2 × failover-timeout before trying again", () => {
    // The only replica has priority 0: no good replica, so every attempt aborts.
    const sim = killed({ parallelSyncs: 1, replicas: [6401], failoverTimeoutMs: 10_000, priorities: { 6401: 0 } });
    const tries = types(sim, "26400", "tryFailover").map((r) => r.atUs / 1e6);
    expect(types(sim, "26400", "failoverAbortNoGoodSlave").length).toBe(tries.length);
    expect(tries.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < tries.length; i++) {
      expect(tries[i]! - tries[i - 1]!).toBeGreaterThanOrEqual(20);
      expect(tries[i]! - tries[i - 1]!).toBeLessThan(21.2);
    }
    expect(types(sim, "26400", "nextFailoverDelay").length).toBeGreaterThanOrEqual(1);
  });
});

describe("TILT", () => {
  it("enters TILT on a clock jump, does not act for 30 s, then detects the dead master", () => {
    const sim = new Simulation({ seed: 3 });
    addSentinelTopology(sim, { master: 6400, replicas: [6401], sentinels: [26400], quorum: 1, sentinel: { "down-after-milliseconds": 5000 } });
    sim.schedule({ type: "clockJump", node: "26400", deltaMs: 10_000 }, seconds(20));
    sim.schedule({ type: "kill", node: "6400" }, seconds(21));
    sim.runUntil(seconds(80));
    const tilt = types(sim, "26400", "tilt");
    expect(tilt).toHaveLength(1);
    expect(tilt[0]!.atUs / 1e6).toBeLessThan(20.2);
    const exited = types(sim, "26400", "tiltExited")[0]!.atUs / 1e6;
    expect(exited - tilt[0]!.atUs / 1e6).toBeGreaterThanOrEqual(30);
    expect(exited - tilt[0]!.atUs / 1e6).toBeLessThan(30.2);
    // The master died at 21 s and would be SDOWN by ~27 s; in TILT nothing is judged.
    const sdown = types(sim, "26400", "sdown")[0]!.atUs / 1e6;
    expect(sdown).toBeGreaterThanOrEqual(exited);
    expect(types(sim, "26400", "switchMaster")).toHaveLength(1);
  });

  it("enters TILT when the clock goes backwards", () => {
    const sim = new Simulation({ seed: 3 });
    addSentinelTopology(sim, { master: 6400, replicas: [6401], sentinels: [26400], quorum: 1 });
    sim.schedule({ type: "clockJump", node: "26400", deltaMs: -1000 }, seconds(20));
    sim.runUntil(seconds(25));
    expect(types(sim, "26400", "tilt")).toHaveLength(1);
  });
});
