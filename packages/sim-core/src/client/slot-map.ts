import { CLUSTER_SLOTS } from "../redis-constants";
import { runHolding, settleSlotClaims, type SlotClaim } from "../cluster/slot-claims";

/**
 * A cluster client's slot map: which port it sends each slot to, as it learns it from MOVED
 * replies and from `CLUSTER NODES` (what Jedis's and redis-py's slot caches hold).
 */

/** One contiguous run of slots the writer routes to `port`. */
export interface SlotRoute {
  readonly first: number;
  readonly last: number;
  readonly port: number;
}

/** The port a slot map sends `slot` to, or null. */
export function slotRouteOf(map: readonly SlotRoute[], slot: number): number | null {
  const i = runHolding(map, slot);
  return i < 0 ? null : map[i]!.port;
}

/** A new slot map in which `slot` goes to `port` (what a MOVED reply teaches). */
export function assignSlot(map: readonly SlotRoute[], slot: number, port: number): SlotRoute[] {
  if (slotRouteOf(map, slot) === port) return [...map];
  const out: SlotRoute[] = [];
  for (const route of map) {
    if (slot < route.first || slot > route.last) {
      out.push(route);
      continue;
    }
    if (route.first < slot) out.push({ first: route.first, last: slot - 1, port: route.port });
    out.push({ first: slot, last: slot, port });
    if (slot < route.last) out.push({ first: slot + 1, last: route.last, port: route.port });
  }
  if (!out.some((r) => r.first === slot)) out.push({ first: slot, last: slot, port });
  out.sort((a, b) => a.first - b.first);
  return mergeRoutes(out);
}

function mergeRoutes(sorted: readonly SlotRoute[]): SlotRoute[] {
  const out: SlotRoute[] = [];
  for (const route of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last.port === route.port && last.last + 1 === route.first) out[out.length - 1] = { first: last.first, last: route.last, port: route.port };
    else out.push(route);
  }
  return out;
}

/**
 * What a client takes from a CLUSTER NODES reply: every node's port, and the slot map — each
 * master's slot ranges (`[slot->-node]` migration entries are skipped); where two masters claim a
 * slot, the one with the higher config epoch has it.
 */
export function parseClusterNodes(text: string): { ports: number[]; slotMap: SlotRoute[] } {
  const ports: number[] = [];
  const claims: SlotClaim<number>[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const fields = line.split(" ");
    if (fields.length < 8) continue;
    const address = fields[1]!;
    const port = Number(address.slice(address.lastIndexOf(":") + 1, address.includes("@") ? address.indexOf("@") : undefined));
    if (!Number.isInteger(port)) continue;
    const flags = fields[2]!.split(",");
    if (flags.includes("handshake") || flags.includes("noaddr")) continue;
    ports.push(port);
    if (!flags.includes("master")) continue;
    const epoch = Number(fields[6]);
    for (let i = 8; i < fields.length; i++) {
      const token = fields[i]!;
      if (token.startsWith("[")) continue;
      const dash = token.indexOf("-");
      const first = Number(dash < 0 ? token : token.slice(0, dash));
      const last = Math.min(dash < 0 ? first : Number(token.slice(dash + 1)), CLUSTER_SLOTS - 1);
      if (first <= last) claims.push({ first, last, epoch, owner: port });
    }
  }
  return { ports, slotMap: mergeRoutes(settleSlotClaims(claims).map(({ first, last, owner }) => ({ first, last, port: owner }))) };
}
