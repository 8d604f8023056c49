import type { Micros } from "../kernel/time";
import type { ConnId, Ctx, ProcessEvent, ProcessId, ProcessModel } from "../process/model";

/**
 * A small failure detector on the kernel: every process pings each peer once per interval and
 * suspects a peer it has not heard from for `timeoutUs` — Redis Cluster's PFAIL rule in
 * miniature. It is the kernel's demo and the workload of its determinism tests; it persists
 * nothing, so a restarted process starts from scratch.
 */
export interface HeartbeatConfig {
  readonly peers: readonly ProcessId[];
  readonly intervalUs: Micros;
  readonly timeoutUs: Micros;
}

export type HeartbeatMessage = { readonly type: "ping"; readonly sentUs: number } | { readonly type: "pong"; readonly echoUs: number };

interface PeerView {
  readonly id: ProcessId;
  /** Our outbound connection to it, while one is open or opening. */
  conn: ConnId | null;
  lastHeardUs: number;
  suspected: boolean;
}

export interface HeartbeatState {
  peers: PeerView[];
  pingsSent: number;
  pongsReceived: number;
}

export function heartbeatModel(config: HeartbeatConfig): ProcessModel<HeartbeatState, HeartbeatMessage, undefined> {
  const boot = (nowUs: number): HeartbeatState => ({
    peers: config.peers.map((id) => ({ id, conn: null, lastHeardUs: nowUs, suspected: false })),
    pingsSent: 0,
    pongsReceived: 0,
  });
  return {
    kind: "heartbeat",
    init: (ctx) => boot(ctx.nowUs),
    persist: () => undefined,
    restore: (_persisted, ctx) => boot(ctx.nowUs),
    handle(state: HeartbeatState, event: ProcessEvent<HeartbeatMessage>, ctx: Ctx<HeartbeatMessage>): void {
      switch (event.type) {
        case "start":
          for (const peer of state.peers) peer.conn = ctx.connect(peer.id, "heartbeat");
          // A random phase, as real processes never start in lockstep.
          ctx.setTimer("tick", (ctx.rng("phase").int(config.intervalUs) + 1) as Micros);
          return;
        case "timer":
          tick(state, ctx);
          return;
        case "message":
          if (event.message.type === "ping") {
            ctx.send(event.conn, { type: "pong", echoUs: event.message.sentUs });
          } else {
            state.pongsReceived++;
            const peer = state.peers.find((p) => p.id === event.from);
            if (peer === undefined) return;
            const silentUs = ctx.nowUs - peer.lastHeardUs;
            peer.lastHeardUs = ctx.nowUs;
            if (peer.suspected) {
              peer.suspected = false;
              ctx.emit({ type: "peerRecovered", peer: peer.id, silentMs: Math.floor(silentUs / 1000) });
            }
          }
          return;
        case "connectFailed":
        case "closed": {
          const peer = state.peers.find((p) => p.conn === event.conn);
          if (peer !== undefined) peer.conn = null;
          return;
        }
        case "connected":
        case "accepted":
          return;
        case "shutdown":
          ctx.exit();
          return;
      }
    },
  };

  function tick(state: HeartbeatState, ctx: Ctx<HeartbeatMessage>): void {
    for (const peer of state.peers) {
      if (peer.conn === null) {
        peer.conn = ctx.connect(peer.id, "heartbeat");
      } else {
        ctx.send(peer.conn, { type: "ping", sentUs: ctx.nowUs });
        state.pingsSent++;
      }
      const silentUs = ctx.nowUs - peer.lastHeardUs;
      if (!peer.suspected && silentUs > config.timeoutUs) {
        peer.suspected = true;
        ctx.emit({ type: "peerSuspected", peer: peer.id, silentMs: Math.floor(silentUs / 1000) });
      }
    }
    ctx.setTimer("tick", config.intervalUs);
  }
}

/** Every process of `ids` watching every other. */
export function heartbeatMesh(ids: readonly ProcessId[], intervalUs: Micros, timeoutUs: Micros): Map<ProcessId, ProcessModel<HeartbeatState, HeartbeatMessage, undefined>> {
  return new Map(ids.map((id) => [id, heartbeatModel({ peers: ids.filter((p) => p !== id), intervalUs, timeoutUs })]));
}

