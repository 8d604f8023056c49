import { axisTop } from "d3-axis";
import { scaleLinear, type ScaleLinear } from "d3-scale";
import { select } from "d3-selection";
import { zoom, zoomIdentity, zoomTransform, type ZoomBehavior, type ZoomTransform } from "d3-zoom";
import type { TraceRecord } from "@failover-lab/sim-core/trace";
import { FAILOVER_KINDS, GOSSIP_KINDS, firstArrivingFrom, type Arrow } from "./arrows";
import { runAt, type Beliefs, type ProcessState, type Role, type Run } from "./bands";
import { el } from "./dom";
import { LabelSpace } from "./label-space";

/**
 * The swimlanes: one row per process over simulated time, drawn on a canvas so a thousand lanes
 * and tens of thousands of arrows stay smooth. Only the rows in view are drawn (the canvas is
 * sticky inside a tall scroll area: virtual rows). The time axis is d3-axis on d3-scale, zoom
 * and pan are d3-zoom (x only).
 */

export interface Lane {
  readonly id: string;
  readonly label: string;
  readonly beliefs: readonly Run<Beliefs>[];
  readonly process: readonly Run<ProcessState>[];
  /** For lanes without states (large runs): the role as trace events tell it. */
  readonly roles: readonly Run<Role>[];
}

export interface Marker {
  readonly atUs: number;
  readonly node: string;
  readonly glyph: "star" | "dot" | "cross" | "diamond";
  readonly color: string;
  readonly title: string;
}

export interface TimelineOptions {
  readonly lanes: readonly Lane[];
  readonly endUs: number;
  readonly arrows: readonly Arrow[];
  readonly markers: readonly Marker[];
  readonly steps: readonly { readonly atUs: number; readonly fault: boolean; readonly text: string }[];
  readonly onSeek: (atUs: number) => void;
}

export interface ArrowFilter {
  readonly kinds: ReadonlySet<string>;
  /** Only arrows to or from this lane; null for all. */
  readonly node: string | null;
}

const ROW_PX = 30;
const GUTTER_PX = 64;
const AXIS_PX = 26;
const MAX_VIEW_ROWS = 18;
/** Beyond this many arrows in view (a wall of lines at ~1200 px), heartbeat and replication arrows are thinned (1 in k). */
const MAX_ARROWS_IN_VIEW = 600;

/** Clients are teal, not grey: grey reads as "down", and a client lane is a live process. */
export const ROLE_COLOR: Record<Role, string> = { master: "#2c6fbb", replica: "#3c9a5f", sentinel: "#7d4fb3", client: "#1a9fae", unknown: "#b9bec6" };
const FATE_STYLE: Record<Arrow["fate"], { color: string; dash: number[] }> = {
  delivered: { color: "", dash: [] },
  dropped: { color: "#d64545", dash: [4, 3] },
  held: { color: "#e08a1e", dash: [1, 3] },
  refused: { color: "#8a8f98", dash: [6, 3] },
};
const KIND_COLOR: Record<string, string> = {
  fail: "#c0392b",
  authRequest: "#8e44ad",
  authAck: "#27ae60",
  update: "#d35400",
  mfstart: "#2c3e50",
  vote: "#27ae60",
  ping: "#9aa5b1",
  pong: "#b5bfca",
  meet: "#9aa5b1",
};

export class Timeline {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly scroller: HTMLElement;
  private readonly axisSvg: SVGSVGElement;
  private readonly base: ScaleLinear<number, number>;
  private x: ScaleLinear<number, number>;
  private readonly zoomBehavior: ZoomBehavior<HTMLCanvasElement, unknown>;
  private cursorUs = 0;
  private filter: ArrowFilter = { kinds: new Set(FAILOVER_KINDS), node: null };
  private highlight: { readonly atUs: number; readonly node: string } | null = null;
  private widthPx = 800;
  private frame = 0;
  /** Shown under the timeline: how many arrows are drawn, and whether they are thinned. */
  readonly status: HTMLElement;
  private readonly laneIndex = new Map<string, number>();
  private readonly markersByNode = new Map<string, Marker[]>();

  constructor(private readonly options: TimelineOptions) {
    options.lanes.forEach((lane, i) => this.laneIndex.set(lane.id, i));
    for (const m of options.markers) {
      const list = this.markersByNode.get(m.node) ?? [];
      list.push(m);
      this.markersByNode.set(m.node, list);
    }
    const viewRows = Math.min(options.lanes.length, MAX_VIEW_ROWS);
    this.axisSvg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    this.axisSvg.setAttribute("class", "axis");
    this.axisSvg.setAttribute("height", String(AXIS_PX));
    this.canvas = el("canvas", { class: "lanes", tabindex: "-1" });
    const spacer = el("div", { class: "spacer" });
    spacer.style.height = `${options.lanes.length * ROW_PX}px`;
    // The canvas is one view high and sticks to the top; the spacer gives the scroll height.
    spacer.style.marginTop = `-${viewRows * ROW_PX}px`;
    this.scroller = el("div", { class: "lanes-scroll" }, this.canvas, spacer);
    this.scroller.style.height = `${viewRows * ROW_PX}px`;
    this.status = el("div", { class: "timeline-status muted" });
    this.element = el("div", { class: "timeline" }, this.axisSvg, this.scroller, this.status);

    this.base = scaleLinear().domain([0, Math.max(options.endUs, 1)]).range([GUTTER_PX, this.widthPx]);
    this.x = this.base.copy();
    const maxZoom = Math.max(1, options.endUs / 1000); // down to about 1 ms across the view
    this.zoomBehavior = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([1, maxZoom])
      // Wheel zooms with Ctrl/Alt held, or always when every lane fits: otherwise it scrolls lanes.
      .filter((event: Event) => {
        if (event.type === "wheel") return (event as WheelEvent).ctrlKey || (event as WheelEvent).altKey || options.lanes.length <= MAX_VIEW_ROWS;
        return !(event as MouseEvent).button;
      })
      .on("zoom", (event: { transform: ZoomTransform }) => {
        this.x = event.transform.rescaleX(this.base);
        this.requestDraw();
      });
    select(this.canvas).call(this.zoomBehavior).on("dblclick.zoom", null);
    this.canvas.addEventListener("click", (event) => {
      const rect = this.canvas.getBoundingClientRect();
      const px = event.clientX - rect.left;
      if (px < GUTTER_PX) return;
      options.onSeek(Math.max(0, Math.min(options.endUs, Math.round(this.x.invert(px)))));
    });
    this.scroller.addEventListener("scroll", () => this.requestDraw());
    new ResizeObserver(() => this.resize()).observe(this.scroller);
  }

  setCursor(atUs: number): void {
    this.cursorUs = atUs;
    // Keep the cursor in view while playing or stepping.
    const [d0, d1] = this.x.domain() as [number, number];
    if (atUs < d0 || atUs > d1) this.centerOn(atUs);
    this.requestDraw();
  }

  /** Rings one event on its lane (the event that wrote a clicked log line); null clears it. */
  setHighlight(event: { readonly atUs: number; readonly node: string } | null): void {
    this.highlight = event;
    this.requestDraw();
  }

  setFilter(filter: ArrowFilter): void {
    this.filter = filter;
    this.requestDraw();
  }

  /** Zoom by `factor` (> 1 in) around the cursor. */
  zoomBy(factor: number): void {
    const px = this.x(this.cursorUs);
    select(this.canvas).call(this.zoomBehavior.scaleBy, factor, [px, 0]);
  }

  fit(): void {
    select(this.canvas).call(this.zoomBehavior.transform, zoomIdentity);
  }

  /** Shows [fromUs, toUs] across the view. */
  showSpan(fromUs: number, toUs: number): void {
    const k = Math.max(1, this.options.endUs / Math.max(1, toUs - fromUs));
    const t = zoomIdentity.translate(GUTTER_PX - k * this.base(fromUs), 0).scale(k);
    select(this.canvas).call(this.zoomBehavior.transform, t);
  }

  private centerOn(atUs: number): void {
    const [d0, d1] = this.x.domain() as [number, number];
    const half = (d1 - d0) / 2;
    this.showSpan(Math.max(0, atUs - half), Math.max(0, atUs - half) + 2 * half);
  }

  private resize(): void {
    const width = Math.max(300, this.scroller.clientWidth);
    this.widthPx = width;
    const transform = zoomTransform(this.canvas);
    this.base.range([GUTTER_PX, width]);
    this.zoomBehavior.extent([
      [GUTTER_PX, 0],
      [width, ROW_PX],
    ]);
    this.zoomBehavior.translateExtent([
      [GUTTER_PX, 0],
      [width, ROW_PX],
    ]);
    this.x = transform.rescaleX(this.base);
    this.axisSvg.setAttribute("width", String(width));
    this.requestDraw();
  }

  private requestDraw(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Draws now (tests and the first paint do not wait for a frame). */
  draw(): void {
    const lanes = this.options.lanes;
    const dpr = window.devicePixelRatio || 1;
    const viewH = this.scroller.clientHeight;
    const width = this.widthPx;
    if (this.canvas.width !== Math.round(width * dpr) || this.canvas.height !== Math.round(viewH * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(viewH * dpr);
      this.canvas.style.width = `${width}px`;
      this.canvas.style.height = `${viewH}px`;
    }
    const g = this.canvas.getContext("2d")!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, viewH);
    const scrollTop = this.scroller.scrollTop;
    const first = Math.floor(scrollTop / ROW_PX);
    const last = Math.min(lanes.length - 1, Math.ceil((scrollTop + viewH) / ROW_PX));
    const yOf = (row: number): number => row * ROW_PX - scrollTop;
    const [d0, d1] = this.x.domain() as [number, number];
    const x = this.x;

    // Labels (epochs on lanes, arrow names) are thinned so none overlaps another.
    const labels = new LabelSpace();
    for (let row = first; row <= last; row++) this.drawLane(g, lanes[row]!, yOf(row), d0, d1, labels);

    // Step instants: faint lines across every lane, red for faults.
    g.save();
    for (const step of this.options.steps) {
      if (step.atUs < d0 || step.atUs > d1) continue;
      g.strokeStyle = step.fault ? "rgba(200,40,40,0.55)" : "rgba(0,0,0,0.12)";
      g.setLineDash(step.fault ? [5, 3] : [2, 4]);
      g.beginPath();
      g.moveTo(x(step.atUs), 0);
      g.lineTo(x(step.atUs), viewH);
      g.stroke();
    }
    g.restore();

    const drawn = this.drawArrows(g, d0, d1, first, last, yOf, labels);

    // The highlighted event: a ring on its lane.
    const ringRow = this.highlight === null ? undefined : this.laneIndex.get(this.highlight.node);
    if (this.highlight !== null && ringRow !== undefined && ringRow >= first && ringRow <= last) {
      g.strokeStyle = "#0b6bcb";
      g.lineWidth = 2.5;
      g.beginPath();
      g.arc(x(this.highlight.atUs), yOf(ringRow) + ROW_PX / 2, 9, 0, Math.PI * 2);
      g.stroke();
      g.lineWidth = 1;
    }

    // The cursor.
    const cx = x(this.cursorUs);
    g.strokeStyle = "#e0245e";
    g.lineWidth = 1.5;
    g.beginPath();
    g.moveTo(cx, 0);
    g.lineTo(cx, viewH);
    g.stroke();
    g.lineWidth = 1;

    // Lane labels over everything, in the gutter.
    g.fillStyle = "#fff";
    g.fillRect(0, 0, GUTTER_PX - 2, viewH);
    g.font = "12px ui-monospace, monospace";
    g.textBaseline = "middle";
    for (let row = first; row <= last; row++) {
      const lane = lanes[row]!;
      g.fillStyle = "#222";
      g.fillText(lane.label, 4, yOf(row) + ROW_PX / 2);
    }

    select(this.axisSvg)
      .selectAll<SVGGElement, unknown>("g.x")
      .data([0])
      .join("g")
      .attr("class", "x")
      .attr("transform", `translate(0,${AXIS_PX - 1})`)
      .call(
        axisTop(x)
          .ticks(Math.max(2, Math.floor((width - GUTTER_PX) / 90)))
          .tickFormat((v) => `${(Number(v) / 1e6).toLocaleString("en-US", { maximumFractionDigits: 6 })} s`),
      );
    this.status.textContent = drawn.thinnedBy > 1 ? `${drawn.count} arrows in view, thinned: 1 in ${drawn.thinnedBy} heartbeat/replication arrows (zoom in for all)` : `${drawn.count} arrows in view`;
  }

  private drawLane(g: CanvasRenderingContext2D, lane: Lane, y: number, d0: number, d1: number, labels: LabelSpace): void {
    const x = this.x;
    const right = this.widthPx;
    const segment = <T>(runs: readonly Run<T>[], paint: (value: T, x0: number, x1: number) => void): void => {
      for (let i = 0; i < runs.length; i++) {
        const from = runs[i]!.fromUs;
        const to = i + 1 < runs.length ? runs[i + 1]!.fromUs : this.options.endUs;
        if (to < d0 || from > d1) continue;
        paint(runs[i]!.value, Math.max(GUTTER_PX, x(from)), Math.min(right, x(Math.max(to, from))));
      }
    };
    g.fillStyle = (this.laneIndex.get(lane.id) ?? 0) % 2 === 0 ? "#fafbfc" : "#f2f4f7";
    g.fillRect(GUTTER_PX, y, right - GUTTER_PX, ROW_PX);
    // Process state behind everything: paused yellow, dead dark, not started blank.
    segment(lane.process, (value, x0, x1) => {
      if (value === "paused") g.fillStyle = "rgba(240,200,40,0.45)";
      else if (value === "dead") g.fillStyle = "rgba(60,60,70,0.55)";
      else if (value === "not started") g.fillStyle = "rgba(255,255,255,1)";
      else return;
      g.fillRect(x0, y + 1, Math.max(1, x1 - x0), ROW_PX - 2);
    });
    // Role band (top), its own cluster state (red strip when fail), its beliefs about others.
    if (lane.beliefs.length > 0) {
      segment(lane.beliefs, (b, x0, x1) => {
        const w = Math.max(1, x1 - x0);
        g.fillStyle = ROLE_COLOR[b.role];
        g.fillRect(x0, y + 2, w, 7);
        if (b.health === "fail" || b.health === "odown") {
          g.fillStyle = "#d64545";
          g.fillRect(x0, y + 10, w, 4);
        } else if (b.health === "sdown") {
          g.fillStyle = "#f0a030";
          g.fillRect(x0, y + 10, w, 4);
        }
        if (b.role !== "sentinel" && (b.fail.length > 0 || b.pfail.length > 0)) {
          g.fillStyle = b.fail.length > 0 ? "rgba(214,69,69,0.75)" : "rgba(240,160,48,0.75)";
          g.fillRect(x0, y + ROW_PX - 7, w, 5);
        }
        if (w > 46 && b.currentEpoch !== null) {
          g.font = "10px ui-monospace, monospace";
          g.fillStyle = "#333";
          g.textBaseline = "alphabetic";
          const sentinel = b.role === "sentinel";
          const beliefsText = sentinel ? `e${b.currentEpoch} master ${b.fail[0] ?? "?"}${b.health === "none" ? "" : ` ${b.health.toUpperCase()}`}` : `e${b.currentEpoch}/c${b.configEpoch ?? "-"}`;
          const about = sentinel ? "" : b.fail.length > 0 ? ` FAIL ${b.fail.join(",")}` : b.pfail.length > 0 ? ` PFAIL ${b.pfail.join(",")}` : "";
          const text = (beliefsText + about).slice(0, Math.floor(w / 6));
          if (labels.claim(x0 + 2, y + 13, g.measureText(text).width, 11)) g.fillText(text, x0 + 2, y + 22);
        }
      });
    } else {
      segment(lane.roles, (role, x0, x1) => {
        g.fillStyle = ROLE_COLOR[role];
        g.fillRect(x0, y + 2, Math.max(1, x1 - x0), 7);
      });
    }
    // Markers: the events a learner looks for.
    for (const m of this.markersByNode.get(lane.id) ?? []) {
      if (m.atUs < d0 || m.atUs > d1) continue;
      drawGlyph(g, m.glyph, x(m.atUs), y + ROW_PX / 2, m.color);
    }
  }

  private drawArrows(g: CanvasRenderingContext2D, d0: number, d1: number, first: number, last: number, yOf: (row: number) => number, labels: LabelSpace): { count: number; thinnedBy: number } {
    const arrows = this.options.arrows;
    const { kinds, node } = this.filter;
    // Arrows arriving in view, or flying across it (sent before, arriving after: at most a few seconds).
    const start = firstArrivingFrom(arrows, d0);
    const candidates: Arrow[] = [];
    for (let i = start; i < arrows.length; i++) {
      const a = arrows[i]!;
      if (a.sentUs > d1) {
        if (a.atUs > d1 + 30e6) break;
        continue;
      }
      if (!kinds.has(a.kind)) continue;
      if (node !== null && a.from !== node && a.to !== node) continue;
      const rf = this.laneIndex.get(a.from);
      const rt = this.laneIndex.get(a.to);
      if (rf === undefined || rt === undefined) continue;
      if ((rf < first && rt < first) || (rf > last && rt > last)) continue;
      candidates.push(a);
    }
    const thinnable = candidates.filter((a) => !FAILOVER_KINDS.has(a.kind)).length;
    const thinnedBy = thinnable > MAX_ARROWS_IN_VIEW ? Math.ceil(thinnable / MAX_ARROWS_IN_VIEW) : 1;
    let seen = 0;
    let count = 0;
    g.save();
    for (const a of candidates) {
      const heartbeat = !FAILOVER_KINDS.has(a.kind);
      if (heartbeat && seen++ % thinnedBy !== 0) continue;
      const x1 = this.x(a.sentUs);
      const x2 = this.x(a.atUs);
      const y1 = yOf(this.laneIndex.get(a.from)!) + ROW_PX / 2;
      const y2 = yOf(this.laneIndex.get(a.to)!) + ROW_PX / 2;
      const style = FATE_STYLE[a.fate];
      const color = style.color || KIND_COLOR[a.kind] || (GOSSIP_KINDS.has(a.kind) ? "#a0aab5" : "#5b6b7c");
      g.strokeStyle = color;
      g.fillStyle = color;
      g.globalAlpha = heartbeat ? 0.55 : 0.95;
      g.lineWidth = heartbeat ? 0.8 : 1.6;
      g.setLineDash(style.dash);
      g.beginPath();
      g.moveTo(x1, y1);
      g.lineTo(x2, y2);
      g.stroke();
      g.setLineDash([]);
      if (a.fate === "dropped" || a.fate === "refused") drawGlyph(g, "cross", x2, y2, color);
      else arrowHead(g, x1, y1, x2, y2);
      if (!heartbeat && Math.abs(y2 - y1) > 14) {
        g.globalAlpha = 1;
        g.font = "10px ui-sans-serif, sans-serif";
        const text = a.label ?? a.kind;
        const lx = (x1 + x2) / 2 + 3;
        const ly = (y1 + y2) / 2;
        if (labels.claim(lx, ly - 6, g.measureText(text).width, 12)) g.fillText(text, lx, ly);
      }
      count++;
    }
    g.restore();
    return { count, thinnedBy };
  }
}

function arrowHead(g: CanvasRenderingContext2D, x1: number, y1: number, x2: number, y2: number): void {
  const angle = Math.atan2(y2 - y1, x2 - x1);
  const size = 6;
  g.beginPath();
  g.moveTo(x2, y2);
  g.lineTo(x2 - size * Math.cos(angle - 0.4), y2 - size * Math.sin(angle - 0.4));
  g.lineTo(x2 - size * Math.cos(angle + 0.4), y2 - size * Math.sin(angle + 0.4));
  g.closePath();
  g.fill();
}

function drawGlyph(g: CanvasRenderingContext2D, glyph: Marker["glyph"], cx: number, cy: number, color: string): void {
  g.save();
  g.globalAlpha = 1;
  g.fillStyle = color;
  g.strokeStyle = color;
  g.lineWidth = 2;
  g.beginPath();
  switch (glyph) {
    case "star":
      for (let i = 0; i < 10; i++) {
        const r = i % 2 === 0 ? 7 : 3;
        const a = (Math.PI / 5) * i - Math.PI / 2;
        if (i === 0) g.moveTo(cx + r * Math.cos(a), cy + r * Math.sin(a));
        else g.lineTo(cx + r * Math.cos(a), cy + r * Math.sin(a));
      }
      g.closePath();
      g.fill();
      break;
    case "dot":
      g.arc(cx, cy, 3.5, 0, Math.PI * 2);
      g.fill();
      break;
    case "diamond":
      g.moveTo(cx, cy - 5);
      g.lineTo(cx + 5, cy);
      g.lineTo(cx, cy + 5);
      g.lineTo(cx - 5, cy);
      g.closePath();
      g.fill();
      break;
    case "cross":
      g.moveTo(cx - 4, cy - 4);
      g.lineTo(cx + 4, cy + 4);
      g.moveTo(cx + 4, cy - 4);
      g.lineTo(cx - 4, cy + 4);
      g.stroke();
      break;
  }
  g.restore();
}

/** The trace events drawn as markers on their node's lane. */
export function markersOf(trace: readonly TraceRecord[]): Marker[] {
  const out: Marker[] = [];
  for (const r of trace) {
    const m = markerOf(r);
    if (m !== null) out.push({ atUs: r.atUs, node: r.node, ...m });
  }
  return out;
}

function markerOf(r: TraceRecord): Omit<Marker, "atUs" | "node"> | null {
  switch (r.type) {
    case "electionWon":
      return { glyph: "star", color: "#e0a800", title: `election won, epoch ${r.epoch}` };
    case "electionStarted":
      return { glyph: "diamond", color: "#8e44ad", title: `election started, epoch ${r.epoch}` };
    case "nodeMarkedFailing":
      return { glyph: "dot", color: "#c0392b", title: "marked a node FAIL" };
    case "nodePossiblyFailing":
      return { glyph: "dot", color: "#f0a030", title: "flagged a node PFAIL" };
    case "clusterStateChanged":
      return { glyph: "diamond", color: r.state === "ok" ? "#27ae60" : "#c0392b", title: `cluster state ${r.state}` };
    case "authGranted":
      return { glyph: "dot", color: "#27ae60", title: `voted in epoch ${r.epoch}` };
    case "faultApplied":
      return { glyph: "cross", color: "#c0392b", title: `fault ${r.fault.type}` };
    case "switchMaster":
      return { glyph: "star", color: "#e0a800", title: `+switch-master → ${r.newPort}` };
    case "electedLeader":
      return { glyph: "diamond", color: "#7d4fb3", title: "+elected-leader" };
    case "odown":
      return { glyph: "dot", color: "#c0392b", title: "+odown" };
    case "sdown":
      return { glyph: "dot", color: "#f0a030", title: "+sdown" };
    case "voteForLeader":
      return { glyph: "dot", color: "#27ae60", title: `+vote-for-leader epoch ${r.epoch}` };
    case "reconfiguredAsReplica":
      return { glyph: "diamond", color: "#3c9a5f", title: "became a replica" };
    default:
      return null;
  }
}
