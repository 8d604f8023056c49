import { describe, expect, it } from "vitest";
import { drill000, runScenario } from "@failover-lab/scenarios";
import type { ClusterNodeState } from "@failover-lab/sim-core";

/**
 * The first article's drill (seeds/000), end to end: every checkpoint it shows comes out the
 * same — who is master, slot coverage, the [OK]/[ERR] verdicts, the cluster state, the restarted
 * master that follows a dead node and cannot fail over, and the final promotion.
 */
describe("drill-000: kill the masters one by one", () => {
  const run = runScenario(drill000, { seed: 1 });
  const stepsNamed = (prefix: string) => run.steps.filter((s) => s.text.startsWith(prefix));

  it("holds every expectation of the article", () => {
    const failed = run.steps.filter((s) => !s.ok).map((s) => `${s.text}: saw ${s.saw}`);
    expect(failed).toEqual([]);
    expect(run.ok).toBe(true);
  });

  it("redirects testkey002 to slot 401 on 7001, as the article's redis-cli -c did", () => {
    const set = run.steps.find((s) => s.text === "cli 7003 set testkey002 testvalue002")!;
    expect(set.output).toEqual(["-> Redirected to slot [401] located at 127.0.0.1:7001", "OK"]);
  });

  it("promotes 7006 in epoch 7 after 7003's shutdown, then 7003 in a later epoch once it has synced", () => {
    const won = run.sim.trace.filter((r) => r.type === "electionWon").map((r) => r.type === "electionWon" && `${r.node}@${r.epoch}`);
    expect(won[0]).toBe("7006@7");
    expect(won.at(-1)).toMatch(/^7003@(8|9|10)$/);
  });

  it("shows the restarted 7003 claiming a master that redis-cli cannot reach, and refusing to fail over for stale data", () => {
    const checks = stepsNamed("check 7002");
    const id7006 = run.sim.state<ClusterNodeState>("7006").myId;
    const warned = checks.filter((c) => c.output!.includes(`*** WARNING: 127.0.0.1:7003 claims to be slave of unknown node ID ${id7006}.`));
    expect(warned.length).toBe(2);
    const dataAge = run.sim.trace.filter((r) => r.node === "7003" && r.type === "cantFailover" && r.reason === "dataAge");
    expect(dataAge.length).toBeGreaterThan(0);
  });

  it("ends with all 16384 slots covered by three masters that agree", () => {
    const last = stepsNamed("check 7002").at(-1)!;
    expect(last.output).toContain("[OK] All 16384 slots covered.");
    expect(last.output).toContain("[OK] All nodes agree about slots configuration.");
    expect(last.output!.filter((l) => l.startsWith("M: "))).toHaveLength(3);
  });

  it("replays byte for byte: the same seed gives the same trace in fast and in trace mode", () => {
    const again = runScenario(drill000, { seed: 1 });
    const traced = runScenario(drill000, { seed: 1, mode: "trace" });
    expect(again.sim.traceHash()).toBe(run.sim.traceHash());
    expect(traced.sim.traceHash()).toBe(run.sim.traceHash());
    expect(runScenario(drill000, { seed: 2 }).sim.traceHash()).not.toBe(run.sim.traceHash());
  });
});
