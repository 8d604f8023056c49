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

  it("refuses an unknown drill or flag with exit 2, naming what it expected", () => {
    const unknown = cli("run", "drill-999");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown drill "drill-999" (expected one of: drill-000');
    expect(cli("run", "drill-000", "--bogus").status).toBe(2);
  });
});
