import { ms } from "../kernel/time";
import type { BootCtx, ProcessEvent, ProcessModel } from "../process/model";
import { bulk, error, integer, ok, type ClientMessage, type Reply } from "../client/protocol";
import { askMasterStateToOtherSentinels, checkObjectivelyDown, checkSubjectivelyDown, isMasterDownByAddr, onIsMasterDownReply, onPingReply } from "./detection";
import { failoverStateMachine, startFailoverIfNeeded, switchToPromotedSlave } from "./failover";
import { processHelloMessage } from "./hello";
import { refreshInstanceInfo } from "./info";
import { addSentinel, addSlave } from "./instances";
import { allInstances, closeLinkConnection, currentMasterPort, findLink, reconnectInstance, sendPeriodicCommands, type SentinelCtx } from "./links";
import {
  CONFIG_DEFAULT_HZ,
  SENTINEL_DEFAULTS,
  SENTINEL_HELLO_CHANNEL,
  SENTINEL_TILT_PERIOD_MS,
  SENTINEL_TILT_TRIGGER_MS,
  SRI_MASTER,
  SRI_O_DOWN,
  SRI_S_DOWN,
  createSri,
  instanceRef,
  type MasterSri,
  type SentinelConfig,
  type SentinelState,
  type Sri,
} from "./state";

/**
 * A Redis 7.0.15 Sentinel as a kernel process (sentinel.c), monitoring one master. Its timer runs
 * at a random 10–19 Hz (§1.2); every tick it reconnects links, sends PING/INFO/hello, checks
 * SDOWN and ODOWN, asks its peers, and drives the failover. It answers PING, PUBLISH (hellos),
 * `SENTINEL is-master-down-by-addr` and `SENTINEL get-master-addr-by-name` on CLIENT_CHANNEL.
 *
 * What survives a restart is what sentinel.conf would hold after its rewrites (§12.4): myid,
 * current epoch, the master's current address, config and leader epochs, known replicas and
 * known sentinels.
 */

export const SENTINEL_KIND = "redis-sentinel";
export const SENTINEL_TIMER = "sentinelTimer";
export const DEFAULT_MASTER_NAME = "mymaster";

export interface SentinelOptions {
  readonly port: number;
  /** `sentinel monitor <name> 127.0.0.1 <masterPort> <quorum>`. */
  readonly masterPort: number;
  readonly quorum: number;
  readonly masterName?: string;
  readonly config?: Partial<SentinelConfig>;
}

export interface SentinelPersisted {
  readonly myId: string;
  readonly currentEpoch: number;
  readonly masterPort: number;
  readonly configEpoch: number;
  readonly leaderEpoch: number;
  readonly knownReplicas: readonly number[];
  readonly knownSentinels: readonly { readonly runId: string; readonly port: number }[];
}

export function sentinelConfig(overrides: Partial<SentinelConfig> = {}): SentinelConfig {
  const config: Record<string, number> = { ...SENTINEL_DEFAULTS };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in SENTINEL_DEFAULTS)) throw new RangeError(`unknown Sentinel option "${key}" (known: ${Object.keys(SENTINEL_DEFAULTS).join(", ")})`);
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw new RangeError(`Sentinel option "${key}" wants a whole number ≥ 0, got ${JSON.stringify(value)}`);
    config[key] = value;
  }
  return config as unknown as SentinelConfig;
}

export function sentinelModel(options: SentinelOptions): ProcessModel<SentinelState, ClientMessage, SentinelPersisted> {
  if (!(options.quorum >= 1)) throw new RangeError(`Sentinel ${options.port}: quorum must be ≥ 1, got ${options.quorum}`);
  const config = sentinelConfig(options.config ?? {});
  const name = options.masterName ?? DEFAULT_MASTER_NAME;
  const fresh = (ctx: BootCtx, p: SentinelPersisted | null): SentinelState => {
    const now = ctx.wallMs();
    const master = createSri(SRI_MASTER, name, p?.masterPort ?? options.masterPort, config["down-after-milliseconds"], now) as MasterSri;
    Object.assign(master, {
      quorum: options.quorum,
      parallelSyncs: config["parallel-syncs"],
      failoverTimeoutMs: config["failover-timeout"],
      configEpoch: p?.configEpoch ?? 0,
      failoverEpoch: 0,
      failoverState: "none",
      failoverStateChangeTime: 0,
      failoverStartTime: 0,
      failoverDelayLogged: 0,
      promotedSlave: null,
      slaves: [],
      sentinels: [],
    });
    master.leaderEpoch = p?.leaderEpoch ?? 0;
    const s: SentinelState = {
      port: options.port,
      // sentinelIsRunning: a new myid when the config has none.
      myId: p?.myId ?? ctx.rng("myid").hex(20),
      currentEpoch: p?.currentEpoch ?? 0,
      tilt: false,
      tiltStartTime: 0,
      previousTime: now,
      master,
      nextCommandId: 1,
    };
    for (const port of p?.knownReplicas ?? []) addSlave(s, port, now, ctx);
    for (const k of p?.knownSentinels ?? []) addSentinel(s, k.runId, k.port, now, ctx);
    return s;
  };
  return {
    kind: SENTINEL_KIND,
    init: (ctx) => fresh(ctx, null),
    persist: (s) => ({
      myId: s.myId,
      currentEpoch: s.currentEpoch,
      masterPort: currentMasterPort(s),
      configEpoch: s.master.configEpoch,
      leaderEpoch: s.master.leaderEpoch,
      knownReplicas: s.master.slaves.map((r) => r.port),
      knownSentinels: s.master.sentinels.map((si) => ({ runId: si.runId!, port: si.port })),
    }),
    restore: (p, ctx) => fresh(ctx, p),
    handle: (s, event, ctx) => handleEvent(s, event, ctx as SentinelCtx),
  };
}

function handleEvent(s: SentinelState, event: ProcessEvent<ClientMessage>, ctx: SentinelCtx): void {
  const now = ctx.wallMs();
  switch (event.type) {
    case "start":
      s.previousTime = now;
      // main → redisAsciiArt: `* Running mode=sentinel, port=N.`, then sentinelIsRunning.
      ctx.emit({ type: "serverInitialized", port: s.port });
      ctx.emit({ type: "sentinelId", myId: s.myId });
      ctx.emit({ type: "monitor", instance: instanceRef(s, s.master), quorum: s.master.quorum });
      // sentinelGenerateInitialMonitorEvents: the first tick comes within one cron period.
      ctx.setTimer(SENTINEL_TIMER, ms(1 + ctx.rng("cron-phase").int(100)));
      return;
    case "timer":
      if (event.name === SENTINEL_TIMER) {
        sentinelTimer(s, now, ctx);
        // serverCron at 1000 / hz ms, hz = 10 + rand() % 10: Sentinels stay out of lock-step.
        const hz = CONFIG_DEFAULT_HZ + ctx.rng("hz").int(CONFIG_DEFAULT_HZ);
        ctx.setTimer(SENTINEL_TIMER, ms(Math.floor(1000 / hz)));
      }
      return;
    case "connected":
    case "accepted":
      return;
    case "connectFailed":
    case "closed": {
      const found = findLink(s, event.conn);
      if (found !== null) closeLinkConnection(found.ri, found.which, ctx);
      return;
    }
    case "message": {
      const found = findLink(s, event.conn);
      if (found !== null) {
        if (event.message.type === "reply") onReply(s, found.ri, found.which, event.message.id, event.message.reply, now, ctx);
        return;
      }
      if (event.message.type === "command") {
        const reply = sentinelCommand(s, event.message.argv, now, ctx);
        ctx.send(event.conn, { type: "reply", id: event.message.id, reply });
      }
      return;
    }
    case "shutdown":
      ctx.exit();
      return;
  }
}

/** sentinelTimer: TILT check, every instance, then the switch of a failover that reached UPDATE_CONFIG. */
export function sentinelTimer(s: SentinelState, now: number, ctx: SentinelCtx): void {
  checkTiltCondition(s, now, ctx);
  for (const ri of allInstances(s)) handleRedisInstance(s, ri, now, ctx);
  if (s.master.failoverState === "update_config") switchToPromotedSlave(s, now, ctx);
}

/** sentinelCheckTiltCondition: a timer gap below 0 or above 2 s means the clock cannot be trusted. */
function checkTiltCondition(s: SentinelState, now: number, ctx: SentinelCtx): void {
  const delta = now - s.previousTime;
  if (delta < 0 || delta > SENTINEL_TILT_TRIGGER_MS) {
    s.tilt = true;
    s.tiltStartTime = now;
    ctx.emit({ type: "tilt", deltaMs: delta });
  }
  s.previousTime = now;
}

/** sentinelHandleRedisInstance: monitoring always; acting only out of TILT. */
function handleRedisInstance(s: SentinelState, ri: Sri, now: number, ctx: SentinelCtx): void {
  reconnectInstance(s, ri, now, ctx);
  sendPeriodicCommands(s, ri, now, ctx);
  if (s.tilt) {
    if (now - s.tiltStartTime < SENTINEL_TILT_PERIOD_MS) return;
    s.tilt = false;
    ctx.emit({ type: "tiltExited" });
  }
  checkSubjectivelyDown(s, ri, now, ctx);
  if ((ri.flags & SRI_MASTER) !== 0) {
    checkObjectivelyDown(s, now, ctx);
    if (startFailoverIfNeeded(s, now, ctx)) askMasterStateToOtherSentinels(s, now, true, ctx);
    failoverStateMachine(s, now, ctx);
    askMasterStateToOtherSentinels(s, now, false, ctx);
  }
}

/** A reply on one of our links: the callback of the command it answers. */
function onReply(s: SentinelState, ri: Sri, which: "cc" | "pc", id: number, reply: Reply, now: number, ctx: SentinelCtx): void {
  if (which === "pc") {
    // sentinelReceiveHelloMessages: any message is activity; our own hellos come back too.
    ri.link.pcLastActivity = now;
    if (reply.kind !== "array" || reply.items.length !== 3) return;
    const [kind, , payload] = reply.items;
    if (kind!.kind !== "bulk" || kind!.text !== "message" || payload!.kind !== "bulk" || payload!.text === null) return;
    if (payload!.text.includes(s.myId)) return;
    processHelloMessage(s, payload!.text, now, ctx);
    return;
  }
  const i = ri.link.pending.findIndex((p) => p.id === id);
  if (i < 0) return;
  const pending = ri.link.pending[i]!;
  ri.link.pending.splice(i, 1);
  switch (pending.kind) {
    case "ping":
      onPingReply(ri, reply, now);
      return;
    case "info":
      if (reply.kind === "bulk" && reply.text !== null) refreshInstanceInfo(s, ri, reply.text, now, ctx);
      return;
    case "publish":
      // sentinelPublishReplyCallback: only a successful publish resets the hello clock.
      if (reply.kind !== "error") ri.lastPubTime = now;
      return;
    case "isMasterDown":
      onIsMasterDownReply(ri, reply, now, ctx);
      return;
    case "discard":
      return;
  }
}

/** The commands a Sentinel answers (sentinelCommand, sentinelPublishCommand, PING, CLIENT, INFO). */
export function sentinelCommand(s: SentinelState, argv: readonly string[], now: number, ctx: SentinelCtx): Reply {
  const name = (argv[0] ?? "").toUpperCase();
  switch (name) {
    case "PING":
      return { kind: "status", text: "PONG" };
    case "CLIENT":
      return ok;
    case "PUBLISH":
      if (argv[1] !== SENTINEL_HELLO_CHANNEL) return error("ERR Only HELLO messages are accepted by Sentinel instances.");
      processHelloMessage(s, argv[2] ?? "", now, ctx);
      return integer(1);
    case "INFO":
      return bulk(
        [
          "# Sentinel",
          "sentinel_masters:1",
          `sentinel_tilt:${s.tilt ? 1 : 0}`,
          `sentinel_tilt_since_seconds:${s.tilt ? Math.floor((now - s.tiltStartTime) / 1000) : -1}`,
          `master0:name=${s.master.name},status=${(s.master.flags & SRI_O_DOWN) !== 0 ? "odown" : (s.master.flags & SRI_S_DOWN) !== 0 ? "sdown" : "ok"},address=127.0.0.1:${currentMasterPort(s)},slaves=${s.master.slaves.length},sentinels=${s.master.sentinels.length + 1}`,
        ]
          .map((l) => l + "\r\n")
          .join(""),
      );
    case "SENTINEL":
      break;
    default:
      return error(`ERR unknown command '${argv[0] ?? ""}', with args beginning with: ${argv.slice(1).map((a) => `'${a}' `).join("")}`);
  }
  const sub = (argv[1] ?? "").toLowerCase();
  switch (sub) {
    case "is-master-down-by-addr": {
      if (argv.length !== 6) return error("ERR wrong number of arguments for 'sentinel|is-master-down-by-addr' command");
      return isMasterDownByAddr(s, Number(argv[3]), Number(argv[4]), argv[5]!, now, ctx);
    }
    case "get-master-addr-by-name":
      if (argv[2] !== s.master.name) return bulk(null);
      return { kind: "array", items: [bulk("127.0.0.1"), bulk(String(currentMasterPort(s)))] };
    case "myid":
      return bulk(s.myId);
    default:
      return error(`ERR Unknown subcommand or wrong number of arguments for '${argv[1] ?? ""}'. Try SENTINEL HELP.`);
  }
}

