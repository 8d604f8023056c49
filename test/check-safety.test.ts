import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkDurability, checkSlotOwnerEpochUnique, checkOneVotePerEpoch, checkOneWinnerPerEpoch, checkSentinelOnePromotionPerEpoch, type RunView } from "@failover-lab/sim-core/check";
import type { TraceRecord } from "@failover-lab/sim-core";
import { runScenario } from "@failover-lab/scenarios";

/**
 * The safety checkers read semantic events. On made-up traces they must flag exactly the
 * epochs with two winners (or two votes from one master, or two promotions), whatever else the
 * trace holds; on a real failover they flag nothing.
 */
const traceView = (trace: TraceRecord[]): RunView => ({ trace, nowUs: trace.at(-1)?.atUs ?? 0, processIds: () => [], status: () => "running", state: () => ({}) as never });

const winsArb = fc.array(fc.record({ node: fc.constantFrom("7004", "7005", "7006"), epoch: fc.integer({ min: 7, max: 12 }) }), { maxLength: 12 });

describe("safety checkers", () => {
  it("flag each epoch with more than one electionWon, and only those", () => {
    fc.assert(
      fc.property(winsArb, (wins) => {
        const trace = wins.map((w, i) => ({ atUs: i * 1000, node: w.node, type: "electionWon", epoch: w.epoch }) as TraceRecord);
        const counts = new Map<number, number>();
        for (const w of wins) counts.set(w.epoch, (counts.get(w.epoch) ?? 0) + 1);
        const doubled = [...counts].filter(([, n]) => n > 1).map(([e]) => e).sort((a, b) => a - b);
        const findings = checkOneWinnerPerEpoch(traceView(trace));
        expect(findings.map((f) => Number(/epoch (\d+)/.exec(f.message)![1]))).toEqual(doubled);
        for (const f of findings) expect(f.kind).toBe("violation");
      }),
    );
  });

  it("flag a master that grants two votes in one epoch", () => {
    const grant = (node: string, epoch: number, to: string, atUs: number) => ({ atUs, node, type: "authGranted", to, epoch }) as TraceRecord;
    const ok = [grant("7001", 7, "a".repeat(40), 1), grant("7002", 7, "a".repeat(40), 2), grant("7001", 8, "b".repeat(40), 3)];
    expect(checkOneVotePerEpoch(traceView(ok))).toEqual([]);
    const twice = checkOneVotePerEpoch(traceView([...ok, grant("7001", 8, "c".repeat(40), 4_000)]));
    expect(twice).toHaveLength(1);
    expect(twice[0]!.message).toMatch(/^7001 voted twice in epoch 8/);
  });

  it("count Sentinel promotions by the epoch of the failover that made them", () => {
    const ev = (node: string, type: string, extra: object, atUs: number) => ({ atUs, node, type, ...extra }) as unknown as TraceRecord;
    const trace = [ev("26400", "newEpoch", { epoch: 1 }, 1), ev("26400", "tryFailover", {}, 2), ev("26400", "electedLeader", {}, 3), ev("26400", "promotedSlave", {}, 4)];
    expect(checkSentinelOnePromotionPerEpoch(traceView(trace))).toEqual([]);
    const twice = checkSentinelOnePromotionPerEpoch(traceView([...trace, ev("26401", "newEpoch", { epoch: 1 }, 5), ev("26401", "tryFailover", {}, 6), ev("26401", "electedLeader", {}, 7), ev("26401", "promotedSlave", {}, 8)]));
    expect(twice.map((f) => f.message)).toEqual([expect.stringMatching(/26400, 26401 were all elected leader of epoch 1/), expect.stringMatching(/^2 replicas promoted in Sentinel failover epoch 1/)]);
  });

  it("flag two live masters claiming one slot with the same configEpoch, and not different epochs", () => {
    const master = (id: string, configEpoch: number, slots: [number, number][]) => ({ myId: id, slotOwner: [], replication: { masterHost: null }, nodes: { [id]: { configEpoch, slots } } });
    const view = (states: Record<string, unknown>): RunView => ({ trace: [], nowUs: 0, processIds: () => Object.keys(states), status: () => "running", state: (pid) => states[pid] as never });
    expect(checkSlotOwnerEpochUnique(view({ 7001: master("a", 3, [[0, 100]]), 7002: master("b", 7, [[50, 60]]) }))).toEqual([]);
    const clash = checkSlotOwnerEpochUnique(view({ 7001: master("a", 3, [[0, 100]]), 7002: master("b", 7, [[50, 60]]), 7003: master("c", 3, [[90, 200]]) }));
    expect(clash.map((f) => f.message)).toEqual(["7001 and 7003 both claim slot 90 with configEpoch 3"]);
  });

  it("find nothing wrong in a plain failover with a writer, and no lost write without a fault", () => {
    const run = runScenario(
      {
        name: "plain",
        title: "",
        narrative: "",
        topology: { kind: "cluster", ports: [7001, 7002, 7003, 7004, 7005, 7006], replicasPerMaster: 1 },
        config: { "cluster-node-timeout": 2000 },
        workload: { kind: "clusterWriter", writesPerSecond: 50 },
        steps: [{ step: { type: "wait", ms: 3000 } }],
      },
      { seed: 9 },
    );
    expect(checkOneWinnerPerEpoch(run.sim)).toEqual([]);
    expect(checkDurability(run.sim)).toEqual([]);
  });
});
