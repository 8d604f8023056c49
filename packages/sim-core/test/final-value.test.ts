import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { finalValueInCluster, keyHashSlot, type ClusterNodeState } from "../src/index";
import { emptySlotTable, loadSlotRange, slotOwnerOf } from "../src/cluster/slot-table";

/** Just what finalValueInCluster reads of a node. */
function fakeNode(id: string, epoch: number, ranges: [number, number][], replica: boolean, data: Record<string, string>): ClusterNodeState {
  const slotOwner = emptySlotTable();
  for (const [first, last] of ranges) loadSlotRange(slotOwner, first, last, id);
  return { myId: id, nodes: { [id]: { configEpoch: epoch } }, slotOwner, replication: { masterHost: replica ? "7001" : null }, data } as unknown as ClusterNodeState;
}

const KEYS = Array.from({ length: 300 }, (_, i) => `key:${i}`);

describe("the final value of a key in a cluster", () => {
  it("is the one held by the master that serves the key's slot in its own table with the highest config epoch (the first such node on a tie)", () => {
    const range = fc.tuple(fc.integer({ min: 0, max: 16383 }), fc.integer({ min: 0, max: 9000 })).map(([first, length]): [number, number] => [first, Math.min(16383, first + length)]);
    const node = fc.record({ epoch: fc.integer({ min: 0, max: 3 }), ranges: fc.array(range, { maxLength: 3 }), replica: fc.boolean() });
    fc.assert(
      fc.property(fc.array(node, { minLength: 1, maxLength: 5 }), (specs) => {
        const nodes = specs.map((n, i) => fakeNode(`n${i}`, n.epoch, n.ranges, n.replica, Object.fromEntries(KEYS.map((k) => [k, `${k}@n${i}`]))));
        const read = finalValueInCluster(nodes);
        for (const key of KEYS) {
          const slot = keyHashSlot(key);
          let best: ClusterNodeState | undefined;
          for (const n of nodes) {
            if (n.replication.masterHost !== null || slotOwnerOf(n.slotOwner, slot) !== n.myId) continue;
            if (best === undefined || n.nodes[n.myId]!.configEpoch > best.nodes[best.myId]!.configEpoch) best = n;
          }
          expect(read(key)).toBe(best?.data[key]);
        }
      }),
      { numRuns: 150 },
    );
  });
});
