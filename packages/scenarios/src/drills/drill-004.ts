import type { Scenario, Step } from "../steps";
import { AGREE, ALL_COVERED, check, cli, expectCheckLine, expectLine, expectRole, kill, noted, role, steps, until, wait } from "./build";

/**
 * drill-004: growing and shrinking a cluster, from the fifth source article (seeds/004, written
 * with redis-trib.rb on Redis 5 and one host, 192.168.42.119): create with one replica per
 * master, add a master and its replica, reshard 1000 slots to it, remove a replica, try to
 * remove a master that still has slots (refused), then kill the new master and read the
 * promoted replica's `INFO replication`. Ports (CONTRACTS §2):
 *
 * | article                   | here | role                                          |
 * |---------------------------|------|-----------------------------------------------|
 * | 192.168.42.119:7001       | 7001 | master 0-5460                                 |
 * | 192.168.42.119:7002       | 7002 | master 5461-10922                             |
 * | 192.168.42.119:7003       | 7003 | master 10923-16383                            |
 * | 192.168.42.119:7011       | 7004 | replica of 7001 (removed by del-node)         |
 * | 192.168.42.119:7012       | 7005 | replica of 7002                               |
 * | 192.168.42.119:7013       | 7006 | replica of 7003                               |
 * | 192.168.42.119:7004 (new) | 7007 | added master, gets 1000 slots                 |
 * | 192.168.42.119:7014 (new) | 7008 | added replica of 7007, promoted when it dies  |
 * | 6379 → 6381 (INFO snippet)| 7007 → 7008 | the killed master and its promoted replica |
 *
 * redis-trib.rb is redis-cli --cluster in 7.0: del-node ends with `CLUSTER RESET SOFT` of the
 * removed node (not SHUTDOWN). The article's last part — resharding all 5128 of 7001's slots into
 * 7004 and removing 7001 — is left out: it replays (a 7.0 master that gives away its last slot
 * turns replica of the taker, cluster-allow-replica-migration), but it makes the run five times
 * longer (some 40,000 slot-table changes across the nodes, each recorded in trace mode) and
 * teaches nothing the first reshard does not; the del-node refusal of a master that still has
 * slots, the article's slip, stays.
 */
const admin = (...argv: string[]): Step => ({ type: "admin", argv });
const expectNoLine = (line: string): Step => ({ type: "expect", expectation: { kind: "cliLine", line, prefix: true, absent: true } });
const NODES_7007 = "{id:7007} 127.0.0.1:7007@17007 master - 0 ";

export const drill004: Scenario = {
  name: "drill-004",
  title: "Add a master and a replica, reshard 1000 slots, remove nodes, then kill the new master",
  narrative:
    "redis-cli --cluster add-node joins an empty server with one CLUSTER MEET; gossip does the rest. " +
    "reshard moves one slot at a time: the target is told IMPORTING, the source MIGRATING, the keys " +
    "go over with MIGRATE (a client asking for a moved key meanwhile gets -ASK), then SETSLOT NODE " +
    "hands the slot over and the new owner takes a fresh configEpoch so gossip spreads its claim. " +
    "Watch the slot counts after the reshard, the configEpoch the new owner takes, del-node's FORGET " +
    "on every node (and its refusal of a master that still has slots), and the promoted replica's master_replid2.",
  topology: { kind: "cluster", ports: [7001, 7002, 7003, 7004, 7005, 7006], replicasPerMaster: 1, pairing: { 7004: 7001, 7005: 7002, 7006: 7003 }, extraPorts: [7007, 7008] },
  config: { "cluster-node-timeout": 15_000 },
  steps: steps(
    noted("1. create --replicas 1: three masters, each with a replica.", check(7001)),
    expectCheckLine(7001, AGREE),
    expectCheckLine(7001, ALL_COVERED),
    noted("2. A key hashes to a slot; redis-cli -c follows MOVED to its owner.", cli(7001, "set", "name", "zcp")),
    expectLine("-> Redirected to slot [5798] located at 127.0.0.1:7002"),
    noted("3. add-node: the empty server 7007 meets the cluster as a master without slots.", admin("add-node", "127.0.0.1:7007", "127.0.0.1:7001")),
    expectLine(">>> Send CLUSTER MEET to node 127.0.0.1:7007 to make it join the cluster."),
    expectLine("[OK] New node added correctly."),
    wait(2_000),
    cli(7001, "CLUSTER", "NODES"),
    expectLine(`${NODES_7007}…`),
    noted(
      "4. add-node --cluster-slave: 7008 joins through 7007, then replicates it. (The article joined through 7001; then 7008 may learn of 7007 only by gossip, after redis-cli's one-second wait — real redis-cli 7.0 has the same race, and seed 4 loses it: `ERR Unknown node`.)",
      admin("add-node", "127.0.0.1:7008", "127.0.0.1:7007", "--cluster-slave", "--cluster-master-id", "{id:7007}"),
    ),
    expectLine(">>> Configure node as replica of 127.0.0.1:7007."),
    expectLine("[OK] New node added correctly."),
    until(role(7008, "replica"), 5_000),
    wait(10_000),
    noted("5. reshard 1000 slots from all masters to 7007, slot by slot.", admin("reshard", "127.0.0.1:7007", "--cluster-from", "all", "--cluster-to", "{id:7007}", "--cluster-slots", "1000", "--cluster-yes")),
    expectLine("Ready to move 1000 slots."),
    expectLine("Moving slot 5461 from 127.0.0.1:7002 to 127.0.0.1:7007: …"),
    expectLine("Moving slot 0 from 127.0.0.1:7001 to 127.0.0.1:7007: …"),
    wait(2_000),
    check(7001),
    expectCheckLine(7001, "   slots:[0-332],[5461-5794],[10923-11255] (1000 slots) master"),
    expectCheckLine(7001, AGREE),
    expectCheckLine(7001, ALL_COVERED),
    noted("6. del-node of a replica (the article's 7011): FORGET everywhere, then reset it.", admin("del-node", "127.0.0.1:7005", "{id:7004}")),
    expectLine(">>> Sending CLUSTER FORGET messages to the cluster..."),
    expectLine(">>> Sending CLUSTER RESET SOFT to the deleted node."),
    cli(7002, "CLUSTER", "NODES"),
    expectNoLine("{id:7004} "),
    noted("7. del-node refuses a master that still has slots (the article's slip: it named 7004's id).", admin("del-node", "127.0.0.1:7001", "{id:7007}")),
    expectLine("[ERR] Node 127.0.0.1:7007 is not empty! Reshard data away and try again."),
    cli(7002, "CLUSTER", "NODES"),
    expectLine(`${NODES_7007}…`),
    noted("8. Kill the new master: its replica 7008 wins the election.", kill(7007)),
    until(role(7008, "master"), 60_000),
    expectRole(7008, "master"),
    noted("9. The promoted replica keeps the old master's replication id as master_replid2.", cli(7008, "INFO", "replication")),
    expectLine("role:master"),
    expectLine("master_replid2:…"),
    expectNoLine("master_replid2:0000000000000000000000000000000000000000"),
    expectLine("second_repl_offset:…"),
    expectNoLine("second_repl_offset:-1"),
    wait(5_000),
    check(7002),
    expectCheckLine(7002, ALL_COVERED),
  ),
};
