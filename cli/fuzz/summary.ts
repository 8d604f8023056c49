import type { RunOutcome } from "./run-one";

/** The table printed at the end of a sweep: runs, findings by property and kind, slowest convergence. */
export function summaryTable(outcomes: readonly RunOutcome[], saved: readonly { seed: number; property: string; kind: string; path: string }[], wallMs: number): string[] {
  const lines: string[] = [];
  const rate = outcomes.length / Math.max(wallMs / 1000, 1e-3);
  lines.push(`runs        ${outcomes.length} in ${(wallMs / 1000).toFixed(1)} s (${rate.toFixed(1)} runs/s)`);
  const byProperty = new Map<string, { violation: number; redisBehaviour: number; first: number }>();
  for (const f of saved) {
    const row = byProperty.get(f.property) ?? { violation: 0, redisBehaviour: 0, first: f.seed };
    row[f.kind as "violation" | "redisBehaviour"]++;
    byProperty.set(f.property, row);
  }
  if (byProperty.size === 0) lines.push("findings    none");
  else {
    lines.push("");
    lines.push(`${"property".padEnd(30)} ${"violation".padStart(9)} ${"redisBehaviour".padStart(14)}  first seed`);
    for (const [property, row] of [...byProperty].sort()) lines.push(`${property.padEnd(30)} ${String(row.violation).padStart(9)} ${String(row.redisBehaviour).padStart(14)}  ${row.first}`);
    lines.push("");
  }
  let slowest: RunOutcome | null = null;
  for (const o of outcomes) if (o.convergenceMs !== null && (slowest === null || o.convergenceMs > slowest.convergenceMs!)) slowest = o;
  if (slowest !== null) lines.push(`slowest convergence after the last fault: ${slowest.convergenceMs} ms (seed ${slowest.seed})`);
  const violations = saved.filter((f) => f.kind === "violation");
  for (const v of violations.slice(0, 10)) lines.push(`violation: ${v.property}, seed ${v.seed} — replay: pnpm failover-lab run ${v.path}`);
  if (saved.length > 0) lines.push(`finding files: ${saved.length}, under ${dirOf(saved[0]!.path)}`);
  return lines;
}

function dirOf(file: string): string {
  const i = file.lastIndexOf("/");
  return i < 0 ? "." : file.slice(0, i);
}
