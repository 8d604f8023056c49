import { describe, expect, it } from "vitest";
import { WALL_CLOCK_EPOCH_MS, seconds, us } from "../src/index";
import { NODE_FAIL, NODE_PFAIL } from "../src/cluster/flags";
import { clusterSim, node } from "./cluster-helpers";

const PORTS = [7001, 7002, 7003, 7004, 7005, 7006];

/** Each node's outbound bus link to each peer, by peer port. */
function busLinks(sim: ReturnType<typeof clusterSim>, port: number): Map<number, number | null> {
  const s = node(sim, port);
  return new Map(s.nodeOrder.filter((id) => id !== s.myId).map((id) => [s.nodes[id]!.port, s.nodes[id]!.link]));
}

describe("a formed cluster's bus links", () => {
  it("exist from the first instant, one each way per pair, and a healthy cluster never reopens them", () => {
    const sim = clusterSim({ nodeTimeoutMs: 2000 });
    sim.runUntil(us(1));
    const atBoot = new Map(PORTS.map((port) => [port, busLinks(sim, port)]));
    for (const port of PORTS) {
      const links = atBoot.get(port)!;
      expect([...links.keys()].sort()).toEqual(PORTS.filter((p) => p !== port));
      for (const conn of links.values()) expect(conn).not.toBeNull();
      // Every peer's link to this node is one of its inbound links.
      const inbound = Object.keys(node(sim, port).inboundLinks).map(Number).sort();
      const peersToMe = PORTS.filter((p) => p !== port).map((p) => atBoot.get(p)!.get(port)!).sort();
      expect(inbound).toEqual(peersToMe);
    }
    sim.runUntil(seconds(60));
    for (const port of PORTS) expect(busLinks(sim, port)).toEqual(atBoot.get(port));
    // ...and they carry the gossip: every node has a PONG from every peer younger than the node
    // timeout, and nobody is suspected.
    const nowMs = WALL_CLOCK_EPOCH_MS + sim.nowUs / 1000;
    for (const port of PORTS) {
      const s = node(sim, port);
      for (const id of s.nodeOrder) {
        if (id === s.myId) continue;
        expect(nowMs - s.nodes[id]!.pongReceivedMs).toBeLessThan(2000);
        expect(s.nodes[id]!.flags & (NODE_PFAIL | NODE_FAIL)).toBe(0);
      }
    }
  });

  it("are reopened by a restarted node, which then pings each peer on its new link", () => {
    const sim = clusterSim({ nodeTimeoutMs: 2000 });
    sim.runUntil(us(1));
    const before = busLinks(sim, 7002);
    sim.schedule({ type: "kill", node: "7002" }, seconds(5));
    sim.schedule({ type: "restart", node: "7002" }, seconds(6));
    sim.runUntil(seconds(8));
    const after = busLinks(sim, 7002);
    for (const [port, conn] of after) {
      expect(conn).not.toBeNull();
      expect(conn).not.toBe(before.get(port));
    }
    expect(node(sim, 7002).statsSent.ping ?? 0).toBeGreaterThanOrEqual(PORTS.length - 1);
  });
});
