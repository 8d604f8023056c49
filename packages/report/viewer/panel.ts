import { clusterNodes, infoReplication, NODE_MYSELF, SRI_FAILOVER_IN_PROGRESS, SRI_O_DOWN, SRI_S_DOWN, type ClusterNodeState, type SentinelState, type Sri } from "@failover-lab/sim-core/replies";
import type { LaneKind } from "../src/html/report-data";
import { beliefsOf, type ProcessState } from "./bands";
import { el } from "./dom";

/** Simulated time 0 on every process's wall clock (CONTRACTS §1): 2026-12-30 15:28:00.000 UTC. */
const WALL_CLOCK_EPOCH_MS = Date.UTC(2026, 11, 30, 15, 28, 0, 0);

/** CLUSTER NODES lines shown per card; the rest is counted. */
const MAX_CLUSTER_NODES_LINES = 60;

export interface PanelNode {
  readonly id: string;
  readonly kind: LaneKind;
  readonly process: ProcessState;
  /** Its own clock offset (clockJump), for the wall-clock fields of INFO. */
  readonly wallOffsetMs: number;
  readonly state: unknown;
  /** A Sentinel run id → the port of the Sentinel that has it, so votes read as ports. */
  readonly sentinelPortOf?: ReadonlyMap<string, string>;
}

/**
 * One node's state at the cursor, as that node sees it: its CLUSTER NODES reply (sim-core's
 * formatter on the rebuilt state), the failure reports it holds, the votes it gave, and its
 * replication offsets (INFO replication). A Sentinel shows its view of the master, its vote,
 * and what it heard of the other Sentinels' votes.
 */
export function nodeCard(node: PanelNode, atUs: number): HTMLElement {
  const beliefs = node.state === undefined ? null : beliefsOf(node.kind, node.state);
  const card = el("details", { class: `card ${node.kind} ${node.process.replace(" ", "-")}`, open: "" });
  card.dataset.node = node.id;
  card.dataset.process = node.process;
  if (beliefs !== null) {
    card.dataset.role = beliefs.role;
    if (beliefs.currentEpoch !== null) card.dataset.currentEpoch = String(beliefs.currentEpoch);
    if (beliefs.configEpoch !== null) card.dataset.configEpoch = String(beliefs.configEpoch);
  }
  const facts: string[] = [node.process];
  if (beliefs !== null && node.kind !== "client") {
    facts.push(beliefs.role);
    if (beliefs.currentEpoch !== null) facts.push(`currentEpoch ${beliefs.currentEpoch}`);
    if (beliefs.configEpoch !== null && node.kind === "cluster") facts.push(`configEpoch ${beliefs.configEpoch}`);
    if (node.kind === "cluster") facts.push(`cluster_state ${beliefs.health}`);
  }
  card.append(el("summary", {}, el("b", {}, node.id), ` — ${facts.join(" · ")}`));
  if (node.state === undefined) return card;
  if (node.process === "dead") card.append(el("p", { class: "muted" }, "Down: its last state before it went down."));
  const clock = { nowUs: atUs, wallMs: () => WALL_CLOCK_EPOCH_MS + Math.floor(atUs / 1000) + node.wallOffsetMs };
  switch (node.kind) {
    case "cluster":
      card.append(...clusterCard(node.state as ClusterNodeState, clock));
      break;
    case "sentinel":
      card.append(...sentinelCard(node.state as SentinelState, node.sentinelPortOf ?? new Map()));
      break;
    case "server": {
      const s = node.state as Parameters<typeof infoReplication>[0];
      card.append(el("h4", {}, "INFO replication"), el("pre", {}, infoReplication(s, clock).replace(/\r/g, "")));
      break;
    }
    case "client":
      card.append(el("pre", { class: "client-summary" }, clientSummary(node.state)));
      break;
  }
  return card;
}

function clusterCard(s: ClusterNodeState, clock: { nowUs: number; wallMs(): number }): HTMLElement[] {
  const lines = clusterNodes(s).split("\n");
  // A thousand-node table would bury the rest of the card (and slow playback): its head is enough.
  const shown = lines.length > MAX_CLUSTER_NODES_LINES + 1 ? [...lines.slice(0, MAX_CLUSTER_NODES_LINES), `… ${lines.length - 1 - MAX_CLUSTER_NODES_LINES} more lines`] : lines;
  const parts: HTMLElement[] = [el("h4", {}, "CLUSTER NODES (its own view)"), el("pre", { class: "cluster-nodes" }, shown.join("\n"))];
  const portOf = (id: string): string => String(s.nodes[id]?.port ?? id.slice(0, 8));
  const reports: string[] = [];
  const votes: string[] = [];
  for (const id of s.nodeOrder) {
    const n = s.nodes[id]!;
    if ((n.flags & NODE_MYSELF) !== 0) continue;
    if (n.failReports.length > 0) reports.push(`${n.port}: reported failing by ${n.failReports.map((r) => `${portOf(r.from)} (at ${wallTime(r.timeMs)})`).join(", ")}`);
    if (n.votedTimeMs !== 0) votes.push(`voted for a replica of ${n.port} at ${wallTime(n.votedTimeMs)}`);
  }
  parts.push(el("h4", {}, "Failure reports it holds"), el("pre", {}, reports.length === 0 ? "(none)" : reports.join("\n")));
  parts.push(
    el("h4", {}, "Votes"),
    el(
      "pre",
      {},
      [`lastVoteEpoch ${s.lastVoteEpoch}`, ...votes, s.failoverAuthSent ? `asked for votes in epoch ${s.failoverAuthEpoch}: ${s.failoverAuthCount} granted` : ""].filter((l) => l !== "").join("\n"),
    ),
  );
  parts.push(el("h4", {}, "INFO replication"), el("pre", {}, infoReplication(s, clock).replace(/\r/g, "")));
  return parts;
}

/** A node's wall-clock milliseconds as Redis's log prints the time of day (UTC). */
function wallTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

/** A Sentinel by its port when its run id is known, else by the run id's head. */
function sentinelName(runId: string, portOf: ReadonlyMap<string, string>): string {
  const port = portOf.get(runId);
  return port !== undefined ? `Sentinel ${port}` : `${runId.slice(0, 8)}…`;
}

function sriLine(ri: Sri, portOf: ReadonlyMap<string, string>): string {
  const flags: string[] = [];
  if (ri.flags & SRI_S_DOWN) flags.push("s_down");
  if (ri.flags & SRI_O_DOWN) flags.push("o_down");
  const vote = ri.leader !== null ? ` voted ${sentinelName(ri.leader, portOf)} in epoch ${ri.leaderEpoch}` : "";
  return `127.0.0.1:${ri.port}${flags.length > 0 ? ` [${flags.join(",")}]` : ""}${ri.slaveReplOffset ? ` offset=${ri.slaveReplOffset}` : ""}${vote}`;
}

function sentinelCard(s: SentinelState, portOf: ReadonlyMap<string, string>): HTMLElement[] {
  const m = s.master;
  const lines = [
    `myid ${s.myId}`,
    `currentEpoch ${s.currentEpoch}${s.tilt ? " (TILT)" : ""}`,
    `master ${m.name} 127.0.0.1:${m.port} configEpoch ${m.configEpoch} quorum ${m.quorum}`,
    `  flags: ${[m.flags & SRI_S_DOWN ? "s_down" : "", m.flags & SRI_O_DOWN ? "o_down" : "", m.flags & SRI_FAILOVER_IN_PROGRESS ? "failover_in_progress" : ""].filter((f) => f !== "").join(",") || "-"}`,
    `  failover state: ${m.failoverState}${m.promotedSlave !== null ? `, promoted ${m.promotedSlave}` : ""}`,
    `  its vote: ${m.leader === null ? "-" : `${sentinelName(m.leader, portOf)} in epoch ${m.leaderEpoch}`}`,
  ];
  return [
    el("h4", {}, "Its view of the master"),
    el("pre", {}, lines.join("\n")),
    el("h4", {}, "Replicas it knows"),
    el("pre", {}, m.slaves.map((ri) => sriLine(ri, portOf)).join("\n") || "(none)"),
    el("h4", {}, "Other Sentinels (their votes as heard)"),
    el("pre", {}, m.sentinels.map((ri) => sriLine(ri, portOf)).join("\n") || "(none)"),
  ];
}

/** A client's card in words: what it wrote, what came back, what went wrong. */
function clientSummary(state: unknown): string {
  const s = state as Record<string, unknown>;
  const errors = (e: unknown): string => {
    const entries = Object.entries((e ?? {}) as Record<string, number>).filter(([, n]) => n > 0);
    return entries.length === 0 ? "none" : entries.map(([kind, n]) => `${kind} ×${n}`).join(", ");
  };
  const ms = (us: number): string => (us < 0 ? "never" : `${(us / 1e6).toFixed(3)} s`);
  // The cluster writer (sim-core client/cluster-writer.ts).
  if (typeof s.counts === "object" && s.counts !== null) {
    const c = s.counts as Record<string, number>;
    return [
      `writes issued ${c.issued} · acked ${c.acked} · failed ${c.failed} · skipped ${c.skipped}`,
      `redirects ${c.redirects} · slot map refreshes ${c.refreshes}`,
      `errors: ${errors(s.errors)}`,
      `last OK at ${ms(s.lastSuccessUs as number)} · longest gap ${Math.floor((s.longestGapUs as number) / 1000)} ms`,
      `known nodes: ${(s.knownPorts as number[]).length}`,
    ].join("\n");
  }
  // The Sentinel-aware client (sim-core client/sentinel-client.ts).
  if (typeof s.phase === "string" && Array.isArray(s.acked)) {
    const acked = s.acked as { key: string; value: string; port: number; atMs: number }[];
    const last = acked[acked.length - 1];
    return [
      `${s.phase}${s.masterPort === null ? " (no master yet)" : ` · master 127.0.0.1:${String(s.masterPort)}`}`,
      `acked ${acked.length} · failed attempts ${String(s.failedAttempts)}`,
      `errors: ${errors(s.errors)}`,
      `last reply: ${last === undefined ? "none yet" : `OK for SET ${last.key} ${last.value} from ${last.port} at ${(last.atMs / 1000).toFixed(3)} s`}`,
      `longest gap without an OK: ${String(s.longestGapMs)} ms`,
    ].join("\n");
  }
  return rawSummary(state);
}

function rawSummary(state: unknown): string {
  // A client's tables (acks, key maps) can hold many thousand entries: count them, do not print them.
  const text = JSON.stringify(
    state,
    function (this: unknown, _k: string, v: unknown) {
      if (v === state) return v;
      if (Array.isArray(v)) return v.length > 8 ? `[${v.length} items]` : v;
      if (v !== null && typeof v === "object") {
        const keys = Object.keys(v).length;
        return keys > 16 ? `{${keys} entries}` : v;
      }
      return v;
    },
    1,
  );
  return text.length > 1200 ? `${text.slice(0, 1200)}…` : text;
}
