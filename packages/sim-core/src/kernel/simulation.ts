import type { Patch } from "immer";
import { InvariantError, assert, unreachable } from "./assert";
import { Agenda, type Scheduled } from "./event-queue";
import type { Fault, FaultSchedule } from "./faults";
import { faultProblems } from "./fault-validation";
import { ZERO_US, WALL_CLOCK_EPOCH_MS, us, type Micros } from "./time";
import { DEFAULT_NETWORK_OPTIONS, Network, type Connection, type Direction, type MessageFate, type NetEndpoint, type NetworkOptions, type Packet } from "../net/network";
import type { AnyProcessModel, BootCtx, ConnId, Ctx, Message, ProcessEvent, ProcessId } from "../process/model";
import { RandomStream, Seeds } from "../rng/streams";
import { NET_NODE, TRACE_SCHEMA_VERSION, type TraceEvent, type TraceHeader, type TraceRecord } from "../trace/events";
import { TraceHasher, traceLine, traceRecord } from "../trace/format";
import { PatchRecorder, isRecordedProxy, snapshot } from "../trace/patch-recorder";

/** The simulator's version, written into every trace header. */
export const SIM_VERSION = "0.1.0";

/**
 * fast: handlers change state objects in place (sweeps, benchmarks).
 * trace: handlers change them in place too, through proxies that record every change as an immer
 * patch (trace/patch-recorder.ts), and every message's fate is logged. Both modes give the same
 * trace, byte for byte.
 */
export type SimulationMode = "fast" | "trace";

export interface SimulationOptions {
  readonly seed: string | number;
  readonly mode?: SimulationMode;
  /** The scenario's name, for the trace header. */
  readonly scenario?: string;
  readonly network?: Partial<NetworkOptions>;
  /** Receives each trace.jsonl line as it is produced, the header first. */
  readonly onTraceLine?: (line: string) => void;
}

export type ProcessStatus = "new" | "running" | "paused" | "crashed" | "exited";

/** messages.jsonl, one line per fate of a message (trace mode). */
export interface MessageRecord {
  /** When this fate happened. */
  readonly atUs: number;
  /** When the message was sent (the tail of its arrow in the report). */
  readonly sentUs: number;
  readonly id: number;
  readonly from: ProcessId;
  readonly to: ProcessId;
  readonly kind: string;
  readonly fate: MessageFate;
  /** Retransmissions it needed, when a lossy link made it need any. */
  readonly retransmits?: number;
}

/** patches.jsonl after its first line: the changes one handled event made (trace mode). */
export interface PatchRecord {
  /** The number of the handled event, counting from 1. */
  readonly seq: number;
  readonly atUs: number;
  readonly node: ProcessId;
  readonly patches: readonly Patch[];
}

/** Raised when a handler or an invariant fails: says where, when, and how to replay. */
export class SimulationError extends Error {
  override readonly name = "SimulationError";
  constructor(
    message: string,
    readonly seed: string,
    readonly atUs: number,
    readonly node: string | null,
    readonly traceHash: string,
    options?: { cause?: unknown },
  ) {
    super(`${message}\n  at ${atUs} µs${node === null ? "" : ` on ${node}`}; seed ${seed}; trace hash so far ${traceHash}`, options);
  }
}

// Kinds of agenda entries. Plain numbers keep the hot loop's switch cheap.
const TIMER = 0;
const ARRIVAL = 1;
const FAULT = 2;
const START = 3;

/**
 * One agenda entry. Entries are reused where the kernel can prove the old one has left the
 * agenda (a direction has at most one pending arrival; a timer slot reuses its entry once it has
 * fired), which keeps the hot loop from allocating.
 */
class Entry implements Scheduled {
  atUs = ZERO_US;
  seq = 0;
  /** It is in the agenda now. */
  queued = false;
  /** For timers: the slot's token when this entry was armed. */
  token = 0;
  constructor(
    readonly kind: number,
    readonly proc: ProcessRecord | null,
    readonly dir: Direction | null,
    readonly slot: TimerSlot | null,
    readonly fault: Fault | null,
  ) {}
}

/** A named timer of one process. `token` 0 means disarmed; each arming takes a fresh token. */
class TimerSlot {
  token = 0;
  entry: Entry | null = null;
  readonly event: ProcessEvent;
  constructor(readonly name: string) {
    this.event = { type: "timer", name };
  }
}

/** The kernel's bookkeeping for one process; the model's state is `state`. */
class ProcessRecord implements NetEndpoint {
  status: ProcessStatus = "new";
  state: object = {};
  incarnation = 0;
  readonly timers = new Map<string, TimerSlot>();
  /** The slot last armed, looked at before the Map (most processes re-arm one timer). */
  lastTimer: TimerSlot | null = null;
  /** Events that reached the process while it was paused, in arrival order. */
  inbox: ProcessEvent[] = [];
  /** Timers that came due while it was paused: [slot, token], in due order. */
  overdue: [TimerSlot, number][] = [];
  wallOffsetMs = 0;
  hasPersisted = false;
  persisted: unknown = undefined;
  exitRequested = false;
  readonly streams = new Map<string, RandomStream>();
  /**
   * Its open connections by id, in the order they opened (a crash closes them in that order).
   * Keyed by the numeric id: hashing a number is cheap, while a Set of objects must give each
   * Connection an identity hash — a million of them in a 1000-node cluster.
   */
  readonly conns = new Map<ConnId, Connection>();
  ctx!: ProcessCtx;
  constructor(
    readonly id: ProcessId,
    readonly model: AnyProcessModel,
  ) {}
}

/** The `ctx` handed to a process's handler; one per process, reused for every event. */
class ProcessCtx implements Ctx<Message>, BootCtx {
  private lastStream: { readonly name: string; readonly stream: RandomStream } | null = null;
  constructor(
    private readonly sim: Simulation,
    private readonly proc: ProcessRecord,
  ) {}
  get self(): ProcessId {
    return this.proc.id;
  }
  get nowUs(): Micros {
    return this.sim.nowUs;
  }
  get incarnation(): number {
    return this.proc.incarnation;
  }
  wallMs(): number {
    return WALL_CLOCK_EPOCH_MS + Math.floor(this.sim.nowUs / 1000) + this.proc.wallOffsetMs;
  }
  rng(name: string): RandomStream {
    // Most handlers draw from one or two streams: remember the last one before asking the Map.
    const last = this.lastStream;
    if (last !== null && last.name === name) return last.stream;
    let stream = this.proc.streams.get(name);
    if (stream === undefined) {
      stream = this.sim.stream(`node/${this.proc.id}/${name}`);
      this.proc.streams.set(name, stream);
    }
    this.lastStream = { name, stream };
    return stream;
  }
  connect(peer: ProcessId, channel: string): ConnId {
    return this.sim.connectFrom(this.proc, peer, channel);
  }
  send(conn: ConnId, message: Message): void {
    this.sim.sendFrom(this.proc, conn, message);
  }
  close(conn: ConnId): void {
    this.sim.closeFrom(this.proc, conn);
  }
  setTimer(name: string, afterUs: Micros): void {
    this.sim.setTimerOf(this.proc, name, afterUs);
  }
  cancelTimer(name: string): void {
    const slot = this.proc.timers.get(name);
    if (slot !== undefined) slot.token = 0;
  }
  emit(event: TraceEvent): void {
    this.sim.emitFrom(this.proc, event);
  }
  exit(): void {
    this.proc.exitRequested = true;
  }
}

/**
 * The discrete-event kernel. One run is a pure function of the seed, the processes added, and
 * the faults scheduled: the agenda is ordered by (time, insertion sequence), all randomness comes
 * from named seeded streams, and nothing reads the host's clock.
 */
export class Simulation {
  readonly seed: string;
  readonly mode: SimulationMode;
  readonly scenario: string;
  /** Every trace record so far, in order. */
  readonly trace: TraceRecord[] = [];
  /** Trace mode only: every message fate and every state change. */
  readonly messageLog: MessageRecord[] = [];
  readonly patchLog: PatchRecord[] = [];
  /** Trace mode: each process's state when first booted (in boot order), and the copies made so far. */
  private readonly initialRoots = new Map<ProcessId, object>();
  private readonly initialCopies = new Map<ProcessId, unknown>();

  private now: Micros = ZERO_US;
  private readonly agenda = new Agenda<Entry>();
  private readonly processes = new Map<ProcessId, ProcessRecord>();
  private readonly seeds: Seeds;
  private readonly network: Network;
  private readonly hasher = new TraceHasher();
  private readonly onTraceLine: ((line: string) => void) | undefined;
  /** Trace mode: records each handler's changes. */
  private readonly recorder: PatchRecorder | null;
  private nextTimerToken = 1;
  private handled = 0;
  /** The process whose handler is running, for error messages. */
  private current: ProcessRecord | null = null;

  constructor(options: SimulationOptions) {
    this.seed = String(options.seed);
    this.mode = options.mode ?? "fast";
    this.scenario = options.scenario ?? "";
    this.seeds = new Seeds(this.seed);
    this.onTraceLine = options.onTraceLine;
    this.recorder = this.mode === "trace" ? new PatchRecorder() : null;
    this.network = new Network(
      {
        now: () => this.now,
        scheduleArrival: (dir, atUs) => {
          let entry = dir.agendaEntry as Entry | null;
          if (entry === null) dir.agendaEntry = entry = new Entry(ARRIVAL, null, dir, null, null);
          entry.atUs = atUs as Micros;
          this.enqueue(entry);
        },
        isListening: (end) => {
          const status = (end as ProcessRecord).status;
          return status === "running" || status === "paused";
        },
        deliver: (end, event) => this.deliver(end as ProcessRecord, event),
        trackConnection: (end, conn, open) => {
          const proc = end as ProcessRecord;
          if (open) proc.conns.set(conn.id, conn);
          else proc.conns.delete(conn.id);
        },
        stream: (path) => this.stream(path),
        recordMessage: this.mode === "trace" ? (dir, packet, fate) => this.recordMessage(dir, packet, fate) : null,
      },
      { ...DEFAULT_NETWORK_OPTIONS, ...options.network },
    );
    const header: TraceHeader = { schemaVersion: TRACE_SCHEMA_VERSION, scenario: this.scenario, seed: this.seed, sim: SIM_VERSION };
    this.writeLine(traceLine(header));
  }

  // ---- reading the run ----------------------------------------------------------------------

  get nowUs(): Micros {
    return this.now;
  }

  /**
   * Trace mode only: each process's state when it was first booted, for patches.jsonl's first
   * line (a copy, rebuilt on first request from what the recorder kept: see PatchRecorder.before).
   */
  get initialStates(): Readonly<Record<ProcessId, unknown>> {
    const states: Record<ProcessId, unknown> = {};
    for (const pid of this.initialRoots.keys()) states[pid] = this.initialStateOf(pid);
    return states;
  }

  /** Trace mode only: one process's state when it was first booted, without copying the others'. */
  initialStateOf(pid: ProcessId): unknown {
    let copy = this.initialCopies.get(pid);
    if (copy === undefined) {
      const root = this.initialRoots.get(pid);
      if (root === undefined || this.recorder === null) return undefined;
      this.initialCopies.set(pid, (copy = this.recorder.initialCopy(root)));
    }
    return copy;
  }

  /** Handler invocations so far: the unit of the kernel's throughput. */
  get eventsHandled(): number {
    return this.handled;
  }

  /** SHA-256 of trace.jsonl as it stands. */
  traceHash(): string {
    return this.hasher.hex();
  }

  processIds(): ProcessId[] {
    return [...this.processes.keys()];
  }

  hasProcess(pid: ProcessId): boolean {
    return this.processes.has(pid);
  }

  status(pid: ProcessId): ProcessStatus {
    return this.record(pid).status;
  }

  /** The process's current state (its last state, once it is down). Do not change it. */
  state<S = unknown>(pid: ProcessId): Readonly<S> {
    return this.record(pid).state as S;
  }

  /** What the process's model persisted when it last went down, if it has. */
  persisted(pid: ProcessId): unknown {
    return this.record(pid).persisted;
  }

  openConnections(): number {
    return this.network.openConnections();
  }

  /** A named stream of this run's seed; the same path always gives the same draws. */
  stream(path: string): RandomStream {
    return this.seeds.stream(path);
  }

  // ---- building the run ---------------------------------------------------------------------

  /** Adds a process that boots at `startAtUs` (now, by default). */
  addProcess(pid: ProcessId, model: AnyProcessModel, options: { startAtUs?: Micros } = {}): void {
    assert(!this.processes.has(pid), `process ${pid} was added twice`);
    assert(pid !== NET_NODE, `"${NET_NODE}" names the network and cannot be a process`);
    const proc = new ProcessRecord(pid, model);
    proc.ctx = new ProcessCtx(this, proc);
    this.processes.set(pid, proc);
    const at = options.startAtUs ?? this.now;
    assert(at >= this.now, `process ${pid} cannot start in the past (${at} < ${this.now})`);
    this.enqueue(this.entryAt(at, new Entry(START, proc, null, null, null)));
  }

  /**
   * Opens a connection from `from` to `to` that stands for one that existed before the run
   * began — a formed cluster's bus links: both ends are open and established at once, and no
   * packet or event marks its opening. Only between processes added but not started yet; each
   * model must be told the returned id (see cluster/create.ts).
   */
  preconnect(from: ProcessId, to: ProcessId, channel: string): ConnId {
    const a = this.record(from);
    const b = this.record(to);
    assert(a.status === "new" && b.status === "new", () => `preconnect ${from} → ${to}: both processes must be added and not started yet`);
    return this.network.connectEstablished(a, b, channel);
  }

  /** Puts a fault on the agenda. A malformed fault is refused here, with what is wrong. */
  schedule(fault: Fault, atUs: Micros): void {
    const problems = faultProblems(fault, (pid) => this.processes.has(pid));
    if (problems.length > 0) throw new RangeError(`bad fault ${JSON.stringify(fault)}: ${problems.join("; ")}`);
    assert(atUs >= this.now, `a fault cannot be scheduled in the past (${atUs} < ${this.now})`);
    this.enqueue(this.entryAt(atUs, new Entry(FAULT, null, null, null, fault)));
  }

  scheduleAll(schedule: FaultSchedule): void {
    for (const { atUs, fault } of schedule) this.schedule(fault, us(atUs));
  }

  /** Applies a fault now, before anything else due at this instant that is not yet handled. */
  apply(fault: Fault): void {
    const problems = faultProblems(fault, (pid) => this.processes.has(pid));
    if (problems.length > 0) throw new RangeError(`bad fault ${JSON.stringify(fault)}: ${problems.join("; ")}`);
    try {
      this.applyFault(fault);
    } catch (error) {
      throw this.failure(error, null);
    }
  }

  // ---- running ------------------------------------------------------------------------------

  /** Handles the next entry on the agenda. Returns false when nothing is left to do. */
  step(): boolean {
    const entry = this.agenda.pop();
    if (entry === undefined) return false;
    try {
      this.dispatch(entry);
    } catch (error) {
      throw this.failure(error, entry.proc);
    }
    return true;
  }

  /** Runs every entry due at or before `limitUs`, then sets the clock to `limitUs`. */
  runUntil(limitUs: Micros): void;
  /** Runs until `done()` holds (checked after each entry) or the clock would pass `limitUs`. */
  runUntil(done: () => boolean, limitUs: Micros): boolean;
  runUntil(arg: Micros | (() => boolean), limitUs?: Micros): boolean | void {
    if (typeof arg === "number") {
      this.runTo(arg, null);
      return;
    }
    assert(limitUs !== undefined, "runUntil(predicate) needs a time limit");
    return this.runTo(limitUs, arg);
  }

  runFor(durationUs: Micros): void {
    this.runTo(us(this.now + durationUs), null);
  }

  private runTo(limitUs: Micros, done: (() => boolean) | null): boolean {
    assert(limitUs >= this.now, `cannot run back to ${limitUs} µs from ${this.now} µs`);
    if (done !== null && done()) return true;
    const agenda = this.agenda;
    let entry: Entry | undefined;
    try {
      for (;;) {
        entry = agenda.peek();
        if (entry === undefined || entry.atUs > limitUs) break;
        agenda.pop();
        this.dispatch(entry);
        if (done !== null && done()) return true;
      }
    } catch (error) {
      throw this.failure(error, entry?.proc ?? null);
    }
    this.now = limitUs;
    return false;
  }

  private dispatch(entry: Entry): void {
    entry.queued = false;
    this.now = entry.atUs;
    switch (entry.kind) {
      case ARRIVAL:
        this.network.onArrival(entry.dir!);
        return;
      case TIMER:
        this.fireTimer(entry.proc!, entry.slot!, entry.token);
        return;
      case FAULT:
        this.applyFault(entry.fault!);
        return;
      case START:
        this.boot(entry.proc!, false);
        return;
      default:
        throw new Error(`unknown agenda entry kind ${entry.kind}`);
    }
  }

  private enqueue(entry: Entry): void {
    if (entry.atUs < this.now) throw new InvariantError("an entry was scheduled in the past");
    entry.queued = true;
    if (entry.kind === ARRIVAL) this.agenda.pushNear(entry);
    else this.agenda.pushFar(entry);
  }

  private entryAt(atUs: Micros, entry: Entry): Entry {
    entry.atUs = atUs;
    return entry;
  }

  /** Wraps what a handler or the kernel threw with where, when, and how to replay. */
  private failure(error: unknown, proc: ProcessRecord | null): SimulationError {
    if (error instanceof SimulationError) return error;
    const node = this.current?.id ?? proc?.id ?? null;
    this.current = null;
    const message = error instanceof Error ? error.message : String(error);
    return new SimulationError(message, this.seed, this.now, node, this.traceHash(), { cause: error });
  }

  // ---- processes ----------------------------------------------------------------------------

  private record(pid: ProcessId): ProcessRecord {
    const proc = this.processes.get(pid);
    if (proc === undefined) throw new RangeError(`no process "${pid}" in this run (have: ${this.processIds().join(", ")})`);
    return proc;
  }

  private boot(proc: ProcessRecord, restarted: boolean): void {
    proc.status = "running";
    proc.exitRequested = false;
    proc.state = restarted && proc.hasPersisted ? proc.model.restore(proc.persisted, proc.ctx) : proc.model.init(proc.ctx);
    if (this.recorder !== null) {
      // Let patches.jsonl know where each process started from (the state changes in place: a
      // restart's state is copied now, a first boot's when initialStates is asked for).
      if (restarted) this.patchLog.push({ seq: this.handled, atUs: this.now, node: proc.id, patches: [{ op: "replace", path: [], value: snapshot(proc.state) }] });
      else this.initialRoots.set(proc.id, proc.state);
    }
    this.emit(proc.id, { type: "processStarted", incarnation: proc.incarnation, restarted });
    this.invoke(proc, { type: "start", restarted });
  }

  /** Hands an event to a process: now if it runs, later if it is paused, never if it is down. */
  private deliver(proc: ProcessRecord, event: ProcessEvent): void {
    if (proc.status === "running") this.invoke(proc, event);
    else if (proc.status === "paused") proc.inbox.push(event);
  }

  private invoke(proc: ProcessRecord, event: ProcessEvent): void {
    this.handled++;
    this.current = proc;
    const recorder = this.recorder;
    if (recorder === null) {
      proc.model.handle(proc.state, event, proc.ctx);
    } else {
      let patches: Patch[];
      try {
        proc.model.handle(recorder.begin(proc.state), event, proc.ctx);
      } finally {
        patches = recorder.end();
      }
      if (patches.length > 0) this.patchLog.push({ seq: this.handled, atUs: this.now, node: proc.id, patches });
    }
    this.current = null;
    if (proc.exitRequested) this.takeDown(proc, "exit");
  }

  setTimerOf(proc: ProcessRecord, name: string, afterUs: Micros): void {
    if (!(afterUs >= 0 && Number.isSafeInteger(afterUs))) throw new InvariantError(`${proc.id} set timer "${name}" ${afterUs} µs ahead: want a whole number ≥ 0`);
    let slot: TimerSlot | undefined = proc.lastTimer ?? undefined;
    if (slot === undefined || slot.name !== name) {
      slot = proc.timers.get(name);
      if (slot === undefined) proc.timers.set(name, (slot = new TimerSlot(name)));
      proc.lastTimer = slot;
    }
    slot.token = this.nextTimerToken++;
    // An entry still in the agenda belongs to an earlier arming: it stays there, stale.
    let entry = slot.entry;
    if (entry === null || entry.queued) slot.entry = entry = new Entry(TIMER, proc, null, slot, null);
    entry.token = slot.token;
    entry.atUs = (this.now + afterUs) as Micros;
    this.enqueue(entry);
  }

  private fireTimer(proc: ProcessRecord, slot: TimerSlot, token: number): void {
    if (slot.token !== token) return; // cancelled or re-armed since
    if (proc.status === "paused") {
      proc.overdue.push([slot, token]);
      return;
    }
    slot.token = 0;
    this.invoke(proc, slot.event);
  }

  connectFrom(proc: ProcessRecord, peer: ProcessId, channel: string): ConnId {
    assert(this.processes.has(peer), () => `${proc.id} connected to unknown process "${peer}"`);
    return this.network.connect(proc, this.processes.get(peer)!, channel);
  }

  sendFrom(proc: ProcessRecord, conn: ConnId, message: Message): void {
    if (this.recorder !== null) assertNoDraft(message, () => `${proc.id} sent a ${message.type} message`);
    this.network.send(proc, conn, message);
  }

  closeFrom(proc: ProcessRecord, conn: ConnId): void {
    this.network.close(proc, conn);
  }

  emitFrom(proc: ProcessRecord, event: TraceEvent): void {
    if (this.recorder !== null) assertNoDraft(event, () => `${proc.id} emitted a ${event.type} event`);
    this.emit(proc.id, event);
  }

  /** A crash or an exit: the model says what survives; timers, inbox and sockets go. */
  private takeDown(proc: ProcessRecord, how: "crash" | "exit"): void {
    proc.persisted = proc.model.persist(proc.state, how);
    proc.hasPersisted = true;
    proc.status = how === "crash" ? "crashed" : "exited";
    proc.exitRequested = false;
    for (const slot of proc.timers.values()) slot.token = 0;
    proc.inbox = [];
    proc.overdue = [];
    this.network.closeAll(proc, proc.conns.values());
    this.emit(proc.id, how === "crash" ? { type: "processCrashed" } : { type: "processExited" });
  }

  private isAlive(proc: ProcessRecord): boolean {
    return proc.status === "running" || proc.status === "paused";
  }

  // ---- faults -------------------------------------------------------------------------------

  private applyFault(fault: Fault): void {
    switch (fault.type) {
      case "kill": {
        const proc = this.record(fault.node);
        if (!this.isAlive(proc)) return this.skip(fault, fault.node, `it is ${proc.status}`);
        this.emit(fault.node, { type: "faultApplied", fault });
        this.takeDown(proc, "crash");
        return;
      }
      case "shutdown": {
        const proc = this.record(fault.node);
        if (!this.isAlive(proc)) return this.skip(fault, fault.node, `it is ${proc.status}`);
        this.emit(fault.node, { type: "faultApplied", fault });
        this.deliver(proc, { type: "shutdown" });
        return;
      }
      case "pause": {
        const proc = this.record(fault.node);
        if (proc.status !== "running") return this.skip(fault, fault.node, `it is ${proc.status}`);
        this.emit(fault.node, { type: "faultApplied", fault });
        proc.status = "paused";
        this.emit(fault.node, { type: "processPaused" });
        return;
      }
      case "resume": {
        const proc = this.record(fault.node);
        if (proc.status !== "paused") return this.skip(fault, fault.node, `it is ${proc.status}`);
        this.emit(fault.node, { type: "faultApplied", fault });
        this.resume(proc);
        return;
      }
      case "restart": {
        const proc = this.record(fault.node);
        if (proc.status === "new") return this.skip(fault, fault.node, "it has not started yet");
        this.emit(fault.node, { type: "faultApplied", fault });
        if (this.isAlive(proc)) this.takeDown(proc, "crash");
        proc.incarnation++;
        this.boot(proc, true);
        return;
      }
      case "clockJump": {
        const proc = this.record(fault.node);
        this.emit(fault.node, { type: "faultApplied", fault });
        proc.wallOffsetMs += fault.deltaMs;
        this.emit(fault.node, { type: "clockJumped", deltaMs: fault.deltaMs });
        return;
      }
      case "partition":
        this.network.partition(fault.groups, fault.oneWay ?? false, fault.name);
        this.emit(NET_NODE, { type: "faultApplied", fault });
        return;
      case "heal":
        if (this.network.heal(fault.name) === 0) return this.skip(fault, NET_NODE, fault.name === undefined ? "no partition is in place" : `no partition is named "${fault.name}"`);
        this.emit(NET_NODE, { type: "faultApplied", fault });
        return;
      case "delay":
        this.network.setDelay(fault.from, fault.to, Math.round(fault.extraMs * 1000));
        this.emit(NET_NODE, { type: "faultApplied", fault });
        return;
      case "loss":
        this.network.setLoss(fault.from, fault.to, fault.rate);
        this.emit(NET_NODE, { type: "faultApplied", fault });
        return;
      case "clog":
      case "unclog":
        this.network.setClogged(fault.from, fault.to, fault.type === "clog");
        this.emit(NET_NODE, { type: "faultApplied", fault });
        return;
      case "hold":
        this.network.hold(fault.name, fault.from, fault.to, fault.kinds);
        this.emit(NET_NODE, { type: "faultApplied", fault });
        return;
      case "release":
        if (!this.network.release(fault.name)) return this.skip(fault, NET_NODE, `no hold is named "${fault.name}"`);
        this.emit(NET_NODE, { type: "faultApplied", fault });
        return;
      default:
        unreachable(fault, "fault");
    }
  }

  private skip(fault: Fault, node: string, reason: string): void {
    this.emit(node, { type: "faultSkipped", fault, reason });
  }

  /**
   * SIGCONT. Redis's event loop (ae.c:aeProcessEvents) handles ready sockets before due time
   * events, so what arrived while the process was stopped is handled first, then every timer
   * that came due meanwhile fires at once, in the order it came due.
   */
  private resume(proc: ProcessRecord): void {
    proc.status = "running";
    const inbox = proc.inbox;
    const overdue = proc.overdue;
    proc.inbox = [];
    proc.overdue = [];
    this.emit(proc.id, { type: "processResumed", queuedEvents: inbox.length, overdueTimers: overdue.length });
    for (const event of inbox) {
      if (proc.status !== "running") return;
      this.invoke(proc, event);
    }
    for (const [slot, token] of overdue) {
      if (proc.status !== "running") return;
      this.fireTimer(proc, slot, token);
    }
  }

  // ---- trace --------------------------------------------------------------------------------

  private emit(node: string, event: TraceEvent): void {
    const record = traceRecord(this.now, node, event);
    this.trace.push(record);
    this.writeLine(traceLine(record));
  }

  private writeLine(line: string): void {
    this.hasher.update(line);
    this.onTraceLine?.(line);
  }

  private recordMessage(dir: Direction, packet: Packet, fate: MessageFate): void {
    const record: MessageRecord = { atUs: this.now, sentUs: packet.sentUs, id: packet.id, from: dir.from, to: dir.to, kind: packet.message!.type, fate };
    this.messageLog.push(packet.retransmits > 0 && fate === "delivered" ? { ...record, retransmits: packet.retransmits } : record);
  }
}

/** Trace mode: a proxy of the state inside a message or event would be refused once the handler returns. */
function assertNoDraft(value: unknown, what: () => string, depth = 0): void {
  if (value === null || typeof value !== "object" || depth > 8) return;
  assert(!isRecordedProxy(value), () => `${what()} holding a piece of its state: build messages and events from copies`);
  for (const key in value) assertNoDraft((value as Record<string, unknown>)[key], what, depth + 1);
}
