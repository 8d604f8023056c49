import type { Scenario } from "../steps";
import { SIX_NODES, NOT_COVERED, check, clusterState, cli, event, expectCheckLine, expectReply, expectRole, kill, noted, partition, role, steps, until, wait } from "./build";

/**
 * Failure mode: a replica whose data is too old to fail over. Ports as in drill-000. With
 * cluster-node-timeout 5000 and the default cluster-replica-validity-factor 10 and
 * repl-ping-replica-period 10, a replica may not fail over once its data is older than
 * 10 s + 10 × 5 s = 60 s (after the node timeout is taken off). Its data ages from the moment its
 * link to the master is declared down: repl-timeout (60 s) after the cut.
 */
export const staleReplica: Scenario = {
  name: "stale-replica",
  title: "A stale replica may not fail over (cluster-replica-validity-factor)",
  narrative:
    "A replica only stands in for its master if its data is fresh enough: older than (cluster-node-timeout × cluster-replica-validity-factor) + " +
    "repl-ping-replica-period and it refuses, logging 'Currently unable to failover: Disconnected from master for longer than allowed.' " +
    "Here the link between 7001 and its replica 7004 is cut while both stay in the cluster, so nobody notices; 7004 declares its master link down after repl-timeout (60 s), " +
    "and when 7001 dies more than a minute after that, " +
    "the cluster marks it FAIL, 7004 declines to be elected, and slots 0-5460 stay uncovered. An operator who accepts the stale data can force it: " +
    "CLUSTER FAILOVER FORCE on 7004 skips the check (set cluster-replica-validity-factor 0 to always allow it).",
  topology: SIX_NODES,
  config: { "cluster-node-timeout": 5_000 },
  steps: steps(
    noted("1. Cut only the link between 7001 and its replica 7004.", partition("link", [7001], [7004])),
    noted("2. 7004 hears nothing from its master: after repl-timeout it declares the link down, and its data ages.", wait(140_000)),
    noted("3. Kill 7001: it is marked FAIL, but 7004 may not fail over.", kill(7001)),
    until(event(7004, "cantFailover", { reason: "dataAge" }), 30_000),
    until(clusterState(7002, "fail"), 10_000),
    wait(5_000),
    expectRole(7004, "replica"),
    check(7002),
    expectCheckLine(7002, NOT_COVERED),
    noted("4. The operator forces it: CLUSTER FAILOVER FORCE on 7004.", cli(7004, "CLUSTER", "FAILOVER", "FORCE")),
    expectReply("OK"),
    until(role(7004, "master"), 10_000),
    until(clusterState(7002, "ok"), 10_000),
    // Let the other nodes hear of the new master too, so the run shows when all of them say ok (clusterOkMs).
    wait(2_000),
  ),
};
