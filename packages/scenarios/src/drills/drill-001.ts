import type { Scenario } from "../steps";
import { cli, expectLine, expectRole, expectThat, expectWrites, kill, noted, restart, sentinelMaster, sentinelSaw, steps, until, wait } from "./build";

/**
 * drill-001: the Sentinel drill of the second source article (seeds/001, Redis 3.2): one master,
 * one replica, one Sentinel with quorum 1, and the article's Jedis loop (JedisSentinelPool, a
 * `SET` every 500 ms, 5 s wait after `master is loss`). Kill the master; the lone Sentinel
 * declares it down after `down-after-milliseconds` (default 30 s) and promotes the replica; the
 * client writes again about 35 s after the kill. Restart the old master: it returns empty, the
 * Sentinel converts it into a replica of the new master, and it resyncs in full.
 *
 * | article                    | here  | role at start      |
 * |----------------------------|-------|--------------------|
 * | 192.168.61.140:6379        | 6400  | master             |
 * | 192.168.61.145:6379        | 6401  | replica of 6400    |
 * | 192.168.61.140:26379       | 26400 | Sentinel, quorum 1 |
 * | the Java client            | client-1 | Sentinel client |
 *
 * The article's 3.2 Sentinel logged `+reboot slave` at the restart; 7.0.15 has no run id for the
 * replica entry it re-created at `+switch-master`, so it logs `-sdown` and `+convert-to-slave`.
 */
const MASTER = "mymaster 127.0.0.1 6400";

export const drill001: Scenario = {
  name: "drill-001",
  title: "Sentinel with quorum 1: kill the master, a client sees 'master is loss' (1 master + 1 replica)",
  narrative:
    "One Sentinel watches a master and its replica; with quorum 1 its own opinion is enough. Kill the master: for down-after-milliseconds (30 s) " +
    "nothing happens, then the Sentinel logs +sdown and at once +odown #quorum 1/1, elects itself, promotes the replica and logs +switch-master. " +
    "Meanwhile the client cannot write: it logs 'master is loss', waits 5 s, asks the Sentinel again, and only writes once the Sentinel names the new master — about 35 s in all. " +
    "Restart the old master: it comes back as a master with nothing in it, the Sentinel turns it into a replica of the new master, and it copies the whole dataset (a full resync).",
  topology: { kind: "sentinel", master: 6400, replicas: [6401], sentinels: [26400], quorum: 1 },
  workload: { kind: "sentinelClient", writeIntervalMs: 500, retryWaitMs: 5_000 },
  steps: steps(
    noted("1. The client writes through the master the Sentinel names.", wait(20_000)),
    cli(26400, "SENTINEL", "get-master-addr-by-name", "mymaster"),
    expectLine('2) "6400"'),
    expectWrites("acked", { atLeast: 30 }),
    noted("2. Kill the master (kill -9).", kill(6400)),
    noted("3. down-after-milliseconds later: +sdown, and with quorum 1, +odown #quorum 1/1.", until(sentinelSaw(`+sdown master ${MASTER}`), 35_000)),
    expectThat(sentinelSaw(`+odown master ${MASTER} #quorum 1/1`)),
    noted("4. The Sentinel leads the failover alone and promotes 6401.", until(sentinelSaw(`+switch-master ${MASTER} 127.0.0.1 6401`), 10_000)),
    expectThat(sentinelSaw(`+selected-slave slave 127.0.0.1:6401 127.0.0.1 6401 @ ${MASTER}`)),
    expectThat(sentinelSaw(`+promoted-slave slave 127.0.0.1:6401 127.0.0.1 6401 @ ${MASTER}`)),
    expectRole(6401, "master"),
    expectThat(sentinelMaster(26400, 6401)),
    noted("5. The client asks again after each 5 s wait and finds 6401: about 35 s without a write.", wait(15_000)),
    expectWrites("outageMs", { atLeast: 30_000, atMost: 40_000 }),
    expectWrites("lost", { atMost: 0 }),
    noted("6. The dead master, seen as a replica of the new one, is SDOWN down-after-milliseconds after +switch-master.", until(sentinelSaw("+sdown slave 127.0.0.1:6400 127.0.0.1 6400 @ mymaster 127.0.0.1 6401"), 30_000)),
    noted("7. Start the old master again: it returns as an empty master.", restart(6400)),
    until(sentinelSaw("-sdown slave 127.0.0.1:6400 127.0.0.1 6400 @ mymaster 127.0.0.1 6401"), 15_000),
    noted("8. The Sentinel converts it into a replica of 6401, and it resyncs in full.", until(sentinelSaw("+convert-to-slave slave 127.0.0.1:6400 127.0.0.1 6400 @ mymaster 127.0.0.1 6401"), 20_000)),
    until({ kind: "event", port: 6400, event: "fullResyncFromMaster" }, 10_000),
    wait(5_000),
    cli(6400, "INFO", "replication"),
    expectLine("role:slave"),
    expectLine("master_port:6401"),
    expectLine("master_link_status:up"),
    expectWrites("lost", { atMost: 0 }),
  ),
};
