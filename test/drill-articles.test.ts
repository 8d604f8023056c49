import { describe, expect, it } from "vitest";
import { drill001, drill002, drill003, runScenario } from "@failover-lab/scenarios";
import { sentinel, type SentinelClientState, type StandaloneState, type TraceRecord } from "@failover-lab/sim-core";

/**
 * The articles' drills 001–003 as library scenarios: beyond their own expectations (the library
 * test runs them green), the facts the articles report, read off the history.
 */
function sentinelLines(trace: readonly TraceRecord[], node: string): string[] {
  return trace
    .filter((r) => r.node === node && r.type in sentinel.SENTINEL_EVENT_NAMES)
    .map((r) => {
      const { atUs: _a, node: _n, ...event } = r;
      return sentinel.sentinelEventLine(event as sentinel.SentinelEvent);
    });
}

describe("drill-001 (seeds/001): Sentinel quorum 1 and the Jedis client", () => {
  const r = runScenario(drill001, { seed: 1 });

  // The Sentinel's +sdown … +switch-master sequence is asserted once, in test/sentinel-drill-001.test.ts.

  it("shows the client's 'master is loss' outage of about 35 s, then writes on 6401, none lost", () => {
    const client = r.sim.state<SentinelClientState>("client-1");
    expect(r.sim.trace.filter((e) => e.node === "client-1" && e.type === "sentinelClientMasterLost").length).toBeGreaterThanOrEqual(5);
    expect(r.writes!.outageMs).toBe(client.longestGapMs);
    expect(r.writes!.outageMs).toBeGreaterThan(30_000);
    expect(r.writes!.outageMs).toBeLessThan(38_000);
    expect(client.acked.at(-1)!.port).toBe(6401);
    expect(r.writes!.lost).toBe(0);
  });

  it("measures sdown at down-after-milliseconds after the kill, odown at once, switch-master about a second later", () => {
    const m = r.measures[0]!;
    expect(m.fault).toBe("kill");
    expect(m.sdownMs!).toBeGreaterThanOrEqual(30_000);
    expect(m.odownMs).toBe(m.sdownMs);
    expect(m.switchMasterMs! - m.sdownMs!).toBeLessThan(3_000);
  });

  it("ends with the old master a synced replica of 6401 holding the same data", () => {
    const old = r.sim.state<StandaloneState>("6400");
    expect(old.replication.masterHost).toBe("6401");
    expect(old.data).toEqual(r.sim.state<StandaloneState>("6401").data);
  });
});

describe.each([1, 2, 3])("drill-002 (seeds/002, seed %i): docker pause with three Sentinels", (seed) => {
  const r = runScenario(drill002, { seed });
  const SENTINELS = ["26400", "26401", "26402"];
  const leader = SENTINELS.find((p) => sentinelLines(r.sim.trace, p).includes("+elected-leader master mymaster 127.0.0.1 6400"))!;
  const newMaster = r.sim.state<sentinel.SentinelState>(leader).master.port;

  it("has exactly one leader, every Sentinel voting for it in epoch 1, and everyone switching to the same replica", () => {
    const leaderId = r.sim.state<sentinel.SentinelState>(leader).myId;
    for (const p of SENTINELS) {
      const lines = sentinelLines(r.sim.trace, p);
      expect(lines).toContain(`+vote-for-leader ${leaderId} 1`);
      expect(lines).toContain(`+switch-master mymaster 127.0.0.1 6400 127.0.0.1 ${newMaster}`);
      expect(r.sim.state<sentinel.SentinelState>(p).master.port).toBe(newMaster);
    }
    expect(SENTINELS.filter((p) => sentinelLines(r.sim.trace, p).includes("+elected-leader master mymaster 127.0.0.1 6400"))).toEqual([leader]);
  });

  it("resyncs the unpaused old master in full (the hellos queued while it was frozen moved its offset)", () => {
    const resume = r.measures.find((m) => m.fault === "resume")!.atMs * 1000;
    const after = r.sim.trace.filter((e) => e.node === "6400" && e.atUs > resume).map((e) => e.type);
    expect(after).toContain("fullResyncFromMaster");
    expect(after).not.toContain("partialResyncSucceeded");
    const masters = ["6400", "6401", "6402"].filter((p) => r.sim.state<StandaloneState>(p).replication.masterHost === null);
    expect(masters).toEqual([String(newMaster)]);
  });
});

describe("drill-003 (seeds/003): automatic failover, then CLUSTER FAILOVER back", () => {
  const r = runScenario(drill003, { seed: 1 });

  it("elects 7004 in epoch 7, whose master_replid2 is the replication id 7001 had", () => {
    const before = r.steps.find((s) => s.text === "cli 7004 INFO replication")!.output!;
    const oldReplid = before.find((l) => l.startsWith("master_replid:"))!.slice("master_replid:".length);
    const after = r.steps.filter((s) => s.text === "cli 7004 INFO replication")[1]!.output!;
    expect(after).toContain(`master_replid2:${oldReplid}`);
    expect(after.find((l) => l.startsWith("master_replid:"))).not.toBe(`master_replid:${oldReplid}`);
    const won = r.sim.trace.filter((e) => e.type === "electionWon").map((e) => e.type === "electionWon" && `${e.node}@${e.epoch}`);
    expect(won[0]).toBe("7004@7");
  });

  it("hands the master role back to 7001 by manual failover in a later epoch, losing no write", () => {
    const won = r.sim.trace.filter((e) => e.type === "electionWon");
    expect(won.map((e) => e.node)).toEqual(["7004", "7001"]);
    expect(r.sim.trace.some((e) => e.node === "7001" && e.type === "manualFailoverAccepted")).toBe(true);
    expect(r.writes!.lost).toBe(0);
    expect(r.writes!.acked).toBeGreaterThan(100);
  });
});
