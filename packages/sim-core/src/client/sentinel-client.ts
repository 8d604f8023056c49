import { ms } from "../kernel/time";
import type { ConnId, Ctx, ProcessEvent, ProcessModel } from "../process/model";
import { CLIENT_CHANNEL, type ClientMessage, type Reply } from "./protocol";

/**
 * A Sentinel-aware writer, as the first article's Jedis program behaves (JedisSentinelPool):
 * it asks the Sentinels for the master (`SENTINEL get-master-addr-by-name mymaster`), keeps one
 * connection to it, and writes `SET key<i> <i>` every `writeIntervalMs`. When a write or the
 * connection fails — refused, closed, an error reply, or no reply within `requestTimeoutMs` — it
 * forgets the master (`master is loss , waiting for try again......`), waits `retryWaitMs`, asks
 * the Sentinels again (in order, the first that answers wins), and writes the same key again
 * (the article's `index--`).
 *
 * It records what CONTRACTS §8's `writes` needs: every acknowledged write (key → value, with the
 * port and time of its OK), the failed attempts, and the longest span without a successful write.
 * It keeps writing to a master it can reach, even a stale one: that is how an isolated old
 * master's acknowledged writes come to be lost.
 */

export const SENTINEL_CLIENT_KIND = "sentinel-client";
const TICK_TIMER = "tick";
const TIMEOUT_TIMER = "request-timeout";

export interface SentinelClientOptions {
  /** Sentinel ports, asked in this order. */
  readonly sentinels: readonly number[];
  readonly masterName?: string;
  /** The article's loop waits 500 ms after each write. */
  readonly writeIntervalMs?: number;
  /** The article waits 5 s after `master is loss`. */
  readonly retryWaitMs?: number;
  /** Jedis's default socket timeout is 2000 ms. */
  readonly requestTimeoutMs?: number;
  readonly keyPrefix?: string;
  /** Stop after this many acknowledged writes (the article's loop stops at 10000). */
  readonly maxWrites?: number;
  /** Start writing at this simulated ms (default at once). */
  readonly startAtMs?: number;
  /** Stop writing at this simulated ms. */
  readonly stopAtMs?: number;
}

export interface AckedWrite {
  readonly key: string;
  readonly value: string;
  readonly port: number;
  readonly atMs: number;
}

export interface SentinelClientState {
  phase: "idle" | "asking" | "writing" | "waiting" | "done";
  masterPort: number | null;
  masterConn: ConnId | null;
  sentinelConn: ConnId | null;
  /** Which of the Sentinels is being asked. */
  sentinelIndex: number;
  /** The key number the next write uses. */
  index: number;
  requestId: number;
  /** The request in flight: its id and when it was sent (simulated ms). */
  inFlight: { id: number; sentMs: number } | null;
  acked: AckedWrite[];
  failedAttempts: number;
  /** Failed attempts since the last OK. */
  failingSince: number;
  errors: Record<string, number>;
  /** Simulated ms of the last OK, or of the start. */
  lastOkMs: number;
  longestGapMs: number;
  /** Where the longest gap began and ended (simulated ms). */
  longestGap: { fromMs: number; toMs: number } | null;
}

export function sentinelClientModel(options: SentinelClientOptions): ProcessModel<SentinelClientState, ClientMessage, undefined> {
  const o = {
    masterName: options.masterName ?? "mymaster",
    writeIntervalMs: options.writeIntervalMs ?? 500,
    retryWaitMs: options.retryWaitMs ?? 5000,
    requestTimeoutMs: options.requestTimeoutMs ?? 2000,
    keyPrefix: options.keyPrefix ?? "key",
    maxWrites: options.maxWrites ?? Number.POSITIVE_INFINITY,
    startAtMs: options.startAtMs ?? 0,
    stopAtMs: options.stopAtMs ?? Number.POSITIVE_INFINITY,
  };
  if (options.sentinels.length === 0) throw new RangeError("a Sentinel client needs at least one Sentinel port");
  const fresh = (): SentinelClientState => ({
    phase: "idle",
    masterPort: null,
    masterConn: null,
    sentinelConn: null,
    sentinelIndex: 0,
    index: 0,
    requestId: 1,
    inFlight: null,
    acked: [],
    failedAttempts: 0,
    failingSince: 0,
    errors: {},
    lastOkMs: o.startAtMs,
    longestGapMs: 0,
    longestGap: null,
  });
  const nowMs = (ctx: Ctx<ClientMessage>): number => Math.floor(ctx.nowUs / 1000);

  function next(s: SentinelClientState, ctx: Ctx<ClientMessage>): void {
    if (s.phase === "done") return;
    if (nowMs(ctx) >= o.stopAtMs || s.acked.length >= o.maxWrites) {
      s.phase = "done";
      return;
    }
    if (s.masterPort === null) return ask(s, ctx);
    if (s.masterConn === null) s.masterConn = ctx.connect(String(s.masterPort), CLIENT_CHANNEL);
    s.phase = "writing";
    const id = s.requestId++;
    s.inFlight = { id, sentMs: nowMs(ctx) };
    ctx.send(s.masterConn, { type: "command", id, argv: ["SET", `${o.keyPrefix}${s.index}`, String(s.index)] });
    ctx.setTimer(TIMEOUT_TIMER, ms(o.requestTimeoutMs));
  }

  function ask(s: SentinelClientState, ctx: Ctx<ClientMessage>): void {
    if (s.sentinelIndex >= options.sentinels.length) {
      s.sentinelIndex = 0;
      return fail(s, ctx, "noSentinelAnswered");
    }
    s.phase = "asking";
    s.sentinelConn = ctx.connect(String(options.sentinels[s.sentinelIndex]), CLIENT_CHANNEL);
    const id = s.requestId++;
    s.inFlight = { id, sentMs: nowMs(ctx) };
    ctx.send(s.sentinelConn, { type: "command", id, argv: ["SENTINEL", "get-master-addr-by-name", o.masterName] });
    ctx.setTimer(TIMEOUT_TIMER, ms(o.requestTimeoutMs));
  }

  /** `master is loss , waiting for try again......`: forget the master, wait, ask again. */
  function fail(s: SentinelClientState, ctx: Ctx<ClientMessage>, error: string): void {
    ctx.cancelTimer(TIMEOUT_TIMER);
    s.inFlight = null;
    s.failedAttempts++;
    s.failingSince++;
    s.errors[error] = (s.errors[error] ?? 0) + 1;
    ctx.emit({ type: "sentinelClientMasterLost", master: s.masterPort, error, waitMs: o.retryWaitMs });
    if (s.masterConn !== null) ctx.close(s.masterConn);
    s.masterConn = null;
    s.masterPort = null;
    s.phase = "waiting";
    ctx.setTimer(TICK_TIMER, ms(o.retryWaitMs));
  }

  function tryNextSentinel(s: SentinelClientState, ctx: Ctx<ClientMessage>): void {
    ctx.cancelTimer(TIMEOUT_TIMER);
    if (s.sentinelConn !== null) ctx.close(s.sentinelConn);
    s.sentinelConn = null;
    s.inFlight = null;
    s.sentinelIndex++;
    ask(s, ctx);
  }

  function onMasterAddress(s: SentinelClientState, reply: Reply, ctx: Ctx<ClientMessage>): void {
    const sentinel = options.sentinels[s.sentinelIndex]!;
    ctx.cancelTimer(TIMEOUT_TIMER);
    if (s.sentinelConn !== null) ctx.close(s.sentinelConn);
    s.sentinelConn = null;
    s.inFlight = null;
    const port = reply.kind === "array" && reply.items[1]?.kind === "bulk" ? Number(reply.items[1].text) : NaN;
    if (!Number.isInteger(port)) return tryNextSentinel(s, ctx);
    s.sentinelIndex = 0;
    const changed = s.acked.length === 0 || s.acked[s.acked.length - 1]!.port !== port;
    ctx.emit({ type: "sentinelClientMasterFound", sentinel, master: port, changed });
    s.masterPort = port;
    next(s, ctx);
  }

  function onWriteReply(s: SentinelClientState, reply: Reply, ctx: Ctx<ClientMessage>): void {
    ctx.cancelTimer(TIMEOUT_TIMER);
    s.inFlight = null;
    if (reply.kind === "error") return fail(s, ctx, reply.text.split(" ")[0]!);
    const now = nowMs(ctx);
    const gap = now - s.lastOkMs;
    if (gap > s.longestGapMs) {
      s.longestGapMs = gap;
      s.longestGap = { fromMs: s.lastOkMs, toMs: now };
    }
    if (s.failingSince > 0) {
      ctx.emit({ type: "sentinelClientWritesResumed", master: s.masterPort!, outageMs: gap, failedAttempts: s.failingSince });
      s.failingSince = 0;
    }
    s.lastOkMs = now;
    s.acked.push({ key: `${o.keyPrefix}${s.index}`, value: String(s.index), port: s.masterPort!, atMs: now });
    s.index++;
    s.phase = "idle";
    ctx.setTimer(TICK_TIMER, ms(o.writeIntervalMs));
  }

  return {
    kind: SENTINEL_CLIENT_KIND,
    init: fresh,
    persist: () => undefined,
    restore: fresh,
    handle(s, event: ProcessEvent<ClientMessage>, ctx) {
      switch (event.type) {
        case "start":
          ctx.setTimer(TICK_TIMER, ms(Math.max(0, o.startAtMs - nowMs(ctx))));
          return;
        case "timer":
          if (event.name === TICK_TIMER) return next(s, ctx);
          if (event.name === TIMEOUT_TIMER && s.inFlight !== null) {
            if (s.phase === "asking") return tryNextSentinel(s, ctx);
            return fail(s, ctx, "timeout");
          }
          return;
        case "connectFailed":
        case "closed":
          if (event.conn === s.sentinelConn && s.phase === "asking") return tryNextSentinel(s, ctx);
          if (event.conn === s.masterConn) {
            s.masterConn = null;
            if (s.phase === "writing") return fail(s, ctx, event.type === "connectFailed" ? "connectionRefused" : "connectionClosed");
          }
          return;
        case "message":
          if (event.message.type !== "reply" || s.inFlight === null || event.message.id !== s.inFlight.id) return;
          if (event.conn === s.sentinelConn) return onMasterAddress(s, event.message.reply, ctx);
          if (event.conn === s.masterConn) return onWriteReply(s, event.message.reply, ctx);
          return;
        case "shutdown":
          ctx.exit();
          return;
        default:
          return;
      }
    },
  };
}

/** The acknowledged writes whose value is not in `data` (the final master's dataset): lost. */
export function sentinelClientLostWrites(s: Pick<SentinelClientState, "acked">, data: Readonly<Record<string, string>>): AckedWrite[] {
  return s.acked.filter((w) => data[w.key] !== w.value);
}
