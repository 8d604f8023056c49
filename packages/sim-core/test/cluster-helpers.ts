import { slotOwnerOf } from "../src/cluster/slot-table";
import { Seeds, Simulation, WALL_CLOCK_EPOCH_MS, seconds, type ConnId, type Ctx, type Message, type TraceEvent, type TraceRecord } from "../src/index";
import { addCreatedCluster } from "../src/cluster/create";
import type { ClusterNodeState } from "../src/cluster/state";

/** The drills' 3 + 3 layout: 7001–7003 masters, 7004 → 7001, 7005 → 7002, 7006 → 7003. */
export const PAIRING_3X1 = { 7004: 7001, 7005: 7002, 7006: 7003 } as const;

export interface ClusterSimOptions {
  readonly seed?: string | number;
  readonly nodeTimeoutMs?: number;
  readonly ports?: readonly number[];
  readonly replicasPerMaster?: number;
  readonly pairing?: Readonly<Record<number, number>>;
  readonly mode?: "fast" | "trace";
  readonly config?: Partial<Record<string, unknown>>;
}

export function clusterSim(options: ClusterSimOptions = {}): Simulation {
  const sim = new Simulation({ seed: options.seed ?? 1, mode: options.mode ?? "fast", scenario: "cluster-test" });
  addCreatedCluster(sim, {
    ports: options.ports ?? [7001, 7002, 7003, 7004, 7005, 7006],
    replicasPerMaster: options.replicasPerMaster ?? 1,
    pairing: options.pairing ?? PAIRING_3X1,
    config: { "cluster-node-timeout": options.nodeTimeoutMs ?? 2000, ...options.config },
  });
  return sim;
}

/** Lets the replicas finish their first full sync (diskless, 5 s delay) before a drill starts. */
export const SYNCED_AT = seconds(12);

export const node = (sim: Simulation, port: number): ClusterNodeState => sim.state<ClusterNodeState>(String(port));

export const idOf = (sim: Simulation, port: number): string => node(sim, port).myId;

export function eventsOf<T extends TraceRecord["type"]>(sim: Simulation, type: T, port?: number): Extract<TraceRecord, { type: T }>[] {
  return sim.trace.filter((r): r is Extract<TraceRecord, { type: T }> => r.type === type && (port === undefined || r.node === String(port)));
}

/** Who owns `slot` in `port`'s own slot table (its port), or null. */
export function ownerPortOf(sim: Simulation, port: number, slot: number): number | null {
  const s = node(sim, port);
  const owner = slotOwnerOf(s.slotOwner, slot);
  return owner === null || owner === undefined ? null : s.nodes[owner]!.port;
}

/** A handler context that records what a rule did, for testing one rule at a time. */
export function recordingCtx(nowMs: number, seed = "rules"): Ctx<Message> & { emitted: TraceEvent[]; sent: { conn: ConnId; message: Message }[] } {
  const seeds = new Seeds(seed);
  const streams = new Map<string, ReturnType<Seeds["stream"]>>();
  const emitted: TraceEvent[] = [];
  const sent: { conn: ConnId; message: Message }[] = [];
  return {
    self: "test",
    nowUs: ((nowMs - WALL_CLOCK_EPOCH_MS) * 1000) as never,
    incarnation: 0,
    wallMs: () => nowMs,
    rng: (name) => {
      if (!streams.has(name)) streams.set(name, seeds.stream(name));
      return streams.get(name)!;
    },
    connect: () => 0,
    send: (conn, message) => void sent.push({ conn, message }),
    close: () => undefined,
    setTimer: () => undefined,
    cancelTimer: () => undefined,
    emit: (event) => void emitted.push(event),
    exit: () => undefined,
    emitted,
    sent,
  };
}

