import type { TraceRecord } from "@failover-lab/sim-core/trace";
import type { ReportMessage } from "../src/html/report-data";

/**
 * The arrows the timeline can draw: every bus and replication message's fate (messages.jsonl),
 * plus Sentinel votes, which travel inside an ordinary command reply
 * (SENTINEL is-master-down-by-addr) and so are drawn from the trace's vote events instead.
 */

export interface Arrow {
  readonly sentUs: number;
  readonly atUs: number;
  readonly from: string;
  readonly to: string;
  readonly kind: string;
  readonly fate: ReportMessage["fate"];
  readonly label?: string;
}

/** The failover's own messages: drawn unless switched off. Gossip and the rest: on demand. */
export const FAILOVER_KINDS: ReadonlySet<string> = new Set(["fail", "authRequest", "authAck", "update", "mfstart", "vote"]);
/** Heartbeats, numerous: thinned when zoomed out. */
export const GOSSIP_KINDS: ReadonlySet<string> = new Set(["ping", "pong", "meet", "publish"]);

export function arrowsOf(messages: readonly ReportMessage[], trace: readonly TraceRecord[]): Arrow[] {
  const arrows: Arrow[] = messages.map((m) => ({ sentUs: m.sentUs, atUs: m.atUs, from: m.from, to: m.to, kind: m.kind, fate: m.fate }));
  // A Sentinel's run id → its process, from `# Sentinel ID is …`.
  const byRunId = new Map<string, string>();
  for (const r of trace) if (r.type === "sentinelId") byRunId.set(r.myId, r.node);
  // When each Sentinel cast its vote in each epoch (`+vote-for-leader`): the arrow's tail.
  const votedAt = new Map<string, number>();
  for (const r of trace) if (r.type === "voteForLeader") votedAt.set(`${r.node}/${r.epoch}`, r.atUs);
  for (const r of trace) {
    if (r.type !== "peerVoted") continue;
    const voter = byRunId.get(r.peer);
    if (voter === undefined) continue;
    const leader = byRunId.get(r.leader) ?? `${r.leader.slice(0, 8)}…`;
    const sentUs = Math.min(votedAt.get(`${voter}/${r.epoch}`) ?? r.atUs, r.atUs);
    arrows.push({ sentUs, atUs: r.atUs, from: voter, to: r.node, kind: "vote", fate: "delivered", label: `vote ${leader} e${r.epoch}` });
  }
  arrows.sort((a, b) => a.atUs - b.atUs);
  return arrows;
}

/** Index of the first arrow arriving at or after `atUs`. */
export function firstArrivingFrom(arrows: readonly Arrow[], atUs: number): number {
  let lo = 0;
  let hi = arrows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arrows[mid]!.atUs < atUs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
