import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Simulation, addCreatedCluster, seconds, type ClusterNodeState } from "@failover-lab/sim-core";
import { clusterCheck, clusterInfo, clusterNodes } from "@failover-lab/sim-core/replies";

/**
 * The replies sim-core computes, against what a real redis-server 7.0.15 answered on loopback
 * (docs/observations). Ids, times and counters differ run to run; the shape of every line must
 * not: each is compared with its ids, numbers and counters masked.
 */
const observed = (file: string): string => readFileSync(join(import.meta.dirname, "..", "docs", "observations", "redis-7.0.15", file), "utf8");

/** Masks what differs between two runs of the same cluster, keeping everything else. */
const shape = (line: string): string =>
  line
    .replace(/\b[0-9a-f]{40}\b/g, "<id>")
    .replace(/\(([0-9a-f]{8})\.\.\.\)/g, "(<id8>...)")
    .replace(/ \d{13}\b/g, " <ms>")
    .replace(/(_sent|_received):\d+/g, "$1:<n>")
    .replace(/-> \d+ keys/, "-> <n> keys")
    .replace(/\[OK\] \d+ keys/, "[OK] <n> keys")
    .replace(/^\d+\.\d\d keys per slot/, "<x> keys per slot");

function converged(): Simulation {
  const sim = new Simulation({ seed: 5 });
  addCreatedCluster(sim, { ports: [7001, 7002, 7003, 7004, 7005, 7006], replicasPerMaster: 1, pairing: { 7004: 7001, 7005: 7002, 7006: 7003 }, config: { "cluster-node-timeout": 2000 } });
  sim.runUntil(seconds(20));
  return sim;
}

describe("replies, against real Redis 7.0.15", () => {
  const sim = converged();
  const node = (port: number) => sim.state<ClusterNodeState>(String(port));

  it("CLUSTER NODES: the same line shapes for myself, masters and replicas", () => {
    const real = observed("nt2000-a/nodes-healthy-7001.txt").trim().split("\n").map(shape).sort();
    const ours = clusterNodes(node(7001)).trim().split("\n").map(shape).sort();
    expect(ours).toEqual(real);
  });

  it("CLUSTER INFO: the same keys in the same order, CRLF-terminated", () => {
    const keys = (text: string) => text.split("\r\n").filter((l) => l !== "" && !l.includes("_stats_messages_")).map((l) => l.split(":")[0]);
    const real = observed("nt2000-a/info-healthy-7001.txt");
    const ours = clusterInfo(node(7001));
    expect(keys(ours)).toEqual(keys(real));
    expect(ours.endsWith("total_cluster_links_buffer_limit_exceeded:0\r\n")).toBe(true);
    const fields = new Map(ours.split("\r\n").filter((l) => l !== "").map((l) => l.split(":") as [string, string]));
    const sentByType = [...fields].filter(([k]) => /^cluster_stats_messages_.+_sent$/.test(k)).reduce((n, [, v]) => n + Number(v), 0);
    expect(Number(fields.get("cluster_stats_messages_sent"))).toBe(sentByType);
    expect(sentByType).toBeGreaterThan(0);
  });

  it("redis-cli --cluster check: the same lines as a healthy real cluster, in the entry node's order", () => {
    const real = observed("nt2000-a/check-healthy.txt").replace(/\x1b\[[0-9;]*m/g, "").trim().split("\n").map(shape);
    const ours = clusterCheck(7001, (port) => node(port)).stdout.map(shape);
    expect([...ours].sort()).toEqual([...real].sort());
    // The fixed parts in their fixed order.
    const fixed = (lines: string[]) => lines.filter((l) => l.startsWith("[") || l.startsWith(">>>"));
    expect(fixed(ours)).toEqual(fixed(real));
  });
});
