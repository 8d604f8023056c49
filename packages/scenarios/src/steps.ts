import type { Fault, TraceEventType } from "@failover-lab/sim-core";
import type { PropertyName } from "@failover-lab/sim-core/check";

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

/**
 * `redis-cli --cluster ARGV…` for the commands that change the cluster: `add-node NEW EXISTING
 * [--cluster-slave [--cluster-master-id ID]]`, `reshard HOST:PORT --cluster-from IDS
 * --cluster-to ID --cluster-slots N --cluster-yes`, `del-node HOST:PORT ID` (sim-core's cluster
 * admin client). `{id:PORT}` in an argument stands for that node's id in this run. The step
 * waits for the command to end; its output lines are what `cliLine` expectations read.
 */
export interface AdminCommand {
  readonly type: "admin";
  readonly argv: readonly string[];
}

export type Command = CliCommand | CheckCommand | AdminCommand;

export interface WaitStep {
  readonly type: "wait";
  readonly ms: number;
}

/** Something that can be true of the run at an instant. */
export type Condition =
  /** A server's role: a cluster node's flags, or a standalone server's `INFO replication` role. */
  | { readonly kind: "role"; readonly port: number; readonly role: "master" | "replica" }
  | { readonly kind: "clusterState"; readonly port: number; readonly state: "ok" | "fail" }
  /** The Sentinel at `sentinel` names `master` (`SENTINEL get-master-addr-by-name`). */
  | { readonly kind: "sentinelMaster"; readonly sentinel: number; readonly master: number }
  /**
   * A Sentinel (any, or the one given) published this event — its `+event` line as the pub/sub
   * payload and the log show it, e.g. `+odown master mymaster 127.0.0.1 6400 #quorum 3/2`; with
   * `prefix`, an event starting with it. `until` looks from the step on; `expect` at the whole run.
   */
  | { readonly kind: "sentinelEvent"; readonly line: string; readonly sentinel?: number; readonly prefix?: boolean }
  /** The process emitted this trace event; with `where`, one whose fields have these values (e.g. `{ rank: 0 }`). */
  | { readonly kind: "event"; readonly port: number; readonly event: TraceEventType; readonly where?: Readonly<Record<string, string | number | boolean>> };

/**
 * Run until the condition holds, failing the step if it does not within the time given. An
 * `event` or `sentinelEvent` condition counts events from the last fault or command step on
 * (from the first step when there was none).
 */
export interface UntilStep {
  readonly type: "until";
  readonly condition: Condition;
  readonly withinMs: number;
}

export type Wait = WaitStep | UntilStep;

/** A figure of the client workloads' `writes` (CONTRACTS §8), summed over every client. */
export type WritesMeasure = "acked" | "lost" | "outageMs" | "longestGapMs";

export type Expectation =
  | { readonly kind: "condition"; readonly condition: Condition }
  /** `writes.<measure>` so far is within the bounds given (either may be left out). */
  | { readonly kind: "writes"; readonly measure: WritesMeasure; readonly atLeast?: number; readonly atMost?: number }
  /**
   * A workload client has seen this error: an error reply's first word (`CLUSTERDOWN`,
   * `READONLY`, …) or what its connection did (`connectionRefused`, `connectionClosed`, `timeout`).
   */
  | { readonly kind: "clientError"; readonly error: string }
  /** A checker's property (sim-core/check) holds for the run so far: how a fuzz finding replays. */
  | { readonly kind: "property"; readonly property: PropertyName }
  /** The last `check` of this port printed exactly this line. */
  | { readonly kind: "checkLine"; readonly port: number; readonly line: string }
  /** The last `cli` step's reply, as redis-cli prints it. */
  | { readonly kind: "cliReply"; readonly text: string }
  /**
   * The last `cli` (or `admin`) step printed this line (or, with `prefix`, a line starting with
   * it), e.g. `role:slave` of INFO replication; with `absent`, it printed no such line.
   */
  | { readonly kind: "cliLine"; readonly line: string; readonly prefix?: boolean; readonly absent?: boolean };

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
  /** Cluster-enabled servers started alone, outside the created cluster (for `add-node`). */
  readonly extraPorts?: readonly number[];
}

/**
 * One master, its replicas, and the Sentinels that watch it (`sentinel monitor mymaster
 * 127.0.0.1 <master> <quorum>`). Scenario `config` applies to the servers, `sentinelConfig` to
 * the Sentinels.
 */
export interface SentinelGroupTopology {
  readonly kind: "sentinel";
  readonly master: number;
  readonly replicas: readonly number[];
  readonly sentinels: readonly number[];
  readonly quorum: number;
  readonly sentinelConfig?: Readonly<Partial<Record<"down-after-milliseconds" | "failover-timeout" | "parallel-syncs", number>>>;
  /** Per-server Redis options (e.g. a replica's `replica-priority`). */
  readonly configByPort?: Readonly<Record<number, Readonly<Record<string, unknown>>>>;
}

export type Topology = ClusterTopology | SentinelGroupTopology;

/**
 * A client workload, started by the runner as `client-1`, `client-2`, … (in the order given)
 * once the topology has settled. Times are ms after the first step.
 */
export type Workload = ClusterWriterWorkload | SentinelClientWorkload;

/** sim-core's cluster writer: a smart client writing `SET <keyPrefix><n> <n>` at a steady rate. */
export interface ClusterWriterWorkload {
  readonly kind: "clusterWriter";
  readonly writesPerSecond: number;
  readonly keyPrefix?: string;
  /** Ports it learns the cluster from (default: the topology's first port). */
  readonly seeds?: readonly number[];
  readonly startAtMs?: number;
  readonly requestTimeoutMs?: number;
}

/** sim-core's Sentinel client (the first Sentinel article's Jedis loop): asks the Sentinels for the master, writes every `writeIntervalMs`. */
export interface SentinelClientWorkload {
  readonly kind: "sentinelClient";
  /** Sentinel ports, asked in this order (default: every Sentinel of the topology). */
  readonly sentinels?: readonly number[];
  readonly writeIntervalMs?: number;
  readonly retryWaitMs?: number;
  readonly requestTimeoutMs?: number;
  readonly keyPrefix?: string;
  readonly startAtMs?: number;
  readonly stopAtMs?: number;
}

export interface Scenario {
  readonly name: string;
  readonly title: string;
  /** What to watch for, for a learner. */
  readonly narrative: string;
  readonly topology: Topology;
  /** Redis options (Redis's own names) for every server (not the Sentinels). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Client workloads: one, or several (`client-1`, `client-2`, … in order). */
  readonly workload?: Workload | readonly Workload[];
  readonly steps: readonly { readonly step: Step; readonly note?: string }[];
}
