import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ScenarioError, canonicalSeed, drill000, runScenario } from "@failover-lab/scenarios";
import { ScenarioFileError, parseScenarioYaml, scenarioToYaml } from "@failover-lab/scenarios/file";

/**
 * A seed is a non-negative integer, canonicalised before the run: the simulation hashes the
 * seed's text, so `7`, `07` and the number 7 must be one run, and anything else is refused.
 */

const FILE = (seed: string): string =>
  ["name: tiny", `seed: ${seed}`, "topology:", "  kind: cluster", "  ports: [7001, 7002, 7003]", "  replicasPerMaster: 0", "steps:", "  - wait: 1s"].join("\n");

describe("seeds", () => {
  it("canonicalises every way of writing a non-negative integer to its plain digits", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.nat(3), (n, zeros) => {
        expect(canonicalSeed(`${"0".repeat(zeros)}${n}`)).toBe(n.toString());
        if (n <= BigInt(Number.MAX_SAFE_INTEGER)) expect(canonicalSeed(Number(n))).toBe(n.toString());
      }),
    );
  });

  it("refuses anything that is not a non-negative integer", () => {
    for (const bad of [" 7", "7 ", "7.0", "-1", "+7", "1e3", "", "seven", "0x7"]) expect(canonicalSeed(bad), bad).toBeUndefined();
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) expect(canonicalSeed(bad), String(bad)).toBeUndefined();
  });

  it("runs equal numbers as one run, and refuses a bad seed with a ScenarioError before running", () => {
    const seven = runScenario(drill000, { seed: 7 });
    const zeroSeven = runScenario(drill000, { seed: "07" });
    expect(zeroSeven.seed).toBe("7");
    expect(zeroSeven.sim.traceHash()).toBe(seven.sim.traceHash());
    expect(() => runScenario(drill000, { seed: " 7" })).toThrow(ScenarioError);
    expect(() => runScenario(drill000, { seed: "7.0" })).toThrow(/non-negative integer/);
  });

  it("reads a file's seed: canonically, and refuses a word or a negative number on its line", () => {
    expect(parseScenarioYaml(FILE("07"), "tiny.yaml").seed).toBe("7");
    expect(parseScenarioYaml(FILE('"007"'), "tiny.yaml").seed).toBe("7");
    for (const bad of ["seven", "-3", '" 7"']) {
      let problems: readonly { line: number; message: string }[] = [];
      try {
        parseScenarioYaml(FILE(bad), "tiny.yaml");
      } catch (error) {
        if (!(error instanceof ScenarioFileError)) throw error;
        problems = error.problems;
      }
      expect(problems.map((p) => p.line), bad).toEqual([2]);
      expect(problems[0]!.message).toContain("non-negative integer");
    }
  });

  it("writes a file's seed canonically, and refuses to write one the parser would refuse", () => {
    expect(scenarioToYaml(drill000, { seed: "007" }).split("\n")).toContain("seed: 7");
    expect(parseScenarioYaml(scenarioToYaml(drill000, { seed: "123456789012345678901234" }), "big.yaml").seed).toBe("123456789012345678901234");
    expect(() => scenarioToYaml(drill000, { seed: "seven" })).toThrow(/non-negative integer/);
  });
});
