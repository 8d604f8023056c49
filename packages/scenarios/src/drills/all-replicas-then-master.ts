import type { Scenario } from "../steps";
import { SIX_NODES, NOT_COVERED, check, clusterState, expectCheckLine, expectClientError, expectRole, expectState, kill, noted, steps, until, wait, ALL_COVERED } from "./build";

/** Failure mode: every replica gone, then a master. Ports as in drill-000. */
export const allReplicasThenMaster: Scenario = {
  name: "all-replicas-then-master",
  title: "All replicas gone, then a master: slots uncovered, the whole cluster fails",
  narrative:
    "Replicas are spare capacity you only miss when you need it. Kill all three replicas: nothing visible happens — every slot is still served and " +
    "cluster_state stays ok, so the loss is easy to overlook. Then kill master 7001: after cluster-node-timeout it is marked FAIL, no replica can take over, " +
    "and slots 0-5460 have no owner. With the default cluster-require-full-coverage yes, every node then declares cluster_state:fail and refuses all keys — " +
    "even those whose masters are alive. Watch the client's errors switch to CLUSTERDOWN for every shard.",
  topology: SIX_NODES,
  config: { "cluster-node-timeout": 5_000 },
  workload: { kind: "clusterWriter", writesPerSecond: 30, seeds: [7002] },
  steps: steps(
    noted("1. Kill the three replicas.", kill(7004)),
    kill(7005),
    kill(7006),
    wait(10_000),
    noted("2. Every slot is still covered and the cluster is ok.", check(7002)),
    expectCheckLine(7002, ALL_COVERED),
    expectState(7002, "ok"),
    noted("3. Kill master 7001, which has no replica left.", kill(7001)),
    noted("4. After the node timeout its slots are uncovered: the whole cluster fails.", until(clusterState(7002, "fail"), 20_000)),
    until(clusterState(7003, "fail"), 5_000),
    wait(3_000),
    check(7002),
    expectCheckLine(7002, NOT_COVERED),
    expectRole(7002, "master"),
    expectClientError("CLUSTERDOWN"),
  ),
};
