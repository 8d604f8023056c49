import type { RunResult, Scenario } from "@failover-lab/scenarios";
import { buildReportData, type ReportData, type ReportMessage, type ReportPatch, type ReportStep } from "@failover-lab/report";
import { htmlPage, writeFileAtomically } from "./html-page";

/**
 * `failover-lab run <drill> --html FILE`, and `report.html` in `--out` folders: the teaching
 * report of one run. The run must be in trace mode (it holds the message fates and the patches).
 */

export interface ScenarioInfo {
  readonly name: string;
  readonly title: string;
  readonly narrative: string;
}

/** The report data of a trace-mode run of `scenario`. */
export function reportDataOfRun(scenario: ScenarioInfo, run: RunResult): ReportData {
  const sim = run.sim;
  if (sim.mode !== "trace") throw new Error(`the HTML report needs a trace-mode run (${scenario.name} ran in ${sim.mode} mode)`);
  const steps: ReportStep[] = run.steps.map((s) => ({
    text: s.text,
    atUs: s.atMs * 1000,
    ok: s.ok,
    ...(s.note === undefined ? {} : { note: s.note }),
    ...(s.output === undefined ? {} : { output: s.output }),
    ...(s.saw === undefined ? {} : { saw: s.saw }),
  }));
  return buildReportData({
    scenario: { name: scenario.name, title: scenario.title, narrative: scenario.narrative },
    seed: run.seed,
    traceHash: sim.traceHash(),
    endUs: sim.nowUs,
    steps,
    measures: run.measures,
    trace: sim.trace,
    messages: sim.messageLog as readonly ReportMessage[],
    patches: sim.patchLog as readonly ReportPatch[],
    initialStates: sim.initialStates,
  });
}

/** The whole page, as text. */
export function reportHtml(data: ReportData): string {
  return htmlPage("report", `${data.scenario.name} — Failover Lab`, data);
}

/** Writes the report of `run` to `file`, atomically. Returns the page's size in bytes. */
export function writeHtmlReport(file: string, scenario: Scenario | ScenarioInfo, run: RunResult): number {
  const html = reportHtml(reportDataOfRun(scenario, run));
  writeFileAtomically(file, html);
  return Buffer.byteLength(html);
}

/** `report.html` in every `--out` folder (the run command's extra-files hook, cli/out-folder.ts's OutFile). */
export const reportHtmlOutFile = {
  path: "report.html",
  contents: (scenario: Scenario, run: RunResult): string => reportHtml(reportDataOfRun(scenario, run)),
} as const;
