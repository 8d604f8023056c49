import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { fuzzExitCode } from "../cli/fuzz/command";

/** `failover-lab fuzz` as a user runs it: --json, --shard, finding files, exit codes. */
const root = join(import.meta.dirname, "..");
const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", join(root, "cli", "failover-lab.ts"), ...args], { cwd: root, encoding: "utf8" });

describe("failover-lab fuzz", () => {
  it("prints one JSON object with runs, wallMs and the findings in seed order, each with its file; exit 0 without a violation", () => {
    const out = mkdtempSync(join(tmpdir(), "fuzz-cli-"));
    // A finding an earlier sweep left: the new sweep's folder replaces it whole.
    const stale = join(out, "seed-999-durability-violation.yaml");
    writeFileSync(stale, "# an earlier sweep\n");
    // Seeds 21…24 of a crash-and-restart swarm on 3-master clusters: masters restarted without
    // persistence lose acknowledged writes (Redis behaviour), so there are findings to save.
    const result = cli("fuzz", "--runs", "4", "--seed", "21", "--workers", "2", "--families", "crash", "--max-masters", "3", "--json", "--out", out);
    expect(result.status).toBe(0);
    // Not a terminal: no progress bar on stderr.
    expect(result.stderr).toBe("");
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const json = JSON.parse(lines[0]!);
    expect(Object.keys(json).sort()).toEqual(["findings", "runs", "wallMs"]);
    expect(json.runs).toBe(4);
    expect(json.wallMs).toBeGreaterThan(0);
    expect(json.findings.length).toBeGreaterThan(0);
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(out).sort()).toEqual(json.findings.map((f: { path: string }) => basename(f.path)).sort());
    const seeds = json.findings.map((f: { seed: number }) => f.seed);
    expect(seeds).toEqual([...seeds].sort((a, b) => a - b));
    for (const f of json.findings) {
      expect(Object.keys(f).sort()).toEqual(["kind", "path", "property", "seed"]);
      expect(f.seed).toBeGreaterThanOrEqual(21);
      expect(f.seed).toBeLessThanOrEqual(24);
      expect(f.kind).toBe("redisBehaviour");
      expect(existsSync(f.path)).toBe(true);
      const text = readFileSync(f.path, "utf8");
      expect(text).toContain(`seed: ${f.seed}`);
      expect(text).toContain(`kind ${f.kind}`);
      expect(text.trimEnd().endsWith(`- expect: {property: ${f.property}}`)).toBe(true);
    }
    // `run FILE` replays the first finding: the same history, so the same finding, and exit 1.
    const first = json.findings[0];
    const narrative = /^narrative: "(.*)"$/m.exec(readFileSync(first.path, "utf8"))![1]!;
    const replay = cli("run", first.path);
    expect(replay.status).toBe(1);
    expect(replay.stderr).toContain(`expectation failed: expect property ${first.property}`);
    expect(replay.stderr).toContain(`saw: redisBehaviour: ${narrative}`);
  }, 120_000);

  it("runs only its shard's seeds and ends with the summary table", () => {
    const out = mkdtempSync(join(tmpdir(), "fuzz-cli-"));
    const result = cli("fuzz", "--runs", "4", "--seed", "21", "--shard", "2/2", "--workers", "1", "--families", "pause", "--max-masters", "3", "--out", out);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^runs {8}2 in [\d.]+ s/);
    expect(result.stdout).toMatch(/slowest convergence after the last fault: \d+ ms \(seed 2[34]\)/);
  }, 120_000);

  it("refuses bad flags with exit 2, saying what it expected", () => {
    const cases: [string[], RegExp][] = [
      [["--shard", "3/2"], /expected i\/n with 1 ≤ i ≤ n/],
      [["--property", "safety"], /unknown property "safety" \(expected one of: oneWinnerPerEpoch/],
      [["--families", "pause,explode"], /unknown fault family "explode"/],
      [["--runs", "-1"], /expected a number of runs/],
      [["--max-masters", "20"], /--max-masters.*expected a number of masters from 3 to 9, got "20"/],
      [["--max-masters", "2"], /expected a number of masters from 3 to 9, got "2"/],
      [["--config", "cluster-node-timeot=5"], /unknown Redis option "cluster-node-timeot"/],
      // Test hooks are not options: refused, and not offered among the known ones.
      [["--config", "test-only-vote-twice-per-epoch=yes"], /unknown Redis option "test-only-vote-twice-per-epoch" \(known: cluster-node-timeout, [a-z-, ]*, hz\)$/m],
    ];
    for (const [flags, message] of cases) {
      const result = cli("fuzz", "--runs", "1", ...flags);
      expect(result.status, flags.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  }, 120_000);

  it("refuses, before running anything, an --out it could not write or would wipe (exit 2)", () => {
    const base = mkdtempSync(join(tmpdir(), "fuzz-cli-"));
    writeFileSync(join(base, "afile"), "not a folder\n");
    const own = join(base, "mine");
    mkdirSync(own);
    writeFileSync(join(own, "notes.txt"), "keep me\n");
    const cases: [string, RegExp][] = [
      [join(base, "afile", "x"), /--out .*afile\/x: .*afile is a file, not a folder/],
      [join(base, "afile"), /--out .*afile: exists and is not a folder/],
      [own, /--out .*mine: holds files that are not fuzz findings \(notes\.txt\)/],
    ];
    for (const [out, message] of cases) {
      // Seeds that do find something: a sweep that ran would try to write.
      const result = cli("fuzz", "--runs", "2", "--seed", "21", "--workers", "0", "--families", "crash", "--max-masters", "3", "--json", "--out", out);
      expect(result.status, out).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe("");
    }
    expect(readFileSync(join(own, "notes.txt"), "utf8")).toBe("keep me\n");
  }, 120_000);

  it("exits 1 only when a finding is a violation", () => {
    expect(fuzzExitCode([])).toBe(0);
    expect(fuzzExitCode([{ kind: "redisBehaviour" }, { kind: "redisBehaviour" }])).toBe(0);
    expect(fuzzExitCode([{ kind: "redisBehaviour" }, { kind: "violation" }])).toBe(1);
  });
});
