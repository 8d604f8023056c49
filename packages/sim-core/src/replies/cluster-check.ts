import { CLUSTER_SLOTS } from "../redis-constants";
import { NODE_FAIL, NODE_MYSELF, NODE_NOADDR, NODE_REPLICA } from "../cluster/flags";
import { formatSlotRanges, slotCount } from "../cluster/slots";
import type { ClusterNodeState, NodeView } from "../cluster/state";
import { NODE_IP } from "./cluster-nodes";

/**
 * `redis-cli --cluster check <node>` (redis-cli.c 7.0: clusterManagerLoadInfoFromNode,
 * clusterManagerShowClusterInfo, clusterManagerCheckCluster), computed the way redis-cli computes
 * it: from each reachable node's own CLUSTER NODES and DBSIZE. `reach(port)` answers for a node
 * that accepts a connection, or null when the connection is refused.
 *
 * redis-cli colours its `>>>`, `[OK]`, `[WARNING]` and `[ERR]` lines even into a file; these lines
 * are the plain text. The node listing follows the entry node's own order, as redis-cli follows
 * its dict order.
 */
export interface ClusterCheckOutput {
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  /** False when redis-cli would report an error ([ERR] lines). */
  readonly ok: boolean;
}

interface Loaded {
  readonly port: number;
  readonly state: ClusterNodeState;
  readonly self: NodeView;
}

export function clusterCheck(entryPort: number, reach: (port: number) => ClusterNodeState | null): ClusterCheckOutput {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const entry = reach(entryPort);
  if (entry === null) {
    stderr.push(`Could not connect to Redis at ${NODE_IP}:${entryPort}: Connection refused`);
    return { stdout, stderr, ok: false };
  }
  const loaded: Loaded[] = [{ port: entryPort, state: entry, self: entry.nodes[entry.myId]! }];

  // Friends: every other node the entry node knows, unless it sees it failing, disconnected or
  // without address, or it refuses the connection.
  for (const id of entry.nodeOrder) {
    const view = entry.nodes[id]!;
    if ((view.flags & NODE_MYSELF) !== 0) continue;
    const friend = reach(view.port);
    if (friend === null) {
      stderr.push(`Could not connect to Redis at ${NODE_IP}:${view.port}: Connection refused`);
      continue;
    }
    const self = friend.nodes[friend.myId]!;
    if ((view.flags & (NODE_NOADDR | NODE_FAIL)) !== 0 || view.link === null || (self.flags & (NODE_NOADDR | NODE_FAIL)) !== 0) continue;
    loaded.push({ port: view.port, state: friend, self });
  }

  const byId = new Map(loaded.map((n) => [n.self.id, n]));
  const replicaCounts = new Map<string, number>();
  for (const n of loaded) {
    const master = masterOf(n);
    if (master === null) continue;
    if (!byId.has(master)) stdout.push(`*** WARNING: ${NODE_IP}:${n.port} claims to be slave of unknown node ID ${master}.`);
    else replicaCounts.set(master, (replicaCounts.get(master) ?? 0) + 1);
  }

  // clusterManagerShowClusterInfo: one line per master, then the key totals.
  let keys = 0;
  let masters = 0;
  for (const n of loaded) {
    if (isReplicaSelf(n)) continue;
    const dbsize = Object.keys(n.state.data).length;
    const replicas = loaded.filter((r) => r !== n && isReplicaSelf(r) && masterOf(r) === n.self.id).length;
    stdout.push(`${NODE_IP}:${n.port} (${n.self.id.slice(0, 8)}...) -> ${dbsize} keys | ${slotCount(n.self.slots)} slots | ${replicas} slaves.`);
    keys += dbsize;
    masters++;
  }
  stdout.push(`[OK] ${keys} keys in ${masters} masters.`);
  stdout.push(`${(Math.fround(keys / Math.fround(CLUSTER_SLOTS))).toFixed(2)} keys per slot on average.`);

  // clusterManagerCheckCluster.
  stdout.push(`>>> Performing Cluster Check (using node ${NODE_IP}:${entryPort})`);
  for (const n of loaded) {
    const replica = isReplicaSelf(n);
    const slots = n.self.slots.map(([a, b]) => (a === b ? `[${a}]` : `[${a}-${b}]`)).join(",");
    stdout.push(`${replica ? "S" : "M"}: ${n.self.id} ${NODE_IP}:${n.port}`);
    stdout.push(`   slots:${slots} (${slotCount(n.self.slots)} slots) ${replica ? "slave" : "master"}`);
    const master = masterOf(n);
    if (master !== null) stdout.push(`   replicates ${master}`);
    else if ((replicaCounts.get(n.self.id) ?? 0) > 0) stdout.push(`   ${replicaCounts.get(n.self.id)} additional replica(s)`);
  }
  let ok = true;
  const signatures = new Set(loaded.map((n) => configSignature(n.state)));
  if (signatures.size > 1) {
    stdout.push("[ERR] Nodes don't agree about configuration!");
    ok = false;
  } else {
    stdout.push("[OK] All nodes agree about slots configuration.");
  }
  stdout.push(">>> Check for open slots...");
  // Each node's own `[slot->-id]` / `[slot-<-id]` entries, then every open slot once.
  const openSlots: number[] = [];
  for (const n of loaded) {
    for (const [state, table] of [["migrating", n.state.migratingSlotsTo ?? {}], ["importing", n.state.importingSlotsFrom ?? {}]] as const) {
      const slots = Object.keys(table).map(Number).sort((a, b) => a - b);
      if (slots.length === 0) continue;
      stdout.push(`[WARNING] Node ${NODE_IP}:${n.port} has slots in ${state} state ${slots.join(",")}.`);
      for (const slot of slots) if (!openSlots.includes(slot)) openSlots.push(slot);
    }
  }
  if (openSlots.length > 0) {
    stdout.push(`[WARNING] The following slots are open: ${openSlots.join(",")}.`);
    ok = false;
  }
  stdout.push(">>> Check slots coverage...");
  const covered = new Set<number>();
  for (const n of loaded) for (const [a, b] of n.self.slots) for (let s = a; s <= b; s++) covered.add(s);
  if (covered.size === CLUSTER_SLOTS) {
    stdout.push(`[OK] All ${CLUSTER_SLOTS} slots covered.`);
  } else {
    stdout.push(`[ERR] Not all ${CLUSTER_SLOTS} slots are covered by nodes.`);
    ok = false;
  }
  return { stdout, stderr, ok };
}

function isReplicaSelf(n: Loaded): boolean {
  return (n.self.flags & NODE_REPLICA) !== 0;
}

/** The master a node names in its own "myself" line. */
function masterOf(n: Loaded): string | null {
  return isReplicaSelf(n) ? n.self.replicaOf : null;
}

/** clusterManagerGetConfigSignature: who serves which slots, as this node believes. */
function configSignature(s: ClusterNodeState): string {
  return s.nodeOrder
    .map((id) => s.nodes[id]!)
    .filter((n) => n.numSlots > 0)
    .map((n) => `${n.id}:${formatSlotRanges(n.slots, ",")}`)
    .sort()
    .join("|");
}
