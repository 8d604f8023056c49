import fc from "fast-check";

/**
 * Topologies as plain data, with the ports and process names of CONTRACTS §2: cluster nodes
 * 7001… (masters first, as `--cluster create` takes them), a Sentinel group's master 6400,
 * replicas 6401…, Sentinels 26400…, clients `client-1`…. Arbitraries shrink toward the smallest
 * topology (3 masters, 1 replica each) and the shortest node timeout.
 */

export const FIRST_CLUSTER_PORT = 7001;
export const SENTINEL_MASTER_PORT = 6400;
export const FIRST_SENTINEL_PORT = 26400;

export interface ClusterShape {
  readonly kind: "cluster";
  readonly masters: number;
  readonly replicasPerMaster: number;
  /** `cluster-node-timeout`, ms. */
  readonly nodeTimeoutMs: number;
}

export interface SentinelShape {
  readonly kind: "sentinel";
  readonly replicas: number;
  readonly sentinels: number;
  readonly quorum: number;
  /** `sentinel down-after-milliseconds`. */
  readonly downAfterMs: number;
}

export type TopologyShape = ClusterShape | SentinelShape;

export function clusterPorts(t: ClusterShape): number[] {
  return Array.from({ length: t.masters * (1 + t.replicasPerMaster) }, (_, i) => FIRST_CLUSTER_PORT + i);
}

/** Every server and Sentinel of the topology, by process name (its port). */
export function serverIds(t: TopologyShape): string[] {
  if (t.kind === "cluster") return clusterPorts(t).map(String);
  const servers = Array.from({ length: 1 + t.replicas }, (_, i) => String(SENTINEL_MASTER_PORT + i));
  const sentinels = Array.from({ length: t.sentinels }, (_, i) => String(FIRST_SENTINEL_PORT + i));
  return [...servers, ...sentinels];
}

/** The node timeout that bounds detection: cluster-node-timeout, or Sentinel's down-after. */
export function detectionTimeoutMs(t: TopologyShape): number {
  return t.kind === "cluster" ? t.nodeTimeoutMs : t.downAfterMs;
}

export interface ClusterShapeOptions {
  readonly minMasters?: number;
  readonly maxMasters?: number;
  readonly maxReplicasPerMaster?: number;
  /** Node timeouts to pick from; the first is the one shrinking goes to. */
  readonly nodeTimeoutsMs?: readonly number[];
}

/**
 * How many masters a drawn cluster may have: at least 3 (redis-cli --cluster create refuses
 * fewer); at most 9 keeps a run of up to 27 nodes cheap enough to sweep by the hundred.
 */
export const MIN_MASTERS = 3;
export const MAX_MASTERS = 9;

/** 3–9 masters (by default), 1–2 replicas each, node timeout 1, 2, 5 or 15 s. */
export function clusterShapeArb(options: ClusterShapeOptions = {}): fc.Arbitrary<ClusterShape> {
  return fc.record({
    kind: fc.constant("cluster" as const),
    masters: fc.integer({ min: options.minMasters ?? MIN_MASTERS, max: options.maxMasters ?? MAX_MASTERS }),
    replicasPerMaster: fc.integer({ min: 1, max: options.maxReplicasPerMaster ?? 2 }),
    nodeTimeoutMs: fc.constantFrom(...(options.nodeTimeoutsMs ?? [1000, 2000, 5000, 15_000])),
  });
}

/** A master, 1–2 replicas, 1–5 Sentinels with a quorum from 1 to their number. */
export function sentinelShapeArb(): fc.Arbitrary<SentinelShape> {
  return fc
    .record({
      replicas: fc.integer({ min: 1, max: 2 }),
      sentinels: fc.integer({ min: 1, max: 5 }),
      quorumDraw: fc.nat({ max: 4 }),
      downAfterMs: fc.constantFrom(1000, 5000, 30_000),
    })
    .map(({ replicas, sentinels, quorumDraw, downAfterMs }) => ({
      kind: "sentinel" as const,
      replicas,
      sentinels,
      // Shrinks toward quorum 1; always within 1..sentinels.
      quorum: 1 + (quorumDraw % sentinels),
      downAfterMs,
    }));
}

export function topologyShapeArb(options: { readonly sentinel?: boolean; readonly cluster?: ClusterShapeOptions } = {}): fc.Arbitrary<TopologyShape> {
  return options.sentinel === true ? fc.oneof(clusterShapeArb(options.cluster), sentinelShapeArb()) : clusterShapeArb(options.cluster);
}
