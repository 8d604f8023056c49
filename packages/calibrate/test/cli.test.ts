import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { killMaster, runSimClusterTrial, type TrialObservation } from "../src/index";

/**
 * `failover-lab calibrate`'s exit codes (CONTRACTS §9) without real Redis: the real side is read
 * from a real-trials.json made of simulated trials (`--real-trials`), as-is (within tolerance)
 * or slowed down by half (a breach).
 */
const REPO = fileURLToPath(new URL("../../../", import.meta.url));

function calibrate(args: readonly string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", join(REPO, "cli/failover-lab.ts"), "calibrate", ...args], { cwd: REPO, encoding: "utf8" });
}

function trialsFile(dir: string, name: string, stretch: number): string {
  const pairing = { "7004": "7001", "7005": "7002", "7006": "7003" };
  const trials: TrialObservation[] = [1, 2, 3].map((seed) => {
    const t = runSimClusterTrial(killMaster, 100 + seed, pairing);
    // A real log at loglevel notice has no PFAIL line.
    const logged = t.events.filter((e) => e.event.type !== "nodePossiblyFailing");
    return { ...t, side: "real", trial: seed, events: logged.map((e) => (e.atMs >= 0 ? { ...e, atMs: Math.round(e.atMs * stretch) } : e)) };
  });
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ drill: "kill-master", redisVersion: "Redis server v=7.0.15 (simulated stand-in)", trials }));
  return path;
}

describe("failover-lab calibrate exit codes", () => {
  const dir = mkdtempSync(join(tmpdir(), "failover-lab-calibrate-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 0 and writes the report in CONTRACTS §10's shape when the medians agree", () => {
    const run = calibrate(["kill-master", "--gate", "ci", "--out", join(dir, "ok"), "--real-trials", trialsFile(dir, "same.json", 1)]);
    expect(run.stderr).not.toMatch(/breached/);
    expect(run.status).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, "ok", "kill-master.json"), "utf8"));
    expect(Object.keys(json)).toEqual(["drill", "trials", "gate", "phases"]);
    expect(json).toMatchObject({ drill: "kill-master", trials: 3, gate: "ci" });
    expect(Object.keys(json.phases)).toEqual(["failMs", "electionWonMs", "clusterOkMs"]);
    expect(Object.keys(json.phases.failMs.real)).toEqual(["min", "median", "max"]);
    expect(readFileSync(join(dir, "ok", "kill-master.md"), "utf8")).toContain("Gate: **ci**");
  });

  it("exits 1 and names the phase when a tolerance is breached", () => {
    const run = calibrate(["kill-master", "--gate", "ci", "--out", join(dir, "slow"), "--real-trials", trialsFile(dir, "slow.json", 1.5)]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/tolerance breached/);
    expect(run.stderr).toMatch(/electionWonMs: simulated median/);
  });

  it("exits 2 on an unknown drill, a bad flag or a missing binary", () => {
    expect(calibrate(["kill-mastr"]).status).toBe(2);
    // A library drill's name is no alias: it says which calibration drill stands for it.
    const library = calibrate(["drill-000", "--out", join(dir, "none")]);
    expect(library.status).toBe(2);
    expect(library.stderr).toMatch(/kill-master: drill-000's first failover, with kill -9/);
    expect(library.stderr).toMatch(/paused-master: drill-002's/);
    expect(calibrate(["kill-master", "--gate", "strict"]).status).toBe(2);
    const missing = calibrate(["kill-master", "--redis-server", "/nonexistent/redis-server", "--out", join(dir, "none")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/\/nonexistent\/redis-server: not found or not executable/);
  });

  it("exits 2, not 1, without --out unless the run is the declared one, before running anything", () => {
    const short = calibrate(["kill-master", "--trials", "2", "--redis-server", "/nonexistent/redis-server"]);
    expect(short.status).toBe(2);
    expect(short.stderr).toMatch(/--out DIR is needed: only a declared run \(--gate declared with 20 real trials\)/);
    expect(calibrate(["kill-master", "--gate", "ci", "--real-trials", trialsFile(dir, "ci.json", 1)]).stderr).toMatch(/--out DIR is needed/);
  });

  it("exits 2, not 1, when the real drill cannot run, and keeps the logs written so far", () => {
    // Stand-ins that report a version and then refuse to serve: no node ever answers PING.
    const fake = join(dir, "fake-redis");
    writeFileSync(fake, '#!/bin/sh\n[ "$1" = --version ] && echo "Redis server v=7.0.15 (stand-in)" && exit 0\nexit 1\n');
    chmodSync(fake, 0o755);
    const run = calibrate(["kill-master", "--trials", "1", "--gate", "ci", "--out", join(dir, "setup"), "--redis-server", fake, "--redis-cli", fake]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/no verdict on fidelity/);
    expect(run.stderr).not.toMatch(/tolerance breached/);
    const kept = /logs so far: (\S+)/.exec(run.stderr)?.[1];
    expect(kept).toBeDefined();
    expect(existsSync(kept!)).toBe(true);
    expect(existsSync(join(dir, "setup", "kill-master.md"))).toBe(false);
    rmSync(kept!, { recursive: true, force: true });
  });
});
