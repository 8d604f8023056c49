import type { Command } from "commander";
import { BENCH_1000, Simulation, addLargeCluster, largeClusterPorts, seconds, us, type LargeClusterSpec, type Micros } from "@failover-lab/sim-core";
import type { TraceRecord } from "@failover-lab/sim-core/trace";
import { buildReportData, diffStates, type ReportData, type ReportMessage, type ReportPatch } from "@failover-lab/report";
import { reportHtml } from "./html";
import { outputFileProblem, writeFileAtomically } from "./html-page";

/**
 * The report of CONTRACTS §11's large run, `bench-1000` (sim-core's BENCH_1000, the same
 * definition `bench/cluster.ts` runs): 500 masters + 500 replicas, converged, the default
 * cluster-node-timeout, a master killed at 1 s, 10 simulated seconds.
 *
 * At 1000 nodes trace mode is still too heavy for a page (3 simulated s: ~46 CPU s and a ~3 GB
 * heap; 10 s would pass Node's heap limit), so the run is fast mode: every trace event is kept
 * (lanes, markers, Redis logs of all 1000 nodes), the states of a few focus nodes are sampled
 * every `sampleEveryMs` and stored as patches between samples, and fast mode records no message.
 * The failover messages are drawn from the events that name both ends (see failoverArrowsOf).
 * Smaller clusters (100–300 nodes) can run in trace mode with every message kept.
 */
export interface LargeRunOptions extends LargeClusterSpec {
  readonly sampleEveryMs: number;
  readonly seed: string;
  /**
   * "trace" (3 simulated s: ~3 CPU s at 300 nodes, ~31 CPU s and a ~2.5 GB heap at 1000) keeps
   * every message fate and the focus nodes' per-event patches; "fast" samples states instead.
   */
  readonly mode?: "fast" | "trace";
}

export const BENCH_1000_REPORT: LargeRunOptions = { ...BENCH_1000, sampleEveryMs: 100, seed: "1" };

export function largeClusterReportData(options: LargeRunOptions = BENCH_1000_REPORT): ReportData {
  const ports = largeClusterPorts(options);
  const total = ports.length;
  const name = options.name;
  const traced = options.mode === "trace";
  const sim = new Simulation({ seed: options.seed, mode: traced ? "trace" : "fast", scenario: name });
  const layout = addLargeCluster(sim, options);
  const victim = String(options.firstPort);

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
    for (const pid of focus) initialStates[pid] = sim.initialStates[pid];
    for (const record of sim.patchLog) if (focus.includes(record.node)) patches.push(record as ReportPatch);
  }
  const portOf = new Map<string, string>();
  for (const p of ports) {
    const myId = (sim.state(String(p)) as { myId?: string } | undefined)?.myId;
    if (myId !== undefined) portOf.set(myId, String(p));
  }
  const messages: readonly ReportMessage[] = traced ? (sim.messageLog as readonly ReportMessage[]) : failoverArrowsOf(sim.trace, portOf);
  const killAtUs = seconds(options.killAtS);
  const failoverBy = killAtUs + options.nodeTimeoutMs * 1000;
  const how = traced
    ? `Trace-mode run: every message is kept (gossip arrows on demand); only ${focus.join(", ")} have states (their per-event patches), the other lanes show process state, role and events.`
    : `Fast-mode run (trace mode at ${total} nodes is too heavy to record): lanes show every node's process state, role and events; only ${focus.join(", ")} have states, sampled every ${options.sampleEveryMs} ms. ` +
      `Fast mode keeps no message log: the FAIL, auth request and auth ack arrows are rebuilt from the events that name both ends (UPDATE is not: its event does not prove it was sent) (${messages.length} in this run), drawn from the sender's event to the receiver's; gossip is not shown.`;
  return buildReportData({
    scenario: {
      name,
      title: `${options.masters} masters + ${options.masters * options.replicasPerMaster} replicas, ${victim} killed at ${options.killAtS} s`,
      narrative:
        `A converged cluster of ${total} nodes with cluster-node-timeout ${options.nodeTimeoutMs} ms. ${victim} is killed at ${options.killAtS} s; ` +
        `its peers flag it PFAIL only once it has been silent for the node timeout, so nothing of its failover can happen before ${(failoverBy / 1e6).toFixed(0)} s` +
        (endUs < failoverBy ? ` — after this run's ${options.simulatedSeconds} simulated seconds: the page shows the cluster's steady state and the dead lane.` : "."),
    },
    seed: sim.seed,
    traceHash: sim.traceHash(),
    endUs: sim.nowUs,
    steps: [{ text: `kill ${victim}`, atUs: killAtUs, ok: true }],
    trace: sim.trace,
    messages,
    patches,
    initialStates,
    undetailed: ports.map(String).filter((p) => !focus.includes(p)),
    roles,
    notes: [how],
  });
}

/**
 * The failover's messages, rebuilt from trace events when no message log exists (fast mode):
 * FAIL from each `failMessageReceived` (sent when its sender marked the node failing,
 * cluster.c:markNodeAsFailingIfNeeded), an auth request from the candidate's `electionStarted` to
 * each voter's `authGranted`, the ack from that grant to the candidate's `electionWon` (or the
 * grant itself when it did not win). Not drawn: UPDATE (its `updateSent` is logged, as Redis
 * logs it, even when the sender has no link to carry it: cluster.c:clusterSendUpdate), denied
 * requests and lost messages (no event names both ends).
 */
export function failoverArrowsOf(trace: readonly TraceRecord[], portOf: ReadonlyMap<string, string>): ReportMessage[] {
  const out: ReportMessage[] = [];
  const markedAt = new Map<string, number>(); // `${marker} ${about}` → instant
  const electionAt = new Map<string, number>(); // `${candidate} ${epoch}` → instant
  const wonAt = new Map<string, number>();
  for (const r of trace) if (r.type === "electionWon") wonAt.set(`${r.node} ${(r as { epoch: number }).epoch}`, r.atUs);
  let id = 0;
  const add = (sentUs: number, atUs: number, from: string, to: string, kind: string): void => {
    out.push({ sentUs, atUs, id: ++id, from, to, kind, fate: "delivered" });
  };
  for (const r of trace) {
    const e = r as TraceRecord & Record<string, unknown>;
    if (r.type === "nodeMarkedFailing") markedAt.set(`${r.node} ${String(e.peer)}`, r.atUs);
    else if (r.type === "electionStarted") electionAt.set(`${r.node} ${String(e.epoch)}`, r.atUs);
    else if (r.type === "failMessageReceived") {
      const from = portOf.get(String(e.from));
      const about = portOf.get(String(e.about));
      if (from === undefined) continue;
      add(markedAt.get(`${from} ${String(e.about)}`) ?? markedAt.get(`${from} ${about}`) ?? r.atUs, r.atUs, from, r.node, "fail");
    } else if (r.type === "authGranted") {
      const candidate = portOf.get(String(e.to));
      if (candidate === undefined) continue;
      const key = `${candidate} ${String(e.epoch)}`;
      add(electionAt.get(key) ?? r.atUs, r.atUs, candidate, r.node, "authRequest");
      const won = wonAt.get(key);
      add(r.atUs, won !== undefined && won >= r.atUs ? won : r.atUs, r.node, candidate, "authAck");
    }
  }
  return out.sort((a, b) => a.sentUs - b.sentUs || a.id - b.id);
}

/** `failover-lab large-report --html FILE`: the bench-1000 page. */
export function registerLargeReport(program: Command): void {
  program
    .command("large-report")
    .description(`write the HTML report of CONTRACTS §11's ${BENCH_1000.name} run (${BENCH_1000.masters} + ${BENCH_1000.masters * BENCH_1000.replicasPerMaster} nodes, a master killed at ${BENCH_1000.killAtS} s, fast mode)`)
    .requiredOption("--html <file>", "the page to write")
    .option("--seconds <s>", `simulated seconds (at least ${BENCH_1000.simulatedSeconds}; the failover starts after ~${BENCH_1000.killAtS + BENCH_1000.nodeTimeoutMs / 1000} s)`, (t) => Number(t), BENCH_1000.simulatedSeconds)
    .action((options: { html: string; seconds: number }) => {
      const problem = outputFileProblem("--html", options.html);
      if (problem !== undefined || !Number.isFinite(options.seconds) || options.seconds < BENCH_1000.simulatedSeconds) {
        process.stderr.write(`failover-lab large-report: ${problem ?? `--seconds wants a number ≥ ${BENCH_1000.simulatedSeconds}`}\n`);
        process.exitCode = 2;
        return;
      }
      const startedMs = performance.now();
      const html = reportHtml(largeClusterReportData({ ...BENCH_1000_REPORT, simulatedSeconds: options.seconds }));
      writeFileAtomically(options.html, html);
      console.log(`${options.html}: ${(html.length / 1e6).toFixed(2)} MB, built in ${((performance.now() - startedMs) / 1000).toFixed(1)} s`);
    });
}
