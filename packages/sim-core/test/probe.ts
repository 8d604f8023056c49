import type { ConnId, Ctx, ProcessEvent, ProcessId, ProcessModel } from "../src/index";

/**
 * A test process that writes down everything it is told, and runs scripted actions at given
 * instants. Its log is part of its state, so tests read what the process itself saw.
 */
export interface ProbeState {
  log: string[];
  /** Connection ids by peer, for the scripts. */
  conns: Record<string, ConnId>;
  counter: number;
}

export type ProbeMessage = { readonly type: string; readonly n?: number };

export interface ProbeScript {
  /** Simulated µs since the process booted. */
  readonly afterUs: number;
  readonly act: (state: ProbeState, ctx: Ctx<ProbeMessage>) => void;
}

export interface ProbeOptions {
  readonly script?: readonly ProbeScript[];
  /** Answer every `ping` with a `pong` carrying the same n. */
  readonly echo?: boolean;
  /** What survives a crash; by default, the counter. */
  readonly persist?: (state: ProbeState, how: "crash" | "exit") => unknown;
  /** Exit as soon as a shutdown is asked for (default), or never. */
  readonly exitOnShutdown?: boolean;
}

export function describeEvent(event: ProcessEvent<ProbeMessage>): string {
  switch (event.type) {
    case "start":
      return event.restarted ? "start restarted" : "start";
    case "timer":
      return `timer ${event.name}`;
    case "connected":
    case "accepted":
      return `${event.type} ${event.peer}`;
    case "connectFailed":
      return `connectFailed ${event.peer} ${event.reason}`;
    case "closed":
      return `closed ${event.peer} ${event.reason}`;
    case "message":
      return `message ${event.from} ${event.message.type}${event.message.n === undefined ? "" : ` ${event.message.n}`}`;
    case "shutdown":
      return "shutdown";
  }
}

export function probe(options: ProbeOptions = {}): ProcessModel<ProbeState, ProbeMessage, unknown> {
  const script = options.script ?? [];
  return {
    kind: "probe",
    init: () => ({ log: [], conns: {}, counter: 0 }),
    persist: options.persist ?? ((state) => ({ counter: state.counter })),
    restore: (persisted) => ({ log: [], conns: {}, counter: (persisted as { counter?: number } | undefined)?.counter ?? 0 }),
    handle(state, event, ctx) {
      if (!(event.type === "timer" && event.name.startsWith("script-"))) state.log.push(`${ctx.nowUs} ${describeEvent(event)}`);
      switch (event.type) {
        case "start":
          script.forEach((step, i) => ctx.setTimer(`script-${i}`, step.afterUs as never));
          return;
        case "timer":
          if (event.name.startsWith("script-")) script[Number(event.name.slice(7))]!.act(state, ctx);
          return;
        case "message":
          if (options.echo && event.message.type === "ping") ctx.send(event.conn, { type: "pong", n: event.message.n });
          return;
        case "shutdown":
          if (options.exitOnShutdown ?? true) ctx.exit();
          return;
        default:
          return;
      }
    },
  };
}

/** Connect to `peer` and remember the connection under its name. */
export function dial(peer: ProcessId): ProbeScript["act"] {
  return (state, ctx) => {
    state.conns[peer] = ctx.connect(peer, "test");
  };
}

export function sendTo(peer: ProcessId, message: ProbeMessage): ProbeScript["act"] {
  return (state, ctx) => ctx.send(state.conns[peer]!, message);
}

/** The probe's log lines without their timestamps. */
export function events(log: readonly string[]): string[] {
  return log.map((line) => line.slice(line.indexOf(" ") + 1));
}

