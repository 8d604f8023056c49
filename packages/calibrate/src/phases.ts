import type { TrialObservation } from "./observation";

/**
 * The phases of CONTRACTS §8, each in whole ms after the measured fault, from the first event
 * that shows it — computed by one function for the real and the simulated trial alike.
 *
 * What a real run can show: 7.0.15 at `loglevel notice` does not log PFAIL (`*** NODE … possibly
 * failing` is debug), so `pfailMs` comes only from the simulator and is not compared. The others
 * are logged lines: FAIL (`Marking node … as failing` or `FAIL message received … about`),
 * `Failover election won` on a replica of the victim, `Cluster state changed: ok`, and the
 * Sentinels' `+sdown` / `+odown` of the master and `+switch-master`.
 */
export const CLUSTER_PHASES = ["failMs", "electionWonMs", "clusterOkMs"] as const;
export const SENTINEL_PHASES = ["sdownMs", "odownMs", "switchMasterMs"] as const;
export type PhaseName = (typeof CLUSTER_PHASES)[number] | (typeof SENTINEL_PHASES)[number] | "pfailMs";

export type Phases = Partial<Record<PhaseName, number>>;

/** The phases of a cluster trial whose measured fault hit `victimPort`. */
export function clusterPhases(trial: TrialObservation, victimPort: string): Phases {
  const victimId = Object.entries(trial.idToPort).find(([, port]) => port === victimPort)?.[0];
  const replicas = Object.entries(trial.pairing)
    .filter(([, master]) => master === victimPort)
    .map(([replica]) => replica);
  const after = trial.events.filter((e) => e.atMs >= 0);
  const first = (pred: (e: (typeof after)[number]) => boolean): number | undefined => {
    const hit = after.find(pred);
    return hit === undefined ? undefined : Math.floor(hit.atMs);
  };
  const out: Phases = {};
  const pfail = first((e) => e.event.type === "nodePossiblyFailing" && e.event.peer === victimId);
  if (pfail !== undefined) out.pfailMs = pfail;
  const fail = first(
    (e) => (e.event.type === "nodeMarkedFailing" && e.event.peer === victimId) || (e.event.type === "failMessageReceived" && e.event.about === victimId),
  );
  if (fail !== undefined) out.failMs = fail;
  const won = after.find((e) => e.event.type === "electionWon" && replicas.includes(e.node));
  if (won !== undefined) {
    out.electionWonMs = Math.floor(won.atMs);
    const ok = firstAllOk(trial, victimPort, won.atMs);
    if (ok !== undefined) out.clusterOkMs = ok;
  }
  return out;
}

/**
 * The first instant at or after `fromMs` at which every live server believes `cluster_state ok`,
 * replayed from the `Cluster state changed` events of the whole log (a node not heard from yet
 * counts as ok, as a formed cluster is; the victim does not count after the fault).
 */
function firstAllOk(trial: TrialObservation, victimPort: string, fromMs: number): number | undefined {
  const state = new Map<string, string>();
  for (const e of trial.events) {
    if (e.event.type === "clusterStateChanged") state.set(e.node, e.event.state);
    if (e.atMs < fromMs) continue;
    const live = [...state.entries()].filter(([node]) => node !== victimPort);
    if (live.every(([, s]) => s === "ok")) return Math.floor(e.atMs);
  }
  return undefined;
}

/** The phases of a Sentinel trial: the first Sentinel to log each, about the master. */
export function sentinelPhases(trial: TrialObservation): Phases {
  const out: Phases = {};
  const after = trial.events.filter((e) => e.atMs >= 0);
  const sdown = after.find((e) => e.event.type === "sdown" && e.event.instance.kind === "master");
  const odown = after.find((e) => e.event.type === "odown" && e.event.instance.kind === "master");
  const sw = after.find((e) => e.event.type === "switchMaster");
  if (sdown !== undefined) out.sdownMs = Math.floor(sdown.atMs);
  if (odown !== undefined) out.odownMs = Math.floor(odown.atMs);
  if (sw !== undefined) out.switchMasterMs = Math.floor(sw.atMs);
  return out;
}
