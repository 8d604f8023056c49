import type { RunResult, Scenario } from "@failover-lab/scenarios";
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
  for (const line of wrap(scenario.narrative, 96)) out.push(line);
  out.push("");
  const lines = options.logLines;
  let cursor = 0;
  const logUntil = (untilUs: number): void => {
    for (; cursor < lines.length && lines[cursor]!.atUs < untilUs; cursor++) out.push(`            ${lines[cursor]!.line}`);
  };
  run.steps.forEach((step, i) => {
    // What the nodes logged since the previous step, then the step itself.
    logUntil(step.atMs * 1000);
    const note = scenario.steps[i]?.note;
    if (note !== undefined) out.push("", `## ${note}`);
    out.push(`[${clock(step.atMs)}] ${step.ok ? " " : "✗"} ${step.text}`);
    for (const line of step.output ?? []) out.push(`            ${line}`);
    if (!step.ok && step.saw !== undefined) for (const line of step.saw.split("\n")) out.push(`            ✗ saw: ${line}`);
  });
  logUntil(Number.POSITIVE_INFINITY);
  out.push("");
  const failed = run.steps.filter((s) => !s.ok).length;
  out.push(failed === 0 ? `Every expectation held (${run.steps.length} steps).` : `${failed} of ${run.steps.length} steps failed.`);
  for (const m of run.measures) {
    const phases = (["pfailMs", "failMs", "electionWonMs", "clusterOkMs", "sdownMs", "odownMs", "switchMasterMs"] as const).filter((k) => m[k] !== undefined).map((k) => `${k.replace(/Ms$/, "")} +${m[k]} ms`);
    if (phases.length > 0) out.push(`  step ${m.step + 1} (${m.fault} at ${clock(m.atMs)}): ${phases.join(", ")}`);
  }
  out.push(`seed ${run.seed}  trace hash ${run.sim.traceHash()}`);
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
