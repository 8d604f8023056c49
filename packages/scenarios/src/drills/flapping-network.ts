import type { Scenario, Step } from "../steps";
import { SIX_NODES, clusterState, event, expectRole, heal, noted, partition, role, steps, until, wait } from "./build";

/** Failure mode: a flapping network around master 7001. Ports as in drill-000. */
const flap = (i: number): { step: Step; note: string }[] => [
  { step: partition(`flap-${i}`, [7001], "rest"), note: `${i + 2}. Cut 7001 off for 4 s, less than the node timeout…` },
  { step: wait(4_000), note: "…the others ping it and wait; PFAIL takes a whole node timeout of silence…" },
  { step: heal(`flap-${i}`), note: "…so when the network comes back, nothing has happened." },
  { step: wait(4_000), note: "(4 s of quiet)" },
];

export const flappingNetwork: Scenario = {
  name: "flapping-network",
  title: "Flapping network: PFAIL comes and goes; only a cut longer than the node timeout fails over",
  narrative:
    "A network that drops out for a few seconds at a time is the common case. A node pings a silent peer again after half the node timeout, but flags it " +
    "PFAIL only after a whole cluster-node-timeout without a PONG, and the flag clears by itself on the next PONG — so cuts shorter than the timeout leave no trace: " +
    "no PFAIL, no FAIL, no epoch change. Only when the silence lasts longer do the nodes flag PFAIL, and once a majority of masters report it, FAIL; " +
    "then a replica is elected in a new epoch (7: create gave the six nodes epochs 1-6). " +
    "When 7001 returns it finds its slots claimed with a higher epoch and follows; the FAIL flag is cleared on every node and the cluster is ok again.",
  topology: SIX_NODES,
  config: { "cluster-node-timeout": 5_000 },
  workload: { kind: "clusterWriter", writesPerSecond: 20, seeds: [7002] },
  steps: steps(
    noted("1. A healthy cluster.", wait(2_000)),
    ...[0, 1, 2].flatMap(flap),
    noted("5. After three short cuts 7001 is still the master.", expectRole(7001, "master")),
    expectRole(7004, "replica"),
    noted("6. A long cut: 15 s, three times the node timeout.", partition("long", [7001], "rest")),
    until(role(7004, "master"), 25_000),
    until(event(7004, "electionWon", { epoch: 7 }), 1_000),
    wait(5_000),
    noted("7. Heal: 7001 follows the new master and the FAIL flag clears.", heal("long")),
    until(role(7001, "replica"), 15_000),
    until(event(7002, "failStateCleared"), 15_000),
    until(clusterState(7001, "ok"), 15_000),
  ),
};
