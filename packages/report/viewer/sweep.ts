import * as Plot from "@observablehq/plot";
import { SWEEP_PHASES, type SweepData, type SweepPhase } from "../src/html/sweep-data";
import { el } from "./dom";
import { readPayload } from "./payload";

/**
 * The sweep page: how long each phase of the first failover took, across seeds — one dot per
 * seed, a box for the spread — with real Redis's median (and min–max) drawn over it where the
 * calibration report has it. Observable Plot draws the scales, axes and boxes.
 */

const PHASE_LABEL: Record<SweepPhase, string> = {
  pfailMs: "→ PFAIL",
  failMs: "→ FAIL",
  electionWonMs: "→ election won",
  clusterOkMs: "→ cluster ok",
  sdownMs: "→ +sdown",
  odownMs: "→ +odown",
  switchMasterMs: "→ +switch-master",
};

interface Point {
  readonly phase: string;
  readonly ms: number;
  readonly seed: string;
}

async function main(): Promise<void> {
  const data = await readPayload<SweepData>();
  const app = document.getElementById("app")!;
  const phases = SWEEP_PHASES.filter((p) => data.runs.some((r) => r.phases[p] !== undefined));
  const points: Point[] = data.runs.flatMap((r) => phases.flatMap((p) => (r.phases[p] === undefined ? [] : [{ phase: PHASE_LABEL[p], ms: r.phases[p]!, seed: r.seed }])));
  const real = phases.flatMap((p) => (data.real?.[p] === undefined ? [] : [{ phase: PHASE_LABEL[p], ...data.real[p]! }]));
  const fault = data.runs.find((r) => r.fault !== "")?.fault ?? "the fault";
  const domain = phases.map((p) => PHASE_LABEL[p]);

  // One chart per phase, each on its own scale: the phases differ by orders of magnitude.
  const charts = phases.map((p) => {
    const label = PHASE_LABEL[p];
    const mine = points.filter((d) => d.phase === label);
    const theirs = real.filter((d) => d.phase === label);
    const chart = Plot.plot({
      width: Math.min(1000, window.innerWidth - 40),
      height: 150,
      marginLeft: 20,
      marginRight: 20,
      x: { label: `ms after ${fault} ${label}`, grid: true },
      marks: [
        // Real Redis: min–max as a band, the median as a thick red rule.
        Plot.barX(theirs, { x1: "min", x2: "max", fill: "#d64545", fillOpacity: 0.12 }),
        Plot.boxX(mine, { x: "ms", fill: "#2c6fbb", fillOpacity: 0.12, stroke: "#2c6fbb" }),
        Plot.dotX(mine, Plot.dodgeY({ x: "ms", r: 3, fill: "#2c6fbb", fillOpacity: 0.7, title: (d: Point) => `seed ${d.seed}: ${d.ms} ms` })),
        Plot.ruleX(theirs, { x: "median", stroke: "#d64545", strokeWidth: 3, title: (d: { median: number }) => `real Redis median ${d.median} ms` }),
      ],
    });
    chart.setAttribute("data-chart", p);
    return el("figure", {}, el("h3", {}, `${fault} ${label}`), chart);
  });

  const rows = phases.map((p) => {
    const values = points.filter((d) => d.phase === PHASE_LABEL[p]).map((d) => d.ms);
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted.length % 2 === 1 ? sorted[sorted.length >> 1]! : (sorted[(sorted.length >> 1) - 1]! + sorted[sorted.length >> 1]!) / 2;
    const r = data.real?.[p];
    return el(
      "tr",
      { "data-phase": p },
      el("th", {}, PHASE_LABEL[p]),
      el("td", {}, String(values.length)),
      el("td", {}, String(sorted[0])),
      el("td", {}, String(median)),
      el("td", {}, String(sorted[sorted.length - 1])),
      el("td", {}, r === undefined ? "—" : `${r.min} / ${r.median} / ${r.max}`),
    );
  });
  const failed = data.runs.filter((r) => !r.ok).map((r) => r.seed);
  app.replaceChildren(
    el(
      "section",
      { class: "sweep" },
      el("h1", {}, `${data.drill} over ${data.runs.length} seeds — ${data.title}`),
      el(
        "p",
        { class: "muted" },
        `Phases of the first failover, in ms after ${fault}: one dot per seed, the box spans the middle half. `,
        // The red key only when something red is drawn.
        ...(real.length > 0 ? [el("span", { class: "real-key", style: "color:#d64545" }, "Red: real Redis (median tick, min–max band)"), ". "] : []),
        `${data.realSource}.`,
      ),
      failed.length > 0 ? el("p", { class: "error" }, `Expectations failed for seeds ${failed.join(", ")}.`) : "",
      ...charts,
      el(
        "table",
        {},
        el("thead", {}, el("tr", {}, el("th", {}, "phase"), el("th", {}, "seeds"), el("th", {}, "min"), el("th", {}, "median"), el("th", {}, "max"), el("th", {}, "real min / median / max"))),
        el("tbody", {}, ...rows),
      ),
    ),
  );
  document.body.dataset.ready = "true";
  (globalThis as unknown as { failoverLab: { ready: boolean; errors: string[] } }).failoverLab.ready = true;
}

(globalThis as unknown as { failoverLab: { ready: boolean; errors: string[] } }).failoverLab = { ready: false, errors: [] };
main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  (globalThis as unknown as { failoverLab: { errors: string[] } }).failoverLab.errors.push(message);
  document.getElementById("app")!.replaceChildren(el("pre", { class: "error" }, `The sweep could not be shown: ${message}`));
  console.error(error);
});
