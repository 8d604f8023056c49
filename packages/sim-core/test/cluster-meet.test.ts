import { describe, expect, it } from "vitest";
import { Simulation, clusterNodeModel, redisCliModel, redisConfig, seconds, us, type ClusterNodeState, type RedisCliState } from "../src/index";
import { clusterCheck } from "../src/replies/cluster-check";
import { createSplit } from "../src/cluster/slots";
import { NODE_HANDSHAKE } from "../src/cluster/flags";

/**
 * `redis-cli --cluster create`, done the long way as redis-cli does it: six lone nodes, slots
 * assigned, an epoch each, CLUSTER MEET, gossip until everybody knows everybody, then CLUSTER
 * REPLICATE (cluster.c: clusterStartHandshake, the MEET branch, clusterRenameNode).
 */
describe("forming a cluster with CLUSTER MEET", () => {
  const ports = [7001, 7002, 7003, 7004, 7005, 7006];
  const sim = new Simulation({ seed: 3, scenario: "meet" });
  for (const port of ports) sim.addProcess(String(port), clusterNodeModel({ port, config: redisConfig({ "cluster-node-timeout": 2000 }) }));
  const state = (port: number) => sim.state<ClusterNodeState>(String(port));
  const split = createSplit(3);
  sim.addProcess(
    "client-1",
    redisCliModel([
      ...ports.slice(0, 3).map((port, i) => ({ atUs: seconds(1), port, argv: ["CLUSTER", "ADDSLOTSRANGE", String(split[i]![0]![0]), String(split[i]![0]![1])] })),
      ...ports.map((port, i) => ({ atUs: seconds(1), port, argv: ["CLUSTER", "SET-CONFIG-EPOCH", String(i + 1)] })),
      ...ports.slice(1).map((port) => ({ atUs: seconds(2), port: 7001, argv: ["CLUSTER", "MEET", "127.0.0.1", String(port)] })),
    ]),
  );
  const everybodyKnowsEverybody = () =>
    ports.every((p) => {
      const s = state(p);
      return s.nodeOrder?.length === 6 && s.nodeOrder.every((id) => (s.nodes[id]!.flags & NODE_HANDSHAKE) === 0);
    });
  const joined = sim.runUntil(everybodyKnowsEverybody, seconds(30));

  it("spreads from one MEET per node to a full mesh, every handshake completed under the real names", () => {
    expect(joined).toBe(true);
    const ids = ports.map((p) => state(p).myId);
    for (const p of ports) expect([...state(p).nodeOrder].sort()).toEqual([...ids].sort());
    expect(sim.state<RedisCliState>("client-1").replies.every((r) => r.reply.kind === "status")).toBe(true);
  });

  it("then CLUSTER REPLICATE makes each second node a replica, and the cluster is ok with all slots covered", () => {
    const at = sim.nowUs + seconds(1);
    sim.addProcess(
      "client-2",
      redisCliModel([4, 5, 6].map((i) => ({ atUs: at, port: 7000 + i, argv: ["CLUSTER", "REPLICATE", state(7000 + i - 3).myId] }))),
    );
    sim.runUntil(us(at + seconds(15)));
    expect(sim.state<RedisCliState>("client-2").replies.map((r) => r.reply)).toEqual([ { kind: "status", text: "OK" }, { kind: "status", text: "OK" }, { kind: "status", text: "OK" } ]);
    for (const p of ports) expect([p, state(p).state, state(p).currentEpoch]).toEqual([p, "ok", 6]);
    const check = clusterCheck(7001, (port) => state(port));
    expect(check.stdout).toContain("[OK] All nodes agree about slots configuration.");
    expect(check.stdout).toContain("[OK] All 16384 slots covered.");
    expect(check.stdout.filter((l) => l.startsWith("S: "))).toHaveLength(3);
    expect(state(7004).replication.replState).toBe("connected");
  });

  it("refuses what Redis refuses", () => {
    const at = sim.nowUs + seconds(1);
    sim.addProcess(
      "client-3",
      redisCliModel([
        { atUs: at, port: 7001, argv: ["CLUSTER", "ADDSLOTS", "100"] },
        { atUs: at, port: 7001, argv: ["CLUSTER", "SET-CONFIG-EPOCH", "9"] },
        { atUs: at, port: 7001, argv: ["CLUSTER", "REPLICATE", state(7002).myId] },
        { atUs: at, port: 7004, argv: ["CLUSTER", "REPLICATE", state(7005).myId] },
        { atUs: at, port: 7004, argv: ["REPLICAOF", "127.0.0.1", "7002"] },
      ]),
    );
    sim.runUntil(us(at + seconds(1)));
    expect(sim.state<RedisCliState>("client-3").replies.map((r) => r.reply.kind === "error" && r.reply.text)).toEqual([
      "ERR Slot 100 is already busy",
      "ERR The user can assign a config epoch only when the node does not know any other node.",
      "ERR To set a master the node must be empty and without assigned slots.",
      "ERR I can only replicate a master, not a replica.",
      "ERR REPLICAOF not allowed in cluster mode.",
    ]);
  });
});
