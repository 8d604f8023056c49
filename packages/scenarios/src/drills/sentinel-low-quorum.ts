import type { Scenario } from "../steps";
import { expectRole, expectThat, expectWrites, noted, partition, heal, role, sentinelSaw, steps, until, wait } from "./build";

/**
 * Failure mode: Sentinel with a quorum of 1 out of three Sentinels. 6400 is the master, 6401 and
 * 6402 its replicas, 26400–26402 the Sentinels; client-1 writes through the Sentinels.
 */
const MASTER = "mymaster 127.0.0.1 6400";

export const sentinelLowQuorum: Scenario = {
  name: "sentinel-low-quorum",
  title: "Sentinel quorum too low: one Sentinel's view fails over a healthy master (two masters, lost writes)",
  narrative:
    "The quorum is how many Sentinels must agree a master is down before a failover may start. With quorum 1, one Sentinel that merely lost its own " +
    "link to the master declares it objectively down (#quorum 1/1) and asks the others for votes — and they vote, since a vote is about who leads, " +
    "not about whether the master is down. A replica is promoted while the old master is alive and still serving the client: for a few seconds there are " +
    "two masters accepting writes. When the other Sentinels turn the old master into a replica it resyncs from the new one and every write it " +
    "acknowledged meanwhile is lost. With quorum 2 the same cut would only have produced a +sdown.",
  topology: {
    kind: "sentinel",
    master: 6400,
    replicas: [6401, 6402],
    sentinels: [26400, 26401, 26402],
    quorum: 1,
    sentinelConfig: { "down-after-milliseconds": 5_000, "failover-timeout": 10_000 },
  },
  workload: { kind: "sentinelClient", writeIntervalMs: 100, retryWaitMs: 1_000, requestTimeoutMs: 1_000 },
  steps: steps(
    wait(3_000),
    noted("1. Only the link between Sentinel 26402 and the master breaks.", partition("link", [26402], [6400])),
    noted("2. 26402 alone sees the master down, and with quorum 1 that is enough.", until(sentinelSaw(`+odown master ${MASTER} #quorum 1/1`, 26402), 15_000)),
    noted("3. The others vote for it: a replica is promoted while 6400 still serves the client.", until(sentinelSaw(`+switch-master ${MASTER} 127.0.0.1 …`, 26402), 15_000)),
    expectRole(6400, "master"),
    noted("4. The other Sentinels demote the old master; it resyncs and drops what it acknowledged meanwhile.", until(sentinelSaw("+convert-to-slave slave 127.0.0.1:6400 127.0.0.1 6400 @ mymaster 127.0.0.1 …"), 30_000)),
    until(role(6400, "replica"), 5_000),
    heal("link"),
    wait(10_000),
    expectThat({ kind: "event", port: 6400, event: "fullResyncFromMaster" }),
    expectWrites("lost", { atLeast: 1 }),
  ),
};
