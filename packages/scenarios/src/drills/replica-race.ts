import type { Scenario } from "../steps";
import { event, expectRole, expectThat, kill, noted, steps, until, role, wait } from "./build";

/**
 * Failure mode: two replicas of one master race for its slots. 7001–7003 are masters; 7004 and
 * 7007 replicate 7001, 7005/7008 7002, 7006/7009 7003. The replication stream to 7007 is clogged
 * for a moment before the kill, so 7007 is behind 7004.
 */
export const replicaRace: Scenario = {
  name: "replica-race",
  title: "Two replicas race: the more up-to-date one asks first (rank)",
  narrative:
    "When a master with two replicas fails, both want its slots. Redis avoids a split vote by ranking them: each replica counts how many of its siblings " +
    "have a larger replication offset, and waits 500 ms + a random 0-500 ms + 1000 ms per rank before asking for votes " +
    "('Start of election delayed for … milliseconds (rank #N, offset …)'). The replica that has more of the master's data (rank #0) asks first and wins; " +
    "the other, a second later, finds a new master in place and follows it. Here the stream to 7007 is held up just before the kill, so 7004 is ahead.",
  topology: {
    kind: "cluster",
    ports: [7001, 7002, 7003, 7004, 7005, 7006, 7007, 7008, 7009],
    replicasPerMaster: 2,
    pairing: { 7004: 7001, 7007: 7001, 7005: 7002, 7008: 7002, 7006: 7003, 7009: 7003 },
  },
  config: { "cluster-node-timeout": 5_000 },
  workload: { kind: "clusterWriter", writesPerSecond: 100, seeds: [7001] },
  steps: steps(
    wait(3_000),
    noted("1. Hold up the stream from 7001 to 7007 for a moment, then kill 7001.", { type: "clog", from: "7001", to: "7007" }),
    wait(1_000),
    kill(7001),
    noted("2. After the node timeout both replicas schedule an election, a second apart by rank.", until(event(7004, "electionDelayed", { rank: 0 }), 20_000)),
    until(event(7007, "electionDelayed", { rank: 1 }), 5_000),
    noted("3. The rank #0 replica asks first and wins; the other follows it.", until(role(7004, "master"), 10_000)),
    until(event(7004, "electionWon"), 1_000),
    wait(5_000),
    expectRole(7007, "replica"),
    expectThat({ kind: "event", port: 7007, event: "reconfiguredAsReplica" }),
  ),
};
