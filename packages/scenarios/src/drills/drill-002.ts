import type { Scenario } from "../steps";
import { cli, expectLine, expectRole, expectThat, noted, pause, resume, sentinelSaw, steps, until, wait } from "./build";

/**
 * drill-002: the third source article's drill (seeds/002, Redis 3.2.8 in docker-compose): one
 * master, two replicas, three Sentinels with quorum 2, and `docker pause` of the master — a
 * frozen process, not a dead one: its connections stay open, bytes queue in its sockets, nothing
 * answers. The Sentinels agree it is down (one counts all three: `#quorum 3/2`), elect one of
 * them leader, and switch to a replica; `docker unpause` later, the old master is converted into
 * a replica and resyncs in full (the Sentinels' hellos queued while it was frozen move its offset
 * past the point the new master can continue from).
 *
 * | article (container)            | here  | role at start       |
 * |--------------------------------|-------|---------------------|
 * | sentinel_master_1 172.17.0.2:6379 | 6400 | master           |
 * | sentinel_slave_1 172.17.0.3:6379  | 6401 | replica of 6400  |
 * | sentinel_slave_2 172.17.0.7:6379  | 6402 | replica of 6400  |
 * | sentinel_sentinel_1..3 :26379     | 26400–26402 | Sentinels, quorum 2 |
 *
 * The article's master name is `redis-master`; here it is Sentinel's usual `mymaster`. Its
 * Sentinel settings are read off its log: `+sdown slave` 5 s after `+switch-master` means
 * down-after-milliseconds 5000; `Next failover delay` 10 s after the vote means failover-timeout
 * 5000 (the gate is twice failover-timeout).
 */
const MASTER = "mymaster 127.0.0.1 6400";

export const drill002: Scenario = {
  name: "drill-002",
  title: "Sentinel and docker pause: three Sentinels, quorum 2 (1 master + 2 replicas)",
  narrative:
    "Pausing a master is not killing it: its sockets stay open and it simply stops answering. Each Sentinel notices on its own (+sdown) once " +
    "down-after-milliseconds (5 s) pass without a reply; a Sentinel that hears its two peers agree counts #quorum 3/2 and declares +odown. " +
    "The Sentinels vote in a new epoch, one of them is elected leader, promotes a replica and the others learn the new master from its hello " +
    "(+config-update-from, +switch-master). Watch what happens at docker unpause: the old master wakes up still believing it is the master, " +
    "is converted into a replica about ten seconds later, and has to copy the whole dataset again.",
  topology: {
    kind: "sentinel",
    master: 6400,
    replicas: [6401, 6402],
    sentinels: [26400, 26401, 26402],
    quorum: 2,
    sentinelConfig: { "down-after-milliseconds": 5_000, "failover-timeout": 5_000 },
  },
  steps: steps(
    noted("1. Three Sentinels watch 6400 and its two replicas.", cli(26400, "SENTINEL", "get-master-addr-by-name", "mymaster")),
    expectLine('2) "6400"'),
    cli(6400, "INFO", "replication"),
    expectLine("role:master"),
    expectLine("connected_slaves:2"),
    noted("2. docker pause the master.", pause(6400)),
    noted("3. Every Sentinel sees it SDOWN after 5 s; one counts all three and declares ODOWN.", until(sentinelSaw(`+sdown master ${MASTER}`, 26400), 10_000)),
    until(sentinelSaw(`+sdown master ${MASTER}`, 26401), 5_000),
    until(sentinelSaw(`+sdown master ${MASTER}`, 26402), 5_000),
    until(sentinelSaw(`+odown master ${MASTER} #quorum 3/2`), 5_000),
    noted("4. They vote in epoch 1; the leader promotes a replica and everyone switches.", until(sentinelSaw(`+elected-leader master ${MASTER}`), 10_000)),
    expectThat(sentinelSaw("+new-epoch 1")),
    until(sentinelSaw(`+switch-master ${MASTER} 127.0.0.1 …`, 26400), 15_000),
    until(sentinelSaw(`+switch-master ${MASTER} 127.0.0.1 …`, 26401), 5_000),
    until(sentinelSaw(`+switch-master ${MASTER} 127.0.0.1 …`, 26402), 5_000),
    expectThat(sentinelSaw("+config-update-from sentinel …")),
    noted("5. The frozen old master is SDOWN as a replica of the new one.", until(sentinelSaw("+sdown slave 127.0.0.1:6400 127.0.0.1 6400 @ mymaster 127.0.0.1 …"), 10_000)),
    cli(26401, "SENTINEL", "get-master-addr-by-name", "mymaster"),
    wait(30_000),
    noted("6. docker unpause: the old master runs again, still a master in its own eyes.", resume(6400)),
    noted("7. About 10 s later a Sentinel converts it into a replica, and it resyncs in full.", until(sentinelSaw("+convert-to-slave slave 127.0.0.1:6400 127.0.0.1 6400 @ mymaster 127.0.0.1 …"), 20_000)),
    until({ kind: "event", port: 6400, event: "fullResyncFromMaster" }, 10_000),
    wait(5_000),
    expectRole(6400, "replica"),
    cli(6400, "ROLE"),
    expectLine('1) "slave"'),
    expectLine('4) "connected"'),
  ),
};
