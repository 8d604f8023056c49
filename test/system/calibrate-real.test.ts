import { accessSync, constants, existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEBIAN_BINARIES,
  calibrate,
  clusterPhases,
  finalSignature,
  killMaster,
  parseLog,
  runRealClusterTrial,
  runSimClusterTrial,
  type ClusterCalibrationDrill,
  type TrialObservation,
} from "@failover-lab/calibrate";

/**
 * The calibration driver and the log parser against real Redis 7.0.15 (Debian's redis-server,
 * redis-sentinel, redis-tools). A missing binary fails the suite: it never skips (CONTRACTS §6).
 */

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

const workDir = (name: string) => mkdtempSync(join(tmpdir(), `failover-lab-system-${name}-`));

describe("the real Redis binaries", () => {
  it.each([
    ["redis-server", DEBIAN_BINARIES.server],
    ["redis-sentinel", DEBIAN_BINARIES.sentinel],
    ["redis-cli", DEBIAN_BINARIES.cli],
  ])("has %s installed and executable (apt-get install redis-server redis-sentinel redis-tools)", (_name, path) => {
    expect(() => accessSync(path, constants.X_OK)).not.toThrow();
  });
});

describe("a real kill-master trial (cluster-node-timeout 2000, kill -9 of 7001)", () => {
  let trial: TrialObservation;

  it("forms the cluster, kills the master, and stops every process it started", async () => {
    trial = await runRealClusterTrial(killMaster, DEBIAN_BINARIES, workDir("kill-master"), 1);
    for (const port of killMaster.ports) expect(await listening(port)).toBe(false);
  });

  it("reads the pairing back and fails over the victim's replica, in the order CONTRACTS §8 states", () => {
    expect(Object.keys(trial.pairing).sort()).toHaveLength(3);
    const replica = Object.entries(trial.pairing).find(([, master]) => master === "7001")![0];
    const p = clusterPhases(trial, "7001");
    expect(p.pfailMs).toBeUndefined(); // not logged at loglevel notice
    expect(p.failMs!).toBeGreaterThanOrEqual(2000); // not before cluster-node-timeout
    expect(p.failMs!).toBeLessThan(p.electionWonMs!);
    expect(p.electionWonMs!).toBeLessThanOrEqual(p.clusterOkMs!);
    expect(trial.events.some((e) => e.node === replica && e.event.type === "electionWon")).toBe(true);
    expect(trial.final.kind === "cluster" && trial.final.nodes.find((n) => n.port === replica)).toMatchObject({ role: "master", slots: "0-5460" });
  });

  it("parses every line of every real log (no line without Redis's prefix), and the win as the trace event", () => {
    for (const [node, path] of Object.entries(trial.logPaths!)) {
      const lines = parseLog(readFileSync(path, "utf8"), { source: path });
      expect(lines.length, `${node}'s log`).toBeGreaterThan(5);
      expect(lines.every((l) => l.pid > 0 && Number.isFinite(l.wallMs))).toBe(true);
    }
    const winner = trial.events.find((e) => e.event.type === "electionWon")!;
    const started = trial.events.filter((e) => e.node === winner.node && e.event.type === "electionStarted").at(-1)!;
    expect(winner.event).toEqual({ type: "electionWon", epoch: (started.event as { epoch: number }).epoch });
  });

  it("restarts a killed master from its own config and nodes.conf: it rejoins as a replica of its successor, the state the simulator reaches", async () => {
    const drill: ClusterCalibrationDrill = {
      ...killMaster,
      name: "restart",
      steps: [
        { type: "wait", ms: 500 },
        { type: "kill", node: 7001 },
        { type: "wait", ms: 6000 },
        { type: "restart", node: 7001 },
        { type: "wait", ms: 5000 },
      ],
    };
    const real = await runRealClusterTrial(drill, DEBIAN_BINARIES, workDir("restart"), 1);
    const successor = Object.entries(real.pairing).find(([, master]) => master === "7001")![0];
    expect(real.final.kind === "cluster" && real.final.nodes.find((n) => n.port === "7001")).toMatchObject({ role: "replica", masterPort: successor, failed: false });
    const sim = runSimClusterTrial(drill, 1, real.pairing);
    expect(finalSignature(sim.final, "7001")).toBe(finalSignature(real.final, "7001"));
    // The restarted process logs on in the same file, with a new pid.
    const pids = new Set(readFileSync(real.logPaths!["7001"]!, "utf8").split("\n").filter((l) => /^\d+:[MS] /.test(l)).map((l) => l.split(":")[0]));
    expect(pids.size).toBe(2);
  });

  it("stops every process by pid when a step fails half-way", async () => {
    const broken: ClusterCalibrationDrill = { ...killMaster, name: "broken", steps: [{ type: "untilSwitched", withinMs: 1000 }] };
    await expect(runRealClusterTrial(broken, DEBIAN_BINARIES, workDir("broken"), 1)).rejects.toThrow(/Sentinel drills only/);
    for (const port of killMaster.ports) expect(await listening(port)).toBe(false);
  });

  it("removes its temp work dir when the run passes, keeps it (and says where) on a breach", async () => {
    const workDirs = () => new Set(readdirSync(tmpdir()).filter((f) => f.startsWith("failover-lab-calibrate-kill-master-")));
    const before = workDirs();
    const outDir = workDir("calibrate-out");
    const result = await calibrate({ drill: killMaster, trials: 1, gate: "ci", bins: DEBIAN_BINARIES, outDir, command: "(test)" });
    const added = [...workDirs()].filter((f) => !before.has(f));
    // One real trial against the ci gate may breach by chance; both outcomes have a rule.
    if (result.breaches.length === 0) {
      expect(result.keptWorkDir).toBeNull();
      expect(added).toEqual([]);
    } else {
      expect(result.keptWorkDir).not.toBeNull();
      expect(existsSync(result.keptWorkDir!)).toBe(true);
    }
    for (const file of ["kill-master.md", "kill-master.json", "kill-master.real-trials.json"]) expect(existsSync(join(outDir, file))).toBe(true);
  });
});
