import type { Micros } from "../kernel/time";
import type { ConnId, Ctx, ProcessEvent, ProcessId, ProcessModel } from "../process/model";
import { keyHashSlot } from "../cluster/key-slot";
import { CLIENT_CHANNEL, parseAsk, parseMoved, type ClientMessage, type Reply } from "./protocol";
import { ackBucket, ackBucketOf, ackIndexOf, SUPERSEDED, type AckedWrites } from "./acked-writes";
import { assignSlot, parseClusterNodes, slotRouteOf, type SlotRoute } from "./slot-map";
import { decimalString, KeyNames, SHARED_KEY_NUMBERS, sharedKeyNames } from "./writer-keys";
import type { WriteErrorKind } from "./events";

export type { WriteErrorKind } from "./events";

/**
 * A cluster-aware workload client, as a smart client (Jedis, redis-py's RedisCluster) behaves:
 * it starts from a few seed ports, keeps one persistent connection per node, routes each key by
 * its hash slot, learns the slot map from MOVED replies and from `CLUSTER NODES`, and writes
 * `SET <keyPrefix><n> <n>` at a steady rate. What it records is what CONTRACTS §8 `writes` needs:
 * the writes that got OK (key → value), the errors by kind, and the longest outage.
 *
 * Choices, each what a real client of that family does:
 * - **At most one request per connection, and a write whose node is busy is skipped.** A
 *   rate-driven writer cannot wait for a stalled node without stalling every shard, and a queue
 *   would replay stale writes in a burst after the outage; so the write is counted in
 *   `counts.skipped` and never sent (its number is used up: keys stay unique per attempt). A
 *   connection is busy while a request (or its connect) is in flight, i.e. until its reply, its
 *   error, or its timeout.
 * - **MOVED** updates that one slot at once, is followed (up to `maxRedirects`, if the new
 *   owner's connection is free, else the write is skipped), and asks for a `CLUSTER NODES`
 *   refresh. A refused connect, a closed connection and a timeout ask for one too. Refreshes go
 *   one at a time to a node whose connection is free, at most one per `refreshMinIntervalMs`;
 *   one is made at start, as Jedis and redis-py build their slot cache on construction.
 * - **A request times out** `requestTimeoutMs` after it was issued (connect included); its
 *   connection is then closed, as a client must once a reply may still be on its way.
 *
 * The outage (CONTRACTS §8 `writes.outageMs`) is measured per route, so that writes to healthy
 * shards do not hide a dead one: a route (the port a write went to) fails with its first failed
 * write and recovers with its next OK. An outage starts when a route fails while none is failing,
 * and ends at the first OK after which no route is failing; it is measured from the last OK on
 * the first route that failed. When the slot map moves a failing route's slots elsewhere, the new
 * owner inherits the failure, so the outage of a failed-over master lasts until its replacement
 * acknowledges a write. `longestGapMs` is the plainer figure: the longest span with no OK at all.
 */

export const CLUSTER_WRITER_KIND = "cluster-writer";

/** The tick timer (one write per tick) and the lazily armed request-timeout timer. */
export const WRITER_TICK_TIMER = "write";
export const WRITER_TIMEOUT_TIMER = "request-timeout";

export const DEFAULT_REQUEST_TIMEOUT_MS = 1000;
export const DEFAULT_REFRESH_MIN_INTERVAL_MS = 100;
/** Jedis's default maxAttempts is 5. */
export const DEFAULT_MAX_REDIRECTS = 5;
export const DEFAULT_KEY_PREFIX = "key:";
export interface ClusterWriterOptions {
  /** Ports to start from; the rest of the cluster is learned from them. */
  readonly seeds: readonly number[];
  readonly writesPerSecond: number;
  readonly keyPrefix?: string;
  /**
   * Write keys `<prefix>0 … <prefix>(keySpace − 1)` over and over, to bound memory on long runs.
   * By default every write has a key of its own. When a key is written again, its earlier ack
   * is no longer checkable and leaves `acked` (it comes back if the new write is refused outright).
   * Keep it well above writesPerSecond × requestTimeoutMs / 1000, so that a key is never written
   * twice while a write of it may still be in flight.
   */
  readonly keySpace?: number;
  /** 0 (evenly spaced, the default) to 1: each write moves by up to ± half a period, seeded. */
  readonly jitter?: number;
  readonly requestTimeoutMs?: number;
  readonly refreshMinIntervalMs?: number;
  readonly maxRedirects?: number;
  /** Keep every ack's key, port and time in `ackLog` (tests and short runs: it grows by one per ack). */
  readonly logAcks?: boolean;
}

interface Request {
  readonly id: number;
  readonly kind: "write" | "refresh";
  readonly key: string;
  readonly value: string;
  /** The key's hash slot (-1 for a refresh). */
  readonly slot: number;
  /** The key's number (its place in `acked`); -1 for a refresh. */
  readonly keyNumber: number;
  readonly issuedUs: number;
  readonly deadlineUs: number;
  redirects: number;
  /** Sent after an -ASK: ASKING goes first, so the importing node takes it. */
  asking?: boolean;
  /** The ack this write superseded (keySpace runs), restored if the write is refused outright. */
  readonly supersededValue: string | null;
}

/** The writer's connection to one node. */
export interface WriterLink {
  readonly port: number;
  /** The port as a key of `links` and `failingRoutes`. */
  readonly route: string;
  /** -1: no connection. */
  conn: ConnId;
  connected: boolean;
  request: Request | null;
  /** When this route last acknowledged a write; -1 before its first. */
  lastSuccessUs: number;
}

export interface AckRecord {
  readonly key: string;
  readonly port: number;
  readonly atUs: number;
}

export interface ClusterWriterState extends AckedWrites {
  /** Seeds, then every node learned from CLUSTER NODES, in the order first seen. */
  knownPorts: number[];
  /** The slot map: sorted, disjoint runs; a slot in none is routed to a known port. */
  slotMap: SlotRoute[];
  links: Record<string, WriterLink>;
  startUs: number;
  /** The tick (ideal write time) the tick timer is armed for. */
  tick: number;
  nextSeq: number;
  nextRequestId: number;
  /** The deadline the timeout timer is armed for, or -1. */
  timeoutArmedForUs: number;
  portCursor: number;
  refreshWanted: boolean;
  refreshInFlight: boolean;
  lastRefreshUs: number;

  ackLog: AckRecord[];
  counts: { issued: number; acked: number; failed: number; skipped: number; redirects: number; refreshes: number };
  /** Every error seen, by kind, redirections (MOVED) included. */
  errors: Partial<Record<WriteErrorKind, number>>;

  lastSuccessUs: number;
  longestGapUs: number;
  /** Failing routes (port) → when their outage began (their last OK). */
  failingRoutes: Record<string, number>;
  /** The open outage's start, or -1. */
  outageStartUs: number;
  failedAtOutageStart: number;
  /** The longest outage that has ended, in ms (⌊µs / 1000⌋). */
  outageMs: number;
}

const NO_CONN = -1;

export function clusterWriterModel(options: ClusterWriterOptions): ProcessModel<ClusterWriterState, ClientMessage, undefined> {
  if (options.seeds.length === 0) throw new RangeError("a cluster writer needs at least one seed port");
  if (!(options.writesPerSecond > 0)) throw new RangeError(`writesPerSecond must be > 0, got ${options.writesPerSecond}`);
  const jitter = options.jitter ?? 0;
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`jitter must be within 0–1, got ${jitter}`);
  if (options.keySpace !== undefined && !(Number.isSafeInteger(options.keySpace) && options.keySpace > 0)) {
    throw new RangeError(`keySpace must be a positive integer, got ${options.keySpace}`);
  }
  const config = {
    seeds: [...options.seeds],
    periodUs: 1_000_000 / options.writesPerSecond,
    keyPrefix: options.keyPrefix ?? DEFAULT_KEY_PREFIX,
    keySpace: options.keySpace ?? 0,
    jitter,
    requestTimeoutUs: Math.round((options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) * 1000),
    refreshMinIntervalUs: Math.round((options.refreshMinIntervalMs ?? DEFAULT_REFRESH_MIN_INTERVAL_MS) * 1000),
    maxRedirects: options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
    logAcks: options.logAcks ?? false,
  };
  const fresh = (): ClusterWriterState => ({
    knownPorts: [...config.seeds],
    slotMap: [],
    links: {},
    startUs: 0,
    tick: 0,
    nextSeq: 0,
    nextRequestId: 1,
    timeoutArmedForUs: -1,
    portCursor: 0,
    refreshWanted: false,
    refreshInFlight: false,
    lastRefreshUs: -1,
    keyPrefix: config.keyPrefix,
    acked: [],
    ackLog: [],
    counts: { issued: 0, acked: 0, failed: 0, skipped: 0, redirects: 0, refreshes: 0 },
    errors: {},
    lastSuccessUs: -1,
    longestGapUs: 0,
    failingRoutes: {},
    outageStartUs: -1,
    failedAtOutageStart: 0,
    outageMs: 0,
  });
  type Config = typeof config;
  type WriterCtx = Ctx<ClientMessage>;

  // Key names built once (writer-keys.ts): the low numbers' are shared by every writer of the
  // process; a keySpace run rewrites its keys, so it keeps its higher ones too.
  const sharedKeys = sharedKeyNames(config.keyPrefix);
  const ownKeys = new KeyNames(config.keyPrefix);
  const keyNamesFor = (keyNumber: number): KeyNames | null => (keyNumber < SHARED_KEY_NUMBERS ? sharedKeys : config.keySpace > 0 ? ownKeys : null);

  return {
    kind: CLUSTER_WRITER_KIND,
    init: fresh,
    // A client keeps nothing across a crash: a restarted writer starts over from its seeds.
    persist: () => undefined,
    restore: fresh,
    handle(s: ClusterWriterState, event: ProcessEvent<ClientMessage>, ctx: WriterCtx): void {
      switch (event.type) {
        case "start":
          s.startUs = ctx.nowUs;
          // Like JedisCluster's constructor: build the slot cache from a seed first.
          s.refreshWanted = true;
          maybeRefresh(s, config, ctx);
          armTick(s, config, ctx);
          return;
        case "timer":
          if (event.name === WRITER_TICK_TIMER) {
            issueWrite(s, config, ctx);
            maybeRefresh(s, config, ctx);
            s.tick++;
            armTick(s, config, ctx);
          } else if (event.name === WRITER_TIMEOUT_TIMER) {
            s.timeoutArmedForUs = -1;
            expireRequests(s, config, ctx);
          }
          return;
        case "connected": {
          const link = linkOn(s, event.peer, event.conn);
          if (link === undefined) return;
          link.connected = true;
          if (link.request !== null) sendRequest(link, link.request, ctx);
          return;
        }
        case "connectFailed":
        case "closed": {
          const link = linkOn(s, event.peer, event.conn);
          if (link === undefined) return;
          dropConnection(link);
          connectionError(s, config, link, event.type === "connectFailed" ? "connectionRefused" : "connectionClosed", ctx);
          return;
        }
        case "message": {
          const message = event.message;
          const link = linkOn(s, event.from, event.conn);
          if (link === undefined || message.type !== "reply" || link.request === null || link.request.id !== message.id) return;
          const request = link.request;
          link.request = null;
          if (request.kind === "refresh") onRefreshReply(s, config, message.reply, ctx);
          else onWriteReply(s, config, link, request, message.reply, ctx);
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

  // ---- pacing ---------------------------------------------------------------------------------

  /** Arms the tick timer for the next ideal write time that is not in the past (missed ones are dropped). */
  function armTick(s: ClusterWriterState, c: Config, ctx: WriterCtx): void {
    const now = ctx.nowUs;
    // After a pause, jump close to now at once, then step over the rounding.
    const behind = Math.floor((now - s.startUs) / c.periodUs) - 1;
    if (behind > s.tick) s.tick = behind;
    while (idealUs(s, c, s.tick) < now) s.tick++;
    let atUs = idealUs(s, c, s.tick);
    if (c.jitter > 0) atUs += Math.floor((ctx.rng("writer-jitter").next() - 0.5) * c.jitter * c.periodUs);
    ctx.setTimer(WRITER_TICK_TIMER, Math.max(0, atUs - now) as Micros);
  }

  // ---- writes ---------------------------------------------------------------------------------

  function issueWrite(s: ClusterWriterState, c: Config, ctx: WriterCtx): void {
    const seq = s.nextSeq++;
    const keyNumber = c.keySpace > 0 ? seq % c.keySpace : seq;
    const names = keyNamesFor(keyNumber);
    const key = names === null ? c.keyPrefix + String(keyNumber) : names.name(keyNumber);
    const slot = names === null ? keyHashSlot(key) : names.slot(keyNumber);
    const port = routeOf(s, slot);
    const link = linkTo(s, port);
    if (link.request !== null) {
      s.counts.skipped++;
      return;
    }
    let superseded: string | null = null;
    if (c.keySpace > 0) {
      const acks = s.acked[ackBucketOf(keyNumber)];
      const previous = acks?.[ackIndexOf(keyNumber)] ?? null;
      if (previous !== null && previous !== SUPERSEDED) {
        superseded = previous;
        acks![ackIndexOf(keyNumber)] = SUPERSEDED;
      }
    }
    s.counts.issued++;
    const request: Request = {
      id: s.nextRequestId++,
      kind: "write",
      key,
      value: decimalString(seq),
      slot,
      keyNumber,
      issuedUs: ctx.nowUs,
      deadlineUs: ctx.nowUs + c.requestTimeoutUs,
      redirects: 0,
      supersededValue: superseded,
    };
    startRequest(s, link, request, ctx);
  }

  function onWriteReply(s: ClusterWriterState, c: Config, link: WriterLink, request: Request, reply: Reply, ctx: WriterCtx): void {
    if (reply.kind === "status" && reply.text === "OK") return writeSucceeded(s, c, link, request, ctx);
    const text = reply.kind === "error" ? reply.text : `unexpected ${reply.kind} reply`;
    const kind = errorKindOf(text);
    countError(s, kind);
    if (kind === "MOVED") {
      const moved = parseMoved(reply);
      if (moved !== null) {
        const slot = moved.slot;
        const to = moved.port;
        setSlotMap(s, assignSlot(s.slotMap, slot, to));
        requestRefresh(s, c, ctx);
        const target = linkTo(s, to);
        if (request.redirects < c.maxRedirects && target.request === null) {
          request.redirects++;
          request.asking = false;
          s.counts.redirects++;
          startRequest(s, target, request, ctx);
          return;
        }
        if (request.redirects < c.maxRedirects) {
          // The new owner's connection is busy: the write is dropped like any skipped one.
          s.counts.skipped++;
          restoreSuperseded(s, request);
          return;
        }
      }
    }
    if (kind === "ASK") {
      // ASK sends this one write to the importing node, after ASKING; the slot map stays as it is.
      const ask = parseAsk(reply);
      const target = ask === null ? undefined : linkTo(s, ask.port);
      if (target !== undefined && request.redirects < c.maxRedirects && target.request === null) {
        request.redirects++;
        request.asking = true;
        s.counts.redirects++;
        startRequest(s, target, request, ctx);
        return;
      }
    }
    // An error reply means the write was not applied: an earlier ack of the key stands again.
    restoreSuperseded(s, request);
    writeFailed(s, link, request, kind, ctx);
  }

  function writeSucceeded(s: ClusterWriterState, c: Config, link: WriterLink, request: Request, ctx: WriterCtx): void {
    const now = ctx.nowUs;
    ackBucket(s, request.keyNumber)[ackIndexOf(request.keyNumber)] = request.value;
    s.counts.acked++;
    if (c.logAcks) s.ackLog.push({ key: request.key, port: link.port, atUs: now });
    if (s.lastSuccessUs >= 0 && now - s.lastSuccessUs > s.longestGapUs) s.longestGapUs = now - s.lastSuccessUs;
    s.lastSuccessUs = now;
    const route = link.route;
    link.lastSuccessUs = now;
    if (s.outageStartUs < 0) return;
    if (s.failingRoutes[route] !== undefined) delete s.failingRoutes[route];
    if (isEmpty(s.failingRoutes)) {
      const outageMs = Math.floor((now - s.outageStartUs) / 1000);
      if (outageMs > s.outageMs) s.outageMs = outageMs;
      ctx.emit({ type: "writesRecovered", outageMs, failedWrites: s.counts.failed - s.failedAtOutageStart });
      s.outageStartUs = -1;
    }
  }

  function writeFailed(s: ClusterWriterState, link: WriterLink, request: Request, kind: WriteErrorKind, ctx: WriterCtx): void {
    s.counts.failed++;
    const port = link.port;
    const route = link.route;
    if (s.failingRoutes[route] !== undefined) return;
    // A write routed by a map that has changed since says nothing about the slot's new owner.
    const mapped = slotRouteOf(s.slotMap, request.slot);
    if (mapped !== null && mapped !== port) return;
    const since = link.lastSuccessUs >= 0 ? link.lastSuccessUs : request.issuedUs;
    s.failingRoutes[route] = since;
    if (s.outageStartUs < 0) {
      s.outageStartUs = since;
      s.failedAtOutageStart = s.counts.failed - 1;
      ctx.emit({ type: "writesFailing", server: port, error: kind });
    } else if (since < s.outageStartUs) {
      s.outageStartUs = since;
    }
  }

  function restoreSuperseded(s: ClusterWriterState, request: Request): void {
    if (request.supersededValue === null) return;
    const acks = ackBucket(s, request.keyNumber);
    if (acks[ackIndexOf(request.keyNumber)] === SUPERSEDED) acks[ackIndexOf(request.keyNumber)] = request.supersededValue;
  }

  // ---- requests and connections ---------------------------------------------------------------

  function startRequest(s: ClusterWriterState, link: WriterLink, request: Request, ctx: WriterCtx): void {
    link.request = request;
    if (link.conn === NO_CONN) {
      link.conn = ctx.connect(String(link.port), CLIENT_CHANNEL);
      link.connected = false;
    } else if (link.connected) {
      sendRequest(link, request, ctx);
    }
    armTimeout(s, request.deadlineUs, ctx);
  }

  function sendRequest(link: WriterLink, request: Request, ctx: WriterCtx): void {
    const argv = request.kind === "write" ? ["SET", request.key, request.value] : ["CLUSTER", "NODES"];
    // ASKING's own OK carries an id no request has, so it is ignored like a stale reply.
    if (request.asking === true) ctx.send(link.conn, { type: "command", id: -request.id, argv: ["ASKING"] });
    ctx.send(link.conn, { type: "command", id: request.id, argv });
  }

  /** The timeout timer is armed for the earliest deadline only; it re-arms itself when it fires. */
  function armTimeout(s: ClusterWriterState, deadlineUs: number, ctx: WriterCtx): void {
    if (s.timeoutArmedForUs >= 0 && s.timeoutArmedForUs <= deadlineUs) return;
    s.timeoutArmedForUs = deadlineUs;
    ctx.setTimer(WRITER_TIMEOUT_TIMER, Math.max(0, deadlineUs - ctx.nowUs) as Micros);
  }

  function expireRequests(s: ClusterWriterState, c: Config, ctx: WriterCtx): void {
    const now = ctx.nowUs;
    let next = -1;
    for (const route in s.links) {
      const link = s.links[route]!;
      const request = link.request;
      if (request === null) continue;
      if (request.deadlineUs > now) {
        if (next < 0 || request.deadlineUs < next) next = request.deadlineUs;
        continue;
      }
      link.request = null;
      // The reply may still come: only a new connection is safe to reuse.
      if (link.conn !== NO_CONN) ctx.close(link.conn);
      dropConnection(link);
      countError(s, "timeout");
      if (request.kind === "refresh") s.refreshInFlight = false;
      else writeFailed(s, link, request, "timeout", ctx);
      s.refreshWanted = true;
    }
    if (next >= 0) armTimeout(s, next, ctx);
    maybeRefresh(s, c, ctx);
  }

  function connectionError(s: ClusterWriterState, c: Config, link: WriterLink, kind: "connectionRefused" | "connectionClosed", ctx: WriterCtx): void {
    const request = link.request;
    if (request === null) return; // an idle connection closed: the next request reconnects
    link.request = null;
    countError(s, kind);
    if (request.kind === "refresh") {
      s.refreshInFlight = false;
    } else {
      // A refused connect sent nothing; a closed connection may have applied the write.
      if (kind === "connectionRefused") restoreSuperseded(s, request);
      writeFailed(s, link, request, kind, ctx);
    }
    requestRefresh(s, c, ctx);
  }

  // ---- the slot map ---------------------------------------------------------------------------

  function requestRefresh(s: ClusterWriterState, c: Config, ctx: WriterCtx): void {
    s.refreshWanted = true;
    maybeRefresh(s, c, ctx);
  }

  /** Sends CLUSTER NODES to a node with a free connection, preferring one not failing. */
  function maybeRefresh(s: ClusterWriterState, c: Config, ctx: WriterCtx): void {
    if (!s.refreshWanted || s.refreshInFlight) return;
    if (s.lastRefreshUs >= 0 && ctx.nowUs - s.lastRefreshUs < c.refreshMinIntervalUs) return;
    const ports = s.knownPorts;
    let chosen = -1;
    for (let i = 0; i < ports.length; i++) {
      const port = ports[(s.portCursor + i) % ports.length]!;
      const link = s.links[String(port)];
      if (link !== undefined && link.request !== null) continue;
      if (s.failingRoutes[String(port)] === undefined) {
        chosen = port;
        break;
      }
      if (chosen < 0) chosen = port;
    }
    if (chosen < 0) return; // every connection is busy: try again at the next tick
    s.portCursor = (ports.indexOf(chosen) + 1) % ports.length;
    s.refreshWanted = false;
    s.refreshInFlight = true;
    s.lastRefreshUs = ctx.nowUs;
    s.counts.refreshes++;
    const request: Request = {
      id: s.nextRequestId++,
      kind: "refresh",
      key: "",
      value: "",
      slot: -1,
      keyNumber: -1,
      issuedUs: ctx.nowUs,
      deadlineUs: ctx.nowUs + c.requestTimeoutUs,
      redirects: 0,
      supersededValue: null,
    };
    startRequest(s, linkTo(s, chosen), request, ctx);
  }

  function onRefreshReply(s: ClusterWriterState, c: Config, reply: Reply, ctx: WriterCtx): void {
    s.refreshInFlight = false;
    if (reply.kind !== "bulk" || reply.text === null) {
      s.refreshWanted = true;
      return;
    }
    const view = parseClusterNodes(reply.text);
    for (const port of view.ports) if (!s.knownPorts.includes(port)) s.knownPorts.push(port);
    setSlotMap(s, view.slotMap);
    void c;
  }

  /**
   * Installs a new slot map. A failing route's slots that now belong to another port pass the
   * failure on to it (that port must prove itself with an OK); a route left without slots stops
   * counting as failing.
   */
  function setSlotMap(s: ClusterWriterState, next: SlotRoute[]): void {
    const previous = s.slotMap;
    s.slotMap = next;
    if (isEmpty(s.failingRoutes)) return;
    for (const route of Object.keys(s.failingRoutes)) {
      const port = Number(route);
      const since = s.failingRoutes[route]!;
      for (const old of previous) {
        if (old.port !== port) continue;
        for (const now of next) {
          if (now.last < old.first || now.first > old.last || now.port === port) continue;
          const heir = String(now.port);
          const inherited = s.failingRoutes[heir];
          if (inherited === undefined || inherited > since) s.failingRoutes[heir] = since;
        }
      }
      if (!next.some((r) => r.port === port)) delete s.failingRoutes[route];
    }
  }

  function routeOf(s: ClusterWriterState, slot: number): number {
    const port = slotRouteOf(s.slotMap, slot);
    if (port !== null) return port;
    // An unmapped slot goes to some known node, which will answer MOVED if it is not the owner.
    const ports = s.knownPorts;
    for (let i = 0; i < ports.length; i++) {
      const candidate = ports[(s.portCursor + i) % ports.length]!;
      if (s.failingRoutes[String(candidate)] === undefined) return candidate;
    }
    return ports[s.portCursor % ports.length]!;
  }

  function linkTo(s: ClusterWriterState, port: number): WriterLink {
    const route = String(port);
    let link = s.links[route];
    if (link === undefined) s.links[route] = link = { port, route, conn: NO_CONN, connected: false, request: null, lastSuccessUs: -1 };
    return link;
  }
}

// ---- pure helpers -----------------------------------------------------------------------------

function idealUs(s: ClusterWriterState, c: { readonly periodUs: number }, tick: number): number {
  return s.startUs + Math.round(tick * c.periodUs);
}

function linkOn(s: ClusterWriterState, peer: ProcessId, conn: ConnId): WriterLink | undefined {
  const link = s.links[peer];
  return link !== undefined && link.conn === conn ? link : undefined;
}

function dropConnection(link: WriterLink): void {
  link.conn = NO_CONN;
  link.connected = false;
}

function countError(s: ClusterWriterState, kind: WriteErrorKind): void {
  s.errors[kind] = (s.errors[kind] ?? 0) + 1;
}

function isEmpty(record: Record<string, unknown>): boolean {
  for (const _ in record) return false;
  return true;
}

const ERROR_KINDS: ReadonlySet<string> = new Set(["CLUSTERDOWN", "MOVED", "ASK", "TRYAGAIN", "READONLY", "NOREPLICAS"]);

/** An error reply's kind: its first word when it is one a cluster client tells apart. */
export function errorKindOf(text: string): WriteErrorKind {
  const space = text.indexOf(" ");
  const word = space < 0 ? text : text.slice(0, space);
  return ERROR_KINDS.has(word) ? (word as WriteErrorKind) : "otherError";
}

// ---- what a run reports -----------------------------------------------------------------------

/** The writer's figures for CONTRACTS §8 `writes`, an outage still open at `nowUs` included. */
export function writerSummary(s: ClusterWriterState, nowUs: number): { acked: number; outageMs: number; longestGapMs: number; failed: number; skipped: number } {
  const openMs = s.outageStartUs >= 0 ? Math.floor((nowUs - s.outageStartUs) / 1000) : 0;
  const openGapUs = s.lastSuccessUs >= 0 && s.outageStartUs >= 0 ? nowUs - s.lastSuccessUs : 0;
  return {
    acked: s.counts.acked,
    outageMs: Math.max(s.outageMs, openMs),
    longestGapMs: Math.floor(Math.max(s.longestGapUs, openGapUs) / 1000),
    failed: s.counts.failed,
    skipped: s.counts.skipped,
  };
}

