import type { Comparison } from "./compare";
import { pct } from "./compare";
import { TOLERANCES } from "./tolerances";

/**
 * The fidelity report of one drill: `<drill>.json` in CONTRACTS §10's shape, which the HTML
 * sweep plots read, and `<drill>.md` for people — the same figures side by side, the gate used,
 * the event sequences with differences marked, the final states, and every breach.
 */

export interface FidelityJson {
  readonly drill: string;
  readonly trials: number;
  readonly gate: string;
  readonly phases: Record<string, { real: { min: number; median: number; max: number }; sim: { min: number; median: number; max: number } }>;
}

/** Only phases both sides can show (pfailMs is simulator-only: real 7.0.15 does not log PFAIL at notice). */
export function fidelityJson(c: Comparison): FidelityJson {
  const phases: FidelityJson["phases"] = {};
  for (const p of c.phases) if (p.real !== null && p.sim !== null) phases[p.phase] = { real: { ...p.real }, sim: { ...p.sim } };
  return { drill: c.drill.name, trials: c.realTrials.length, gate: c.gate, phases };
}

export interface MarkdownContext {
  readonly redisVersion: string;
  readonly command: string;
  readonly generatedAt: string;
  /** Where the real logs are; null when they were not kept. */
  readonly workDir: string | null;
  /** Set when the real trials were read from a file (`--real-trials`) rather than run now. */
  readonly realTrialsFrom?: string;
  /** Known mismatches and their reasons, written by hand beside the tolerances (see notes.ts). */
  readonly notes: readonly string[];
}

const ms = (v: number | undefined) => (v === undefined ? "—" : String(Math.round(v)));

export function fidelityMarkdown(c: Comparison, ctx: MarkdownContext): string {
  const t = TOLERANCES[c.drill.name]!;
  const g = t[c.gate];
  const out: string[] = [];
  out.push(`# Fidelity: ${c.drill.name} — ${c.drill.title}`, "");
  out.push(`Real: ${ctx.redisVersion} on 127.0.0.1, ${c.realTrials.length} trial(s). Simulated: ${c.simTrials.length} seeds (1–${c.simTrials.length}).`);
  out.push(`Gate: **${c.gate}** (packages/calibrate/src/tolerances.ts: medians within ±${Math.round(g.medianWithin * 100)} % on ${g.phases.join(", ")}${t.sameFinalState ? "; same final state" : ""}${t.sameWinnerSequence ? "; same event sequence on the winner" : ""}; meant for ${g.trials} real trial(s)).`);
  out.push(`Verdict: **${c.breaches.length === 0 ? "within tolerance" : `${c.breaches.length} breach(es)`}**.`, "");
  const rebuilt = ctx.realTrialsFrom === undefined ? "" : `; this report was rebuilt from those real trials, \`${ctx.realTrialsFrom}\`, with the simulator of ${ctx.generatedAt}`;
  out.push(`Regenerate: \`${ctx.command}\` (${ctx.generatedAt}; ${ctx.workDir === null ? "real logs not kept: `--keep-logs` keeps them" : `real logs under \`${ctx.workDir}\` on the machine that ran them`}${rebuilt}).`, "");

  out.push("## Phase timings", "", "ms after the fault; min / median / max; KS = two-sample Kolmogorov–Smirnov statistic (0 same distribution, 1 disjoint).", "");
  out.push("| phase | real | simulated | median gap | KS | gated |", "|---|---|---|---|---|---|");
  for (const p of c.phases) {
    const s = (x: typeof p.real) => (x === null ? "— (not observable)" : `${ms(x.min)} / ${ms(x.median)} / ${ms(x.max)}`);
    const gated = p.gated ? (p.ok ? "ok" : "**BREACH**") : "no";
    out.push(`| ${p.phase} | ${s(p.real)} | ${s(p.sim)} | ${pct(p.medianGap)} | ${p.ks === null ? "—" : p.ks.toFixed(2)} | ${gated} |`);
  }
  out.push("");
  if (c.drill.kind === "cluster") {
    out.push("`pfailMs` has no real column: Redis 7.0.15 logs `*** NODE … possibly failing` only at `loglevel debug`, so a real run at the default level cannot show when PFAIL was flagged. FAIL is the first `Marking node … as failing (quorum reached)` or `FAIL message received … about` the victim on any node; `clusterOkMs` the first instant after the win at which every live node's last `Cluster state changed` was `ok`.", "");
  } else {
    out.push("Each phase is the first Sentinel to log it (`+sdown`/`+odown` of the master, `+switch-master`).", "");
  }
  out.push("<details><summary>every trial</summary>", "", "| phase | real | simulated |", "|---|---|---|");
  for (const p of c.phases) out.push(`| ${p.phase} | ${p.realValues.join(", ") || "—"} | ${p.simValues.join(", ") || "—"} |`);
  out.push("", "</details>", "");

  if (c.winnerSequences !== null) {
    out.push("## The winner's event sequence", "", "The promoted replica's cluster events after the kill; each distinct sequence with the number of trials that showed it.", "");
    out.push("| side | trials | sequence |", "|---|---|---|");
    for (const [seq, n] of c.winnerSequences.real) out.push(`| real | ${n} | ${seq} |`);
    for (const [seq, n] of c.winnerSequences.sim) out.push(`| sim | ${n} | ${seq} |`);
    out.push("");
  }

  out.push("## Event sequence per node (real trial 1 vs seed 1)", "", "After the fault, as the parser reads the real logs and as the simulator emits the same events (at the level a real log shows them). `-` real only, `+` simulated only; runs of one line are collapsed (`×n`).", "");
  for (const [node, lines] of Object.entries(c.sequences)) {
    const differs = lines.filter((l) => l.mark !== " ").length;
    out.push(`<details><summary>${node}: ${lines.length} line(s), ${differs} difference(s)</summary>`, "", "```diff");
    for (const l of lines) out.push(`${l.mark} ${l.text}`);
    out.push("```", "", "</details>", "");
  }

  const PRESENCE_GAP = 0.3;
  const differing = c.presence.filter((r) => Math.abs(r.real - r.sim) >= PRESENCE_GAP);
  out.push("## Events seen in a different share of trials", "", `Every (process, event) pair whose share of real trials and of simulated seeds differs by ${PRESENCE_GAP * 100} points or more (${differing.length} of ${c.presence.length} pairs).`, "");
  if (differing.length > 0) {
    out.push("| process | event | real | simulated |", "|---|---|---|---|");
    const share = (x: number) => `${Math.round(x * 100)} %`;
    for (const r of differing) out.push(`| ${r.process} | ${r.event} | ${share(r.real)} | ${share(r.sim)} |`);
  } else {
    out.push("None.");
  }
  out.push("");

  out.push("## Final state", "", "Each distinct final state (as a live node's CLUSTER NODES / INFO and the Sentinels report it), with how many trials of each side ended in it.", "");
  const signatures = [...new Set([...c.finalStates.real.keys(), ...c.finalStates.sim.keys()])];
  for (const sig of signatures) {
    out.push(`real ${c.finalStates.real.get(sig) ?? 0} / ${c.realTrials.length} trials, simulated ${c.finalStates.sim.get(sig) ?? 0} / ${c.simTrials.length} seeds:`, "", "```", sig, "```", "");
  }

  out.push("## Breaches", "");
  if (c.breaches.length === 0) out.push("None.", "");
  for (const b of c.breaches) out.push(`- ${b.replace(/\n/g, "\n  ")}`);
  if (c.breaches.length > 0) out.push("");

  out.push("## Known differences and their reasons", "");
  for (const n of ctx.notes) out.push(`- ${n}`);
  if (ctx.notes.length === 0) out.push("None recorded.");
  out.push("");
  return out.join("\n");
}
