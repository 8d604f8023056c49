import fc from "fast-check";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkRun, type Finding } from "@failover-lab/sim-core/check";
import { faultArb, withoutDanglingCloses } from "@failover-lab/sim-core/fc";
import type { Fault } from "@failover-lab/sim-core";
import { runScenario, type Scenario, type Step } from "@failover-lab/scenarios";
import { parseScenarioYaml, scenarioToYaml } from "@failover-lab/scenarios/file";

/**
 * The checkers must catch a broken election, and fast-check must shrink the schedule that shows
 * it. The break: the test hook `voteTwicePerEpoch` (runScenario's `testHooks`) lets a master grant a
 * second vote in an epoch. Two winners in one epoch then need two replicas asking in the same
 * epoch, which happens when two masters fail together and the replicas cannot hear each other's
 * request first (their link is cut). The arbitrary draws that race — which two masters, when,
 * how far apart, the seed — buried in unrelated faults; shrinking must strip the noise.
 */
const MASTERS = [7001, 7002, 7003, 7004, 7005];
const PORTS = [...MASTERS, 7006, 7007, 7008, 7009, 7010];
/** `create` pairs replica 7006 + i with master 7001 + i. */
const replicaOf = (master: number): number => master + 5;
const NODE_TIMEOUT_MS = 1000;
const RUN_MS = 8000;

interface RaceCase {
  readonly masters: readonly number[];
  readonly failAtMs: number;
  readonly gapMs: number;
  readonly noise: readonly (readonly [number, Fault])[];
  readonly seed: number;
}

// Noise: every fault kind on the replicas of masters that stay up, early in the run.
const quietIds = [7008, 7009, 7010].map(String);
const raceArb: fc.Arbitrary<RaceCase> = fc.record({
  masters: fc.uniqueArray(fc.nat({ max: 4 }), { minLength: 2, maxLength: 2 }).map((ix) => ix.map((i) => MASTERS[i]!)),
  failAtMs: fc.nat({ max: 2000 }),
  gapMs: fc.nat({ max: 300 }),
  noise: fc.array(fc.tuple(fc.nat({ max: 3999 }), faultArb(quietIds)), { maxLength: 6 }),
  seed: fc.integer({ min: 1, max: 1000 }),
});

function scenarioOf(c: RaceCase): Scenario {
  const [a, b] = c.masters as [number, number];
  const timed: [number, Fault][] = [
    [0, { type: "partition", name: "replicas", groups: [[String(replicaOf(a))], [String(replicaOf(b))]] }],
    [c.failAtMs, { type: "kill", node: String(a) }],
    [c.failAtMs + c.gapMs, { type: "kill", node: String(b) }],
    ...c.noise.map(([at, f]) => [at, f] as [number, Fault]),
  ];
  timed.sort((x, y) => x[0] - y[0]);
  // A heal or release of nothing made is refused by scenarios: the noise leaves those out.
  const valid = withoutDanglingCloses(timed.map(([at, fault]) => ({ at, fault })));
  const steps: Step[] = [];
  let now = 0;
  for (const { at, fault } of valid) {
    if (at > now) steps.push({ type: "wait", ms: at - now });
    now = Math.max(now, at);
    steps.push(fault);
  }
  steps.push({ type: "wait", ms: RUN_MS - now });
  return {
    name: "double-vote-race",
    title: "Two masters fail together",
    narrative: "",
    topology: { kind: "cluster", ports: PORTS, replicasPerMaster: 1 },
    config: { "cluster-node-timeout": NODE_TIMEOUT_MS },
    steps: steps.map((step) => ({ step })),
  };
}

/** The break is a test hook passed in code; no scenario file or flag can turn it on. */
const hooks = (broken: boolean) => (broken ? { testHooks: { voteTwicePerEpoch: true } } : {});

function electionFindings(c: RaceCase, broken: boolean): Finding[] {
  return checkRun(runScenario(scenarioOf(c), { seed: c.seed, ...hooks(broken) }).sim, ["oneWinnerPerEpoch", "oneVotePerEpoch"]);
}

/** The search, run once and shared by the tests that need its counterexample. */
let search: fc.RunDetails<[RaceCase]> | undefined;
const brokenSearch = (): fc.RunDetails<[RaceCase]> =>
  (search ??= fc.check(
    fc.property(raceArb, (c) => electionFindings(c, true).length === 0),
    { seed: 20261126, numRuns: 200 },
  ));

const faultsIn = (s: Scenario): number => s.steps.filter(({ step }) => !["wait", "expect"].includes(step.type)).length;

describe("a master that votes twice per epoch (test hook)", () => {
  it("is caught as a violation, and the schedule shrinks to the race alone", () => {
    const result = brokenSearch();
    expect(result.failed).toBe(true);
    const smallest = result.counterexample![0];
    const findings = electionFindings(smallest, true);
    expect(findings.map((f) => f.kind)).toContain("violation");
    expect(findings.some((f) => f.property === "oneWinnerPerEpoch" && /won the election of epoch \d+/.test(f.message))).toBe(true);
    // Shrunk: the noise is gone; what is left is the cut and the two kills (a noise fault may
    // survive only if the race needs it at this seed).
    expect(smallest.noise.length).toBeLessThanOrEqual(1);
    expect(faultsIn(scenarioOf(smallest))).toBeLessThanOrEqual(4);
  });

  it("with the hook off, the same races never give two winners in an epoch", () => {
    fc.assert(
      fc.property(raceArb, (c) => {
        expect(electionFindings(c, false)).toEqual([]);
      }),
      { seed: 20261126, numRuns: 15 },
    );
  });

  it("a saved counterexample replays from its scenario file (with the hook, in code) and fails its property expectation; files cannot turn the hook on", () => {
    const smallest = brokenSearch().counterexample![0];
    const scenario = scenarioOf(smallest);
    const withExpect: Scenario = { ...scenario, steps: [...scenario.steps, { step: { type: "expect", expectation: { kind: "property", property: "oneWinnerPerEpoch" } } }] };
    const file = parseScenarioYaml(scenarioToYaml(withExpect, { seed: smallest.seed }), "finding.yaml");
    const replay = runScenario(file.scenario, { seed: smallest.seed, ...hooks(true) });
    expect(replay.ok).toBe(false);
    const last = replay.steps.at(-1)!;
    expect(last.text).toBe("expect property oneWinnerPerEpoch");
    expect(last.saw).toMatch(/^violation: 2 replicas won the election of epoch/);

    // Without the hook the same file passes: the break is not in the schedule.
    expect(runScenario(file.scenario, { seed: smallest.seed }).ok).toBe(true);

    // A file that asks for the old switch as a Redis option is refused (exit 2), and the
    // options the error offers name no test switch.
    const path = join(mkdtempSync(join(tmpdir(), "broken-vote-")), "finding.yaml");
    const yaml = scenarioToYaml(withExpect, { seed: smallest.seed });
    writeFileSync(path, yaml.replace(/^config:\n/m, "config:\n  test-only-vote-twice-per-epoch: true\n"));
    const cli = spawnSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "..", "cli", "failover-lab.ts"), "run", path], { encoding: "utf8" });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/finding\.yaml:\d+/);
    expect(cli.stderr).toContain("test-only-vote-twice-per-epoch");
    const offered = /expected one of: ([^)]*)\)/.exec(cli.stderr)![1]!;
    expect(offered).toContain("cluster-node-timeout");
    expect(offered).not.toMatch(/test|hook|vote/i);
  }, 120_000);
});
