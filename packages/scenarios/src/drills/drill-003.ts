import type { Scenario } from "../steps";
import {
  ALL_COVERED,
  AGREE,
  SIX_NODES,
  check,
  cli,
  event,
  expectCheckLine,
  expectLine,
  expectReply,
  expectRole,
  expectState,
  kill,
  noted,
  restart,
  role,
  steps,
  until,
  wait,
} from "./build";

/**
 * drill-003: the fourth source article (seeds/003, Redis 5/6): automatic failover — a master
 * dies, after `cluster-node-timeout` its replica is elected in a new epoch, takes the old
 * master's replication id as `master_replid2`, and the old master, back again, becomes its
 * replica — then manual failover: `CLUSTER FAILOVER` on that replica hands the master role back
 * with no data lost, because the master stops its clients until the replica has caught up.
 *
 * | article               | here | role at start        |
 * |-----------------------|------|----------------------|
 * | 192.168.10.101:6371   | 7001 | master 0-5460        |
 * | 192.168.10.102:6373   | 7002 | master 5461-10922    |
 * | 192.168.10.103:6375   | 7003 | master 10923-16383   |
 * | 192.168.10.102:6374   | 7004 | replica of 7001      |
 * | 192.168.10.103:6376   | 7005 | replica of 7002      |
 * | 192.168.10.101:6372   | 7006 | replica of 7003      |
 *
 * The article's manual failover runs `cluster failover` on 101:6371 while 102:6374 is its
 * master: the state this drill reaches after the automatic failover of 7001 to 7004.
 */
export const drill003: Scenario = {
  name: "drill-003",
  title: "Automatic failover after cluster-node-timeout, then CLUSTER FAILOVER back (3 masters + 3 replicas)",
  narrative:
    "Kill a master and nothing happens for cluster-node-timeout (15 s): then the others agree it is FAIL, its replica waits a short ranked delay, " +
    "asks the masters for votes in a new epoch, and wins. Read INFO replication on the new master: master_replid is new and master_replid2 is the " +
    "old master's id, up to second_repl_offset — which is what lets the other nodes continue from it with a partial resync. " +
    "Start the old master: it learns from the others that it lost its slots and becomes a replica. Then a manual failover: CLUSTER FAILOVER on that " +
    "replica makes its master pause writes until the replica has every byte, so the roles swap back and no write is lost.",
  topology: SIX_NODES,
  config: { "cluster-node-timeout": 15_000 },
  workload: { kind: "clusterWriter", writesPerSecond: 20, seeds: [7001, 7002, 7003] },
  steps: steps(
    noted("1. A healthy cluster; a key in 7001's slots.", check(7001)),
    expectCheckLine(7001, ALL_COVERED),
    cli(7002, "set", "testkey002", "testvalue002"),
    expectReply("OK"),
    cli(7004, "INFO", "replication"),
    expectLine("role:slave"),
    expectLine("master_port:7001"),
    wait(2_000),
    noted("2. Automatic failover: kill 7001 (kill -9).", kill(7001)),
    noted("3. After cluster-node-timeout, 7004 is elected in a new epoch.", until(role(7004, "master"), 60_000)),
    expectRole(7004, "master"),
    until(event(7004, "electionWon"), 1_000),
    wait(2_000),
    noted("4. The new master keeps the old master's history as master_replid2.", cli(7004, "INFO", "replication")),
    expectLine("role:master"),
    expectLine("master_replid2:…"),
    expectLine("second_repl_offset:…"),
    check(7004),
    expectCheckLine(7004, ALL_COVERED),
    expectState(7002, "ok"),
    noted("5. Start 7001 again: it comes back as a replica of 7004.", restart(7001)),
    until(role(7001, "replica"), 30_000),
    // It asks for a partial resync with a history 7004 never had: a full one, after the master's repl-diskless-sync-delay (5 s).
    until(event(7001, "syncFinished"), 15_000),
    cli(7001, "INFO", "replication"),
    expectLine("role:slave"),
    expectLine("master_port:7004"),
    expectLine("master_link_status:up"),
    noted("6. Manual failover: CLUSTER FAILOVER on the replica 7001.", cli(7001, "CLUSTER", "FAILOVER")),
    expectReply("OK"),
    until(role(7001, "master"), 10_000),
    wait(2_000),
    expectRole(7004, "replica"),
    noted("7. The roles are swapped back; every slot is covered and no write was lost.", check(7001)),
    expectCheckLine(7001, ALL_COVERED),
    expectCheckLine(7001, AGREE),
    cli(7001, "get", "testkey002"),
    expectReply('"testvalue002"'),
    { type: "expect", expectation: { kind: "writes", measure: "lost", atMost: 0 } },
  ),
};
