import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulation, addSentinelTopology, seconds, type Fault, type StandaloneState } from "@failover-lab/sim-core";

/**
 * For random seeds and one fault on the master (kill, pause, partition away from everyone),
 * lifted after 80 s: at most one leader per epoch, at most one promoted replica per failover,
 * and once healed, every replica follows one master.
 */
const SERVERS = ["6400", "6401", "6402"];
const SENTINELS = ["26400", "26401", "26402"];

function run(seed: number, fault: "kill" | "pause" | "partition"): Simulation {
  const sim = new Simulation({ seed });
  addSentinelTopology(sim, { master: 6400, replicas: [6401, 6402], sentinels: [26400, 26401, 26402], quorum: 2 });
  const [down, up]: [Fault, Fault] =
    fault === "kill"
      ? [{ type: "kill", node: "6400" }, { type: "restart", node: "6400" }]
      : fault === "pause"
        ? [{ type: "pause", node: "6400" }, { type: "resume", node: "6400" }]
        : [{ type: "partition", groups: [["6400"], "rest"] }, { type: "heal" }];
  sim.schedule(down, seconds(30));
  sim.schedule(up, seconds(110));
  sim.runUntil(seconds(170));
  return sim;
}

describe("Sentinel failover properties", () => {
  it("at most one leader per epoch, one promotion per failover, and one master in the end", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom("kill" as const, "pause" as const, "partition" as const), (seed, fault) => {
        const sim = run(seed, fault);
        // The epoch of each election: the +new-epoch its Sentinel emitted right before +try-failover.
        const leadersByEpoch = new Map<number, string[]>();
        const promotionsByEpoch = new Map<number, number>();
        for (const node of SENTINELS) {
          let lastEpoch = 0;
          let failoverEpoch = 0;
          for (const r of sim.trace) {
            if (r.node !== node) continue;
            if (r.type === "newEpoch") lastEpoch = r.epoch;
            if (r.type === "tryFailover") failoverEpoch = lastEpoch;
            if (r.type === "electedLeader") leadersByEpoch.set(failoverEpoch, [...(leadersByEpoch.get(failoverEpoch) ?? []), node]);
            if (r.type === "promotedSlave") promotionsByEpoch.set(failoverEpoch, (promotionsByEpoch.get(failoverEpoch) ?? 0) + 1);
          }
        }
        for (const [epoch, leaders] of leadersByEpoch) expect(leaders, `epoch ${epoch}`).toHaveLength(1);
        for (const [epoch, n] of promotionsByEpoch) expect(n, `epoch ${epoch}`).toBe(1);
        const noOnes = sim.trace.filter((r) => r.type === "masterModeEnabled").length;
        expect(noOnes).toBeLessThanOrEqual(leadersByEpoch.size);
        expect(leadersByEpoch.size).toBeGreaterThanOrEqual(1);

        const masters = SERVERS.filter((p) => sim.state<StandaloneState>(p).replication.masterHost === null);
        expect(masters, `seed ${seed} ${fault}`).toHaveLength(1);
        for (const p of SERVERS) {
          if (p === masters[0]) continue;
          const rs = sim.state<StandaloneState>(p).replication;
          expect(rs.masterHost, `${p} seed ${seed} ${fault}`).toBe(masters[0]);
          expect(rs.replState, `${p} seed ${seed} ${fault}`).toBe("connected");
        }
        for (const p of SENTINELS) expect(sim.state<{ master: { port: number } }>(p).master.port).toBe(Number(masters[0]));
      }),
      { numRuns: 15, seed: 42 },
    );
  });
});
