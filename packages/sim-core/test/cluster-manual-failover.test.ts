import { describe, expect, it } from "vitest";
import { redisCliModel, seconds, us, ms, type RedisCliState } from "../src/index";
import { SYNCED_AT, clusterSim, eventsOf, idOf, node, ownerPortOf } from "./cluster-helpers";

/** CLUSTER FAILOVER [FORCE|TAKEOVER] on a replica (cluster.c clusterCommand "failover"). */
function manualFailover(option: string[], seed = 1) {
  const sim = clusterSim({ seed, nodeTimeoutMs: 2000 });
  sim.addProcess("client-1", redisCliModel([{ atUs: SYNCED_AT, port: 7004, argv: ["CLUSTER", "FAILOVER", ...option] }]));
  sim.runUntil(us(SYNCED_AT + seconds(3)));
  const reply = sim.state<RedisCliState>("client-1").replies[0]?.reply;
  return { sim, reply };
}

describe("manual failover", () => {
  it("default: the master pauses, hands over its offset, and votes for its own replica", () => {
    const { sim, reply } = manualFailover([]);
    expect(reply).toEqual({ kind: "status", text: "OK" });
    const sequence = sim.trace
      .filter((r) => ["manualFailoverAccepted", "manualFailoverRequested", "manualFailoverMasterOffset", "manualFailoverCanStart", "electionDelayed", "electionStarted", "electionWon"].includes(r.type))
      .map((r) => `${r.node} ${r.type}`);
    expect(sequence).toEqual([
      "7004 manualFailoverAccepted",
      "7001 manualFailoverRequested",
      "7004 manualFailoverMasterOffset",
      "7004 manualFailoverCanStart",
      "7004 electionDelayed",
      "7004 electionStarted",
      "7004 electionWon",
    ]);
    // No delay in a manual failover, and the old master itself grants the vote (FORCEACK).
    expect(eventsOf(sim, "electionDelayed", 7004)[0]!.delayMs).toBe(0);
    expect(eventsOf(sim, "authGranted").map((e) => e.node).sort()).toEqual(["7001", "7002", "7003"]);
    expect(eventsOf(sim, "reconfiguredAsReplica", 7001).map((e) => e.master)).toEqual([idOf(sim, 7004)]);
    expect(ownerPortOf(sim, 7002, 0)).toBe(7004);
    // Observed on loopback: command → won within a few ms.
    const accepted = eventsOf(sim, "manualFailoverAccepted", 7004)[0]!;
    const won = eventsOf(sim, "electionWon", 7004)[0]!;
    expect(won.atUs - accepted.atUs).toBeLessThan(ms(20));
  });

  it("FORCE: no handshake with the master, but a majority must still vote", () => {
    const { sim, reply } = manualFailover(["FORCE"]);
    expect(reply).toEqual({ kind: "status", text: "OK" });
    expect(eventsOf(sim, "manualFailoverRequested")).toEqual([]);
    expect(eventsOf(sim, "electionWon", 7004)).toHaveLength(1);
    expect(eventsOf(sim, "authGranted").length).toBeGreaterThanOrEqual(2);
  });

  it("TAKEOVER: no vote at all, a new epoch taken without consensus", () => {
    const { sim, reply } = manualFailover(["TAKEOVER"]);
    expect(reply).toEqual({ kind: "status", text: "OK" });
    expect(eventsOf(sim, "electionStarted")).toEqual([]);
    expect(eventsOf(sim, "configEpochBumped", 7004).map((e) => e.epoch)).toEqual([7]);
    expect(node(sim, 7004).nodes[idOf(sim, 7004)]!.flags & 1).toBe(1);
    expect(ownerPortOf(sim, 7003, 100)).toBe(7004);
  });

  it("is refused on a master, and without FORCE when the master is down", () => {
    const sim = clusterSim({ seed: 2, nodeTimeoutMs: 2000 });
    sim.schedule({ type: "kill", node: "7001" }, SYNCED_AT);
    sim.addProcess(
      "client-1",
      redisCliModel([
        { atUs: SYNCED_AT, port: 7002, argv: ["CLUSTER", "FAILOVER"] },
        { atUs: SYNCED_AT + seconds(1), port: 7004, argv: ["CLUSTER", "FAILOVER"] },
      ]),
    );
    sim.runUntil(us(SYNCED_AT + seconds(6)));
    expect(sim.state<RedisCliState>("client-1").replies.map((r) => r.reply)).toEqual([
      { kind: "error", text: "ERR You should send CLUSTER FAILOVER to a replica" },
      { kind: "error", text: "ERR Master is down or failed, please use CLUSTER FAILOVER FORCE" },
    ]);
  });
});

describe("the master's write pause during a manual failover", () => {
  it("holds writes until the failover ends; if it times out, they run on the old master", () => {
    const sim = clusterSim({ seed: 4, nodeTimeoutMs: 2000 });
    // No vote ever arrives, so the failover cannot complete and times out after 5 s.
    sim.schedule({ type: "hold", name: "no-votes", kinds: ["authAck"] }, SYNCED_AT);
    sim.addProcess("client-1", redisCliModel([{ atUs: SYNCED_AT, port: 7004, argv: ["CLUSTER", "FAILOVER"] }]));
    sim.addProcess("client-2", redisCliModel([{ atUs: SYNCED_AT + seconds(1), port: 7001, argv: ["SET", "testkey002", "held"] }]));
    sim.runUntil(us(SYNCED_AT + seconds(8)));
    const timedOut = eventsOf(sim, "manualFailoverTimedOut", 7001)[0]!;
    const reply = sim.trace.find((r) => r.node === "client-2" && r.type === "clientReply")!;
    expect(reply.type === "clientReply" && reply.reply).toEqual({ kind: "status", text: "OK" });
    // Not before the master lifted its pause.
    expect(reply.atUs).toBeGreaterThanOrEqual(timedOut.atUs);
    expect(reply.atUs - (SYNCED_AT + seconds(1))).toBeGreaterThan(ms(3900));
    expect(node(sim, 7001).data["testkey002"]).toBe("held");
  });
});

describe("what clients see", () => {
  it("CLUSTERDOWN while slots are uncovered, MOVED to the owner otherwise", () => {
    const sim = clusterSim({ seed: 3, nodeTimeoutMs: 2000 });
    sim.schedule({ type: "kill", node: "7004" }, SYNCED_AT);
    sim.schedule({ type: "kill", node: "7001" }, SYNCED_AT);
    sim.addProcess(
      "client-1",
      redisCliModel([
        { atUs: SYNCED_AT - seconds(1), port: 7002, argv: ["GET", "testkey002"] },
        { atUs: SYNCED_AT + seconds(10), port: 7002, argv: ["GET", "foo"] },
      ]),
    );
    sim.runUntil(us(SYNCED_AT + seconds(11)));
    const events = sim.trace.filter((r) => r.node === "client-1" && (r.type === "clientRedirected" || r.type === "clientReply"));
    expect(events.map((e) => (e.type === "clientRedirected" ? `-> slot ${e.slot} at ${e.to}` : e.type === "clientReply" ? JSON.stringify(e.reply) : ""))).toEqual([
      "-> slot 401 at 7001",
      '{"kind":"bulk","text":null}',
      '{"kind":"error","text":"CLUSTERDOWN The cluster is down"}',
    ]);
  });
});
