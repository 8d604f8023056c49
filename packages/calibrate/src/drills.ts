/**
 * The drills calibration runs on both sides — real processes and the simulator — from one
 * description, so the two runs are the same drill by construction. Faults use the project's one
 * vocabulary (CONTRACTS §4); the few steps beyond faults are what a real run can also do.
 */

/**
 * Both sides wait a random 0–1000 ms (one Sentinel PING period) before the first fault, so that
 * it lands at an arbitrary phase of the nodes' 100 ms cron and 1 s PING schedules. Without it the
 * phase is whatever each side's set-up happens to leave — fixed in the simulator, clustered in a
 * real run (docs/observations/sentinel-7.0.15: nine real +sdown samples within 180 ms) — and the
 * two distributions would differ for a reason that is neither Redis nor the model.
 */
export const FAULT_PHASE_SPREAD_MS = 1000;

export type CalibrationStep =
  /** `kill -9`, `SHUTDOWN`, SIGSTOP, SIGCONT, start again from the same config. */
  | { readonly type: "kill" | "shutdown" | "pause" | "resume" | "restart"; readonly node: number }
  /** `redis-cli -p PORT ARGV…` (e.g. `CLUSTER FAILOVER` on a replica). */
  | { readonly type: "cli"; readonly port: number; readonly argv: readonly string[] }
  | { readonly type: "wait"; readonly ms: number }
  /** Until a Sentinel answers a new master for `get-master-addr-by-name` (the real drill polls every 100 ms). */
  | { readonly type: "untilSwitched"; readonly withinMs: number };

export interface ClusterCalibrationDrill {
  readonly kind: "cluster";
  readonly name: string;
  readonly title: string;
  /** Which library drill this one calibrates, and how it differs from it (for `calibrate`'s help and errors). */
  readonly calibrates: string;
  /** In `--cluster create` order: masters first. */
  readonly ports: readonly number[];
  readonly replicasPerMaster: number;
  /** Redis options for every server (Redis's own names). */
  readonly config: Readonly<Record<string, string | number>>;
  readonly steps: readonly CalibrationStep[];
}

export interface SentinelCalibrationDrill {
  readonly kind: "sentinel";
  readonly name: string;
  readonly title: string;
  /** Which library drill this one calibrates, and how it differs from it (for `calibrate`'s help and errors). */
  readonly calibrates: string;
  readonly master: number;
  readonly replicas: readonly number[];
  readonly sentinels: readonly number[];
  readonly quorum: number;
  readonly masterName: string;
  readonly sentinelConfig: Readonly<{ "down-after-milliseconds": number; "failover-timeout": number; "parallel-syncs": number }>;
  readonly steps: readonly CalibrationStep[];
}

export type CalibrationDrill = ClusterCalibrationDrill | SentinelCalibrationDrill;

/**
 * seeds/000's drill as the calibration times it (CONTRACTS §2: timing trials use `kill`): 3+3
 * on 7001–7006, `cluster-node-timeout 2000`, `kill -9` of the slot-0 master (7001, the first
 * master `create` makes), then 10 s — the real failover ends by ~4.3 s
 * (docs/observations/redis-7.0.15/timings.md), the rest is for `cluster_state ok` everywhere.
 */
export const killMaster: ClusterCalibrationDrill = {
  kind: "cluster",
  name: "kill-master",
  title: "Cluster 3+3, cluster-node-timeout 2000, kill -9 of a master",
  calibrates: "drill-000's first failover, with kill -9 instead of SHUTDOWN and a 2 s node timeout instead of 15 s",
  ports: [7001, 7002, 7003, 7004, 7005, 7006],
  replicasPerMaster: 1,
  config: { "cluster-node-timeout": 2000 },
  steps: [
    { type: "wait", ms: 1000 },
    { type: "kill", node: 7001 },
    { type: "wait", ms: 10_000 },
  ],
};

/**
 * seeds/002's drill (docker pause of the master) as drill-002 maps it: 6400 + 6401, 6402; three
 * Sentinels 26400–26402, quorum 2, down-after 5000, failover-timeout 5000. SIGSTOP the master,
 * wait for the switch, SIGCONT it 5 s later, and 12 s more for `+convert-to-slave` (10 s after
 * the resume in real 7.0.15, docs/observations/sentinel-7.0.15).
 */
export const pausedMaster: SentinelCalibrationDrill = {
  kind: "sentinel",
  name: "paused-master",
  title: "Sentinel: 1 master + 2 replicas, 3 Sentinels (quorum 2), SIGSTOP of the master",
  calibrates: "drill-002's paused master (SIGSTOP for docker pause), resumed 5 s after the switch instead of 30 s after the old master's +sdown slave",
  master: 6400,
  replicas: [6401, 6402],
  sentinels: [26400, 26401, 26402],
  quorum: 2,
  masterName: "mymaster",
  sentinelConfig: { "down-after-milliseconds": 5000, "failover-timeout": 5000, "parallel-syncs": 1 },
  steps: [
    { type: "wait", ms: 2000 },
    { type: "pause", node: 6400 },
    { type: "untilSwitched", withinMs: 60_000 },
    { type: "wait", ms: 5000 },
    { type: "resume", node: 6400 },
    { type: "wait", ms: 12_000 },
  ],
};

export const CALIBRATION_DRILLS: readonly CalibrationDrill[] = [killMaster, pausedMaster];

/**
 * A calibration drill by its own name only: `drill-000` and `drill-002` are library drills that
 * `run` and `sweep` play as written, and a calibration drill differs from them (see `calibrates`),
 * so an alias would silently run something else under their name.
 */
export function findDrill(name: string): CalibrationDrill | undefined {
  return CALIBRATION_DRILLS.find((d) => d.name === name);
}

/** One line per calibration drill: its name and what it calibrates. */
export function describeCalibrationDrills(): string {
  return CALIBRATION_DRILLS.map((d) => `  ${d.name}: ${d.calibrates}`).join("\n");
}

/** The index of the step the phases are measured from: the first kill, shutdown or pause. */
export function measuredStep(drill: CalibrationDrill): number {
  const i = drill.steps.findIndex((s) => s.type === "kill" || s.type === "shutdown" || s.type === "pause");
  if (i < 0) throw new Error(`drill ${drill.name} has no kill, shutdown or pause to measure from`);
  return i;
}
