/**
 * The three examples of docs/property-testing.md, as they are printed there: if one stops
 * working, this file fails and the page must change with it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzCaseArb, caseSchedule } from "@failover-lab/sim-core/fc";
import { checkRun } from "@failover-lab/sim-core/check";
import { fuzzCaseToScenario, runFuzzCase } from "@failover-lab/scenarios/fuzz";
import { runScenario } from "@failover-lab/scenarios";
import { scenarioToYaml } from "@failover-lab/scenarios/file";
import { readFileSync } from "node:fs";

describe("docs/property-testing.md", () => {
  // Example 1
  it("no simulator violation for any small cluster and any swarm of faults", () => {
    const cases = fuzzCaseArb({ cluster: { maxMasters: 4, nodeTimeoutsMs: [1000, 2000] }, faultWindowMs: 10_000 });
    fc.assert(
      fc.property(cases, fc.integer({ min: 1, max: 1_000_000 }), (c, seed) => {
        const { findings } = runFuzzCase(c, seed);
        // Lost acknowledged writes are what Redis does (redisBehaviour); a violation is a bug.
        expect(findings.filter((f) => f.kind === "violation")).toEqual([]);
      }),
      { numRuns: 10, seed: 42 },
    );
  });

  // Example 2
  it("after partitions and link cuts heal, the cluster agrees on one owner per slot again", () => {
    const partitionsOnly = fuzzCaseArb({
      topology: { kind: "cluster", masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000 },
      families: ["partition", "oneWayPartition", "cut"],
      workload: "never",
      faultWindowMs: 8_000,
    });
    fc.assert(
      fc.property(partitionsOnly, (c) => {
        const { findings, convergenceMs } = runFuzzCase(c, 7, { properties: ["liveness", "slotOwnerEpochUnique"] });
        expect(findings).toEqual([]);
        expect(convergenceMs).not.toBeNull();
      }),
      { numRuns: 10, seed: 7 },
    );
  });

  // Example 3
  it("a property of your own, with its counterexample saved as a scenario file", () => {
    // Your property: one kill -9 of a node, restarted a moment later, never loses an acknowledged write.
    const oneKill = fuzzCaseArb({
      topology: { kind: "cluster", masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000 },
      families: ["crash"],
      maxEpisodes: 1,
      faultWindowMs: 5_000,
    });
    const result = fc.check(
      fc.property(oneKill, (c) => {
        const { run } = runFuzzCase(c, 1, { properties: [] });
        return (run.writes?.lost ?? 0) === 0;
      }),
      { numRuns: 20, seed: 3 },
    );
    if (result.failed) {
      // The smallest case, as a file `pnpm failover-lab run FILE` replays (it ends with `expect property durability`).
      const smallest = result.counterexample![0];
      const yaml = scenarioToYaml(fuzzCaseToScenario(smallest, { name: "my-finding", expectProperty: "durability" }), { seed: 1 });
      expect(yaml).toContain("expect: {property: durability}");
      expect(caseSchedule(smallest).map((s) => s.fault.type)).toEqual(["kill", "restart"]);
      const replay = runScenario(fuzzCaseToScenario(smallest, { expectProperty: "durability" }), { seed: 1 });
      expect(replay.ok).toBe(false);
      expect(checkRun(replay.sim, ["durability"])[0]!.kind).toBe("redisBehaviour");
    }
    // A master killed without persistence and restarted before its replica takes over comes
    // back empty, and its replica resyncs from it: Redis loses every write of those slots.
    expect(result.failed).toBe(true);
  });

  it("prints exactly these tests and imports (the page and this file change together)", () => {
    const page = readFileSync(new URL("../docs/property-testing.md", import.meta.url), "utf8");
    const self = readFileSync(new URL(import.meta.url), "utf8");
    const blocks = [...page.matchAll(/```ts\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(4);
    for (const block of blocks) {
      const indented = block.startsWith("it(") ? block.split("\n").map((l) => (l === "" ? l : `  ${l}`)).join("\n") : block;
      expect(self).toContain(indented);
    }
  });
});
