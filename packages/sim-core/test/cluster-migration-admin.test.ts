import { slotOwnerOf } from "../src/cluster/slot-table";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { seconds } from "../src/index";
import { keyHashSlot } from "../src/cluster/key-slot";
import { clusterSim, idOf, node, SYNCED_AT } from "./cluster-helpers";
import { addLoneNode, cli, runAdmin } from "./cluster-migration-helpers";

/**
 * `redis-cli --cluster add-node / reshard / del-node` as the admin client runs them, against the
 * transcripts of real redis-cli 7.0.15 on a real 7001–7008 cluster
 * (docs/observations/redis-7.0.15/migration/run-a, made by drill4.sh). Node ids and the order
 * of the node listing differ between runs; the steps, their order and their texts must not.
 */
const RUN = new URL("../../../docs/observations/redis-7.0.15/migration/run-a/", import.meta.url);
/** The transcript's lines without redis-cli's colour codes and the script's `rc=` line. */
function real(file: string): string[] {
  const text = readFileSync(new URL(file, RUN), "utf8").replace(/\x1b\[[0-9;]*m/g, "");
  return text.split("\n").filter((l) => !l.startsWith("rc=") && l !== "");
}
/** The lines that are the command's own steps (not the node listing of its cluster check). */
const steps = (lines: readonly string[]): string[] => lines.filter((l) => /^(>>>|\[OK\]|\[ERR\]|\[WARNING\]|Waiting|\*\*\*|Ready|  (Source|Destination) |  Resharding)/.test(l));
/** Real ids → ports, from a real check listing (`M: <id> 127.0.0.1:<port>`). */
function realPorts(lines: readonly string[]): Map<string, number> {
  const ports = new Map<string, number>();
  for (const l of lines) {
    const m = /^\s*[MS]: ([0-9a-f]{40}) 127\.0\.0\.1:(\d+)$/.exec(l);
    if (m !== null) ports.set(m[1]!, Number(m[2]));
  }
  return ports;
}

function grownCluster() {
  const sim = clusterSim({ nodeTimeoutMs: 15_000 });
  addLoneNode(sim, 7007, { "cluster-node-timeout": 15_000 });
  addLoneNode(sim, 7008, { "cluster-node-timeout": 15_000 });
  sim.runFor(SYNCED_AT);
  return sim;
}

describe("redis-cli --cluster against the real transcripts", () => {
  const sim = grownCluster();
  for (let i = 1; i <= 300; i++) cli(sim, 7001, "SET", `key:${i}`, `v${i}`);
  const addMaster = runAdmin(sim, ["add-node", "127.0.0.1:7007", "127.0.0.1:7001"]);
  sim.runFor(seconds(2));
  const view7007 = { ...node(sim, 7001).nodes[idOf(sim, 7007)]! };
  const addReplica = runAdmin(sim, ["add-node", "127.0.0.1:7008", "127.0.0.1:7001", "--cluster-slave", "--cluster-master-id", idOf(sim, 7007)]);
  sim.runFor(seconds(3));
  const reshard = runAdmin(sim, ["reshard", "127.0.0.1:7001", "--cluster-from", "all", "--cluster-to", idOf(sim, 7007), "--cluster-slots", "1000", "--cluster-yes"]);
  sim.runFor(seconds(2));

  it("add-node of a master: the same steps as redis-cli 7.0.15, and 7007 joins as a master without slots", () => {
    expect(addMaster.status).toBe(0);
    expect(steps(addMaster.lines)).toEqual(steps(real("03-add-node-7007.txt")));
    expect(view7007.slots).toEqual([]);
    expect(view7007.replicaOf).toBeNull();
    expect(view7007.flags & 1).toBe(1);
  });

  it("add-node --cluster-slave: waits for the join, then CLUSTER REPLICATE, as redis-cli 7.0.15 does", () => {
    expect(addReplica.status).toBe(0);
    expect(steps(addReplica.lines)).toEqual(steps(real("05-add-node-7008.txt")));
    for (const port of [7001, 7002, 7003, 7007]) expect(node(sim, port).nodes[idOf(sim, 7008)]!.replicaOf).toBe(idOf(sim, 7007));
  });

  it("reshard of 1000 slots: the same plan and the same moves as redis-cli 7.0.15 (334 from 7002, 333 from 7001 and from 7003)", () => {
    expect(reshard.status).toBe(0);
    const realLines = real("08-reshard.txt");
    const ports = realPorts(realLines);
    const simPorts = new Map([7001, 7002, 7003, 7007].map((p) => [idOf(sim, p), p]));
    const plan = (lines: readonly string[], byId: Map<string, number>) =>
      lines.flatMap((l) => {
        const m = /^ {4}Moving slot (\d+) from ([0-9a-f]{40})$/.exec(l);
        return m === null ? [] : [`${m[1]}<-${byId.get(m[2]!)}`];
      });
    const moves = (lines: readonly string[]) => lines.flatMap((l) => /^Moving slot (\d+) from (127\.0\.0\.1:\d+) to (127\.0\.0\.1:\d+): \.*$/.exec(l)?.slice(1, 4).join(" ") ?? []);
    expect(plan(reshard.lines, simPorts)).toEqual(plan(realLines, ports));
    expect(plan(reshard.lines, simPorts)).toHaveLength(1000);
    expect(moves(reshard.lines)).toEqual(moves(realLines));
    expect(steps(reshard.lines)).toEqual(steps(realLines));
    // Every node agrees: 7007 owns 0-332, 5461-5794, 10923-11255, and its configEpoch is the newest.
    for (const port of [7001, 7002, 7003, 7004, 7005, 7006, 7007, 7008]) {
      expect(node(sim, port).nodes[idOf(sim, 7007)]!.slots).toEqual([[0, 332], [5461, 5794], [10923, 11255]]);
    }
    const epochs = [7001, 7002, 7003].map((p) => node(sim, 7007).nodes[idOf(sim, p)]!.configEpoch);
    expect(node(sim, 7007).nodes[idOf(sim, 7007)]!.configEpoch).toBeGreaterThan(Math.max(...epochs));
  });

  it("reshard moved every key with its slot: each key on the owner of its slot, none lost, none twice", () => {
    let total = 0;
    for (const port of [7001, 7002, 7003, 7007]) {
      const s = node(sim, port);
      for (const key of Object.keys(s.data)) {
        total++;
        expect(slotOwnerOf(s.slotOwner, keyHashSlot(key))).toBe(s.myId);
      }
    }
    expect(total).toBe(300);
    expect(cli(sim, 7002, "GET", "key:28")).toEqual({ kind: "bulk", text: "v28" });
  });

  it("del-node of a replica: FORGET on every other node, RESET SOFT of the removed one, as 7.0.15 prints it", () => {
    const id4 = idOf(sim, 7004);
    const out = runAdmin(sim, ["del-node", "127.0.0.1:7001", id4]);
    expect(out.status).toBe(0);
    const realLines = real("16-del-node-replica.txt");
    const realId = /^>>> Removing node ([0-9a-f]{40})/.exec(realLines[0]!)![1]!;
    expect(out.lines).toEqual(realLines.map((l) => l.replace(realId, id4)));
    sim.runFor(seconds(2));
    for (const port of [7001, 7002, 7003, 7005, 7006, 7007, 7008]) expect(node(sim, port).nodes[id4]).toBeUndefined();
    // The removed node is alone again, and the blacklist keeps gossip from teaching it back.
    expect(node(sim, 7004).nodeOrder).toEqual([id4]);
    sim.runFor(seconds(30));
    for (const port of [7001, 7002, 7003]) expect(node(sim, port).nodes[id4]).toBeUndefined();
  });

  it("del-node refuses a master that still has slots, with redis-cli 7.0.15's error", () => {
    const id2 = idOf(sim, 7002);
    const out = runAdmin(sim, ["del-node", "127.0.0.1:7001", id2]);
    expect(out.status).toBe(1);
    const realLines = real("17-del-node-nonempty.txt");
    const realId = /^>>> Removing node ([0-9a-f]{40})/.exec(realLines[0]!)![1]!;
    expect(out.lines).toEqual(realLines.map((l) => l.replace(realId, id2)));
  });
});
