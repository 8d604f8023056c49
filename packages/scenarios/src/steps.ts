import type { Fault, TraceEventType } from "@failover-lab/sim-core";

/**
 * A scenario is a topology plus steps (CONTRACTS §5): `Step = Fault | Command | Wait | Expect`.
 * Faults are sim-core's own vocabulary; the rest is the scenario language's.
 */

/** `redis-cli -c -p PORT ARGV…`: one command, following MOVED like redis-cli does. */
export interface CliCommand {
  readonly type: "cli";
  readonly port: number;
  readonly argv: readonly string[];
}

/** `redis-cli --cluster check 127.0.0.1:PORT`. */
export interface CheckCommand {
  readonly type: "check";
  readonly port: number;
}

export type Command = CliCommand | CheckCommand;

export interface WaitStep {
  readonly type: "wait";
  readonly ms: number;
}

/** Something that can be true of the run at an instant. */
export type Condition =
  | { readonly kind: "role"; readonly port: number; readonly role: "master" | "replica" }
  | { readonly kind: "clusterState"; readonly port: number; readonly state: "ok" | "fail" }
  | { readonly kind: "event"; readonly port: number; readonly event: TraceEventType };

/** Run until the condition holds, failing the step if it does not within the time given. */
export interface UntilStep {
  readonly type: "until";
  readonly condition: Condition;
  readonly withinMs: number;
}

export type Wait = WaitStep | UntilStep;

export type Expectation =
  | { readonly kind: "condition"; readonly condition: Condition }
  /** The last `check` of this port printed exactly this line. */
  | { readonly kind: "checkLine"; readonly port: number; readonly line: string }
  /** The last `cli` step's reply, as redis-cli prints it. */
  | { readonly kind: "cliReply"; readonly text: string };

export interface ExpectStep {
  readonly type: "expect";
  readonly expectation: Expectation;
}

export type Step = Fault | Command | Wait | ExpectStep;

export interface ClusterTopology {
  readonly kind: "cluster";
  /** In `--cluster create` argument order: masters first. */
  readonly ports: readonly number[];
  readonly replicasPerMaster: number;
  /** Replica port → master port, pinned as the drill needs it. */
  readonly pairing?: Readonly<Record<number, number>>;
}

export interface Scenario {
  readonly name: string;
  readonly title: string;
  /** What to watch for, for a learner. */
  readonly narrative: string;
  readonly topology: ClusterTopology;
  /** Redis options (Redis's own names) for every server. */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly steps: readonly { readonly step: Step; readonly note?: string }[];
}
