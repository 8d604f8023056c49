import { describe, expect, it } from "vitest";
import { ackedByKey, clusterWriterModel, finalValueInCluster, keyHashSlot, lostWrites, seconds, type ClusterWriterState } from "../src/index";
import { clusterSim, idOf, node, SYNCED_AT } from "./cluster-helpers";
import { runAdmin } from "./cluster-migration-helpers";

/**
 * The smart client through a reshard: writes to keys of a slot being moved get -ASK, go to the
 * importing node after ASKING, and are acknowledged there; the slot map changes only with MOVED
 * or CLUSTER NODES. No acknowledged write is lost.
 */
describe("the cluster writer during a reshard", () => {
  it("follows ASK to the importing node, and loses no acknowledged write", () => {
    const sim = clusterSim({ seed: 7 });
    // Every key in one slot (a hash tag), the first that the reshard moves: while its thousands of
    // keys go over, new keys are missing on the source and asked for at the target.
    let tag = 0;
    while (keyHashSlot(`{t${tag}}`) !== 5461) tag++;
    sim.addProcess("client-1", clusterWriterModel({ seeds: [7001], writesPerSecond: 500, keyPrefix: `{t${tag}}:` }));
    sim.runFor(SYNCED_AT);
    const { status } = runAdmin(sim, ["reshard", "127.0.0.1:7001", "--cluster-from", idOf(sim, 7002), "--cluster-to", idOf(sim, 7001), "--cluster-slots", "1", "--cluster-yes"]);
    expect(status).toBe(0);
    sim.runFor(seconds(3));
    const w = sim.state<ClusterWriterState>("client-1");
    expect(w.errors.ASK ?? 0).toBeGreaterThan(0);
    expect(Object.keys(w.errors).filter((k) => k !== "ASK" && k !== "MOVED")).toEqual([]);
    const nodes = [7001, 7002, 7003, 7004, 7005, 7006].map((p) => node(sim, p));
    expect(lostWrites(ackedByKey(w), finalValueInCluster(nodes))).toEqual([]);
    // The writer's map now sends the moved slots to 7001.
    expect(w.slotMap.find((r) => r.first <= 5461 && 5461 <= r.last)?.port).toBe(7001);
  });
});
