import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulation, addCreatedCluster, ms, seconds, slotOwnerOf, us, type ClusterNodeState } from "@failover-lab/sim-core";

/**
 * For any seed, node timeout, topology of 3 masters with 1 or 2 replicas each, victim and kill
 * instant: the failover Redis promises happens once and leaves one agreed owner per slot, and
 * it takes as long as the formulas of cluster.c allow — no less, no more.
 */
interface Case {
  readonly seed: string;
  readonly nodeTimeoutMs: number;
  readonly replicasPerMaster: 1 | 2;
  readonly victim: number;
  readonly killAfterSyncMs: number;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  seed: fc.string(),
  nodeTimeoutMs: fc.constantFrom(1000, 2000, 5000, 15000),
  replicasPerMaster: fc.constantFrom(1 as const, 2 as const),
  victim: fc.constantFrom(7001, 7002, 7003),
  killAfterSyncMs: fc.integer({ min: 0, max: 5000 }),
});

function run(c: Case) {
  const ports = Array.from({ length: 3 * (1 + c.replicasPerMaster) }, (_, i) => 7001 + i);
  const sim = new Simulation({ seed: c.seed, scenario: "kill-master-property" });
  addCreatedCluster(sim, { ports, replicasPerMaster: c.replicasPerMaster, config: { "cluster-node-timeout": c.nodeTimeoutMs } });
  const synced = (): boolean =>
    ports.every((p) => {
      if (sim.status(String(p)) !== "running") return false;
      const s = sim.state<ClusterNodeState>(String(p));
      return (s.nodes[s.myId]!.flags & 2) === 0 || s.replication.replState === "connected";
    });
  expect(sim.runUntil(synced, seconds(60))).toBe(true);
  const victimState = sim.state<ClusterNodeState>(String(c.victim));
  const victimId = victimState.myId;
  const victimSlots = victimState.nodes[victimId]!.slots;
  const replicas = victimState.nodeOrder.filter((id) => victimState.nodes[id]!.replicaOf === victimId).map((id) => String(victimState.nodes[id]!.port));
  const killAtUs = us(sim.nowUs + ms(c.killAfterSyncMs));
  sim.schedule({ type: "kill", node: String(c.victim) }, killAtUs);
  sim.runUntil(us(killAtUs + ms(4 * c.nodeTimeoutMs + 10_000)));
  return { sim, ports, victimId, victimSlots, replicas, killAtUs };
}

describe("killing one master", () => {
  it("one replica of it wins, once; every slot ends with one owner all live nodes agree on", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { sim, ports, victimSlots, replicas } = run(c);
        const wins = sim.trace.filter((r) => r.type === "electionWon");
        expect(wins).toHaveLength(1);
        const winner = wins[0]!;
        expect(replicas).toContain(winner.node);
        // At most one winner per epoch, over every election started.
        const epochs = sim.trace.filter((r) => r.type === "electionWon").map((r) => (r.type === "electionWon" ? r.epoch : 0));
        expect(new Set(epochs).size).toBe(epochs.length);

        const live = ports.filter((p) => p !== c.victim);
        const tables = live.map((p) => sim.state<ClusterNodeState>(String(p)));
        const winnerId = sim.state<ClusterNodeState>(winner.node).myId;
        for (let slot = 0; slot < 16384; slot += 97) {
          const owners = new Set(tables.map((s) => slotOwnerOf(s.slotOwner, slot)));
          expect(owners.size).toBe(1);
        }
        for (const [first, last] of victimSlots) for (const s of tables) expect([slotOwnerOf(s.slotOwner, first), slotOwnerOf(s.slotOwner, last)]).toEqual([winnerId, winnerId]);
        for (const s of tables) expect(s.state).toBe("ok");
      }),
      { numRuns: 25 },
    );
  });

  it("takes between NT + 500 ms and the formulas' bound from the kill to the election won", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { sim, killAtUs } = run(c);
        const won = sim.trace.find((r) => r.type === "electionWon")!;
        const delayed = sim.trace.filter((r) => r.type === "electionDelayed" && r.node === won.node).at(-1)!;
        const rank = delayed.type === "electionDelayed" ? delayed.rank : 0;
        const tookMs = (won.atUs - killAtUs) / 1000;
        const nt = c.nodeTimeoutMs;
        // PFAIL needs more than NT of silence; the election then waits at least 500 ms.
        expect(tookMs).toBeGreaterThan(nt + 500);
        // The first ping to the dead node goes out within NT/2 (+ a 100 ms tick), PFAIL after NT
        // more (+ a tick), FAIL once another master's gossip reaches a node (≤ NT/2 + a tick),
        // then 500–999 ms + 1000 ms per rank, and the request on the next tick.
        expect(tookMs).toBeLessThan(2 * nt + 1000 * rank + 1000 + 500);
      }),
      { numRuns: 25 },
    );
  });
});
