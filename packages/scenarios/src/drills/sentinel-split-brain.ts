import type { Scenario } from "../steps";
import { expectRole, expectThat, expectWrites, heal, noted, partition, role, sentinelMaster, sentinelSaw, steps, until, wait } from "./build";

/**
 * Failure mode: the classic Sentinel split brain. 6400 is the master, 6401 and 6402 its replicas,
 * 26400–26402 the Sentinels (quorum 2); client-1 asks 26400 first. A partition leaves 6400 with
 * one Sentinel and the client on the minority side.
 */
const MASTER = "mymaster 127.0.0.1 6400";

export const sentinelSplitBrain: Scenario = {
  name: "sentinel-split-brain",
  title: "Sentinel split brain: the old master keeps taking writes in the minority until the partition heals",
  narrative:
    "A partition puts the master, one Sentinel and a client on one side, the replicas and two Sentinels on the other. The two Sentinels are a majority: " +
    "they agree the master is down (#quorum 2/2), elect a leader and promote a replica. On the other side nothing tells the old master it was replaced, " +
    "and the client's Sentinel still names it, so the client goes on writing to it: two masters accept writes at once. When the partition heals, " +
    "the old master hears the newer configuration, is converted into a replica and resyncs — every write it took while cut off is gone. " +
    "Sentinel cannot prevent this; min-replicas-to-write 1 (with min-replicas-max-lag 10) makes the isolated master refuse writes with NOREPLICAS after about ten seconds, which bounds the loss.",
  topology: {
    kind: "sentinel",
    master: 6400,
    replicas: [6401, 6402],
    sentinels: [26400, 26401, 26402],
    quorum: 2,
    sentinelConfig: { "down-after-milliseconds": 5_000, "failover-timeout": 10_000 },
  },
  workload: { kind: "sentinelClient", sentinels: [26400, 26401, 26402], writeIntervalMs: 100, retryWaitMs: 1_000, requestTimeoutMs: 1_000 },
  steps: steps(
    wait(3_000),
    noted("1. Partition: the master, Sentinel 26400 and the client on one side; the replicas and two Sentinels on the other.", partition("split", [6400, 26400, "client-1"], "rest")),
    noted("2. The majority side agrees the master is down and promotes a replica.", until(sentinelSaw(`+odown master ${MASTER} #quorum 2/2`), 15_000)),
    until(sentinelSaw(`+switch-master ${MASTER} 127.0.0.1 …`, 26401), 20_000),
    noted("3. Two masters: 6400 still takes the client's writes, and its Sentinel still names it.", wait(20_000)),
    expectRole(6400, "master"),
    expectThat(sentinelMaster(26400, 6400)),
    noted("4. Heal: 26400 learns the new configuration and the old master is converted into a replica.", heal("split")),
    until(sentinelSaw("+convert-to-slave slave 127.0.0.1:6400 127.0.0.1 6400 @ mymaster 127.0.0.1 …"), 30_000),
    until(role(6400, "replica"), 5_000),
    until({ kind: "event", port: 6400, event: "syncFinished" }, 15_000),
    wait(3_000),
    noted("5. The writes 6400 acknowledged while cut off are lost.", expectWrites("lost", { atLeast: 50 })),
  ),
};
