import type { TraceRecord } from "@failover-lab/sim-core/trace";
import { createLogContext, logLines, type ProcessKind } from "../log/render";

/**
 * What the HTML report embeds: one run's trace, message fates, state patches and initial states
 * (trace mode, CONTRACTS §8), the scenario's story, and every server's Redis log lines linked to
 * the trace record that wrote them. Plain JSON; the page rebuilds each node's state from
 * `initialStates` + `patches` (it never re-runs the model).
 */

export const REPORT_DATA_VERSION = 1;

/** A message's fate, as messages.jsonl records it. */
export interface ReportMessage {
  readonly atUs: number;
  readonly sentUs: number;
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly kind: string;
  readonly fate: "delivered" | "dropped" | "held" | "refused";
}

/** One handled event's state changes, as patches.jsonl records them (immer's JSON patches). */
export interface ReportPatch {
  readonly seq: number;
  readonly atUs: number;
  readonly node: string;
  readonly patches: readonly { readonly op: "replace" | "add" | "remove"; readonly path: readonly (string | number)[]; readonly value?: unknown }[];
}

export interface ReportStep {
  readonly text: string;
  readonly atUs: number;
  readonly ok: boolean;
  readonly note?: string;
  readonly output?: readonly string[];
  readonly saw?: string;
}

/** What a lane stands for: decided from the shape of the process's initial state. */
export type LaneKind = "cluster" | "server" | "sentinel" | "client";

export interface ReportProcess {
  readonly id: string;
  readonly kind: LaneKind;
  /** Its state was kept (patches and initial state): the panel can show it. */
  readonly detailed: boolean;
  /** For a process whose state was not kept: its role at the start. */
  readonly role?: "master" | "replica";
}

export interface ReportLogLine {
  readonly atUs: number;
  readonly process: string;
  readonly line: string;
  /** Index in `trace` of the record that wrote the line. */
  readonly traceIndex: number;
}

/** Gossip counted instead of listed (large runs): messages of `kind` per bucket of `bucketUs`. */
export interface GossipCounts {
  readonly bucketUs: number;
  /** kind → counts per bucket from simulated time 0. */
  readonly counts: Readonly<Record<string, readonly number[]>>;
}

export interface ReportData {
  readonly version: typeof REPORT_DATA_VERSION;
  readonly scenario: { readonly name: string; readonly title: string; readonly narrative: string };
  readonly seed: string;
  readonly traceHash: string;
  /** Where the run stopped. */
  readonly endUs: number;
  readonly processes: readonly ReportProcess[];
  readonly steps: readonly ReportStep[];
  /** summary.json's `measures`, passed through for the page's header. */
  readonly measures: readonly unknown[];
  readonly trace: readonly TraceRecord[];
  readonly messages: readonly ReportMessage[];
  readonly gossip: GossipCounts | null;
  readonly patches: readonly ReportPatch[];
  readonly initialStates: Readonly<Record<string, unknown>>;
  readonly logLines: readonly ReportLogLine[];
  /** What a large run left out of the page, said on the page. */
  readonly notes: readonly string[];
}

export interface ReportInput {
  readonly scenario: ReportData["scenario"];
  readonly seed: string;
  readonly traceHash: string;
  readonly endUs: number;
  readonly steps: readonly ReportStep[];
  readonly measures?: readonly unknown[];
  readonly trace: readonly TraceRecord[];
  readonly messages: readonly ReportMessage[];
  readonly gossip?: GossipCounts | null;
  readonly patches: readonly ReportPatch[];
  readonly initialStates: Readonly<Record<string, unknown>>;
  /** Processes whose states were dropped to keep the page light (large runs); they keep a lane. */
  readonly undetailed?: readonly string[];
  /** The starting role of each undetailed process (its lane draws it; events change it). */
  readonly roles?: Readonly<Record<string, "master" | "replica">>;
  readonly notes?: readonly string[];
}

/** A lane's kind from its state's shape: the models' state types are sim-core's, not ours to import. */
export function laneKindOf(state: unknown): LaneKind {
  if (state === null || typeof state !== "object") return "client";
  if ("slotOwner" in state && "nodes" in state) return "cluster";
  if ("tilt" in state && "master" in state) return "sentinel";
  if ("replication" in state) return "server";
  return "client";
}

/** Processes named by a port come first, by port; clients after, by name. */
function laneOrder(a: string, b: string): number {
  const na = /^\d+$/.test(a) ? Number(a) : Number.POSITIVE_INFINITY;
  const nb = /^\d+$/.test(b) ? Number(b) : Number.POSITIVE_INFINITY;
  if (na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function buildReportData(input: ReportInput): ReportData {
  const kinds = new Map<string, LaneKind>();
  for (const [id, state] of Object.entries(input.initialStates)) kinds.set(id, laneKindOf(state));
  for (const id of input.undetailed ?? []) if (!kinds.has(id)) kinds.set(id, "cluster");
  for (const r of input.trace) if (r.node !== "net" && !kinds.has(r.node)) kinds.set(r.node, /^\d+$/.test(r.node) ? "server" : "client");
  const undetailed = new Set(input.undetailed ?? []);
  const processes: ReportProcess[] = [...kinds.keys()].sort(laneOrder).map((id) => {
    const role = input.roles?.[id];
    return { id, kind: kinds.get(id)!, detailed: !undetailed.has(id) && id in input.initialStates, ...(role === undefined ? {} : { role }) };
  });
  // In a large run, the few nodes with states lead: they are the ones the story is about.
  if (undetailed.size > 0) processes.sort((a, b) => Number(b.detailed) - Number(a.detailed));
  return {
    version: REPORT_DATA_VERSION,
    scenario: input.scenario,
    seed: input.seed,
    traceHash: input.traceHash,
    endUs: input.endUs,
    processes,
    steps: input.steps,
    measures: input.measures ?? [],
    trace: input.trace,
    messages: input.messages,
    gossip: input.gossip ?? null,
    patches: input.patches,
    initialStates: input.initialStates,
    logLines: linkedLogLines(input.trace, processes),
    notes: input.notes ?? [],
  };
}

/**
 * Every server's and Sentinel's Redis log lines in trace order, each with the index of the
 * record that wrote it, so the page can jump from a line to its event (the renderer is the
 * terminal story's: same pids, role characters and clocks).
 */
export function linkedLogLines(trace: readonly TraceRecord[], processes: readonly { readonly id: string; readonly kind: LaneKind }[]): ReportLogLine[] {
  const contexts = new Map<string, ReturnType<typeof createLogContext>>();
  for (const p of processes) {
    if (!/^\d+$/.test(p.id) || p.kind === "client") continue;
    const kind: ProcessKind = p.kind === "sentinel" ? "sentinel" : "server";
    contexts.set(p.id, createLogContext(p.id, { kind }));
  }
  const out: ReportLogLine[] = [];
  trace.forEach((record, traceIndex) => {
    const context = contexts.get(record.node);
    if (context === undefined) return;
    for (const line of logLines(record, context)) out.push({ atUs: record.atUs, process: record.node, line, traceIndex });
  });
  return out;
}
