import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LOG_LINE_PATTERN } from "@failover-lab/report";
import { runScenario } from "@failover-lab/scenarios";
import { parseScenarioYaml } from "@failover-lab/scenarios/file";
import { writeRunFolder } from "../cli/out-folder";
import { summaryOf } from "../cli/summary";

/**
 * `failover-lab run FILE [--out DIR]` as a user runs it: exit 2 for a bad file with nothing run
 * or written, the file's own seed, exit 1 with a replay command naming the file, and the --out
 * folder's contents, written whole or not at all (CONTRACTS §8–9).
 */
const root = join(import.meta.dirname, "..");
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(root, "cli", "failover-lab.ts"), ...args], { cwd: root, encoding: "utf8" });

const work = mkdtempSync(join(tmpdir(), "failover-lab-cli-run-file-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** One master, one replica, one Sentinel with quorum 1: small, and it has a Sentinel log. */
const SENTINEL_FILE = `
name: tiny-sentinel
title: One master, one replica, one Sentinel
seed: 42
topology:
  kind: sentinel
  master: 6400
  replicas: [6401]
  sentinels: [26400]
  quorum: 1
steps:
  - wait: 2s
  - expect: {role: {port: 6400, is: master}}
`;

function writeScenario(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

/** Folders beside `dir` that a run left behind (its temp folders). */
function leftovers(parent: string): string[] {
  return readdirSync(parent).filter((n) => n.includes(".tmp-"));
}

describe("failover-lab run FILE", () => {
  it("refuses a bad file with exit 2, naming file and line, and runs and writes nothing", () => {
    const bad = writeScenario("bad.yaml", SENTINEL_FILE.replace("  - wait: 2s", "  - wait: 2x"));
    const out = join(work, "never-written");
    const result = cli("run", bad, "--out", out);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${bad}:12: expected a wait like 20s, 1500ms or 2m, got "2x"`);
    expect(result.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
    expect(leftovers(work)).toEqual([]);
  });

  it("leaves an existing --out folder as it was when the file is bad", () => {
    const bad = writeScenario("bad-kind.yaml", SENTINEL_FILE.replace("kind: sentinel", "kind: sentinal"));
    const out = join(work, "kept");
    mkdirSync(out);
    writeFileSync(join(out, "marker.txt"), "old run");
    const result = cli("run", bad, "--out", out);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${bad}:6: unknown kind "sentinal"`);
    expect(readFileSync(join(out, "marker.txt"), "utf8")).toBe("old run");
    expect(leftovers(work)).toEqual([]);
  });

  it("refuses an --out that is a file, before running", () => {
    const good = writeScenario("good-for-file.yaml", SENTINEL_FILE);
    const notAFolder = join(work, "plain-file");
    writeFileSync(notAFolder, "x");
    const result = cli("run", good, "--out", notAFolder);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("exists and is not a folder");
    expect(readFileSync(notAFolder, "utf8")).toBe("x");
  });

  it("writes the run folder whole, replacing the old one: logs of servers and Sentinels, trace, messages, patches, summary", () => {
    const good = writeScenario("good.yaml", SENTINEL_FILE);
    const out = join(work, "run");
    mkdirSync(out);
    writeFileSync(join(out, "marker.txt"), "old run");
    const result = cli("run", good, "--out", out, "--json");
    expect(result.status).toBe(0);
    const printed = JSON.parse(result.stdout.trim().split("\n").at(-1)!);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    // The file's own seed, since no --seed was given; summary.json is what --json printed.
    expect(summary).toMatchObject({ schemaVersion: 1, scenario: "tiny-sentinel", seed: "42", ok: true });
    expect(summary).toEqual(printed);

    expect(existsSync(join(out, "marker.txt"))).toBe(false);
    expect(leftovers(work)).toEqual([]);
    for (const f of ["trace.jsonl", "messages.jsonl", "patches.jsonl", "summary.json"]) expect(existsSync(join(out, f))).toBe(true);
    expect(readdirSync(join(out, "logs")).sort()).toEqual(["26400.log", "6400.log", "6401.log"]);

    // trace.jsonl is the run's trace: its bytes hash to the summary's traceHash.
    const trace = readFileSync(join(out, "trace.jsonl"));
    expect(createHash("sha256").update(trace).digest("hex")).toBe(summary.traceHash);
    const lines = trace.toString("utf8").trimEnd().split("\n");
    expect(JSON.parse(lines[0]!)).toMatchObject({ schemaVersion: 1, scenario: "tiny-sentinel", seed: "42" });
    expect(lines.length - 1).toBe(summary.events);
    for (const line of lines.slice(1)) expect(Object.keys(JSON.parse(line)).slice(0, 3)).toEqual(["atUs", "node", "type"]);

    // Every log line is in Redis's format; the Sentinel's log starts as a real Sentinel's does.
    for (const name of ["6400.log", "6401.log", "26400.log"]) {
      const log = readFileSync(join(out, "logs", name), "utf8").trimEnd().split("\n");
      expect(log.length).toBeGreaterThan(0);
      for (const line of log) expect(line).toMatch(LOG_LINE_PATTERN);
    }
    expect(readFileSync(join(out, "logs", "26400.log"), "utf8")).toMatch(/^26400:X 30 Dec 2026 15:28:00\.\d{3} .*Running mode=sentinel, port=26400\./m);

    const messages = readFileSync(join(out, "messages.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(["delivered", "dropped", "held", "refused"]).toContain(m.fate);
    const patches = readFileSync(join(out, "patches.jsonl"), "utf8").trimEnd().split("\n");
    expect(Object.keys(JSON.parse(patches[0]!).initialStates).sort()).toEqual(["26400", "6400", "6401"]);
    expect(JSON.parse(patches[1]!)).toHaveProperty("patches");
  });

  it("uses --seed over the file's seed, and gives the same hash for the same seed", () => {
    const good = writeScenario("seeded.yaml", SENTINEL_FILE);
    const a = JSON.parse(cli("run", good, "--json", "--seed", "7").stdout.trim().split("\n").at(-1)!);
    const b = JSON.parse(cli("run", good, "--json", "--seed", "7").stdout.trim().split("\n").at(-1)!);
    expect(a.seed).toBe("7");
    expect(a.traceHash).toBe(b.traceHash);
  });

  it("exits 1 on a failed expectation, with the seed and the replay command naming the file", () => {
    const failing = writeScenario("failing.yaml", SENTINEL_FILE.replace("is: master}}", "is: replica}}"));
    const result = cli("run", failing);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("expectation failed: expect 6400 is replica");
    expect(result.stderr).toContain(`seed 42; replay: pnpm failover-lab run ${failing} --seed 42`);
  });
});

describe("writeRunFolder", () => {
  it("leaves the old folder and no temp folder behind when writing fails halfway", () => {
    const { scenario } = parseScenarioYaml(SENTINEL_FILE, "tiny.yaml");
    const run = runScenario(scenario, { seed: "1", mode: "trace" });
    const out = join(work, "halfway");
    mkdirSync(out);
    writeFileSync(join(out, "marker.txt"), "old run");
    const failing = { path: "report.html", contents: () => { throw new Error("the page could not be built"); } };
    expect(() => writeRunFolder(out, scenario, run, summaryOf(run, 0), [failing])).toThrow("the page could not be built");
    expect(readdirSync(out)).toEqual(["marker.txt"]);
    expect(leftovers(work)).toEqual([]);
  });

  it("writes the same bytes for the same scenario and seed (trace, messages, patches, logs)", () => {
    const { scenario } = parseScenarioYaml(SENTINEL_FILE, "tiny.yaml");
    const [a, b] = ["same-a", "same-b"].map((name) => {
      const run = runScenario(scenario, { seed: "3", mode: "trace" });
      const out = join(work, name);
      writeRunFolder(out, scenario, run, summaryOf(run, 0), []);
      return out;
    });
    for (const f of ["trace.jsonl", "messages.jsonl", "patches.jsonl", "logs/26400.log", "logs/6400.log"]) {
      expect(readFileSync(join(b!, f)).equals(readFileSync(join(a!, f))), f).toBe(true);
    }
  });

  it("writes extra files through the hook, making the folder's parents", () => {
    const { scenario } = parseScenarioYaml(SENTINEL_FILE, "tiny.yaml");
    const run = runScenario(scenario, { seed: "1", mode: "trace" });
    const out = join(work, "parents", "not", "yet", "made", "with-extra");
    writeRunFolder(out, scenario, run, summaryOf(run, 0), [{ path: "extra/hello.txt", contents: (s) => `hello ${s.name}` }]);
    expect(readFileSync(join(out, "extra", "hello.txt"), "utf8")).toBe("hello tiny-sentinel");
  });
});
