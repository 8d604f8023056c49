import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** The command line as a user runs it (CONTRACTS §8–9): exit codes and the --json summary. */
const root = join(import.meta.dirname, "..");
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(root, "cli", "failover-lab.ts"), ...args], { cwd: root, encoding: "utf8" });

describe("failover-lab", () => {
  it("runs drill-000 and prints its summary with the contract's keys; exit 0", () => {
    const result = cli("run", "drill-000", "--json", "--seed", "3");
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split("\n").at(-1)!);
    expect(summary).toMatchObject({ schemaVersion: 1, scenario: "drill-000", seed: "3", ok: true });
    expect(summary.traceHash).toMatch(/^[0-9a-f]{64}$/);
    for (const key of ["simulatedMs", "wallMs", "events", "steps", "measures"]) expect(summary).toHaveProperty(key);
    const failover = summary.measures.find((m: { electionWonMs?: number }) => m.electionWonMs !== undefined);
    // pfailMs ≤ failMs < electionWonMs ≤ clusterOkMs (CONTRACTS §8).
    expect(failover.pfailMs).toBeLessThanOrEqual(failover.failMs);
    expect(failover.failMs).toBeLessThan(failover.electionWonMs);
    expect(failover.electionWonMs).toBeLessThanOrEqual(failover.clusterOkMs);
    // The same seed, the same history.
    const again = JSON.parse(cli("run", "drill-000", "--json", "--seed", "3").stdout.trim().split("\n").at(-1)!);
    expect(again.traceHash).toBe(summary.traceHash);
  });

  it("canonicalises --seed (07 runs as 7) and refuses a seed that is no non-negative integer with exit 2", () => {
    const summary = JSON.parse(cli("run", "drill-000", "--json", "--seed", "07").stdout.trim().split("\n").at(-1)!);
    expect(summary.seed).toBe("7");
    for (const bad of [" 7", "7.0", "-1", "seven"]) {
      const result = cli("run", "drill-000", "--seed", bad);
      expect(result.status, bad).toBe(2);
      expect(result.stderr).toContain(`--seed: expected a non-negative integer such as 7, got ${JSON.stringify(bad)}`);
    }
  });

  it("refuses an unknown drill or flag with exit 2, naming what it expected", () => {
    const unknown = cli("run", "drill-999");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown drill "drill-999" (expected one of: drill-000');
    expect(cli("run", "drill-000", "--bogus").status).toBe(2);
  });
});
