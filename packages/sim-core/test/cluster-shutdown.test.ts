import { describe, expect, it } from "vitest";
import { redisCliModel, seconds, us } from "../src/index";
import { SYNCED_AT, clusterSim, eventsOf } from "./cluster-helpers";

/** SHUTDOWN in 7.0 waits for lagging replicas (server.c prepareForShutdown/finishShutdown). */
describe("SHUTDOWN of a master", () => {
  it("with replicas in sync: says so and exits at once", () => {
    const sim = clusterSim({ seed: 1, nodeTimeoutMs: 2000 });
    sim.schedule({ type: "shutdown", node: "7001" }, SYNCED_AT);
    sim.runUntil(us(SYNCED_AT + seconds(1)));
    expect(eventsOf(sim, "replicasInSyncAtShutdown", 7001).map((e) => [e.inSync, e.replicas])).toEqual([[1, 1]]);
    expect(eventsOf(sim, "shutdownWaitingForReplicas")).toEqual([]);
    expect(eventsOf(sim, "processExited", 7001)[0]!.atUs).toBe(SYNCED_AT);
  });

  it("with a replica behind: waits for it (up to shutdown-timeout), then exits", () => {
    const sim = clusterSim({ seed: 1, nodeTimeoutMs: 2000 });
    // A write just before the shutdown: the replica has not acknowledged it yet.
    sim.addProcess("client-1", redisCliModel([{ atUs: SYNCED_AT - 5000, port: 7001, argv: ["SET", "testkey002", "v"] }]));
    sim.schedule({ type: "shutdown", node: "7001" }, SYNCED_AT);
    sim.runUntil(us(SYNCED_AT + seconds(12)));
    expect(eventsOf(sim, "shutdownWaitingForReplicas", 7001)).toHaveLength(1);
    const exited = eventsOf(sim, "processExited", 7001)[0]!;
    expect(exited.atUs).toBeGreaterThan(SYNCED_AT);
    // The replica's next once-a-second ACK catches it up well before the 10 s timeout.
    expect(exited.atUs - SYNCED_AT).toBeLessThan(seconds(1.2));
    expect(eventsOf(sim, "replicasInSyncAtShutdown", 7001).map((e) => [e.inSync, e.replicas])).toEqual([[1, 1]]);
  });

  it("with a replica that never answers: gives up after shutdown-timeout and names the lagging replica", () => {
    const sim = clusterSim({ seed: 1, nodeTimeoutMs: 2000 });
    sim.addProcess("client-1", redisCliModel([{ atUs: SYNCED_AT - 5000, port: 7001, argv: ["SET", "testkey002", "v"] }]));
    sim.schedule({ type: "pause", node: "7004" }, us(SYNCED_AT - 10_000));
    sim.schedule({ type: "shutdown", node: "7001" }, SYNCED_AT);
    sim.runUntil(us(SYNCED_AT + seconds(12)));
    const exited = eventsOf(sim, "processExited", 7001)[0]!;
    expect(exited.atUs - SYNCED_AT).toBeGreaterThanOrEqual(seconds(10));
    expect(eventsOf(sim, "laggingReplicaAtShutdown", 7001).map((e) => e.replica)).toEqual(["127.0.0.1:7004"]);
    expect(eventsOf(sim, "replicasInSyncAtShutdown", 7001).map((e) => [e.inSync, e.replicas])).toEqual([[0, 1]]);
  });
});
