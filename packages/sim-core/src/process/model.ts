import type { Micros } from "../kernel/time";
import type { RandomStream } from "../rng/streams";
import type { TraceEvent } from "../trace/events";

/** Every process is named by its port ("7001", "26400") or by its role ("client-1"). */
export type ProcessId = string;

/** A TCP-like connection's handle; opaque, and never reused for another connection. */
export type ConnId = number;

/** What travels on a connection. `type` names the kind, as hold filters and messages.jsonl see it. */
export interface Message {
  readonly type: string;
}

/**
 * Everything a process model is told. The kernel delivers these one at a time; a paused process
 * receives the ones that arrived while it was stopped when it resumes.
 */
export type ProcessEvent<M extends Message = Message> =
  /** The process was started, for the first time or after a restart. */
  | { readonly type: "start"; readonly restarted: boolean }
  | { readonly type: "timer"; readonly name: string }
  /** An outbound connection this process opened is established. */
  | { readonly type: "connected"; readonly conn: ConnId; readonly peer: ProcessId; readonly channel: string }
  /** Nobody listened at the peer (a dead process): the connect was refused. */
  | {
      readonly type: "connectFailed";
      readonly conn: ConnId;
      readonly peer: ProcessId;
      readonly channel: string;
      readonly reason: "refused";
    }
  /** A peer opened a connection to this process. */
  | { readonly type: "accepted"; readonly conn: ConnId; readonly peer: ProcessId; readonly channel: string }
  | { readonly type: "message"; readonly conn: ConnId; readonly from: ProcessId; readonly message: M }
  /** The peer closed its end (`eof`) or its host answered with a reset (`reset`). */
  | { readonly type: "closed"; readonly conn: ConnId; readonly peer: ProcessId; readonly reason: "eof" | "reset" }
  /** A graceful stop was asked for; the model calls `ctx.exit()` when it is done. */
  | { readonly type: "shutdown" };

export type ProcessEventType = ProcessEvent["type"];

/** What a handler may read and do. Effects take place in call order. */
export interface Ctx<M extends Message = Message> {
  readonly self: ProcessId;
  readonly nowUs: Micros;
  /** 0 for the first start, n after the n-th restart. */
  readonly incarnation: number;
  /** This process's wall clock in ms since the Unix epoch (moved by `clockJump`). */
  wallMs(): number;
  /** This process's stream of that name; streams continue across restarts. */
  rng(name: string): RandomStream;
  /** Opens a connection; the answer comes as a `connected` or `connectFailed` event. */
  connect(peer: ProcessId, channel: string): ConnId;
  send(conn: ConnId, message: M): void;
  close(conn: ConnId): void;
  /** Arms (or re-arms) the timer of that name to fire `afterUs` from now. */
  setTimer(name: string, afterUs: Micros): void;
  cancelTimer(name: string): void;
  emit(event: TraceEvent): void;
  /** Ends the process once this handler returns (a graceful exit). */
  exit(): void;
}

/** What `init` and `restore` may use: no sends or timers before the process has started. */
export interface BootCtx {
  readonly self: ProcessId;
  readonly nowUs: Micros;
  readonly incarnation: number;
  /** This process's wall clock in ms since the Unix epoch. */
  wallMs(): number;
  rng(name: string): RandomStream;
}

/**
 * A kind of process (a Redis cluster node, a Sentinel, a client). Its state is a plain object
 * that `handle` changes in place: the kernel runs it directly in fast mode and under immer's
 * `produce` in trace mode, so the handler must not keep references to the state or put them
 * into messages.
 *
 * What survives a crash or an exit is what `persist` returns: nothing else carries over to
 * `restore`. A model that persists nothing returns `undefined`.
 */
export interface ProcessModel<S extends object, M extends Message = Message, P = unknown> {
  readonly kind: string;
  init(ctx: BootCtx): S;
  persist(state: S, how: "crash" | "exit"): P;
  restore(persisted: P, ctx: BootCtx): S;
  handle(state: S, event: ProcessEvent<M>, ctx: Ctx<M>): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProcessModel = ProcessModel<any, any, any>;
