import type { ProcessId } from "../process/model";

/**
 * The one fault vocabulary (CONTRACTS §4), shared by the TypeScript builder, scenario files,
 * fuzz arbitraries, the trace and the calibration driver. Faults are plain data; the
 * Simulation applies them at their scheduled instant.
 */
export type PartitionGroup = readonly ProcessId[] | "rest";

export type Fault =
  /** `kill -9`: the process dies at once; only what its model persists survives. */
  | { readonly type: "kill"; readonly node: ProcessId }
  /** `SHUTDOWN`: the model is asked to stop and decides when it exits. */
  | { readonly type: "shutdown"; readonly node: ProcessId }
  /** SIGSTOP / `docker pause`: nothing runs; inbound bytes wait in the socket. */
  | { readonly type: "pause"; readonly node: ProcessId }
  /** SIGCONT / `docker unpause`. */
  | { readonly type: "resume"; readonly node: ProcessId }
  /** Start again from what the process persisted (a live process is killed first). */
  | { readonly type: "restart"; readonly node: ProcessId }
  /**
   * Firewall rules between groups. `"rest"` stands for every process not named in another group.
   * With `oneWay`, there are exactly two groups and only groups[0] → groups[1] is cut.
   */
  | {
      readonly type: "partition";
      readonly name?: string;
      readonly groups: readonly PartitionGroup[];
      readonly oneWay?: boolean;
    }
  /** Remove one named partition, or all of them. */
  | { readonly type: "heal"; readonly name?: string }
  /** `tc netem delay`: extra one-way latency on from → to (0 removes it). */
  | { readonly type: "delay"; readonly from: ProcessId; readonly to: ProcessId; readonly extraMs: number }
  /** `tc netem loss` on from → to; TCP retransmits, so a lost packet arrives late, not never. */
  | { readonly type: "loss"; readonly from: ProcessId; readonly to: ProcessId; readonly rate: number }
  /** Bytes from → to wait in the socket until `unclog`, then all arrive in order. */
  | { readonly type: "clog"; readonly from: ProcessId; readonly to: ProcessId }
  | { readonly type: "unclog"; readonly from: ProcessId; readonly to: ProcessId }
  /** Catch messages in flight that match, until `release` of the same name. */
  | {
      readonly type: "hold";
      readonly name: string;
      readonly from?: ProcessId;
      readonly to?: ProcessId;
      readonly kinds?: readonly string[];
    }
  | { readonly type: "release"; readonly name: string }
  /** The process's wall clock jumps; simulated time never does. */
  | { readonly type: "clockJump"; readonly node: ProcessId; readonly deltaMs: number };

export type FaultType = Fault["type"];

export const FAULT_TYPES: readonly FaultType[] = [
  "kill",
  "shutdown",
  "pause",
  "resume",
  "restart",
  "partition",
  "heal",
  "delay",
  "loss",
  "clog",
  "unclog",
  "hold",
  "release",
  "clockJump",
];

/** A fault at an instant of simulated time, in microseconds from the start of the run. */
export interface ScheduledFault {
  readonly atUs: number;
  readonly fault: Fault;
}

export type FaultSchedule = readonly ScheduledFault[];
