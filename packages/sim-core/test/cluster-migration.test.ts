import { slotOwnerOf } from "../src/cluster/slot-table";
import { describe, expect, it } from "vitest";
import { executeCommand } from "../src/cluster/commands";
import { keyHashSlot } from "../src/cluster/key-slot";
import { clusterNodesLine } from "../src/replies/cluster-nodes";
import { clusterCheck } from "../src/replies/cluster-check";
import { ms, redisCliModel, seconds, us, type RedisCliState } from "../src/index";
import { clusterSim, idOf, node, recordingCtx, SYNCED_AT } from "./cluster-helpers";
import { cli, cliOutputOf } from "./cluster-migration-helpers";

/**
 * Slot migration rules (cluster.c 7.0.15: clusterCommand "setslot", getNodeByQuery's ASK and
 * ASKING rules, migrateCommand), with the reply texts real redis-server 7.0.15 gave on
 * 127.0.0.1 (docs/observations/redis-7.0.15/migration/run-a/11-setslot.txt, 12-open-slot.txt,
 * 19-forget.txt).
 */
const ZEROS = "0".repeat(40);

/** `count` key names hashing to `slot`. */
export function keysOfSlot(slot: number, count: number, prefix = "k"): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) if (keyHashSlot(`${prefix}${i}`) === slot) keys.push(`${prefix}${i}`);
  return keys;
}

function formed() {
  const sim = clusterSim();
  sim.runFor(SYNCED_AT);
  return sim;
}

const text = (r: ReturnType<typeof cli>): string => (r.kind === "error" ? r.text : r.kind === "status" ? r.text : JSON.stringify(r));

describe("CLUSTER SETSLOT", () => {
  const sim = formed();
  const id1 = idOf(sim, 7001);
  const id2 = idOf(sim, 7002);
  const id4 = idOf(sim, 7004);

  it("checks the owner, the node and the arguments in Redis's order, with Redis's texts", () => {
    expect(text(cli(sim, 7001, "CLUSTER", "SETSLOT", "6000", "IMPORTING", ZEROS))).toBe(`ERR I don't know about node ${ZEROS}`);
    expect(text(cli(sim, 7001, "CLUSTER", "SETSLOT", "6000", "MIGRATING", id2))).toBe("ERR I'm not the owner of hash slot 6000");
    expect(text(cli(sim, 7002, "CLUSTER", "SETSLOT", "6000", "IMPORTING", id1))).toBe("ERR I'm already the owner of hash slot 6000");
    expect(text(cli(sim, 7002, "CLUSTER", "SETSLOT", "16384", "STABLE"))).toBe("ERR Invalid or out of range slot");
    expect(text(cli(sim, 7002, "CLUSTER", "SETSLOT", "abc", "STABLE"))).toBe("ERR Invalid or out of range slot");
    expect(text(cli(sim, 7002, "CLUSTER", "SETSLOT", "6000", "bogus"))).toBe("ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP");
    expect(text(cli(sim, 7002, "CLUSTER", "SETSLOT", "6000"))).toBe("ERR wrong number of arguments for 'cluster|setslot' command");
    expect(text(cli(sim, 7002, "CLUSTER", "SETSLOT", "6000", "NODE", ZEROS))).toBe(`ERR Unknown node ${ZEROS}`);
    expect(text(cli(sim, 7005, "CLUSTER", "SETSLOT", "6000", "STABLE"))).toBe("ERR Please use SETSLOT only with masters.");
    expect(text(cli(sim, 7002, "CLUSTER", "SETSLOT", "6000", "MIGRATING"))).toBe("ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP");
    expect(text(cli(sim, 7002, "CLUSTER", "SETSLOT", "6000", "MIGRATING", id4))).toBe("ERR Target node is not a master");
    expect(text(cli(sim, 7002, "CLUSTER", "COUNTKEYSINSLOT", "16384"))).toBe("ERR Invalid slot");
    expect(text(cli(sim, 7002, "CLUSTER", "GETKEYSINSLOT", "6000", "-1"))).toBe("ERR Invalid slot or number of keys");
    expect(text(cli(sim, 7002, "CLUSTER", "GETKEYSINSLOT", "6000"))).toBe("ERR wrong number of arguments for 'cluster|getkeysinslot' command");
    // Nothing was opened by the refused commands.
    expect(node(sim, 7002).migratingSlotsTo).toEqual({});
    expect(node(sim, 7001).importingSlotsFrom).toEqual({});
  });

  it("refuses to give away a slot that still holds keys, and accepts once they are gone", () => {
    const [key] = keysOfSlot(6001, 1);
    expect(text(cli(sim, 7002, "SET", key!, "v"))).toBe("OK");
    expect(text(cli(sim, 7002, "CLUSTER", "SETSLOT", "6001", "NODE", id1))).toBe("ERR Can't assign hashslot 6001 to a different node while I still hold keys for this hash slot.");
    expect(slotOwnerOf(node(sim, 7002).slotOwner, 6001)).toBe(id2);
    expect(text(cli(sim, 7002, "DEL", key!))).toBe(JSON.stringify({ kind: "integer", value: 1 }));
  });

  it("FORGET refuses an unknown node, myself and my own master", () => {
    expect(text(cli(sim, 7002, "CLUSTER", "FORGET", ZEROS))).toBe(`ERR Unknown node ${ZEROS}`);
    expect(text(cli(sim, 7002, "CLUSTER", "FORGET", id2))).toBe("ERR I tried hard but I can't forget myself...");
    expect(text(cli(sim, 7004, "CLUSTER", "FORGET", id1))).toBe("ERR Can't forget my master!");
  });
});

describe("an open slot", () => {
  /** Slot 6000 of 7002, half moved to 7001: one key already there, one still on 7002. */
  function openSlot() {
    const sim = formed();
    const [moved, stays, missing] = keysOfSlot(6000, 3);
    cli(sim, 7002, "SET", moved!, "one");
    cli(sim, 7002, "SET", stays!, "two");
    expect(text(cli(sim, 7001, "CLUSTER", "SETSLOT", "6000", "IMPORTING", idOf(sim, 7002)))).toBe("OK");
    expect(text(cli(sim, 7002, "CLUSTER", "SETSLOT", "6000", "MIGRATING", idOf(sim, 7001)))).toBe("OK");
    expect(text(cli(sim, 7002, "MIGRATE", "127.0.0.1", "7001", "", "0", "5000", "KEYS", moved!))).toBe("OK");
    return { sim, moved: moved!, stays: stays!, missing: missing! };
  }

  it("serves keys still on the source; asks for missing ones at the target (-ASK), reads and writes alike", () => {
    const { sim, moved, stays, missing } = openSlot();
    // The replies themselves, as a client without -c sees them.
    const raw = (port: number, ...argv: string[]) => executeCommand(node(sim, port), argv, recordingCtx(sim.nowUs / 1000) as never);
    expect(raw(7002, "GET", stays)).toEqual({ kind: "bulk", text: "two" });
    expect(raw(7002, "GET", moved)).toEqual({ kind: "error", text: "ASK 6000 127.0.0.1:7001" });
    expect(raw(7002, "SET", missing, "x")).toEqual({ kind: "error", text: "ASK 6000 127.0.0.1:7001" });
    // The target serves the slot only to a client that said ASKING.
    expect(raw(7001, "GET", moved)).toEqual({ kind: "error", text: "MOVED 6000 127.0.0.1:7002" });
    expect(raw(7003, "GET", moved)).toEqual({ kind: "error", text: "MOVED 6000 127.0.0.1:7002" });
    // redis-cli -c writes the missing key at the target, after ASKING.
    expect(cliOutputOf(sim, 7002, "SET", missing, "x")).toEqual(["-> Redirected to slot [6000] located at 127.0.0.1:7001", "OK"]);
    expect(node(sim, 7001).data[missing]).toBe("x");
  });

  it("redis-cli -c follows ASK to the target, with ASKING, and reads the moved key there", () => {
    const { sim, moved } = openSlot();
    const out = cliOutputOf(sim, 7002, "GET", moved);
    expect(out).toEqual(["-> Redirected to slot [6000] located at 127.0.0.1:7001", '"one"']);
    // ASK does not change who owns the slot anywhere.
    expect(slotOwnerOf(node(sim, 7001).slotOwner, 6000)).toBe(idOf(sim, 7002));
  });

  it("ASKING lets only the next command of that connection into an importing slot", () => {
    const { sim, moved } = openSlot();
    const s = node(sim, 7001);
    const ctx = recordingCtx(sim.nowUs / 1000);
    expect(executeCommand(s, ["ASKING"], ctx as never, 42)).toEqual({ kind: "status", text: "OK" });
    expect(executeCommand(s, ["GET", moved], ctx as never, 42)).toEqual({ kind: "bulk", text: "one" });
    expect(executeCommand(s, ["GET", moved], ctx as never, 42)).toEqual({ kind: "error", text: "MOVED 6000 127.0.0.1:7002" });
    // Another connection's ASKING is its own.
    executeCommand(s, ["ASKING"], ctx as never, 43);
    expect(executeCommand(s, ["GET", moved], ctx as never, 42)).toEqual({ kind: "error", text: "MOVED 6000 127.0.0.1:7002" });
  });

  it("MIGRATE moved the key (gone from the source, on the target and its replica); a key not there is NOKEY", () => {
    const { sim, moved } = openSlot();
    sim.runFor(seconds(1));
    expect(node(sim, 7002).data[moved]).toBeUndefined();
    expect(node(sim, 7001).data[moved]).toBe("one");
    expect(node(sim, 7004).data[moved]).toBe("one");
    expect(node(sim, 7005).data[moved]).toBeUndefined();
    expect(text(cli(sim, 7002, "MIGRATE", "127.0.0.1", "7001", "", "0", "5000", "KEYS", moved))).toBe("NOKEY");
    expect(cli(sim, 7002, "CLUSTER", "COUNTKEYSINSLOT", "6000")).toEqual({ kind: "integer", value: 1 });
  });

  it("shows in CLUSTER NODES (own line only) and in --cluster check as real redis-cli 7.0.15 prints them", () => {
    const { sim } = openSlot();
    const id1 = idOf(sim, 7001);
    const id2 = idOf(sim, 7002);
    const line2 = clusterNodesLine(node(sim, 7002), node(sim, 7002).nodes[id2]!);
    const line1 = clusterNodesLine(node(sim, 7001), node(sim, 7001).nodes[id1]!);
    // Real: `… myself,master - 0 1795709023000 2 connected 5795-10922 [6000->-933eb4d8…]`.
    expect(line2).toMatch(new RegExp(`^${id2} 127\\.0\\.0\\.1:7002@17002 myself,master - 0 \\d+ 2 connected 5461-10922 \\[6000->-${id1}\\]$`));
    expect(line1).toMatch(new RegExp(` connected 0-5460 \\[6000-<-${id2}\\]$`));
    // Other nodes' lines for them carry no brackets.
    expect(clusterNodesLine(node(sim, 7003), node(sim, 7003).nodes[id2]!)).not.toContain("[");
    const out = clusterCheck(7001, (port) => node(sim, port));
    const warnings = out.stdout.filter((l) => l.startsWith("[WARNING]"));
    expect(warnings).toEqual([
      "[WARNING] Node 127.0.0.1:7001 has slots in importing state 6000.",
      "[WARNING] Node 127.0.0.1:7002 has slots in migrating state 6000.",
      "[WARNING] The following slots are open: 6000.",
    ]);
    expect(out.ok).toBe(false);
  });

  it("MIGRATE holds the source's other clients until the target answered: a write racing it is never lost", () => {
    // The SET goes out a little later each time; whenever it reaches 7002 while the key is on its
    // way, it waits, finds the key gone, and is asked over to 7001, where it lands after the key.
    let raced = 0;
    for (let delayUs = 0; delayUs <= 3_000; delayUs += 100) {
      const { sim, stays } = openSlot();
      const at = sim.nowUs;
      sim.addProcess("migrator", redisCliModel([{ atUs: at, port: 7002, argv: ["MIGRATE", "127.0.0.1", "7001", "", "0", "5000", "KEYS", stays] }]));
      sim.addProcess("writer", redisCliModel([{ atUs: at + delayUs, port: 7002, argv: ["SET", stays, "three"] }]));
      const done = (id: string) => (sim.state<RedisCliState>(id).replies?.length ?? 0) > 0;
      sim.runUntil(() => done("migrator") && done("writer"), us(at + ms(5_000)));
      expect(sim.state<RedisCliState>("writer").replies[0]!.reply).toEqual({ kind: "status", text: "OK" });
      expect(node(sim, 7002).data[stays]).toBeUndefined();
      expect(node(sim, 7001).data[stays]).toBe("three");
      if (sim.trace.some((r) => r.node === "writer" && r.type === "clientRedirected")) raced++;
    }
    expect(raced).toBeGreaterThan(0);
  });

  it("a restarted node keeps its open slots: nodes.conf saves them, as Redis does", () => {
    const { sim } = openSlot();
    sim.apply({ type: "kill", node: "7002" });
    sim.runFor(seconds(1));
    sim.apply({ type: "restart", node: "7002" });
    sim.runFor(seconds(1));
    expect(node(sim, 7002).migratingSlotsTo).toEqual({ 6000: idOf(sim, 7001) });
    expect(clusterNodesLine(node(sim, 7002), node(sim, 7002).nodes[idOf(sim, 7002)]!)).toContain(`[6000->-${idOf(sim, 7001)}]`);
  });

  it("SETSLOT NODE on the importer closes the import with a new configEpoch, which gossip carries everywhere", () => {
    const { sim, stays } = openSlot();
    const id1 = idOf(sim, 7001);
    expect(text(cli(sim, 7002, "MIGRATE", "127.0.0.1", "7001", "", "0", "5000", "KEYS", stays))).toBe("OK");
    const epochBefore = node(sim, 7001).currentEpoch;
    expect(text(cli(sim, 7001, "CLUSTER", "SETSLOT", "6000", "NODE", id1))).toBe("OK");
    expect(node(sim, 7001).nodes[id1]!.configEpoch).toBe(epochBefore + 1);
    expect(node(sim, 7001).importingSlotsFrom).toEqual({});
    // Only the importer was told; the others learn it from the bus.
    sim.runFor(seconds(2));
    for (const port of [7002, 7003, 7004, 7005, 7006]) expect(slotOwnerOf(node(sim, port).slotOwner, 6000)).toBe(id1);
    // The source saw its slot go: its migrating state is cleared by its own SETSLOT, as redis-cli does.
    expect(text(cli(sim, 7002, "CLUSTER", "SETSLOT", "6000", "NODE", id1))).toBe("OK");
    expect(node(sim, 7002).migratingSlotsTo).toEqual({});
  });
});
