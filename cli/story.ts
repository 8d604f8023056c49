import type { RunResult, Scenario } from "@failover-lab/scenarios";
import type { TraceRecord } from "@failover-lab/sim-core/trace";
import type { TimedLine } from "./log-lines";

/**
 * The terminal story of a run: each step, what it printed, and what the nodes logged between
 * one step and the next, in time order.
 */
export interface StoryOptions {
  /** Every server's Redis log lines, in time order. */
  readonly logLines: readonly TimedLine[];
}

export function story(scenario: Scenario, run: RunResult, options: StoryOptions): string[] {
  const out: string[] = [];
  out.push(`${scenario.name} — ${scenario.title}`);
  out.push("");
  const narrative = wrap(scenario.narrative, 96);
  // No narrative, no paragraph (and no second blank line).
  if (narrative.length > 0) out.push(...narrative, "");
  const lines = mergeByRecord(options.logLines, clientLines(run.sim.trace));
  let cursor = 0;
  const logUntil = (untilRecord: number): void => {
    for (; cursor < lines.length && lines[cursor]!.recordIndex < untilRecord; cursor++) out.push(`            ${lines[cursor]!.line}`);
  };
  run.steps.forEach((step, i) => {
    // What the nodes logged before the step began, then the step itself. Placed by trace
    // position, not by time: a wait that ended on an event and the fault applied at that same
    // instant share a microsecond, but the event was recorded before the step and the fault's
    // consequences after it.
    logUntil(step.traceIndex);
    const note = scenario.steps[i]?.note;
    if (note !== undefined) out.push("", `## ${note}`);
    out.push(`[${clock(step.atMs)}] ${step.ok ? " " : "✗"} ${step.text}`);
    for (const line of (step.output ?? []).flatMap((l) => l.split("\n"))) out.push(`            ${line}`);
    if (!step.ok && step.saw !== undefined) for (const line of step.saw.split("\n")) out.push(`            ✗ saw: ${line}`);
  });
  logUntil(Number.POSITIVE_INFINITY);
  out.push("");
  const failed = run.steps.filter((s) => !s.ok).length;
  out.push(failed === 0 ? `Every expectation held (${run.steps.length} steps).` : `${failed} of ${run.steps.length} steps failed.`);
  for (const m of run.measures) {
    const phases = (["pfailMs", "failMs", "electionWonMs", "clusterOkMs", "sdownMs", "odownMs", "switchMasterMs"] as const).filter((k) => m[k] !== undefined).map((k) => `${k.replace(/Ms$/, "")} +${m[k]} ms`);
    // People count steps from 1; summary.json's measures[].step is the index into steps[].
    if (phases.length > 0) out.push(`  step ${m.step + 1} (steps[${m.step}]), ${m.fault} at ${clock(m.atMs).trim()}: ${phases.join(", ")}`);
  }
  if (run.writes !== undefined) {
    const w = run.writes;
    out.push(`  writes: ${w.acked} acknowledged, ${w.lost} lost; longest outage ${w.outageMs} ms, longest gap between OKs ${w.longestGapMs} ms`);
  }
  out.push(`seed ${run.seed}  trace hash ${run.sim.traceHash()}`);
  return out;
}

/**
 * What the workload clients saw, as lines beside the servers' logs: the first Sentinel article's
 * Java client prints `master is loss , waiting for try again......`; a cluster client's outage
 * starts with a failed write and ends with the first OK on every shard.
 */
export function clientLines(trace: readonly TraceRecord[]): TimedLine[] {
  const out: TimedLine[] = [];
  for (const [recordIndex, r] of trace.entries()) {
    const text = clientText(r);
    if (text !== null) out.push({ atUs: r.atUs, recordIndex, line: `${r.node}: ${text}` });
  }
  return out;
}

function clientText(r: TraceRecord): string | null {
  switch (r.type) {
    case "sentinelClientMasterLost":
      return `master is loss , waiting for try again...... (${r.error})`;
    case "sentinelClientMasterFound":
      return r.changed ? `Created JedisPool to master at 127.0.0.1:${r.master}` : null;
    case "sentinelClientWritesResumed":
      return `writes resumed on ${r.master} after ${r.outageMs} ms (${r.failedAttempts} failed attempts)`;
    case "writesFailing":
      return `writes to ${r.server} failing (${r.error})`;
    case "writesRecovered":
      return `writes succeed again after ${r.outageMs} ms (${r.failedWrites} failed)`;
    default:
      return null;
  }
}

/** Both lists come from the same trace: merged in its record order (hence in time order). */
function mergeByRecord(a: readonly TimedLine[], b: readonly TimedLine[]): TimedLine[] {
  const out: TimedLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.recordIndex <= b[j]!.recordIndex)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

function clock(ms: number): string {
  return `${(ms / 1000).toFixed(3).padStart(8)}s`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length + 1 > width && line !== "") {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}
