import { describe, expect, it } from "vitest";
import {
  Simulation,
  addSentinelTopology,
  seconds,
  sentinel,
  sentinelClientModel,
  type SentinelClientState,
  type StandaloneState,
  type TraceRecord,
} from "@failover-lab/sim-core";

/**
 * The second article's Sentinel drill (seeds/001, Redis 3.2): one master (6400), one replica
 * (6401), one Sentinel (26400) with quorum 1, and the Jedis loop writing every 500 ms. Kill the
 * master: the Sentinel fails over alone; the client sees "master is loss" for about 35 s.
 * Restart the old master: it comes back empty, the Sentinel turns it into a replica of 6401 and
 * it resyncs in full. Ports follow CONTRACTS §2 (the article's 192.168.61.140:6379 → 6400,
 * 192.168.61.145:6379 → 6401, its Sentinel → 26400).
 */

const KILL_AT_S = 60;
const RESTART_AT_S = 150;

function run(seed: number, mode: "fast" | "trace" = "fast"): Simulation {
  const sim = new Simulation({ seed, mode, scenario: "drill-001" });
  addSentinelTopology(sim, { master: 6400, replicas: [6401], sentinels: [26400], quorum: 1 });
  sim.addProcess("client-1", sentinelClientModel({ sentinels: [26400], startAtMs: 20_000 }));
  sim.schedule({ type: "kill", node: "6400" }, seconds(KILL_AT_S));
  sim.schedule({ type: "restart", node: "6400" }, seconds(RESTART_AT_S));
  sim.runUntil(seconds(200));
  return sim;
}

const isSentinelEvent = (r: TraceRecord): boolean => r.type in sentinel.SENTINEL_EVENT_NAMES;
/** `+event message` lines of one Sentinel, as the article prints them (without pid and time). */
function lines(sim: Simulation, node: string): { atS: number; line: string }[] {
  return sim.trace
    .filter((r) => r.node === node && isSentinelEvent(r))
    .map((r) => {
      const { atUs, node: _node, ...event } = r;
      return { atS: atUs / 1e6, line: sentinel.sentinelEventLine(event as sentinel.SentinelEvent) };
    });
}

describe("drill-001: kill the master watched by one Sentinel with quorum 1", () => {
  const sim = run(1);
  const log = lines(sim, "26400");
  const text = log.map((l) => l.line);
  const myId = sim.state<sentinel.SentinelState>("26400").myId;

  it("logs the article's failover sequence, in order", () => {
    const expected = [
      "+sdown master mymaster 127.0.0.1 6400",
      "+odown master mymaster 127.0.0.1 6400 #quorum 1/1",
      "+new-epoch 1",
      "+try-failover master mymaster 127.0.0.1 6400",
      `+vote-for-leader ${myId} 1`,
      "+elected-leader master mymaster 127.0.0.1 6400",
      "+failover-state-select-slave master mymaster 127.0.0.1 6400",
      "+selected-slave slave 127.0.0.1:6401 127.0.0.1 6401 @ mymaster 127.0.0.1 6400",
      "+failover-state-send-slaveof-noone slave 127.0.0.1:6401 127.0.0.1 6401 @ mymaster 127.0.0.1 6400",
      "+failover-state-wait-promotion slave 127.0.0.1:6401 127.0.0.1 6401 @ mymaster 127.0.0.1 6400",
      "+promoted-slave slave 127.0.0.1:6401 127.0.0.1 6401 @ mymaster 127.0.0.1 6400",
      "+failover-state-reconf-slaves master mymaster 127.0.0.1 6400",
      "+failover-end master mymaster 127.0.0.1 6400",
      "+switch-master mymaster 127.0.0.1 6400 127.0.0.1 6401",
      "+slave slave 127.0.0.1:6400 127.0.0.1 6400 @ mymaster 127.0.0.1 6401",
      "+sdown slave 127.0.0.1:6400 127.0.0.1 6400 @ mymaster 127.0.0.1 6401",
    ];
    const from = text.indexOf(expected[0]!);
    const seen = text.slice(from).filter((l) => expected.includes(l) || l.startsWith("+") || l.startsWith("-"));
    expect(seen.filter((l) => !l.startsWith("-role-change") && !l.startsWith("+role-change")).slice(0, expected.length)).toEqual(expected);
  });

  it("detects the kill after down-after-milliseconds (30 s) and switches within about two seconds more", () => {
    const at = (prefix: string) => log.find((l) => l.line.startsWith(prefix))!.atS;
    expect(at("+sdown master") - KILL_AT_S).toBeGreaterThan(30);
    expect(at("+sdown master") - KILL_AT_S).toBeLessThan(31.3);
    expect(at("+switch-master") - at("+sdown master")).toBeLessThan(3);
    // The old master, still dead, is SDOWN as a replica down-after later (article: 19.251 → 49.305).
    const sdownSlave = at("+sdown slave 127.0.0.1:6400");
    expect(sdownSlave - at("+switch-master")).toBeGreaterThan(30);
    expect(sdownSlave - at("+switch-master")).toBeLessThan(31.3);
  });

  it("promotes 6401 with REPLICAOF NO ONE (MASTER MODE enabled by the Sentinel's cmd link, then CONFIG REWRITE)", () => {
    const promoted = sim.trace.filter((r) => r.node === "6401" && (r.type === "masterModeEnabled" || r.type === "configRewritten")).map((r) => r.type);
    expect(promoted.slice(0, 2)).toEqual(["masterModeEnabled", "configRewritten"]);
    const mm = sim.trace.find((r) => r.node === "6401" && r.type === "masterModeEnabled");
    expect(mm?.type === "masterModeEnabled" && mm.client.name).toBe(`sentinel-${myId.slice(0, 8)}-cmd`);
  });

  it("turns the restarted old master into a replica of 6401, which then resyncs it in full", () => {
    const after = log.filter((l) => l.atS >= RESTART_AT_S).map((l) => l.line);
    expect(after).toContain("-sdown slave 127.0.0.1:6400 127.0.0.1 6400 @ mymaster 127.0.0.1 6401");
    expect(after).toContain("+convert-to-slave slave 127.0.0.1:6400 127.0.0.1 6400 @ mymaster 127.0.0.1 6401");
    // No +reboot in 7.0: the replica entry re-created at +switch-master never had a run id.
    expect(after.some((l) => l.startsWith("+reboot"))).toBe(false);
    const resync = sim.trace.filter((r) => r.node === "6400" && r.atUs > RESTART_AT_S * 1e6).map((r) => r.type);
    expect(resync).toContain("fullResyncFromMaster");
    expect(resync).toContain("syncFinished");
    const old = sim.state<StandaloneState>("6400");
    const now = sim.state<StandaloneState>("6401");
    expect(old.replication.masterHost).toBe("6401");
    expect(old.data).toEqual(now.data);
  });

  it("shows the client's outage: 'master is loss' for about 35 s, then writes go to 6401", () => {
    const client = sim.state<SentinelClientState>("client-1");
    const lost = sim.trace.filter((r) => r.node === "client-1" && r.type === "sentinelClientMasterLost");
    expect(lost.length).toBeGreaterThanOrEqual(5);
    expect(client.longestGapMs).toBeGreaterThan(30_000);
    expect(client.longestGapMs).toBeLessThan(38_000);
    expect(client.longestGap!.fromMs).toBeLessThan(KILL_AT_S * 1000);
    expect(client.acked.at(-1)!.port).toBe(6401);
    // Every write 6401 acknowledged is in its dataset; the article's writes before the kill were replicated.
    const data = sim.state<StandaloneState>("6401").data;
    expect(client.acked.filter((w) => data[w.key] !== w.value)).toEqual([]);
  });

  it("replays byte for byte in fast and trace mode", () => {
    expect(run(1, "trace").traceHash()).toBe(sim.traceHash());
  });
});
