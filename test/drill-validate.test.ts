import { describe, expect, it } from "vitest";
import { ScenarioError, drill001, library, runScenario, scenarioProblems, type Scenario } from "@failover-lab/scenarios";

/** A scenario that names a node its topology does not have, or a wait that cannot end, is refused before anything runs. */
describe("scenario validation", () => {
  it("finds no problem in any library drill", () => {
    for (const s of library) expect(scenarioProblems(s)).toEqual([]);
  });

  it("names the step, the unknown node and the known ones", () => {
    const bad: Scenario = {
      ...drill001,
      steps: [
        { step: { type: "kill", node: "6409" } },
        { step: { type: "cli", port: 7001, argv: ["PING"] } },
        { step: { type: "partition", groups: [["client-2"], "rest"] } },
        { step: { type: "until", condition: { kind: "sentinelMaster", sentinel: 26401, master: 6401 }, withinMs: 1000 } },
      ],
    };
    const problems = scenarioProblems(bad);
    expect(problems).toEqual([
      'step 1 (kill 6409): unknown node "6409" (expected one of: 6400, 6401, 26400, client-1)',
      'step 2 (cli 7001 PING): unknown node "7001" (expected one of: 6400, 6401, 26400, client-1)',
      'step 3 (partition [client-2] | rest): unknown node "client-2" (expected one of: 6400, 6401, 26400, client-1)',
      'step 4 (until sentinel 26401 master 6401 within 1s): unknown node "26401" (expected one of: 6400, 6401, 26400, client-1)',
    ]);
    expect(() => runScenario(bad)).toThrow(ScenarioError);
  });

  it("refuses waits that cannot end and an impossible quorum", () => {
    const bad: Scenario = {
      ...drill001,
      topology: { kind: "sentinel", master: 6400, replicas: [6401], sentinels: [26400], quorum: 0 },
      steps: [{ step: { type: "wait", ms: Number.POSITIVE_INFINITY } }, { step: { type: "until", condition: { kind: "role", port: 6401, role: "master" }, withinMs: -1 } }],
    };
    const problems = scenarioProblems(bad);
    expect(problems[0]).toBe("quorum must be a positive integer, got 0");
    expect(problems[1]).toMatch(/^step 1 \(wait .*\): a wait must be a finite, non-negative number of ms/);
    expect(problems[2]).toMatch(/^step 2 \(until 6401 is master within -1ms\): "within" must be a finite, non-negative number of ms/);
  });
});
