import type { ProcessStatus } from "../kernel/simulation";
import type { ProcessId } from "../process/model";
import type { TraceRecord } from "../trace/events";

/**
 * What the checkers read and what they report. A checker looks at a finished run — its trace
 * and every process's final state — and returns findings; it never changes the run.
 */

/**
 * `violation`: the simulator broke a rule Redis keeps (a bug to fix here).
 * `redisBehaviour`: real Redis 7.0.15 does this too (e.g. acknowledged writes lost to
 * asynchronous replication): worth knowing, not a simulator error.
 */
export type FindingKind = "violation" | "redisBehaviour";

/**
 * Every property the checkers know, by the name `fuzz --property` and scenario files use.
 * `invariant` is the simulator's own assertions (kernel/assert): a run that threw broke it; a
 * run that finished kept it, so its checker finds nothing.
 */
export const PROPERTY_NAMES = [
  "oneWinnerPerEpoch",
  "oneVotePerEpoch",
  "slotOwnerEpochUnique",
  "sentinelOnePromotionPerEpoch",
  "liveness",
  "durability",
  "invariant",
] as const;

export type PropertyName = (typeof PROPERTY_NAMES)[number];

export function isPropertyName(name: string): name is PropertyName {
  return (PROPERTY_NAMES as readonly string[]).includes(name);
}

export interface Finding {
  readonly property: PropertyName;
  readonly kind: FindingKind;
  /** One line a person can act on: who, what, when. */
  readonly message: string;
  /** Simulated ms at which it was seen (the offending event, or the end of the run). */
  readonly atMs: number;
}

/**
 * The run as the checkers see it. A `Simulation` is one; so is anything that can answer the
 * same questions (a run rebuilt from a trace, for instance).
 */
export interface RunView {
  readonly trace: readonly TraceRecord[];
  readonly nowUs: number;
  processIds(): ProcessId[];
  status(pid: ProcessId): ProcessStatus;
  state<S = unknown>(pid: ProcessId): Readonly<S>;
}

export const msOf = (atUs: number): number => Math.floor(atUs / 1000);
