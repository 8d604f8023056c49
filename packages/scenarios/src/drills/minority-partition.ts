import type { Scenario } from "../steps";
import { SIX_NODES, check, clusterState, event, expectCheckLine, expectClientError, expectRole, expectWrites, heal, noted, partition, role, steps, until, wait, ALL_COVERED } from "./build";

/**
 * Failure mode: a master cut off on the minority side of a partition, with a client beside it.
 * Ports as in drill-000 (7001–7003 masters, 7004–7006 their replicas); the client is client-1.
 */
export const minorityPartition: Scenario = {
  name: "minority-partition",
  title: "Minority-partitioned master: its acknowledged writes are lost",
  narrative:
    "A partition leaves master 7001 alone with a client; the five other nodes are the majority. On the majority side nothing changes for cluster-node-timeout, " +
    "then 7001 is marked FAIL and its replica 7004 is elected. On the minority side 7001 keeps answering OK — Redis replicates asynchronously and a master " +
    "does not ask anyone before acknowledging a write — until it too has seen the others silent for the node timeout and declares cluster_state:fail (CLUSTERDOWN). " +
    "Heal the partition: 7001 sees a newer epoch claiming its slots, becomes a replica of 7004 and throws away what it had. Every write it acknowledged after the cut is gone. " +
    "Watch the window: about one node timeout of writes that the client was told were safe.",
  topology: SIX_NODES,
  config: { "cluster-node-timeout": 5_000 },
  workload: { kind: "clusterWriter", writesPerSecond: 50, seeds: [7001] },
  steps: steps(
    noted("1. The client writes to every master.", wait(3_000)),
    expectWrites("acked", { atLeast: 100 }),
    noted("2. Cut 7001 and the client off from everyone else.", partition("split", [7001, "client-1"], "rest")),
    noted("3. The majority marks 7001 FAIL and elects 7004.", until(role(7004, "master"), 30_000)),
    noted("4. On its side, 7001 went on acknowledging writes until it declared the cluster down.", until(clusterState(7001, "fail"), 15_000)),
    expectRole(7001, "master"),
    wait(3_000),
    expectClientError("CLUSTERDOWN"),
    noted("5. Heal: 7001 learns of the newer epoch and becomes a replica of 7004.", heal("split")),
    until(role(7001, "replica"), 15_000),
    until(event(7001, "syncFinished"), 15_000),
    wait(2_000),
    check(7002),
    expectCheckLine(7002, ALL_COVERED),
    noted("6. The writes 7001 acknowledged while cut off are not in 7004's data: lost.", expectWrites("lost", { atLeast: 1 })),
  ),
};
