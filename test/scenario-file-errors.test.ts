import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ScenarioError, drill000, runScenario, type Scenario, type Step } from "@failover-lab/scenarios";
import { ScenarioFileError, parseScenarioYaml, type FileProblem } from "@failover-lab/scenarios/file";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * One test per class of mistake in a scenario file: each names the file, the line and what was
 * expected, before anything runs (issue #6, STYLE.md's error example).
 */

const FILE = "drill.yaml";

/** A small valid file; `steps` are spliced in from line 8 on. */
function file(steps: string, extra = ""): string {
  return [
    "name: tiny", // 1
    "title: A tiny cluster", // 2
    "topology:", // 3
    "  kind: cluster", // 4
    "  ports: [7001, 7002, 7003, 7004, 7005, 7006]", // 5
    "  replicasPerMaster: 1", // 6
    "steps:", // 7
    steps, // 8…
    extra,
  ].join("\n");
}

function problemsOf(text: string): readonly FileProblem[] {
  try {
    parseScenarioYaml(text, FILE);
  } catch (error) {
    if (error instanceof ScenarioFileError) {
      // The message is the problems, one `file:line: …` a line.
      expect(error.message.split("\n")).toEqual(error.problems.map((p) => `${p.file}:${p.line}: ${p.message}`));
      return error.problems;
    }
    throw error;
  }
  throw new Error("the file was accepted");
}

/** The only problem of the file, which must be on `line` and say `saying`. */
function expectProblem(text: string, line: number, ...saying: string[]): void {
  const problems = problemsOf(text);
  expect(problems).toHaveLength(1);
  expect(problems[0]!.file).toBe(FILE);
  expect(problems[0]!.line).toBe(line);
  for (const s of saying) expect(problems[0]!.message).toContain(s);
}

describe("scenario file errors", () => {
  it("accepts the template, so each error below is the one mistake it plants", () => {
    expect(parseScenarioYaml(file("  - kill: 7001\n  - wait: 20s"), FILE).scenario.steps).toHaveLength(2);
  });

  it("reports a YAML syntax error on its line", () => {
    // yaml notices the unclosed { on the next line; the problem is placed where it was opened.
    expectProblem(file("  - wait: 20s\n  - cli: {port: 7001, cmd: INFO\n  - heal"), 9, "YAML syntax error", "the { opened on this line is not closed");
    expectProblem(file("  - wait: 20s\n  - kill: 7001\n   note: x"), 10, "YAML syntax error");
  });

  it("reports an unknown top-level key with the keys it expected", () => {
    expectProblem(`${file("  - wait: 20s")}\nsed: 3\n`, 10, 'unknown key "sed"', "expected one of: name, title, narrative, seed, topology, config, workload, steps", 'did you mean "seed"?');
  });

  it("reports a missing topology", () => {
    expectProblem("name: x\nsteps: []\n", 1, 'missing "topology"', "kind: cluster or kind: sentinel");
  });

  it("reports an unknown step kind with the kinds it expected and a likely typo", () => {
    expectProblem(file("  - wait: 20s\n  - kil: 7001"), 9, 'unknown step "kil"', "expected one of: kill, shutdown, pause, resume, restart, partition, heal, delay, loss, clog, unclog, hold, release, clockJump", 'did you mean "kill"?');
  });

  it("accepts drop as another name for loss", () => {
    const { scenario } = parseScenarioYaml(file("  - drop: {from: 7001, to: 7002, rate: 0.5}"), FILE);
    expect(scenario.steps[0]!.step).toEqual({ type: "loss", from: "7001", to: "7002", rate: 0.5 });
  });

  it("reports an argument of the wrong type", () => {
    expectProblem(file("  - loss: {from: 7001, to: 7002, rate: lots}"), 8, "expected a rate from 0 to 1", 'got "lots"');
    expectProblem(file("  - kill: [7001]"), 8, "expected a node", "got a list");
  });

  it("reports a missing argument and an unknown one", () => {
    expectProblem(file("  - delay: {from: 7001, to: 7002}"), 8, 'missing "extra"', "an extra latency like 20s");
    expectProblem(file("  - wait: 1s\n  - delay:\n      from: 7001\n      to: 7002\n      extra: 5ms\n      jitter: 1ms"), 13, 'unknown key "jitter"', "expected one of: from, to, extra");
  });

  it("reports a node the topology does not have, before anything runs", () => {
    expectProblem(file("  - wait: 1s\n  - kill: 7009"), 9, "unknown node 7009", "expected one of the topology's: 7001, 7002, 7003, 7004, 7005, 7006");
    expectProblem(file("  - partition: [[7001, client-1], rest]"), 8, "unknown node client-1", "no client");
    expectProblem(file("  - check: 7010"), 8, "unknown server 7010");
    expectProblem(file("  - expect: {role: {port: 6400, is: master}}"), 8, "unknown server 6400");
  });

  it("reports impossible waits: zero, negative, without a unit, unparsable, a negative time limit", () => {
    expectProblem(file("  - wait: 0s"), 8, "impossible wait 0s", "longer than 0s");
    expectProblem(file("  - wait: -5s"), 8, "impossible wait -5s");
    expectProblem(file("  - wait: 20"), 8, "expected a wait like 20s, 1500ms or 2m, got 20", "needs its unit");
    expectProblem(file("  - wait: 20x"), 8, 'expected a wait like 20s, 1500ms or 2m, got "20x"');
    expectProblem(file("  - until: {role: {port: 7004, is: master}, within: -1s}"), 8, "impossible time limit -1s");
    expectProblem(file("  - until: {role: {port: 7004, is: master}}"), 8, 'missing "within"');
  });

  it("reports an unknown config key against sim-core's Redis options, and a value of the wrong type", () => {
    expectProblem(`${file("  - wait: 1s")}\nconfig:\n  cluster-node-timout: 5000\n`, 11, 'unknown config key "cluster-node-timout"', "cluster-node-timeout, cluster-replica-validity-factor", 'did you mean "cluster-node-timeout"?');
    expectProblem(`${file("  - wait: 1s")}\nconfig:\n  cluster-require-full-coverage: 1\n`, 11, "expected true or false, got 1");
  });

  it("reports an unknown event name in an expectation", () => {
    expectProblem(file("  - expect: {event: {port: 7004, name: electionWn}}"), 8, 'unknown event "electionWn"', 'did you mean "electionWon"?', "expected a trace event type");
  });

  it("reports a bad condition: an unknown kind, two at once, a bad value", () => {
    expectProblem(file("  - until: {rol: {port: 7004, is: master}, within: 60s}"), 8, 'unknown condition "rol"', "expected one of: role, clusterState", 'did you mean "role"?');
    expectProblem(file("  - expect: {role: {port: 7004, is: boss}}"), 8, 'expected "master" or "replica", got "boss"');
    expectProblem(file("  - expect: {role: {port: 7004, is: master}, clusterState: {port: 7001, is: ok}}"), 8, "one expectation at a time");
  });

  it("reports a bad redis-cli command line", () => {
    expectProblem(file('  - cli: {port: 7001, cmd: \'get "unbalanced\'}'), 8, "bad command line", "unbalanced double quote");
  });

  it("reports a partition that breaks the rules of CONTRACTS §4", () => {
    expectProblem(file("  - partition: [[7001], rest, rest]"), 8, '"rest" may appear once');
    expectProblem(file("  - partition: [[7001, 7002]]"), 8, "expected at least two groups (e.g. [[7001], rest]), got only one");
    expectProblem(file("  - partition: {groups: [[7001], [7002], rest], oneWay: true}"), 8, "exactly two groups");
    expectProblem(file("  - partition: [[7001]]"), 8, "at least two groups");
  });

  it("reports an unknown topology kind on its line", () => {
    expectProblem("name: x\ntopology:\n  kind: clustr\n  ports: [7001]\nsteps: []\n", 3, 'unknown kind "clustr"', "expected one of: cluster, sentinel", 'did you mean "cluster"?');
  });

  it("reports a step given without its arguments, with an example of how it is written", () => {
    expectProblem(file("  - wait: 1s\n  - kill"), 9, '"kill" needs its arguments', "expected e.g. - kill: 7001");
    expectProblem(file("  - until:"), 8, '"until" needs its arguments', "within: 60s");
  });

  it("reports a cluster-only step in a Sentinel group", () => {
    const sentinelFile = (step: string) => `name: s\ntopology: {kind: sentinel, master: 6400, replicas: [6401], sentinels: [26400], quorum: 1}\nsteps:\n${step}\n`;
    expectProblem(sentinelFile("  - check: 6400"), 4, "the topology is a Sentinel group, not a cluster");
    expectProblem(sentinelFile("  - expect: {clusterState: {port: 6400, is: ok}}"), 4, "not a cluster");
    expectProblem(sentinelFile("  - expect: {sentinelMaster: {sentinel: 6401, is: 6400}}"), 4, "unknown Sentinel 6401", "26400");
  });

  it("reports an alias with no anchor, as YAML", () => {
    expectProblem(file("  - kill: *victim"), 8, "alias *victim names no anchor");
  });

  it("reports a step glued to its colon", () => {
    expectProblem(file("  - wait: 1s\n  - kill:7001"), 9, '"kill:7001" needs a space after the colon', "- kill: 7001");
  });

  it("reports two steps in one list item", () => {
    expectProblem(file("  - kill: 7001\n    wait: 20s"), 9, 'unexpected key "wait" beside "kill"', "one step per list item");
  });

  it("reports every problem of a file at once, in line order", () => {
    const problems = problemsOf(file("  - kil: 7001\n  - wait: 20x\n  - kill: 7009"));
    expect(problems.map((p) => p.line)).toEqual([8, 9, 10]);
  });

  it("reports a top-level mistake together with the topology's and the other steps' problems", () => {
    const text = ["name: tiny", "topology:", "  kind: cluster", "  ports: 7001", "  replicasPerMaster: one", "steps: hello"].join("\n");
    const problems = problemsOf(text);
    expect(problems.map((p) => p.line)).toEqual([4, 5, 6]);
    expect(problems[2]!.message).toContain("a list of steps");
  });

  it("reports an admin command the model does not have, before the run", () => {
    expectProblem(file('  - admin: "frobnicate 127.0.0.1:7001"'), 8, "redis-cli --cluster frobnicate: not modelled", "add-node");
    expectProblem(file('  - admin: "reshard 127.0.0.1:7001"'), 8, "--cluster-from");
  });

  it("reports a heal or release naming no partition or hold made before it", () => {
    expectProblem(file("  - partition: {name: split, groups: [[7001], rest]}\n  - heal: splt"), 9, 'no earlier step made a partition named "splt"', '"split"');
    expectProblem(file("  - heal: split\n  - partition: {name: split, groups: [[7001], rest]}"), 8, 'partition named "split"');
    expectProblem(file("  - hold: h1\n  - release: h9"), 9, 'no earlier step made a hold named "h9"');
    expect(problemsOf(file("  - partition: {name: split, groups: [[7001], rest]}\n  - heal: split\n  - hold: h1\n  - release: h1\n  - kil: 1")).map((p) => p.line)).toEqual([12]);
  });

  it("reports an expectation reading what no earlier step made: workload figures, a check, a reply", () => {
    expectProblem(file("  - expect: {writes: lost, atMost: 0}"), 8, "no workload");
    expectProblem(file("  - expect: {clientError: CLUSTERDOWN}"), 8, "no workload");
    expectProblem(file('  - check: 7001\n  - expect: {checkLine: {port: 7002, line: "[OK] All 16384 slots covered."}}'), 9, 'expected a "check: 7002" before it');
    expectProblem(file("  - expect: {reply: OK}\n  - cli: {port: 7001, cmd: PING}"), 8, 'no earlier "cli" step');
    expectProblem(file('  - expect: {cliLine: "role:master"}'), 8, 'no earlier "cli" or "admin" step');
  });
});

describe("the TypeScript path", () => {
  it("refuses the same mistakes with a ScenarioError before running, never a raw throw from inside the run", () => {
    const { scenario } = parseScenarioYaml(file("  - wait: 1s"), FILE);
    const withSteps = (...steps: Step[]): Scenario => ({ ...scenario, steps: steps.map((step) => ({ step })) });
    const refused = (s: Scenario): string => {
      try {
        runScenario(s);
      } catch (error) {
        expect(error).toBeInstanceOf(ScenarioError);
        return (error as Error).message;
      }
      throw new Error("the scenario ran");
    };
    expect(refused(withSteps({ type: "wait", ms: 1 }, { type: "admin", argv: ["frobnicate", "127.0.0.1:7001"] }))).toContain("step 2 (");
    expect(refused(withSteps({ type: "release", name: "h9" }))).toContain('hold named "h9"');
    expect(refused(withSteps({ type: "expect", expectation: { kind: "cliReply", text: "OK" } }))).toContain('no earlier "cli" step');
  });
});

describe("any input", () => {
  /** Either a scenario or a ScenarioFileError whose every problem points at a line of the file; never a crash. */
  function parsesOrExplains(text: string): void {
    try {
      parseScenarioYaml(text, FILE);
    } catch (error) {
      if (!(error instanceof ScenarioFileError)) throw error;
      const lines = text.split("\n").length;
      expect(error.problems.length).toBeGreaterThan(0);
      for (const p of error.problems) {
        expect(p.line).toBeGreaterThanOrEqual(1);
        expect(p.line).toBeLessThanOrEqual(lines);
        expect(p.message.length).toBeGreaterThan(0);
      }
    }
  }

  it("gets a scenario or file:line problems for any text", () => {
    fc.assert(fc.property(fc.string({ unit: "binary-ascii", maxLength: 200 }), parsesOrExplains), { numRuns: 300 });
  });

  it("gets a scenario or file:line problems for a valid file with any span replaced by any text", () => {
    const valid = file("  - kill: 7001\n  - until: {role: {port: 7004, is: master}, within: 60s}\n  - expect: {event: {port: 7004, name: electionWon}}");
    fc.assert(
      fc.property(fc.nat(valid.length), fc.nat(10), fc.string({ maxLength: 8 }), (at, length, text) => parsesOrExplains(valid.slice(0, at) + text + valid.slice(at + length))),
      { numRuns: 500 },
    );
  });

  it("gets a scenario or file:line problems for any JSON value, and for the template with any value in a step", () => {
    // JSON is YAML (flow style).
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => parsesOrExplains(JSON.stringify(value))), { numRuns: 200 });
    const kinds = ["kill", "partition", "heal", "delay", "loss", "hold", "clockJump", "cli", "check", "admin", "wait", "until", "expect", "drop", "kil"];
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.jsonValue({ maxDepth: 3 }), (kind, value) => {
        parsesOrExplains(file(`  - ${JSON.stringify({ [kind]: value })}`));
      }),
      { numRuns: 300 },
    );
  });
});

describe("scenario files run like TypeScript drills", () => {
  it("drill-000 as YAML (scenarios/examples) is the TypeScript drill, with the same trace hash", () => {
    const path = join(import.meta.dirname, "..", "scenarios", "examples", "drill-000.yaml");
    const { scenario, seed } = parseScenarioYaml(readFileSync(path, "utf8"), path);
    expect(scenario).toStrictEqual(drill000);
    const fromFile = runScenario(scenario, { seed: seed ?? "1" });
    expect(fromFile.ok).toBe(true);
    expect(fromFile.sim.traceHash()).toBe(runScenario(drill000, { seed: "1" }).sim.traceHash());
  });
});
