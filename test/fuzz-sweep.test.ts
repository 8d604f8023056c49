import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseScenarioYaml } from "@failover-lab/scenarios/file";
import { runScenario } from "@failover-lab/scenarios";
import { DEFAULT_SWEEP_OPTIONS, runOne, type RunOutcome, type SweepOptions } from "../cli/fuzz/run-one";
import { shardRange, sweep } from "../cli/fuzz/sweep";
import { runPool } from "../cli/worker-pool";
import { offsetSquare } from "./support/pool-jobs";

/**
 * The sweep behind `failover-lab fuzz`: shards split the runs, results do not depend on the
 * number of worker threads (which load the TypeScript sources through tsx), and a sweep of
 * partitions finds what real Redis does — acknowledged writes lost by a master cut off with its
 * client — and calls it a Redis behaviour, not a simulator bug.
 */

describe("fuzz shards", () => {
  it("shard i/n takes [⌊(i−1)N/n⌋, ⌊iN/n⌋): the shards cover every run once, in order", () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000 }), fc.integer({ min: 1, max: 64 }), (runs, shards) => {
        let next = 0;
        for (let i = 1; i <= shards; i++) {
          const { from, to } = shardRange(runs, i, shards);
          expect(from).toBe(next);
          expect(to).toBeGreaterThanOrEqual(from);
          next = to;
        }
        expect(next).toBe(runs);
      }),
    );
  });
});

// A small swarm of partitions over 3-master clusters, seeds 15…26.
const PARTITIONS: SweepOptions = { ...DEFAULT_SWEEP_OPTIONS, families: ["partition"], maxMasters: 3 };
const FIRST_SEED = 15;
const RANGE = { from: 0, to: 12 };

/** What must not depend on the workers: per run, its seed, its findings (files included) and its convergence. */
const essence = (outcomes: readonly RunOutcome[]) => outcomes.map((o) => ({ seed: o.seed, convergenceMs: o.convergenceMs, findings: o.findings }));

let oneWorker: Promise<RunOutcome[]> | undefined;
const sweepOnOneWorker = () => (oneWorker ??= sweep(FIRST_SEED, RANGE, 1, PARTITIONS));

describe("fuzz sweeps", () => {
  it("give the same findings, in seed order, with 1 and with 2 worker threads", async () => {
    const [one, two] = await Promise.all([sweepOnOneWorker(), sweep(FIRST_SEED, RANGE, 2, PARTITIONS)]);
    expect(one.map((o) => o.seed)).toEqual(Array.from({ length: 12 }, (_, k) => FIRST_SEED + k));
    expect(essence(two)).toEqual(essence(one));
  }, 120_000);

  it("report acknowledged writes lost by a master partitioned with its client as redisBehaviour", async () => {
    const outcomes = await sweepOnOneWorker();
    const findings = outcomes.flatMap((o) => o.findings.map((f) => ({ seed: o.seed, ...f })));
    expect(findings.filter((f) => f.kind === "violation")).toEqual([]);
    const lost = findings.filter((f) => f.property === "durability");
    expect(lost.length).toBeGreaterThan(0);
    for (const f of lost) {
      expect(f.kind).toBe("redisBehaviour");
      expect(f.message).toMatch(/acknowledged writes lost .*issued between \d+ and \d+ ms/);
      // Its file replays: a partition that puts the client on a side of its own with a server.
      const { scenario, seed } = parseScenarioYaml(f.yaml, `seed-${f.seed}.yaml`);
      expect(seed).toBe(String(f.seed));
      const partitions = scenario.steps.flatMap(({ step }) => (step.type === "partition" ? [step] : []));
      expect(partitions.some((p) => p.groups.some((g) => g !== "rest" && g.includes("client-1") && g.length > 1))).toBe(true);
      expect(scenario.steps.at(-1)!.step).toEqual({ type: "expect", expectation: { kind: "property", property: "durability" } });
    }
  }, 120_000);

  it("with shrinking on, a Redis behaviour shrinks to fewer faults and its file still shows it", async () => {
    const plain = (await sweepOnOneWorker()).find((o) => o.findings.some((f) => f.property === "durability" && f.faults > 2))!;
    const shrunk = runOne(plain.k, plain.seed, { ...PARTITIONS, shrinkAll: true, shrinkBudget: 60 });
    const [before] = plain.findings.filter((f) => f.property === "durability");
    const [after] = shrunk.findings.filter((f) => f.property === "durability");
    expect(before!.shrunk).toBe(false);
    expect(after!.shrunk).toBe(true);
    expect(after!.faults).toBeLessThan(before!.faults);
    const { scenario, seed } = parseScenarioYaml(after!.yaml, `seed-${plain.seed}.yaml`);
    const replay = runScenario(scenario, { seed: seed! });
    expect(replay.ok).toBe(false);
    expect(replay.steps.at(-1)!.saw).toBe(`redisBehaviour: ${after!.message}`);
  }, 120_000);
});

describe("the worker pool (fuzz and sweep)", () => {
  const task = { module: new URL("./support/pool-jobs.ts", import.meta.url).href, export: "offsetSquare", run: offsetSquare, setup: 10 };
  const jobs = Array.from({ length: 12 }, (_, i) => i);

  it("returns results in job order, the same in this thread and on 3 workers", async () => {
    const seen: number[] = [];
    const local = await runPool(task, jobs, 0);
    const pooled = await runPool(task, jobs, 3, (index) => seen.push(index));
    expect(local).toEqual(jobs.map((n) => 10 + n * n));
    expect(pooled).toEqual(local);
    expect([...seen].sort((a, b) => a - b)).toEqual(jobs);
  });

  it("fails with the job that crashed in a worker", async () => {
    await expect(runPool(task, [1, 2, -1, 3], 2)).rejects.toThrow(/job 2 \(-1\) of offsetSquare crashed:\nError: negative job -1/);
  });
});
