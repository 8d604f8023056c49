import type { Scenario } from "../steps";
import { ALL_COVERED, AGREE, NOT_COVERED, SIX_NODES, check, cli, event, expectCheckLine, expectReply, expectRole, expectState, restart, role, shutdown, until, wait } from "./build";

/**
 * drill-000: the kill-the-master drill of the first source article (seeds/000, Redis 3.0.2,
 * three hosts). Its nodes map onto loopback ports so that slot ranges line up with what
 * `--cluster create` gives 7001–7003 (CONTRACTS §2):
 *
 * | article          | here | role at start          |
 * |------------------|------|------------------------|
 * | 192.168.31.210:6379 | 7001 | master 0-5460       |
 * | 192.168.31.209:6379 | 7002 | master 5461-10922   |
 * | 192.168.31.208:6379 | 7003 | master 10923-16383  |
 * | 192.168.31.210:6378 | 7004 | replica of 7001     |
 * | 192.168.31.209:6378 | 7005 | replica of 7002     |
 * | 192.168.31.208:6378 | 7006 | replica of 7003     |
 *
 * The article stops nodes with `redis-cli shutdown` (its redisstop aliases), so the faults are
 * `shutdown`. Where its commands slip (step 4 stops a node already stopped; step 6 says three
 * replicas but its check shows two stopped), the steps follow what its checks show. Its output
 * is redis-trib's (Redis 3.0); here redis-cli 7.0 prints the same verdicts in 7.0's words.
 */
export const drill000: Scenario = {
  name: "drill-000",
  title: "Kill the masters one by one (3 masters + 3 replicas, SHUTDOWN)",
  narrative:
    "A replica takes over when its master stops. Stop the replicas, then a master that has none: its slots are no longer covered and the whole cluster goes fail. " +
    "Start the first old master again: it comes back as a replica of a node that is down, and with no fresh data it cannot fail over. " +
    "Start that node again and coverage returns; stop it once more, and the restarted node, now synced, is elected about twenty seconds later.",
  topology: SIX_NODES,
  config: { "cluster-node-timeout": 15_000 },
  steps: [
    { step: check(7003), note: "1. Check the environment: three masters, one replica each." },
    { step: expectCheckLine(7003, AGREE) },
    { step: expectCheckLine(7003, ALL_COVERED) },
    { step: cli(7003, "get", "testkey001") },
    { step: expectReply("(nil)") },
    { step: cli(7003, "set", "testkey002", "testvalue002"), note: "testkey002 hashes to slot 401, served by 7001: redis-cli follows the MOVED." },
    { step: expectReply("OK") },
    { step: cli(7001, "get", "testkey002") },
    { step: expectReply('"testvalue002"') },
    { step: cli(7001, "set", "testkey003", "testvalue003") },
    { step: expectReply("OK") },
    { step: shutdown(7003), note: "2. Stop the master 7003 (the article's 208:6379)." },
    { step: until(role(7006, "master"), 60_000), note: "3. Its replica 7006 is elected after the node timeout (15 s) and a short delay." },
    // At the instant of the win only 7006 knows it is master; `check` then prints "Nodes don't
    // agree". The article's operator checked seconds later, once the pong had spread.
    { step: wait(5_000), note: "The operator checks a few seconds later, once every node has heard of the new master." },
    { step: check(7006) },
    { step: expectCheckLine(7006, AGREE) },
    { step: expectCheckLine(7006, ALL_COVERED) },
    { step: shutdown(7003), note: "4. The article stops 208:6379 again: it is already down, so nothing changes." },
    { step: wait(5_000) },
    { step: check(7002), note: "5. Still five nodes, all slots covered." },
    { step: expectCheckLine(7002, ALL_COVERED) },
    { step: shutdown(7005), note: "6. Stop the replicas: 7005 and 7004." },
    { step: shutdown(7004) },
    { step: wait(30_000) },
    { step: check(7002), note: "7. Three masters, no replicas, all slots covered." },
    { step: expectCheckLine(7002, ALL_COVERED) },
    { step: expectState(7002, "ok") },
    { step: shutdown(7006), note: "8. Stop a master that has no replica: 7006." },
    { step: wait(30_000) },
    { step: check(7002), note: "9. Slots 10923-16383 have no owner alive: the cluster is down." },
    { step: expectCheckLine(7002, NOT_COVERED) },
    { step: expectState(7002, "fail") },
    { step: expectState(7001, "fail") },
    { step: restart(7003), note: "10. Start 7003 while the cluster is down." },
    { step: wait(30_000) },
    { step: check(7002), note: "11. 7003 now follows 7006, which is down: it cannot fail over, and the cluster stays down." },
    { step: expectCheckLine(7002, "*** WARNING: 127.0.0.1:7003 claims to be slave of unknown node ID {id:7006}.") },
    { step: expectCheckLine(7002, NOT_COVERED) },
    { step: expectRole(7003, "replica") },
    { step: until(event(7003, "cantFailover"), 60_000) },
    { step: restart(7006), note: "12. Start 7006: coverage returns, and 7003 syncs from it." },
    { step: wait(30_000) },
    { step: check(7002) },
    { step: expectCheckLine(7002, ALL_COVERED) },
    { step: expectState(7002, "ok") },
    { step: shutdown(7006), note: "13. Stop 7006 once more." },
    { step: check(7002), note: "14. At once: 7003 is a replica of a node that is down, and the slots are not covered…" },
    { step: expectCheckLine(7002, "*** WARNING: 127.0.0.1:7003 claims to be slave of unknown node ID {id:7006}.") },
    { step: expectCheckLine(7002, NOT_COVERED) },
    { step: until(role(7003, "master"), 60_000), note: "…until 7003 is elected (the article checked a minute later)." },
    { step: wait(5_000) },
    { step: check(7002) },
    { step: expectCheckLine(7002, ALL_COVERED) },
    { step: expectCheckLine(7002, AGREE) },
  ],
};
