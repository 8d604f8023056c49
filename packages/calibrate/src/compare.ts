import type { CalibrationDrill } from "./drills";
import type { FinalState, ObservedEvent, TrialObservation } from "./observation";
import { CLUSTER_PHASES, SENTINEL_PHASES, clusterPhases, sentinelPhases, type PhaseName, type Phases } from "./phases";
import { ksStatistic, relativeGap, spread, type Spread } from "./stats";
import { TOLERANCES, type GateName } from "./tolerances";

/**
 * Real trials against simulated ones, for one drill: phase timings (spread and KS distance),
 * each node's event sequence (one real trial against one seed, differences marked), the final
 * state, and the verdict of the gate asked for.
 */

export interface PhaseComparison {
  readonly phase: PhaseName;
  readonly real: Spread | null;
  readonly sim: Spread | null;
  readonly realValues: readonly number[];
  readonly simValues: readonly number[];
  /** Two-sample Kolmogorov–Smirnov statistic; null when a side has no value. */
  readonly ks: number | null;
  /** (sim median − real median) / real median. */
  readonly medianGap: number | null;
  /** Whether the gate checks this phase, and whether it holds. */
  readonly gated: boolean;
  readonly ok: boolean;
}

export interface SequenceDiffLine {
  readonly mark: " " | "-" | "+";
  readonly text: string;
}

export interface Comparison {
  readonly drill: CalibrationDrill;
  readonly gate: GateName;
  readonly realTrials: readonly TrialObservation[];
  readonly simTrials: readonly TrialObservation[];
  readonly phases: readonly PhaseComparison[];
  /** Per node: real trial 1 against seed 1, events after the fault ("-" real only, "+" sim only). */
  readonly sequences: Readonly<Record<string, readonly SequenceDiffLine[]>>;
  /** The winner's cluster events: each distinct sequence with how many trials showed it. */
  readonly winnerSequences: { readonly real: ReadonlyMap<string, number>; readonly sim: ReadonlyMap<string, number> } | null;
  readonly finalStates: { readonly real: ReadonlyMap<string, number>; readonly sim: ReadonlyMap<string, number> };
  /** Over all trials: in what share of them each process (by role) logged each event at least once. */
  readonly presence: readonly PresenceRow[];
  readonly breaches: readonly string[];
}

export interface PresenceRow {
  readonly process: string;
  readonly event: string;
  /** Share of real trials / simulated seeds in which it appeared (0–1). */
  readonly real: number;
  readonly sim: number;
}

export function victimOf(drill: CalibrationDrill): string {
  const fault = drill.steps.find((s) => s.type === "kill" || s.type === "shutdown" || s.type === "pause");
  if (fault === undefined || !("node" in fault)) throw new Error(`drill ${drill.name} has no fault to measure`);
  return String(fault.node);
}

export function phasesOf(drill: CalibrationDrill, trial: TrialObservation): Phases {
  return drill.kind === "cluster" ? clusterPhases(trial, victimOf(drill)) : sentinelPhases(trial);
}

export function compare(drill: CalibrationDrill, gate: GateName, realTrials: readonly TrialObservation[], simTrials: readonly TrialObservation[]): Comparison {
  const tolerances = TOLERANCES[drill.name];
  if (tolerances === undefined) throw new Error(`no tolerances declared for drill ${drill.name} (packages/calibrate/src/tolerances.ts)`);
  const g = tolerances[gate];
  const breaches: string[] = [];
  const names: readonly PhaseName[] = drill.kind === "cluster" ? [...CLUSTER_PHASES, "pfailMs"] : SENTINEL_PHASES;
  const realPhases = realTrials.map((t) => phasesOf(drill, t));
  const simPhases = simTrials.map((t) => phasesOf(drill, t));
  const phases = names.map((phase): PhaseComparison => {
    const realValues = realPhases.flatMap((p) => (p[phase] === undefined ? [] : [p[phase]!]));
    const simValues = simPhases.flatMap((p) => (p[phase] === undefined ? [] : [p[phase]!]));
    const real = spread(realValues);
    const sim = spread(simValues);
    const medianGap = real !== null && sim !== null ? relativeGap(real.median, sim.median) : null;
    const gated = g.phases.includes(phase);
    let ok = true;
    if (gated) {
      if (realValues.length < realTrials.length || simValues.length < simTrials.length) {
        ok = false;
        breaches.push(`${phase}: seen in ${realValues.length}/${realTrials.length} real trials and ${simValues.length}/${simTrials.length} simulated ones`);
      } else if (medianGap === null || Math.abs(medianGap) > g.medianWithin) {
        ok = false;
        breaches.push(`${phase}: simulated median ${sim?.median} ms vs real ${real?.median} ms (${pct(medianGap)}, allowed ±${Math.round(g.medianWithin * 100)} %)`);
      }
    }
    return { phase, real, sim, realValues, simValues, ks: ksStatistic(realValues, simValues), medianGap, gated, ok };
  });

  const victim = victimOf(drill);
  const sequences: Record<string, SequenceDiffLine[]> = {};
  const r0 = realTrials[0];
  const s0 = simTrials[0];
  if (r0 !== undefined && s0 !== undefined) {
    const realRoles = roleNames(r0, drill);
    const simRoles = roleNames(s0, drill);
    const labels = [...new Set([...realRoles.values(), ...simRoles.values()])];
    for (const label of labels) {
      // PFAIL is debug-level: a real log at notice never shows it, so it is no difference.
      const shown = (t: TrialObservation, roles: ReadonlyMap<string, string>) =>
        t.events.filter((e) => roles.get(e.node) === label && e.atMs >= 0 && e.event.type !== "nodePossiblyFailing").map((e) => shape(e, t, drill));
      sequences[label] = diff(collapse(shown(r0, realRoles)), collapse(shown(s0, simRoles)));
    }
  }

  let winnerSequences: Comparison["winnerSequences"] = null;
  if (drill.kind === "cluster") {
    winnerSequences = { real: countBy(realTrials.map((t) => winnerSequence(t, drill, victim))), sim: countBy(simTrials.map((t) => winnerSequence(t, drill, victim))) };
    if (tolerances.sameWinnerSequence) breaches.push(...winnerSequenceBreaches(winnerSequences.real, winnerSequences.sim));
  }
  const finalStates = { real: countBy(realTrials.map((t) => finalSignature(t.final, victim))), sim: countBy(simTrials.map((t) => finalSignature(t.final, victim))) };
  if (tolerances.sameFinalState) {
    const simSet = new Set(finalStates.sim.keys());
    for (const [signature, n] of finalStates.real) {
      if (!simSet.has(signature)) breaches.push(`final state of ${n} real trial(s) never reached by the simulator:\n${signature}`);
    }
  }
  return { drill, gate, realTrials, simTrials, phases, sequences, winnerSequences, finalStates, presence: presenceOf(drill, realTrials, simTrials), breaches };
}

export function pct(gap: number | null): string {
  if (gap === null || !Number.isFinite(gap)) return "—";
  const v = Math.round(gap * 1000) / 10;
  return `${v >= 0 ? "+" : ""}${v} %`;
}

/** An event as the sequence shows it: its kind and the facts that should match (node ids as ports). */
export function shape(e: ObservedEvent, trial: TrialObservation, drill: CalibrationDrill): string {
  const port = (id: string) => trial.idToPort[id] ?? id.slice(0, 8);
  const ev = e.event;
  switch (ev.type) {
    case "nodeMarkedFailing":
      return `marks ${port(ev.peer)} FAIL (quorum)`;
    case "failMessageReceived":
      return `FAIL message about ${port(ev.about)}`;
    case "nodePossiblyFailing":
      return `PFAIL ${port(ev.peer)}`;
    case "clusterStateChanged":
      return `cluster state ${ev.state}`;
    case "electionDelayed":
      return `election delayed (rank #${ev.rank})`;
    case "electionStarted":
      return `election for epoch ${ev.epoch}`;
    case "electionWon":
      return "election won";
    case "configEpochSetAfterFailover":
      return `configEpoch ${ev.epoch} after failover`;
    case "authGranted":
      return `auth granted to ${port(ev.to)} for epoch ${ev.epoch}`;
    case "authDenied":
      return `auth denied to ${port(ev.to)} (${ev.reason})`;
    case "reconfiguredAsReplica":
      return `becomes replica of ${port(ev.master)}`;
    case "failStateCleared":
      return `clears FAIL of ${port(ev.peer)} (${ev.reason})`;
    case "connectingToMaster":
      return `connecting to MASTER ${newMasterLabel(ev.master, drill)}`;
    case "replicaAsksForSync":
      return `${newMasterLabel(ev.replica, drill)} asks for sync`;
    case "newEpoch":
      return `+new-epoch ${ev.epoch}`;
    case "voteForLeader":
      return `+vote-for-leader (epoch ${ev.epoch})`;
    case "peerVoted":
      return `a peer voted (epoch ${ev.epoch})`;
    case "switchMaster":
      return `+switch-master ${ev.oldPort} → ${newMasterLabel(String(ev.newPort), drill)}`;
    case "odown":
      return `+odown ${ev.instance.kind} ${ev.instance.port}`;
    default:
      if ("instance" in ev) return `${ev.type} ${ev.instance.kind} ${ev.instance.kind === "sentinel" ? "" : newMasterLabel(String(ev.instance.port), drill)}`.trim();
      return ev.type;
  }
}

/**
 * What each process is called in the sequence comparison. A cluster trial and its seed share the
 * pairing, so ports match. In a Sentinel drill the leader and the promoted replica differ from
 * run to run, so processes are named by what they did: the leader, the followers (by port), the
 * old master, the promoted replica, the other replica.
 */
function roleNames(trial: TrialObservation, drill: CalibrationDrill): Map<string, string> {
  const names = new Map<string, string>();
  const nodes = [...new Set(trial.events.map((e) => e.node))].sort((a, b) => Number(a) - Number(b));
  if (drill.kind === "cluster") {
    for (const n of nodes) names.set(n, n);
    return names;
  }
  const leader = trial.events.find((e) => e.atMs >= 0 && e.event.type === "electedLeader")?.node;
  const promoted = trial.final.kind === "sentinel" ? Object.entries(trial.final.servers).find(([, s]) => s.role === "master")?.[0] : undefined;
  let follower = 0;
  for (const port of drill.sentinels.map(String)) names.set(port, port === leader ? "leader Sentinel" : `follower Sentinel ${++follower}`);
  for (const port of [drill.master, ...drill.replicas].map(String)) {
    names.set(port, port === String(drill.master) ? `old master ${port}` : port === promoted ? "promoted replica" : "other replica");
  }
  return names;
}

/** In a Sentinel drill the promoted replica may differ between runs (run id order): name it by role. */
function newMasterLabel(port: string, drill: CalibrationDrill): string {
  return drill.kind === "sentinel" && drill.replicas.map(String).includes(port) ? "<a replica>" : port;
}

/** Runs of the same line become one line with a count. */
function collapse(lines: readonly string[]): string[] {
  const out: string[] = [];
  let count = 0;
  for (const [i, line] of lines.entries()) {
    count++;
    if (lines[i + 1] !== line) {
      out.push(count > 1 ? `${line} ×${count}` : line);
      count = 0;
    }
  }
  return out;
}

/** A longest-common-subsequence diff: " " in both, "-" real only, "+" simulated only. */
export function diff(real: readonly string[], sim: readonly string[]): SequenceDiffLine[] {
  const n = real.length;
  const m = sim.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = real[i] === sim[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: SequenceDiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && real[i] === sim[j]) {
      out.push({ mark: " ", text: real[i]! });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push({ mark: "+", text: sim[j++]! });
    } else {
      out.push({ mark: "-", text: real[i++]! });
    }
  }
  return out;
}

const WINNER_EVENTS = new Set(["nodeMarkedFailing", "failMessageReceived", "electionDelayed", "replicaRankUpdated", "electionStarted", "electionWon", "configEpochSetAfterFailover", "clusterStateChanged"]);

/**
 * The cluster events of the replica that won, after the fault; FAIL learnt either way reads the
 * same. An `election delayed` and a `cluster state` change logged in the same millisecond are
 * read state-first, whatever order the log shows: the FAIL that triggers both is handled in one
 * event-loop iteration, the state is updated in beforeSleep (clusterBeforeSleep →
 * clusterUpdateState) and the election scheduled by clusterHandleSlaveFailover, called from both
 * clusterBeforeSleep and clusterCron — which of the two lines comes first depends on whether
 * the cron tick fell in that iteration, an order Redis does not define. Every other order counts.
 */
export function winnerSequence(trial: TrialObservation, drill: CalibrationDrill, victim: string): string {
  const winner = trial.events.find((e) => e.atMs >= 0 && e.event.type === "electionWon")?.node;
  if (winner === undefined) return "(no election won)";
  const events = trial.events.filter((e) => e.node === winner && e.atMs >= 0 && WINNER_EVENTS.has(e.event.type));
  for (let swapped = true; swapped; ) {
    swapped = false;
    for (let i = 0; i + 1 < events.length; i++) {
      const [x, y] = [events[i]!, events[i + 1]!];
      if (x.event.type === "electionDelayed" && y.event.type === "clusterStateChanged" && Math.floor(x.atMs) === Math.floor(y.atMs)) {
        [events[i], events[i + 1]] = [y, x];
        swapped = true;
      }
    }
  }
  const lines = events.map((e) => (e.event.type === "nodeMarkedFailing" || e.event.type === "failMessageReceived" ? `learns ${victim} FAIL` : shape(e, trial, drill)));
  return collapse(lines).join(" → ");
}

/**
 * The winner-sequence rule of both gates: a breach only when the simulator's most common
 * sequence never occurs in a real trial, or when a sequence that a strict majority of the real
 * trials shows never occurs in the simulator. A rare real ordering (one trial in several) is
 * then no breach, and neither is a tie between real sequences; ties are broken by count, then by
 * text, so the verdict does not depend on trial order.
 */
export function winnerSequenceBreaches(real: ReadonlyMap<string, number>, sim: ReadonlyMap<string, number>): string[] {
  const breaches: string[] = [];
  const realTotal = [...real.values()].reduce((a, b) => a + b, 0);
  if (realTotal === 0) return breaches;
  const simTop = mostCommon(sim);
  if (simTop !== undefined && !real.has(simTop)) {
    breaches.push(`the winner's event sequence differs: the simulator's most common one "${simTop}" occurs in none of the ${realTotal} real trials (real: ${describeCounts(real)})`);
  }
  const realTop = mostCommon(real)!;
  if (real.get(realTop)! * 2 > realTotal && !sim.has(realTop)) {
    breaches.push(`the winner's event sequence differs: "${realTop}", shown by ${real.get(realTop)} of ${realTotal} real trials, never occurs in the simulator (simulated: ${describeCounts(sim)})`);
  }
  return breaches;
}

function describeCounts(counts: ReadonlyMap<string, number>): string {
  return [...counts].map(([k, n]) => `${n}× "${k}"`).join(", ");
}

/** The final state as text, one fact a line; equal text = equal state. */
export function finalSignature(final: FinalState, victim: string): string {
  if (final.kind === "cluster") {
    const nodes = final.nodes.map((n) => `${n.port} ${n.role}${n.masterPort === null ? "" : ` of ${n.masterPort}`} configEpoch ${n.configEpoch}${n.slots === "" ? "" : ` slots ${n.slots}`}${n.failed ? " fail" : ""}`);
    const states = [...new Set(Object.values(final.clusterState))].join(",");
    return [...nodes, `cluster_state of every live node: ${states}`, `current epoch ${final.currentEpoch}`].join("\n");
  }
  // Real Sentinel picks between equal replicas by run id, so which port is promoted is chance:
  // both former replicas are named by role, or one outcome would read as two final states.
  const newMaster = Object.entries(final.servers).find(([port, s]) => s.role === "master" && port !== victim)?.[0];
  const label = (port: string | null) => (port === null ? "" : port === victim ? port : port === newMaster ? "<new master>" : "<other replica>");
  const servers = Object.entries(final.servers).map(([port, s]) => `${label(port)} ${s.role}${s.masterPort === null ? "" : ` of ${label(s.masterPort)}`}`);
  const sentinels = Object.entries(final.sentinels).map(([port, s]) => `sentinel ${port}: master ${label(s.masterPort)}, config epoch ${s.configEpoch}`);
  return [...servers.sort(), ...sentinels].join("\n");
}

function countBy(values: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
}

/** The most frequent key; a tie goes to the smallest key by text, so the answer does not depend on insertion order. */
export function mostCommon(counts: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  let n = -1;
  for (const [k, c] of counts) if (c > n || (c === n && best !== undefined && k < best)) [best, n] = [k, c];
  return best;
}

/** For every (process by role, event) pair: the share of trials of each side that showed it after the fault. */
function presenceOf(drill: CalibrationDrill, realTrials: readonly TrialObservation[], simTrials: readonly TrialObservation[]): PresenceRow[] {
  const share = (trials: readonly TrialObservation[]) => {
    const counts = new Map<string, number>();
    for (const t of trials) {
      const roles = roleNames(t, drill);
      const seen = new Set<string>();
      for (const e of t.events) {
        if (e.atMs < 0 || e.event.type === "nodePossiblyFailing") continue;
        seen.add(`${roles.get(e.node) ?? e.node}\u0000${shape(e, t, drill)}`);
      }
      for (const key of seen) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return (key: string) => (trials.length === 0 ? 0 : (counts.get(key) ?? 0) / trials.length);
  };
  const real = share(realTrials);
  const sim = share(simTrials);
  const keys = new Set<string>();
  for (const t of [...realTrials, ...simTrials]) {
    const roles = roleNames(t, drill);
    for (const e of t.events) if (e.atMs >= 0 && e.event.type !== "nodePossiblyFailing") keys.add(`${roles.get(e.node) ?? e.node}\u0000${shape(e, t, drill)}`);
  }
  return [...keys]
    .sort()
    .map((key) => {
      const [process, event] = key.split("\u0000") as [string, string];
      return { process, event, real: real(key), sim: sim(key) };
    });
}
