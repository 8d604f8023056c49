import { describe, expect, it } from "vitest";
import { ms, seconds, us } from "../src/index";
import { clusterNodes } from "../src/replies/cluster-nodes";
import { clusterCheck } from "../src/replies/cluster-check";
import { SYNCED_AT, clusterSim, eventsOf, idOf, node, ownerPortOf } from "./cluster-helpers";

const NT = 2000;

describe("a master killed with kill -9 (cluster.c failover path)", () => {
  const killAtUs = SYNCED_AT;
  const run = (seed: number) => {
    const sim = clusterSim({ seed, nodeTimeoutMs: NT });
    sim.schedule({ type: "kill", node: "7001" }, killAtUs);
    sim.runUntil(seconds(40));
    return sim;
  };

  it("is replaced by its replica, elected for epoch 7 by both surviving masters", () => {
    const sim = run(1);
    const won = eventsOf(sim, "electionWon");
    expect(won.map((e) => [e.node, e.epoch])).toEqual([["7004", 7]]);
    const granted = eventsOf(sim, "authGranted").map((e) => [e.node, e.epoch]);
    expect(granted).toEqual(expect.arrayContaining([["7002", 7], ["7003", 7]]));
    expect(granted).toHaveLength(2);
    expect(eventsOf(sim, "configEpochSetAfterFailover", 7004).map((e) => e.epoch)).toEqual([7]);
    // The winner's story, in Redis's order.
    const story = sim.trace
      .filter((r) => r.node === "7004" && ["electionDelayed", "electionStarted", "electionWon", "configEpochSetAfterFailover"].includes(r.type))
      .map((r) => r.type);
    expect(story).toEqual(["electionDelayed", "electionStarted", "electionWon", "configEpochSetAfterFailover"]);
  });

  it("is declared FAIL only after the node timeout, and the election waits 500–999 ms at rank 0", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const sim = run(seed);
      const firstFail = [...eventsOf(sim, "nodeMarkedFailing"), ...eventsOf(sim, "failMessageReceived")].sort((a, b) => a.atUs - b.atUs)[0]!;
      expect(firstFail.atUs - killAtUs).toBeGreaterThan(NT * 1000);
      const delayed = eventsOf(sim, "electionDelayed", 7004)[0]!;
      expect(delayed.rank).toBe(0);
      expect(delayed.delayMs).toBeGreaterThanOrEqual(500);
      expect(delayed.delayMs).toBeLessThanOrEqual(999);
      const won = eventsOf(sim, "electionWon", 7004)[0]!;
      // Never before the delay it announced has run out.
      expect(won.atUs - delayed.atUs).toBeGreaterThanOrEqual(delayed.delayMs * 1000);
    }
  });

  it("leaves every live node agreeing that 7004 serves 0-5460, and the cluster ok", () => {
    const sim = run(2);
    for (const port of [7002, 7003, 7004, 7005, 7006]) {
      expect([port, ownerPortOf(sim, port, 0), ownerPortOf(sim, port, 5460)]).toEqual([port, 7004, 7004]);
      expect([port, node(sim, port).state]).toEqual([port, "ok"]);
    }
    const lines = clusterNodes(node(sim, 7004)).split("\n");
    const mine = lines.find((l) => l.startsWith(idOf(sim, 7004)))!;
    expect(mine).toMatch(new RegExp(`^${idOf(sim, 7004)} 127\\.0\\.0\\.1:7004@17004 myself,master - 0 \\d+ 7 connected 0-5460$`));
    const dead = lines.find((l) => l.startsWith(idOf(sim, 7001)))!;
    expect(dead).toMatch(/ master,fail - \d+ \d+ 1 disconnected$/);
  });

  it("makes the restarted old master a replica of its replacement", () => {
    const sim = run(3);
    sim.schedule({ type: "restart", node: "7001" }, seconds(41));
    sim.runUntil(seconds(50));
    expect(eventsOf(sim, "reconfiguredAsReplica", 7001).map((e) => e.master)).toEqual([idOf(sim, 7004)]);
    expect(node(sim, 7001).nodes[idOf(sim, 7001)]!.replicaOf).toBe(idOf(sim, 7004));
    const check = clusterCheck(7001, (port) => (sim.status(String(port)) === "running" ? node(sim, port) : null));
    expect(check.stdout).toContain("[OK] All 16384 slots covered.");
    expect(check.stdout).toContain("[OK] All nodes agree about slots configuration.");
    expect(check.stdout).toContain(`S: ${idOf(sim, 7001)} 127.0.0.1:7001`);
  });
});

describe("cluster state", () => {
  it("a master cut off in a minority goes fail after the node timeout, and back ok after the heal", () => {
    const sim = clusterSim({ seed: 7, nodeTimeoutMs: NT });
    const cutAtUs = SYNCED_AT;
    sim.schedule({ type: "partition", groups: [["7001"], "rest"] }, cutAtUs);
    sim.runUntil(seconds(30));
    const fail = eventsOf(sim, "clusterStateChanged", 7001).find((e) => e.state === "fail")!;
    expect(fail.atUs - cutAtUs).toBeGreaterThan(NT * 1000);
    // PFAIL needs the ping scheduled (≤ NT/2 + a tick) and NT more, on 100 ms ticks.
    expect(fail.atUs - cutAtUs).toBeLessThan((NT + NT / 2 + 300) * 1000);
  });

  it("a master with no replica lost leaves slots uncovered: fail everywhere, [ERR] in check", () => {
    const sim = clusterSim({ seed: 8, nodeTimeoutMs: NT });
    sim.schedule({ type: "kill", node: "7004" }, SYNCED_AT);
    sim.schedule({ type: "kill", node: "7001" }, us(SYNCED_AT + ms(100)));
    sim.runUntil(seconds(40));
    for (const port of [7002, 7003, 7005, 7006]) expect([port, node(sim, port).state]).toEqual([port, "fail"]);
    expect(eventsOf(sim, "electionWon")).toEqual([]);
    const check = clusterCheck(7002, (port) => (sim.status(String(port)) === "running" ? node(sim, port) : null));
    expect(check.stdout.at(-1)).toBe("[ERR] Not all 16384 slots are covered by nodes.");
    expect(check.ok).toBe(false);
  });
});
