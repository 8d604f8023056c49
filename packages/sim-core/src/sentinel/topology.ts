import type { Simulation } from "../kernel/simulation";
import type { RedisConfig } from "../redis-config";
import { standaloneServerModel } from "../server/standalone";
import { sentinelModel } from "./model";
import type { SentinelConfig } from "./state";

/**
 * A master, its replicas and the Sentinels watching it, added to a simulation in one call —
 * the shape of the Sentinel drills (CONTRACTS §2: drill-001 = 6400, 6401, 26400; drill-002 =
 * 6400, 6401–6402, 26400–26402).
 */
export interface SentinelTopology {
  readonly master: number;
  readonly replicas: readonly number[];
  readonly sentinels: readonly number[];
  readonly quorum: number;
  readonly redis?: Partial<RedisConfig>;
  /** Per-server overrides (e.g. a replica's `replica-priority`). */
  readonly redisByPort?: Readonly<Record<number, Partial<RedisConfig>>>;
  readonly sentinel?: Partial<SentinelConfig>;
}

export function addSentinelTopology(sim: Simulation, t: SentinelTopology): void {
  const server = (port: number, replicaof?: number) =>
    standaloneServerModel({ port, config: { ...t.redis, ...t.redisByPort?.[port] }, ...(replicaof === undefined ? {} : { replicaof }) });
  sim.addProcess(String(t.master), server(t.master));
  for (const port of t.replicas) sim.addProcess(String(port), server(port, t.master));
  for (const port of t.sentinels) sim.addProcess(String(port), sentinelModel({ port, masterPort: t.master, quorum: t.quorum, config: t.sentinel ?? {} }));
}
