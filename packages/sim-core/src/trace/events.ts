import type { Fault } from "../kernel/faults";
import type { ClusterEvent } from "../cluster/events";
import type { ReplicationEvent } from "../replication/events";
import type { ServerEvent } from "../server/events";
import type { ClientEvent, SentinelClientEvent } from "../client/events";
import type { SentinelEvent } from "../sentinel/events";

/**
 * The semantic events of a run: one discriminated union that the kernel starts and each model
 * extends. Report, scenarios and calibration read only this union. Events carry facts
 * (numbers, ids), never formatted text: turning them into Redis log lines is the report's job.
 */

/** Process lifecycle, written by the kernel itself. */
export type ProcessLifecycleEvent =
  | { readonly type: "processStarted"; readonly incarnation: number; readonly restarted: boolean }
  | { readonly type: "processCrashed" }
  | { readonly type: "processExited" }
  | { readonly type: "processPaused" }
  /** `queuedEvents` arrived while paused and are handled now; `overdueTimers` fire now too. */
  | { readonly type: "processResumed"; readonly queuedEvents: number; readonly overdueTimers: number }
  | { readonly type: "clockJumped"; readonly deltaMs: number };

/** Faults as they take effect; written on the node they hit, or on "net" for network faults. */
export type FaultEvent =
  | { readonly type: "faultApplied"; readonly fault: Fault }
  /** The fault could not apply (e.g. resume of a process that is not paused); nothing changed. */
  | { readonly type: "faultSkipped"; readonly fault: Fault; readonly reason: string };

/** The heartbeat demo model (models/heartbeat.ts), a small failure detector. */
export type HeartbeatEvent =
  | { readonly type: "peerSuspected"; readonly peer: string; readonly silentMs: number }
  | { readonly type: "peerRecovered"; readonly peer: string; readonly silentMs: number };

export type TraceEvent = ProcessLifecycleEvent | FaultEvent | HeartbeatEvent | ServerEvent | ClusterEvent | ReplicationEvent | ClientEvent | SentinelEvent | SentinelClientEvent;

export type TraceEventType = TraceEvent["type"];

/** The node name of events that belong to the network rather than one process. */
export const NET_NODE = "net";

/** One line of trace.jsonl: when (simulated µs), where, and what. */
export type TraceRecord = { readonly atUs: number; readonly node: string } & TraceEvent;

/** The first line of trace.jsonl (CONTRACTS §8). */
export interface TraceHeader {
  readonly schemaVersion: 1;
  readonly scenario: string;
  readonly seed: string;
  readonly sim: string;
}

export const TRACE_SCHEMA_VERSION = 1;
