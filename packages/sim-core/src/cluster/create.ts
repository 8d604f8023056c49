import type { Simulation } from "../kernel/simulation";
import { redisConfig, type RedisConfig, type TestHooks } from "../redis-config";
import { NODE_MASTER, NODE_MYSELF, NODE_REPLICA } from "./flags";
import { BUS_CHANNEL } from "./messages";
import { clusterNodeModel, type FormedBusLinks } from "./node";
import type { NodesConf, NodesConfEntry } from "./nodes-conf";
import { NO_SLOTS, createSplit, type SlotRanges } from "./slots";
import type { NodeId } from "./state";

/**
 * `redis-cli --cluster create … --cluster-replicas N`, as the configuration it converges to: the
 * first `masters` ports split the slots (createSplit), every node gets configEpoch 1, 2, … in
 * argument order (CLUSTER SET-CONFIG-EPOCH), so currentEpoch is the number of nodes, and each
 * replica follows its master. The handshake itself (MEET, gossip until every node knows every
 * other) is not replayed: the processes start from the converged configuration.
 */
export interface ClusterLayout {
  /** Every node in `--cluster create` argument order. */
  readonly nodes: readonly { readonly port: number; readonly slots: SlotRanges; readonly replicaOf: number | null }[];
}

/**
 * The layout of `create` over `ports` with `replicasPerMaster` replicas each: masters are the
 * first ports; replicas are assigned in order, round-robin over the masters, unless `pairing`
 * (replica port → master port) pins them, as the drills do.
 */
export function createLayout(ports: readonly number[], replicasPerMaster: number, pairing: Readonly<Record<number, number>> = {}): ClusterLayout {
  const masterCount = Math.floor(ports.length / (replicasPerMaster + 1));
  if (masterCount < 3) throw new RangeError(`--cluster create needs at least 3 masters: ${ports.length} nodes with ${replicasPerMaster} replicas each give ${masterCount}`);
  const masters = ports.slice(0, masterCount);
  const split = createSplit(masterCount);
  const nodes = ports.map((port, i) => {
    if (i < masterCount) return { port, slots: split[i]!, replicaOf: null };
    const pinned = pairing[port];
    if (pinned !== undefined && !masters.includes(pinned)) throw new RangeError(`replica ${port} is paired with ${pinned}, which is not a master (${masters.join(", ")})`);
    return { port, slots: NO_SLOTS, replicaOf: pinned ?? masters[(i - masterCount) % masterCount]! };
  });
  return { nodes };
}

/** Each node's nodes.conf right after `create` converged, keyed by port. */
export function formedNodesConfs(layout: ClusterLayout, idOf: (port: number) => NodeId): Map<number, NodesConf> {
  const ids = new Map(layout.nodes.map((n) => [n.port, idOf(n.port)]));
  const entries: NodesConfEntry[] = layout.nodes.map((n, i) => ({
    id: ids.get(n.port)!,
    port: n.port,
    flags: n.replicaOf === null ? NODE_MASTER : NODE_REPLICA,
    replicaOf: n.replicaOf === null ? null : ids.get(n.replicaOf)!,
    pingSentMs: 0,
    pongReceivedMs: 1,
    configEpoch: i + 1,
    slots: n.slots,
  }));
  const currentEpoch = layout.nodes.length;
  return new Map(
    layout.nodes.map((n) => {
      const myId = ids.get(n.port)!;
      return [n.port, { myId, currentEpoch, lastVoteEpoch: 0, nodes: entries.map((e) => (e.id === myId ? { ...e, flags: e.flags | NODE_MYSELF } : e)) }];
    }),
  );
}

export interface CreateClusterOptions {
  readonly ports: readonly number[];
  readonly replicasPerMaster: number;
  readonly pairing?: Readonly<Record<number, number>>;
  /** Redis options for every node (Redis's own names), over 7.0's defaults. */
  readonly config?: Partial<Record<string, unknown>>;
  /** Per-port overrides on top of `config`. */
  readonly configByPort?: Readonly<Record<number, Partial<Record<string, unknown>>>>;
  /** Deliberate breaks for tests (redis-config.ts TestHooks), on every node. */
  readonly testHooks?: TestHooks;
}

/**
 * Adds the nodes of a freshly created cluster to `sim`, each named by its port. A node's id
 * comes from its own seeded stream, the same one a node that starts alone draws it from.
 *
 * The bus links of a converged cluster exist before the run: every node has an outbound link to
 * every other (clusterCron keeps one per known node), opened here with Simulation.preconnect, in
 * argument order, node by node.
 */
export function addCreatedCluster(sim: Simulation, options: CreateClusterOptions): ClusterLayout {
  const layout = createLayout(options.ports, options.replicasPerMaster, options.pairing);
  const confs = formedNodesConfs(layout, (port) => sim.stream(`node/${port}/node-id`).hex(20));
  const links = new Map<number, FormedBusLinks>();
  for (const node of layout.nodes) {
    const config: RedisConfig = redisConfig({ ...options.config, ...options.configByPort?.[node.port] }, options.testHooks);
    const formedLinks: FormedBusLinks = { outbound: new Map(), inbound: [] };
    links.set(node.port, formedLinks);
    sim.addProcess(String(node.port), clusterNodeModel({ port: node.port, config, formed: confs.get(node.port)!, formedLinks }));
  }
  for (const from of layout.nodes) {
    for (const to of layout.nodes) {
      if (to === from) continue;
      const conn = sim.preconnect(String(from.port), String(to.port), BUS_CHANNEL);
      links.get(from.port)!.outbound.set(confs.get(to.port)!.myId, conn);
      links.get(to.port)!.inbound.push(conn);
    }
  }
  return layout;
}
