import { describe, expect, it } from "vitest";
import { Simulation, addSentinelTopology, seconds, sentinelClientLostWrites, sentinelClientModel, type SentinelClientState, type StandaloneState } from "../src/index";

/**
 * Write loss by design (§19, window 2): a client on the old master's side of a partition keeps
 * writing to it and gets OK; the Sentinels on the majority side promote a replica; when the
 * partition heals the old master is turned into a replica of the new one, its history is
 * behind a different id and offset, the resync is full, and every write it acknowledged
 * meanwhile is gone. The simulator reports how many.
 */
describe("write loss: an isolated old master keeps acknowledging writes", () => {
  const sim = new Simulation({ seed: 11 });
  addSentinelTopology(sim, { master: 6400, replicas: [6401, 6402], sentinels: [26400, 26401, 26402], quorum: 2 });
  sim.addProcess("client-1", sentinelClientModel({ sentinels: [26400, 26401, 26402], startAtMs: 10_000, writeIntervalMs: 100 }));
  sim.schedule({ type: "partition", name: "cut", groups: [["6400", "client-1"], "rest"] }, seconds(30));
  sim.schedule({ type: "heal", name: "cut" }, seconds(90));
  sim.runUntil(seconds(130));

  const client = sim.state<SentinelClientState>("client-1");
  const newMaster = [6401, 6402].find((p) => sim.state<StandaloneState>(String(p)).replication.masterHost === null)!;
  const finalData = sim.state<StandaloneState>(String(newMaster)).data;
  const lost = sentinelClientLostWrites(client, finalData);
  const ackedOnOldDuringCut = client.acked.filter((w) => w.port === 6400 && w.atMs > 30_000);

  it("the old master acknowledged writes all through the partition", () => {
    expect(ackedOnOldDuringCut.length).toBeGreaterThan(500);
  });

  it("after healing, the old master follows the new one after a full resync, and those writes are gone", () => {
    const old = sim.state<StandaloneState>("6400");
    expect(old.replication.masterHost).toBe(String(newMaster));
    expect(sim.trace.some((r) => r.node === "6400" && r.atUs > 90e6 && r.type === "fullResyncFromMaster")).toBe(true);
    expect(old.data).toEqual(finalData);
    // Every lost write is one the old master acknowledged after the cut; none before it is lost.
    expect(lost.length).toBeGreaterThanOrEqual(ackedOnOldDuringCut.length - 1);
    expect(lost.every((w) => w.port === 6400 && w.atMs >= 30_000)).toBe(true);
    console.log(`write loss: ${lost.length} of ${client.acked.length} acknowledged writes lost (the client wrote to 6400 from ${lost[0]!.atMs} ms to ${lost.at(-1)!.atMs} ms)`);
  });

  it("the client ends writing to the new master", () => {
    expect(client.acked.at(-1)!.port).toBe(newMaster);
  });
});
