import { Simulation, addCreatedCluster, seconds, us, type Micros } from "@failover-lab/sim-core";
import { buildReportData, diffStates, type ReportData, type ReportMessage, type ReportPatch } from "@failover-lab/report";

/**
 * The report of CONTRACTS §11's large run (`bench-1000`: 500 masters + 500 replicas, converged,
 * default cluster-node-timeout, a master killed at 1 s).
 *
 * At this size trace mode is out of reach: immer copies a node's 1000-entry node table on every
 * event, and a measured trace-mode run did not pass 0.25 simulated seconds in 9 wall minutes
 * (the start alone carries ~270,000 bus messages per simulated second). So at that size the run
 * is fast mode: every trace event is kept (lanes, markers, Redis logs of all 1000 nodes), the
 * states of a few focus nodes are sampled every `sampleEveryMs` and stored as patches between
 * samples, and no message is recorded (fast mode has no message log) — the page says so.
 * Smaller clusters (100–300 nodes) can run in trace mode with every message kept.
 */
export interface LargeRunOptions {
  readonly masters: number;
  readonly replicasPerMaster: number;
  readonly simulatedSeconds: number;
  readonly killAtS: number;
  readonly sampleEveryMs: number;
  readonly seed: string;
  readonly firstPort: number;
  /**
   * "trace" (3 simulated s: ~3 CPU s at 300 nodes, ~31 CPU s and a ~2.5 GB heap at 1000) keeps
   * every message fate and the focus nodes' per-event patches; "fast" samples states instead.
   */
  readonly mode?: "fast" | "trace";
}

export const BENCH_1000: LargeRunOptions = { masters: 500, replicasPerMaster: 1, simulatedSeconds: 3, killAtS: 1, sampleEveryMs: 100, seed: "1", firstPort: 7001 };

export function largeClusterReportData(options: LargeRunOptions = BENCH_1000): ReportData {
  const total = options.masters * (1 + options.replicasPerMaster);
  const name = `bench-${total}`;
  const traced = options.mode === "trace";
  const sim = new Simulation({ seed: options.seed, mode: traced ? "trace" : "fast", scenario: name });
  const ports = Array.from({ length: total }, (_, i) => options.firstPort + i);
  const layout = addCreatedCluster(sim, { ports, replicasPerMaster: options.replicasPerMaster, config: { "cluster-node-timeout": 15_000 } });
  const victim = String(options.firstPort);
  sim.schedule({ type: "kill", node: victim }, seconds(options.killAtS));

  // The victim, its replicas, a master and a replica that stay up.
  const replicasOfVictim = layout.nodes.filter((n) => n.replicaOf === options.firstPort).map((n) => String(n.port));
  const focus = [victim, ...replicasOfVictim, String(options.firstPort + 1), String(options.firstPort + options.masters + 1)];
  const roles: Record<string, "master" | "replica"> = {};
  for (const n of layout.nodes) if (!focus.includes(String(n.port))) roles[String(n.port)] = n.replicaOf === null ? "master" : "replica";

  const initialStates: Record<string, unknown> = {};
  const last = new Map<string, unknown>();
  const patches: ReportPatch[] = [];
  let seq = 0;
  const sample = (): void => {
    if (traced) return;
    for (const pid of focus) {
      if (sim.status(pid) === "new") continue;
      const state = structuredClone(sim.state(pid)) as unknown;
      const before = last.get(pid);
      if (before === undefined) initialStates[pid] = state;
      else {
        const changes = diffStates(before, state);
        if (changes.length > 0) patches.push({ seq: ++seq, atUs: sim.nowUs, node: pid, patches: changes });
      }
      last.set(pid, state);
    }
  };
  const endUs = seconds(options.simulatedSeconds);
  sim.runUntil(us(1)); // every process has booted
  sample();
  while (sim.nowUs < endUs) {
    sim.runFor(Math.min(seconds(options.sampleEveryMs / 1000), endUs - sim.nowUs) as Micros);
    sample();
  }
  if (traced) {
    // The focus nodes' own patches, event by event; the other nodes keep their lanes only.
    for (const pid of focus) initialStates[pid] = sim.initialStateOf(pid);
    for (const record of sim.patchLog) if (focus.includes(record.node)) patches.push(record as ReportPatch);
  }
  const how = traced
    ? `Trace-mode run: every message is kept (gossip arrows on demand); only ${focus.join(", ")} have states (their per-event patches), the other lanes show process state, role and events.`
    : `Fast-mode run (trace mode at ${total} nodes is too slow to record): lanes show every node's process state, role and events; only ${focus.join(", ")} have states, sampled every ${options.sampleEveryMs} ms; no message arrows (fast mode keeps no message log).`;
  return buildReportData({
    scenario: {
      name,
      title: `${options.masters} masters + ${options.masters * options.replicasPerMaster} replicas, ${victim} killed at ${options.killAtS} s`,
      narrative:
        `CONTRACTS §11's large run: a converged cluster of ${total} nodes with the default cluster-node-timeout (15 s). ${victim} is killed at ${options.killAtS} s; ` +
        `its peers flag it PFAIL only once it has been silent for the node timeout, so within ${options.simulatedSeconds} simulated seconds the failover has not started.`,
    },
    seed: sim.seed,
    traceHash: sim.traceHash(),
    endUs: sim.nowUs,
    steps: [{ text: `kill ${victim}`, atUs: options.killAtS * 1e6, ok: true }],
    trace: sim.trace,
    messages: traced ? (sim.messageLog as readonly ReportMessage[]) : [],
    patches,
    initialStates,
    undetailed: ports.map(String).filter((p) => !focus.includes(p)),
    roles,
    notes: [how],
  });
}
