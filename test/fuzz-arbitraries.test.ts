import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { faultProblems, type Fault } from "@failover-lab/sim-core";
import { FAULT_FAMILIES, caseProcesses, caseSchedule, fuzzCaseArb, pickFamily, serverIds, type FuzzCase } from "@failover-lab/sim-core/fc";

/**
 * The fuzz arbitraries: every schedule is well formed, in time order, inside its window, and
 * lifts every fault it applies by the window's end — so liveness may be asked of every run.
 * Swarm profiles really narrow the mix, and shrinking goes to the smallest case.
 */
const anyCase = fuzzCaseArb({ sentinel: true, workload: "maybe" });

/** What is still in force after a schedule: a key per fault that has not been lifted. */
function inForce(schedule: readonly { fault: Fault }[]): Set<string> {
  const on = new Set<string>();
  for (const { fault: f } of schedule) {
    switch (f.type) {
      case "kill":
      case "shutdown":
        on.add(`down ${f.node}`);
        break;
      case "restart":
        on.delete(`down ${f.node}`);
        break;
      case "pause":
        on.add(`paused ${f.node}`);
        break;
      case "resume":
        on.delete(`paused ${f.node}`);
        break;
      case "partition":
        on.add(`partition ${f.name}`);
        break;
      case "heal":
        on.delete(`partition ${f.name}`);
        break;
      case "delay":
        if (f.extraMs > 0) on.add(`delay ${f.from} ${f.to}`);
        else on.delete(`delay ${f.from} ${f.to}`);
        break;
      case "loss":
        if (f.rate > 0) on.add(`loss ${f.from} ${f.to}`);
        else on.delete(`loss ${f.from} ${f.to}`);
        break;
      case "clog":
        on.add(`clog ${f.from} ${f.to}`);
        break;
      case "unclog":
        on.delete(`clog ${f.from} ${f.to}`);
        break;
      default:
        break;
    }
  }
  return on;
}

describe("fuzz cases", () => {
  it("compile to well-formed faults, in time order, inside the window, all lifted by its end", () => {
    fc.assert(
      fc.property(anyCase, (c) => {
        const known = new Set(caseProcesses(c));
        const schedule = caseSchedule(c);
        for (const { atUs, fault } of schedule) {
          expect(faultProblems(fault, (pid) => known.has(pid))).toEqual([]);
          expect(atUs).toBeGreaterThanOrEqual(0);
          expect(atUs).toBeLessThanOrEqual(c.faultWindowMs * 1000);
        }
        expect(schedule.map((s) => s.atUs)).toEqual([...schedule.map((s) => s.atUs)].sort((a, b) => a - b));
        expect([...inForce(schedule)]).toEqual([]);
        // Only Sentinel groups jump clocks; a partition never cuts everyone off.
        if (c.topology.kind === "cluster") expect(schedule.some((s) => s.fault.type === "clockJump")).toBe(false);
        for (const { fault } of schedule) if (fault.type === "partition" && fault.groups.includes("rest")) expect(fault.groups[0]!.length).toBeLessThan(known.size);
      }),
      { numRuns: 300 },
    );
  });

  it("draw faults only from the families of their swarm profile", () => {
    fc.assert(
      fc.property(fuzzCaseArb({ families: ["pause", "crash"] }), (c) => {
        const types = new Set(caseSchedule(c).map((s) => s.fault.type));
        for (const t of types) expect(["pause", "resume", "kill", "restart"]).toContain(t);
        for (const draw of [0, 500, 999]) expect(c.swarm.families).toContain(pickFamily(c.swarm, FAULT_FAMILIES, draw));
      }),
    );
  });

  it("shrink to the smallest case: 3 masters, one replica each, one fault on the first node", () => {
    // Any case with at least one fault fails this property; the shrinker must reach the floor.
    const result = fc.check(
      fc.property(fuzzCaseArb(), (c: FuzzCase) => caseSchedule(c).length === 0),
      { seed: 11, numRuns: 100 },
    );
    expect(result.failed).toBe(true);
    const smallest = result.counterexample![0];
    expect(smallest.topology).toEqual({ kind: "cluster", masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000 });
    expect(smallest.episodes).toHaveLength(1);
    const schedule = caseSchedule(smallest);
    expect(schedule.length).toBeLessThanOrEqual(2);
    expect(schedule[0]!.atUs).toBe(0);
    expect(serverIds(smallest.topology)[0]).toBe("7001");
    expect(JSON.stringify(schedule[0]!.fault)).toContain("7001");
  });
});
