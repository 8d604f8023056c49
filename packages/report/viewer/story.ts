import type { TraceRecord } from "@failover-lab/sim-core/trace";
import type { ReportData, ReportLogLine } from "../src/html/report-data";
import { el, formatSeconds, keepInView } from "./dom";
import { countAtOrBefore } from "./search";

/** Above this many log lines, only the ones around the cursor are in the page at once. */
const LOG_WINDOW_LINES = 400;

/**
 * The story beside the timeline: the scenario's narrative and steps (click one: the cursor goes
 * to its moment), then every process's Redis log in time order (click a line: the cursor goes
 * to it, and the event that wrote it is shown).
 */
export class Story {
  readonly element: HTMLElement;
  private readonly stepItems: HTMLElement[] = [];
  private readonly stepList: HTMLElement;
  private currentStep = -1;
  private readonly logList: HTMLElement;
  private readonly cause: HTMLElement;
  private lines: readonly ReportLogLine[];
  private windowStart = -1;
  private lastCurrent: HTMLElement | null = null;
  private cursorUs = 0;

  constructor(
    private readonly data: ReportData,
    private readonly onSeek: (atUs: number) => void,
    private readonly onCause: (record: TraceRecord | null) => void = () => undefined,
  ) {
    this.lines = data.logLines;
    const steps = el("ol", { class: "steps" });
    this.stepList = steps;
    data.steps.forEach((step, i) => {
      const item = el("li", { class: step.ok ? "step" : "step failed", "data-step": String(i) });
      if (step.note !== undefined) item.append(el("div", { class: "note" }, step.note));
      item.append(el("span", { class: "when" }, formatSeconds(step.atUs)), " ", el("span", { class: "mark" }, step.ok ? "✓" : "✗"), " ", el("code", {}, step.text));
      if (step.output !== undefined && step.output.length > 0) item.append(el("pre", { class: "output" }, step.output.join("\n")));
      if (!step.ok && step.saw !== undefined) item.append(el("pre", { class: "saw" }, `saw: ${step.saw}`));
      item.addEventListener("click", () => onSeek(step.atUs));
      steps.append(item);
      this.stepItems.push(item);
    });
    this.logList = el("div", { class: "log", role: "list" });
    this.logList.addEventListener("click", (event) => {
      const target = (event.target as HTMLElement).closest<HTMLElement>("[data-line]");
      if (target === null) return;
      const line = this.lines[Number(target.dataset.line)];
      if (line === undefined) return;
      this.showCause(line);
      onSeek(line.atUs);
    });
    this.cause = el("pre", { class: "cause muted" }, "Click a log line to see the event that wrote it.");
    this.element = el(
      "section",
      { class: "story" },
      el("h2", {}, data.scenario.title || data.scenario.name),
      el("p", { class: "narrative" }, data.scenario.narrative),
      el("h3", {}, "Steps"),
      steps,
      el("h3", {}, "Redis logs ", el("span", { class: "muted small" }, "(loglevel notice, every process, time order)")),
      this.cause,
      this.logList,
    );
    this.renderWindow(0);
  }

  /** Only lines of `node` (or every process's for null). */
  setNode(node: string | null): void {
    this.lines = node === null ? this.data.logLines : this.data.logLines.filter((l) => l.process === node);
    this.windowStart = -1;
    this.setCursor(this.cursorUs);
  }

  setCursor(atUs: number): void {
    this.cursorUs = atUs;
    let currentStep = -1;
    this.stepItems.forEach((item, i) => {
      const step = this.data.steps[i]!;
      const next = this.data.steps[i + 1];
      const current = step.atUs <= atUs && (next === undefined || next.atUs > atUs);
      if (current) currentStep = i;
      item.classList.toggle("current", current);
      item.classList.toggle("future", step.atUs > atUs);
    });
    // Follow the cursor in the steps box, only when the current step changes (a reader may scroll it meanwhile).
    if (currentStep !== this.currentStep) {
      this.currentStep = currentStep;
      if (currentStep >= 0) keepInView(this.stepList, this.stepItems[currentStep]!);
    }
    const current = countAtOrBefore(this.lines, atUs, (line) => line.atUs) - 1;
    this.renderWindow(current);
    this.lastCurrent?.classList.remove("current");
    const row = this.logList.querySelector<HTMLElement>(`[data-line="${current}"]`);
    if (row !== null && current >= 0 && this.lines[current]!.atUs <= atUs) {
      row.classList.add("current");
      this.lastCurrent = row;
      keepInView(this.logList, row);
    }
    for (const future of this.logList.querySelectorAll<HTMLElement>("[data-line]")) future.classList.toggle("future", this.lines[Number(future.dataset.line)]!.atUs > atUs);
  }

  private renderWindow(center: number): void {
    const total = this.lines.length;
    const start = total <= LOG_WINDOW_LINES ? 0 : Math.max(0, Math.min(total - LOG_WINDOW_LINES, center - LOG_WINDOW_LINES / 2));
    // Re-render only when the cursor nears the window's edge.
    if (this.windowStart >= 0 && total > LOG_WINDOW_LINES && Math.abs(center - (this.windowStart + LOG_WINDOW_LINES / 2)) < LOG_WINDOW_LINES / 4) return;
    if (this.windowStart === start && this.logList.childElementCount > 0) return;
    this.windowStart = start;
    const rows: HTMLElement[] = [];
    if (start > 0) rows.push(el("div", { class: "muted small" }, `… ${start} earlier lines`));
    for (let i = start; i < Math.min(total, start + LOG_WINDOW_LINES); i++) {
      const line = this.lines[i]!;
      rows.push(el("div", { class: "line", "data-line": String(i), "data-process": line.process, role: "listitem" }, line.line));
    }
    if (start + LOG_WINDOW_LINES < total) rows.push(el("div", { class: "muted small" }, `… ${total - start - LOG_WINDOW_LINES} later lines`));
    this.logList.replaceChildren(...rows);
    this.lastCurrent = null;
  }

  private showCause(line: ReportLogLine): void {
    const record: TraceRecord | undefined = this.data.trace[line.traceIndex];
    this.cause.textContent = record === undefined ? "" : `${formatSeconds(line.atUs)} on ${line.process}: event ${JSON.stringify(record)}`;
    this.onCause(record ?? null);
  }
}
