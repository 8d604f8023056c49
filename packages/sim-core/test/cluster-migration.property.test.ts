import { slotOwnerOf } from "../src/cluster/slot-table";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ms, redisCliModel, us, type RedisCliState } from "../src/index";
import { keyHashSlot } from "../src/cluster/key-slot";
import { clusterSim, idOf, node, SYNCED_AT } from "./cluster-helpers";
import { cli, runAdmin } from "./cluster-migration-helpers";

/**
 * A reshard under writes never loses or duplicates a key: whatever the keys and however a
 * client's writes (redis-cli -c, following MOVED and ASK) interleave with the slot moves, at the
 * end each key lives on exactly one master — the new owner of its slot — with the value of the
 * last write that was acknowledged, and `GET` through any node finds it there.
 */
const MOVED_SLOTS = [5461, 5462, 5463, 5464];
const POOL: string[] = [];
for (let i = 0; POOL.length < 16; i++) if (MOVED_SLOTS.includes(keyHashSlot(`p${i}`))) POOL.push(`p${i}`);

const scenario = fc.record({
  seed: fc.integer({ min: 1, max: 10_000 }),
  initial: fc.subarray(POOL, { minLength: 0 }),
  writes: fc.array(fc.record({ key: fc.constantFrom(...POOL), atMs: fc.integer({ min: 0, max: 20 }), via: fc.constantFrom(7001, 7002, 7003) }), { maxLength: 30 }),
});

describe("a reshard under writes", () => {
  it("leaves every acknowledged key on exactly one master, the slot's new owner, with its last value", () => {
    fc.assert(
      fc.property(scenario, ({ seed, initial, writes }) => {
        const sim = clusterSim({ seed });
        sim.runFor(SYNCED_AT);
        const expected = new Map<string, string>();
        for (const key of initial) {
          cli(sim, 7002, "SET", key, "initial");
          expected.set(key, "initial");
        }
        // One client, one command at a time, in time order: "last acknowledged" is well defined.
        const ordered = writes.map((w, i) => ({ ...w, value: `w${i}` })).sort((a, b) => a.atMs - b.atMs);
        const startUs = sim.nowUs;
        sim.addProcess("writer", redisCliModel(ordered.map((w) => ({ atUs: startUs + w.atMs * 1000, port: w.via, argv: ["SET", w.key, w.value] }))));
        const { status } = runAdmin(sim, ["reshard", "127.0.0.1:7002", "--cluster-from", idOf(sim, 7002), "--cluster-to", idOf(sim, 7001), "--cluster-slots", String(MOVED_SLOTS.length), "--cluster-yes"]);
        expect(status).toBe(0);
        sim.runUntil(() => sim.state<RedisCliState>("writer").replies.length === ordered.length, us(sim.nowUs + ms(30_000)));
        const replies = sim.state<RedisCliState>("writer").replies;
        expect(replies.length).toBe(ordered.length);
        for (const r of replies) if (r.reply.kind === "status" && r.reply.text === "OK") expected.set(ordered[r.command]!.key, ordered[r.command]!.value);
        sim.runFor(ms(2_000));

        const id1 = idOf(sim, 7001);
        for (const port of [7001, 7002, 7003, 7004, 7005, 7006]) for (const slot of MOVED_SLOTS) expect(slotOwnerOf(node(sim, port).slotOwner, slot)).toBe(id1);
        for (const key of POOL) {
          const holders = [7001, 7002, 7003].filter((port) => node(sim, port).data[key] !== undefined);
          if (expected.has(key)) {
            expect(holders).toEqual([7001]);
            expect(node(sim, 7001).data[key]).toBe(expected.get(key));
            expect(cli(sim, 7003, "GET", key)).toEqual({ kind: "bulk", text: expected.get(key) });
          } else {
            expect(holders).toEqual([]);
          }
        }
        expect(node(sim, 7001).migratingSlotsTo).toEqual({});
        expect(node(sim, 7001).importingSlotsFrom).toEqual({});
        expect(node(sim, 7002).migratingSlotsTo).toEqual({});
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});
