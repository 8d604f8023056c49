import type { TraceRecord } from "@failover-lab/sim-core/trace";
import type { ReportData, ReportProcess } from "../src/html/report-data";
import { FAILOVER_KINDS, arrowsOf } from "./arrows";
import { beliefsOf, processRuns, runAt, sameBeliefs, type Beliefs, type Role, type Run } from "./bands";
import { el, formatSeconds } from "./dom";
import { nodeCard } from "./panel";
import { readPayload } from "./payload";
import { Story } from "./story";
import { TimeMachine } from "./time-machine";
import { ROLE_COLOR, Timeline, markersOf, type Lane } from "./timeline";

/**
 * The teaching report: swimlanes with message arrows, a time scrubber, each node's own view at
 * the cursor, and the story with its Redis logs. Everything comes from the embedded run; the
 * page never computes a model step.
 */

/** Playback speeds, simulated seconds per wall second. */
const SPEEDS = [0.1, 1, 10, 100] as const;
/** The cursor sits this far after an instant it jumps to, so the instant's changes show. */
const AFTER_US = 1;

interface Api {
  ready: boolean;
  cursorUs: number;
  endUs: number;
  seek(atUs: number): void;
  /** Zooms the timeline to [fromUs, toUs]. */
  showSpan(fromUs: number, toUs: number): void;
  /** The instant of the first trace record of `type` (on `node`), for tests and links. */
  firstEvent(type: string, node?: string): number | null;
  errors: string[];
}

declare global {
  interface Window {
    failoverLab: Api;
  }
}

async function main(): Promise<void> {
  const data = await readPayload<ReportData>();
  const app = document.getElementById("app")!;
  const kinds = new Map(data.processes.map((p) => [p.id, p.kind]));

  // One pass over every patch: checkpoints for the scrubber, and the beliefs the lanes draw.
  const beliefs = new Map<string, Run<Beliefs>[]>();
  const machine = new TimeMachine(data.initialStates, data.patches, (node, atUs, state) => {
    const kind = kinds.get(node);
    if (kind === undefined) return;
    const b = beliefsOf(kind, state);
    const list = beliefs.get(node) ?? [];
    const last = list[list.length - 1];
    if (last === undefined || !sameBeliefs(last.value, b)) {
      if (last !== undefined && last.fromUs === Math.max(0, atUs)) list[list.length - 1] = { fromUs: Math.max(0, atUs), value: b };
      else list.push({ fromUs: Math.max(0, atUs), value: b });
    }
    beliefs.set(node, list);
  });
  const laneIds = data.processes.map((p) => p.id);
  const processes = processRuns(data.trace, laneIds);
  const roles = rolesFromEvents(data.processes, data.trace);
  const lanes: Lane[] = data.processes.map((p) => ({
    id: p.id,
    label: p.kind === "sentinel" ? `${p.id} S` : p.id,
    beliefs: beliefs.get(p.id) ?? [],
    process: processes.get(p.id) ?? [],
    roles: roles.get(p.id) ?? [],
  }));
  const arrows = arrowsOf(data.messages, data.trace);
  const arrowKinds = [...new Set(arrows.map((a) => a.kind))].sort();
  const wallOffsets = clockOffsets(data.trace);
  // Sentinels vote for a run id; the panel names them by port.
  const sentinelPortOf = new Map<string, string>();
  for (const p of data.processes) {
    const myId = p.kind === "sentinel" ? (data.initialStates[p.id] as { myId?: string } | undefined)?.myId : undefined;
    if (myId !== undefined) sentinelPortOf.set(myId, p.id);
  }

  // The instants "next event" stops at: steps, log lines, and the events drawn as markers.
  const markers = markersOf(data.trace);
  const stops = [...new Set([...data.steps.map((s) => s.atUs), ...data.logLines.map((l) => l.atUs), ...markers.map((m) => m.atUs)])].sort((a, b) => a - b);

  let cursorUs = 0;
  let playing = false;
  let speed: number = data.endUs > 60e6 ? 10 : 1;
  let nodeFilter: string | null = null;
  const enabledKinds = new Set(arrowKinds.filter((k) => FAILOVER_KINDS.has(k)));

  const timeline = new Timeline({
    lanes,
    endUs: data.endUs,
    arrows,
    markers,
    steps: data.steps.map((s) => ({ atUs: s.atUs, fault: isFault(s.text), text: s.text })),
    onSeek: (atUs) => seek(atUs),
  });
  const story = new Story(
    data,
    (atUs) => seek(atUs + AFTER_US),
    (record) => timeline.setHighlight(record),
  );

  // Controls.
  const playButton = el("button", { type: "button", title: "play / pause (space)" }, "▶ play");
  const prevButton = el("button", { type: "button", title: "previous event (←)" }, "◀ prev");
  const nextButton = el("button", { type: "button", title: "next event (→)" }, "next ▶");
  const slider = el("input", { type: "range", min: "0", max: String(data.endUs), step: "1000", value: "0", "aria-label": "simulated time" });
  const clock = el("output", { class: "clock" }, formatSeconds(0));
  const speedSelect = el("select", { "aria-label": "speed" }, ...SPEEDS.map((s) => el("option", { value: String(s), ...(s === speed ? { selected: "" } : {}) }, `${s}× `)));
  const nodeSelect = el("select", { "aria-label": "node" }, el("option", { value: "" }, "all nodes"), ...data.processes.map((p) => el("option", { value: p.id }, p.id)));
  const kindBoxes = el(
    "span",
    { class: "kinds" },
    ...arrowKinds.map((kind) => {
      const box = el("input", { type: "checkbox", value: kind, ...(enabledKinds.has(kind) ? { checked: "" } : {}) });
      box.addEventListener("change", () => {
        if (box.checked) enabledKinds.add(kind);
        else enabledKinds.delete(kind);
        timeline.setFilter({ kinds: enabledKinds, node: nodeFilter });
      });
      return el("label", { class: `kind kind-${kind}` }, box, kind);
    }),
  );
  const zoomIn = el("button", { type: "button", title: "zoom in (+)" }, "+");
  const zoomOut = el("button", { type: "button", title: "zoom out (−)" }, "−");
  const zoomFit = el("button", { type: "button", title: "whole run (0)" }, "fit");
  const panel = el("section", { class: "panel" });
  const panelTitle = el("h2", {}, "Each node's own view at ", el("span", { class: "panel-time" }, formatSeconds(0)));

  const header = el(
    "header",
    {},
    el("h1", {}, `${data.scenario.name} — ${data.scenario.title}`),
    el("div", { class: "muted small" }, `seed ${data.seed} · trace hash ${data.traceHash} · ${formatSeconds(data.endUs)} simulated · ${data.processes.length} processes · ${data.messages.length} messages`),
    ...data.notes.map((n) => el("div", { class: "note small" }, n)),
  );
  const legend = el(
    "div",
    { class: "legend small muted" },
    "Lanes: top band role (",
    el("b", { style: "color:#2c6fbb" }, "master"),
    " / ",
    el("b", { style: "color:#3c9a5f" }, "replica"),
    " / ",
    el("b", { style: "color:#7d4fb3" }, "sentinel"),
    " / ",
    el("b", { style: `color:${ROLE_COLOR.client}` }, "client"),
    "); red strip: its cluster_state fail (Sentinel: ODOWN, orange SDOWN); bottom strip: nodes it flags FAIL (red) / PFAIL (orange); text: e currentEpoch / c configEpoch; yellow: paused, dark: dead. Arrows: solid delivered, dashed red ✗ dropped, dotted orange held, grey ✗ refused. Keys: ← → events, space play, + − zoom, 0 fit. Ctrl+wheel zooms, drag pans, click seeks.",
  );
  const controls = el("div", { class: "controls" }, prevButton, playButton, nextButton, speedSelect, clock, slider, zoomOut, zoomIn, zoomFit, nodeSelect);
  // Timeline and panel side by side, the panel sticky and scrolling in its own box, so both are
  // in view on a laptop screen; the story follows under the timeline.
  app.replaceChildren(
    header,
    controls,
    el("div", { class: "filters small" }, "arrows: ", kindBoxes),
    el("div", { class: "stage" }, el("div", { class: "stage-main" }, timeline.element, legend, story.element), el("div", { class: "panel-wrap" }, panelTitle, panel)),
  );

  function renderPanel(): void {
    const cards: HTMLElement[] = [];
    for (const p of data.processes) {
      if (!p.detailed) continue;
      if (nodeFilter !== null && p.id !== nodeFilter) continue;
      const processState = runAt(processes.get(p.id) ?? [], cursorUs) ?? "not started";
      if (processState === "not started" && p.kind === "client") continue;
      cards.push(nodeCard({ id: p.id, kind: p.kind, process: processState, wallOffsetMs: runAt(wallOffsets.get(p.id) ?? [], cursorUs) ?? 0, state: machine.stateAt(p.id, cursorUs), sentinelPortOf }, cursorUs));
    }
    if (cards.length === 0) cards.push(el("p", { class: "muted" }, "No node's state was kept for this selection."));
    panel.replaceChildren(...cards);
  }

  let panelFrame = 0;
  function seek(atUs: number): void {
    cursorUs = Math.max(0, Math.min(data.endUs, Math.round(atUs)));
    window.failoverLab.cursorUs = cursorUs;
    slider.value = String(cursorUs);
    clock.textContent = formatSeconds(cursorUs);
    timeline.setCursor(cursorUs);
    story.setCursor(cursorUs);
    document.querySelector(".panel-time")!.textContent = formatSeconds(cursorUs);
    if (playing) {
      // While playing, rebuild the panel at most once a frame.
      if (panelFrame === 0) panelFrame = requestAnimationFrame(() => ((panelFrame = 0), renderPanel()));
    } else renderPanel();
  }

  function step(direction: 1 | -1): void {
    const target = direction > 0 ? stops.find((t) => t + AFTER_US > cursorUs) : [...stops].reverse().find((t) => t + AFTER_US < cursorUs);
    if (target !== undefined) seek(target + AFTER_US);
  }

  let lastFrameMs = 0;
  function tick(nowMs: number): void {
    if (!playing) return;
    const dtMs = lastFrameMs === 0 ? 0 : Math.min(100, nowMs - lastFrameMs);
    lastFrameMs = nowMs;
    const next = cursorUs + dtMs * 1000 * speed;
    if (next >= data.endUs) {
      seek(data.endUs);
      setPlaying(false);
      return;
    }
    seek(next);
    requestAnimationFrame(tick);
  }
  function setPlaying(on: boolean): void {
    playing = on;
    playButton.textContent = on ? "❚❚ pause" : "▶ play";
    lastFrameMs = 0;
    if (on) requestAnimationFrame(tick);
    else renderPanel();
  }

  playButton.addEventListener("click", () => setPlaying(!playing));
  prevButton.addEventListener("click", () => step(-1));
  nextButton.addEventListener("click", () => step(1));
  slider.addEventListener("input", () => seek(Number(slider.value)));
  speedSelect.addEventListener("change", () => (speed = Number(speedSelect.value)));
  zoomIn.addEventListener("click", () => timeline.zoomBy(2));
  zoomOut.addEventListener("click", () => timeline.zoomBy(0.5));
  zoomFit.addEventListener("click", () => timeline.fit());
  nodeSelect.addEventListener("change", () => {
    nodeFilter = nodeSelect.value === "" ? null : nodeSelect.value;
    timeline.setFilter({ kinds: enabledKinds, node: nodeFilter });
    story.setNode(nodeFilter);
    renderPanel();
  });
  document.addEventListener("keydown", (event) => {
    // A focused control keeps its own keys: Space toggles a checkbox or presses a button.
    if (event.target instanceof Element && isInteractive(event.target)) return;
    switch (event.key) {
      case "ArrowRight":
        step(1);
        break;
      case "ArrowLeft":
        step(-1);
        break;
      case " ":
        setPlaying(!playing);
        break;
      case "+":
      case "=":
        timeline.zoomBy(2);
        break;
      case "-":
        timeline.zoomBy(0.5);
        break;
      case "0":
        timeline.fit();
        break;
      case "Home":
        seek(0);
        break;
      case "End":
        seek(data.endUs);
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  window.failoverLab.endUs = data.endUs;
  window.failoverLab.seek = (atUs) => seek(atUs);
  window.failoverLab.showSpan = (fromUs, toUs) => timeline.showSpan(fromUs, toUs);
  window.failoverLab.firstEvent = (type, node) => data.trace.find((r) => r.type === type && (node === undefined || r.node === node))?.atUs ?? null;
  timeline.setFilter({ kinds: enabledKinds, node: null });
  seek(0);
  timeline.draw();
  window.failoverLab.ready = true;
  document.body.dataset.ready = "true";
}

/** Roles of lanes without states (large runs), from their initial role and the role-changing events. */
function rolesFromEvents(processes: readonly ReportProcess[], trace: readonly TraceRecord[]): Map<string, Run<Role>[]> {
  const out = new Map<string, Run<Role>[]>();
  for (const p of processes) if (!p.detailed) out.set(p.id, [{ fromUs: 0, value: p.role ?? "unknown" }]);
  for (const r of trace) {
    const runs = out.get(r.node);
    if (runs === undefined) continue;
    if (r.type === "electionWon") runs.push({ fromUs: r.atUs, value: "master" });
    else if (r.type === "reconfiguredAsReplica") runs.push({ fromUs: r.atUs, value: "replica" });
  }
  return out;
}

/** Each process's wall-clock offset over time (clockJump). */
function clockOffsets(trace: readonly TraceRecord[]): Map<string, Run<number>[]> {
  const out = new Map<string, Run<number>[]>();
  for (const r of trace) {
    if (r.type !== "clockJumped") continue;
    const list = out.get(r.node) ?? [{ fromUs: 0, value: 0 }];
    list.push({ fromUs: r.atUs, value: list[list.length - 1]!.value + r.deltaMs });
    out.set(r.node, list);
  }
  return out;
}

/** Focus on one of these means the key belongs to the control, not to the page's shortcuts. */
const INTERACTIVE = "input, button, select, textarea, a[href], summary, [contenteditable]:not([contenteditable='false'])";
function isInteractive(target: Element): boolean {
  return target.closest(INTERACTIVE) !== null;
}

const FAULT_WORDS = /^(kill|shutdown|pause|resume|restart|partition|heal|delay|loss|drop|clog|unclog|hold|release|clockJump)\b/;
function isFault(stepText: string): boolean {
  return FAULT_WORDS.test(stepText);
}

window.failoverLab = { ready: false, cursorUs: 0, endUs: 0, seek: () => undefined, showSpan: () => undefined, firstEvent: () => null, errors: [] };
window.addEventListener("error", (event) => window.failoverLab.errors.push(String(event.message)));
main().catch((error: unknown) => {
  const message = error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error);
  window.failoverLab.errors.push(message);
  document.getElementById("app")!.replaceChildren(el("pre", { class: "error" }, `The report could not be shown: ${message}`));
  console.error(error);
});
