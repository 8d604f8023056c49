/**
 * The kernel benchmark's workload: a ring of processes playing ping-pong. Each process keeps a
 * connection to up to 4 ring neighbours and, every `intervalUs`, pings ONE of them picked at
 * random; a ping is answered with a pong on the same connection. So every tick costs the kernel
 * three handler invocations (tick, ping, pong) plus two packet arrivals, with one pending timer
 * per process — small enough that the kernel's own overhead dominates what is measured.
 *
 * The state is tiny and plain (immer-friendly); the model persists nothing.
 */
import type { ConnId, Ctx, Micros, ProcessEvent, ProcessId, ProcessModel } from "../packages/sim-core/src/index";

export type PingPongMessage = { readonly type: "ping" } | { readonly type: "pong" };

export interface PingPongState {
  /** Our outbound connections, one per neighbour, in neighbour order. */
  conns: ConnId[];
  pingsSent: number;
  pingsAnswered: number;
  pongsReceived: number;
}

/** How many ring neighbours each process connects to (fewer in rings of 5 or less). */
export const RING_NEIGHBOURS = 4;

/** The ids i+1 … i+4 (mod n) of `ids[index]`, without itself and without repeats. */
export function ringNeighbours(ids: readonly ProcessId[], index: number): ProcessId[] {
  const out: ProcessId[] = [];
  for (let step = 1; step <= RING_NEIGHBOURS; step++) {
    const peer = ids[(index + step) % ids.length]!;
    if (peer !== ids[index] && !out.includes(peer)) out.push(peer);
  }
  return out;
}

export function pingPongModel(neighbours: readonly ProcessId[], intervalUs: Micros): ProcessModel<PingPongState, PingPongMessage, undefined> {
  const fresh = (): PingPongState => ({ conns: [], pingsSent: 0, pingsAnswered: 0, pongsReceived: 0 });
  return {
    kind: "bench-ping-pong",
    init: fresh,
    persist: () => undefined,
    restore: fresh,
    handle(state: PingPongState, event: ProcessEvent<PingPongMessage>, ctx: Ctx<PingPongMessage>): void {
      switch (event.type) {
        case "start":
          for (const peer of neighbours) state.conns.push(ctx.connect(peer, "bench"));
          // A random first phase, so that processes do not tick in lockstep.
          ctx.setTimer("tick", (ctx.rng("phase").int(intervalUs) + 1) as Micros);
          return;
        case "timer": {
          if (state.conns.length > 0) {
            const conn = state.conns[ctx.rng("pick").int(state.conns.length)]!;
            ctx.send(conn, { type: "ping" });
            state.pingsSent++;
          }
          ctx.setTimer("tick", intervalUs);
          return;
        }
        case "message":
          if (event.message.type === "ping") {
            ctx.send(event.conn, { type: "pong" });
            state.pingsAnswered++;
          } else {
            state.pongsReceived++;
          }
          return;
        case "connectFailed":
        case "closed": {
          // Not expected without faults; drop the connection so that ticks never use it.
          const index = state.conns.indexOf(event.conn);
          if (index >= 0) state.conns.splice(index, 1);
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
}

/** `count` processes named "p0" … in a ring, each with its model. */
export function pingPongRing(count: number, intervalUs: Micros): Map<ProcessId, ProcessModel<PingPongState, PingPongMessage, undefined>> {
  const ids = Array.from({ length: count }, (_, i) => `p${i}`);
  return new Map(ids.map((id, index) => [id, pingPongModel(ringNeighbours(ids, index), intervalUs)]));
}
