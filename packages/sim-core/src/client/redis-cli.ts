import type { Micros } from "../kernel/time";
import type { ConnId, Ctx, ProcessEvent, ProcessModel } from "../process/model";
import { CLIENT_CHANNEL, parseAsk, parseMoved, type ClientMessage, type Reply } from "./protocol";

/**
 * `redis-cli -c -p PORT <command>` as a process: each scripted command opens a connection to its
 * node, sends the command, follows MOVED to the owner of the slot (printing
 * `-> Redirected to slot [N] located at 127.0.0.1:PORT`, as a clientRedirected event), and
 * records the final reply. One command at a time, like a person at a prompt.
 */
export interface CliCommand {
  /** When to run it, in simulated µs from the start of the run. */
  readonly atUs: number;
  readonly port: number;
  readonly argv: readonly string[];
}

interface Pending {
  readonly index: number;
  port: number;
  conn: ConnId;
  redirects: number;
  /** After -ASK: the id of the ASKING sent before the command, whose OK is not the answer. */
  askingId: number | null;
}

export interface RedisCliState {
  /** Commands not yet sent, in order. */
  queue: number[];
  pending: Pending | null;
  nextId: number;
  replies: { command: number; server: number; reply: Reply }[];
}

/** redis-cli gives up after following this many redirections (cliReadReply's loop). */
const MAX_REDIRECTS = 16;

export function redisCliModel(script: readonly CliCommand[]): ProcessModel<RedisCliState, ClientMessage, undefined> {
  const fresh = (): RedisCliState => ({ queue: [], pending: null, nextId: 1, replies: [] });
  return {
    kind: "redis-cli",
    init: fresh,
    persist: () => undefined,
    restore: fresh,
    handle(s: RedisCliState, event: ProcessEvent<ClientMessage>, ctx: Ctx<ClientMessage>): void {
      switch (event.type) {
        case "start":
          script.forEach((command, i) => ctx.setTimer(`command-${i}`, Math.max(0, command.atUs - ctx.nowUs) as Micros));
          return;
        case "timer": {
          const index = Number(event.name.slice("command-".length));
          s.queue.push(index);
          startNext(s, ctx);
          return;
        }
        case "connected":
          if (s.pending !== null && s.pending.conn === event.conn) {
            // redis-cli's cluster_send_asking: ASKING goes first on the connection ASK named.
            if (s.pending.askingId !== null) {
              s.pending.askingId = s.nextId++;
              ctx.send(event.conn, { type: "command", id: s.pending.askingId, argv: ["ASKING"] });
            }
            ctx.send(event.conn, { type: "command", id: s.nextId++, argv: script[s.pending.index]!.argv });
          }
          return;
        case "connectFailed":
        case "closed":
          // Refused, or dropped before the reply: redis-cli reports it and moves on.
          if (s.pending !== null && s.pending.conn === event.conn) {
            ctx.emit({ type: "clientConnectFailed", server: s.pending.port });
            s.pending = null;
            startNext(s, ctx);
          }
          return;
        case "message": {
          if (event.message.type !== "reply" || s.pending === null || s.pending.conn !== event.conn) return;
          if (event.message.id === s.pending.askingId) return;
          const reply = event.message.reply;
          const pending = s.pending;
          ctx.close(event.conn);
          // MOVED and ASK print the same line; ASK also sends ASKING before the command.
          const moved = parseMoved(reply);
          const ask = moved === null ? parseAsk(reply) : null;
          const redirect = moved ?? ask;
          if (redirect !== null && pending.redirects < MAX_REDIRECTS) {
            const to = redirect.port;
            ctx.emit({ type: "clientRedirected", slot: redirect.slot, to });
            pending.port = to;
            pending.redirects++;
            pending.askingId = ask !== null ? 0 : null;
            pending.conn = ctx.connect(String(to), CLIENT_CHANNEL);
            return;
          }
          ctx.emit({ type: "clientReply", command: [...script[pending.index]!.argv], server: pending.port, reply });
          s.replies.push({ command: pending.index, server: pending.port, reply });
          s.pending = null;
          startNext(s, ctx);
          return;
        }
        case "accepted":
          return;
        case "shutdown":
          ctx.exit();
          return;
      }
    },
  };

  function startNext(s: RedisCliState, ctx: Ctx<ClientMessage>): void {
    if (s.pending !== null) return;
    const index = s.queue.shift();
    if (index === undefined) return;
    const command = script[index]!;
    s.pending = { index, port: command.port, conn: ctx.connect(String(command.port), CLIENT_CHANNEL), redirects: 0, askingId: null };
  }
}
