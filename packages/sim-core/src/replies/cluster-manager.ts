import { CLUSTER_SLOTS } from "../redis-constants";

/**
 * What `redis-cli --cluster` (redis-cli.c 7.0.15, the "cluster manager") prints, computed from
 * the CLUSTER NODES replies it reads, as redis-cli computes it: clusterManagerNodeLoadInfo's
 * parsing, clusterManagerNodeInfo's node lines, clusterManagerGetConfigSignature,
 * clusterManagerComputeReshardTable. Pure functions: the admin client model and the report both
 * call them.
 */

/** One line of a CLUSTER NODES reply, as redis-cli reads it. */
export interface ManagerNode {
  readonly id: string;
  readonly port: number;
  /** The flags field split on commas (`myself`, `master`, `slave`, `fail`, …). */
  readonly flags: readonly string[];
  /** The master's id for a replica (`-` otherwise). */
  readonly replicaOf: string | null;
  readonly linkState: string;
  /** Served slots, ascending. */
  readonly slots: readonly number[];
  /** `[slot->-id]` entries: slot → id. */
  readonly migrating: readonly (readonly [number, string])[];
  /** `[slot-<-id]` entries. */
  readonly importing: readonly (readonly [number, string])[];
}

export function parseManagerNodes(text: string): ManagerNode[] {
  const out: ManagerNode[] = [];
  for (const line of text.split("\n")) {
    const fields = line.split(" ");
    if (fields.length < 8) continue;
    const [id, addr, flags, master, , , , linkState, ...rest] = fields;
    const port = Number(/:(\d+)@/.exec(addr!)?.[1] ?? /:(\d+)$/.exec(addr!)?.[1]);
    const slots: number[] = [];
    const migrating: [number, string][] = [];
    const importing: [number, string][] = [];
    for (const def of rest) {
      if (def === "") continue;
      const open = /^\[(\d+)(->-|-<-)([0-9a-f]+)\]$/.exec(def);
      if (open !== null) (open[2] === "->-" ? migrating : importing).push([Number(open[1]), open[3]!]);
      else if (def.includes("-")) {
        const [a, b] = def.split("-").map(Number);
        for (let s = a!; s <= b!; s++) slots.push(s);
      } else slots.push(Number(def));
    }
    out.push({ id: id!, port, flags: flags!.split(","), replicaOf: master === "-" ? null : master!, linkState: linkState!, slots, migrating, importing });
  }
  return out;
}

/** The node's own line (flag `myself`). */
export function myselfOf(nodes: readonly ManagerNode[]): ManagerNode | undefined {
  return nodes.find((n) => n.flags.includes("myself"));
}

/** clusterManagerNodeSlotsString: `[0-332],[5461-5794]`. */
export function managerSlotsString(slots: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < slots.length) {
    let j = i;
    while (j + 1 < slots.length && slots[j + 1] === slots[j]! + 1) j++;
    parts.push(i === j ? `[${slots[i]}]` : `[${slots[i]}-${slots[j]}]`);
    i = j + 1;
  }
  return parts.join(",");
}

/** What redis-cli keeps of a loaded node (clusterManagerNode). */
export interface LoadedNode {
  readonly port: number;
  readonly id: string;
  readonly isReplica: boolean;
  readonly replicaOf: string | null;
  readonly slots: readonly number[];
  readonly migrating: readonly (readonly [number, string])[];
  readonly importing: readonly (readonly [number, string])[];
  readonly replicas: number;
}

/** clusterManagerNodeInfo: the `M:`/`S:` block, indented by `indent` spaces. */
export function nodeInfoLines(n: LoadedNode, indent = 0): string[] {
  const pad = " ".repeat(indent);
  const lines = [`${pad}${n.isReplica ? "S" : "M"}: ${n.id} 127.0.0.1:${n.port}`, `${pad}   slots:${managerSlotsString(n.slots)} (${n.slots.length} slots) ${n.isReplica ? "slave" : "master"}`];
  if (n.replicaOf !== null) lines.push(`${pad}   replicates ${n.replicaOf}`);
  else if (n.replicas > 0) lines.push(`${pad}   ${n.replicas} additional replica(s)`);
  return lines;
}

/** clusterManagerGetConfigSignature: `id:slots,…|…` over the nodes serving slots, sorted. */
export function configSignature(clusterNodesText: string): string {
  const configs: string[] = [];
  for (const line of clusterNodesText.split("\n")) {
    const fields = line.split(" ");
    if (fields.length <= 8) continue;
    const slots = fields.slice(8).filter((d) => d !== "" && !d.startsWith("["));
    if (slots.length === 0) continue;
    configs.push(`${fields[0]}:${[...slots].sort().join(",")}`);
  }
  return configs.sort().join("|");
}

/**
 * clusterManagerCheckCluster after the node listing: agreement, open slots, coverage. Returns
 * the lines and whether redis-cli counted an error.
 */
export function checkClusterLines(nodes: readonly LoadedNode[], signatures: readonly string[]): { lines: string[]; ok: boolean } {
  const lines: string[] = [];
  let ok = true;
  if (new Set(signatures).size > 1) {
    lines.push("[ERR] Nodes don't agree about configuration!");
    ok = false;
  } else lines.push("[OK] All nodes agree about slots configuration.");
  lines.push(">>> Check for open slots...");
  const open: number[] = [];
  for (const n of nodes) {
    for (const [state, entries] of [["migrating", n.migrating], ["importing", n.importing]] as const) {
      if (entries.length === 0) continue;
      lines.push(`[WARNING] Node 127.0.0.1:${n.port} has slots in ${state} state ${entries.map(([slot]) => slot).join(",")}.`);
      for (const [slot] of entries) if (!open.includes(slot)) open.push(slot);
    }
  }
  if (open.length > 0) {
    lines.push(`[WARNING] The following slots are open: ${open.join(",")}.`);
    ok = false;
  }
  lines.push(">>> Check slots coverage...");
  const covered = new Set<number>();
  for (const n of nodes) for (const slot of n.slots) covered.add(slot);
  if (covered.size === CLUSTER_SLOTS) lines.push(`[OK] All ${CLUSTER_SLOTS} slots covered.`);
  else {
    lines.push(`[ERR] Not all ${CLUSTER_SLOTS} slots are covered by nodes.`, "");
    ok = false;
  }
  return { lines, ok };
}

/**
 * clusterManagerComputeReshardTable: sources by slot count, most first (a stable sort, as
 * glibc's qsort is a merge sort here); the first gives ceil(share), the others floor(share),
 * where share = numSlots / total × its count in C float arithmetic; each gives its lowest slots.
 */
export function computeReshardTable(sources: readonly LoadedNode[], numSlots: number): { slot: number; source: LoadedNode }[] {
  const total = sources.reduce((n, s) => n + s.slots.length, 0);
  const sorted = [...sources].sort((a, b) => b.slots.length - a.slots.length);
  const moved: { slot: number; source: LoadedNode }[] = [];
  sorted.forEach((node, i) => {
    const share = Math.fround(Math.fround(Math.fround(numSlots) / total) * node.slots.length);
    const max = i === 0 ? Math.ceil(share) : Math.floor(share);
    let count = 0;
    for (const slot of node.slots) {
      if (count >= max || moved.length >= numSlots) break;
      moved.push({ slot, source: node });
      count++;
    }
  });
  return moved;
}
