import { describe, expect, it } from "vitest";
import { checkDurability, type RunView } from "@failover-lab/sim-core/check";
import type { ClusterNodeState } from "@failover-lab/sim-core";
import { runScenario, type Scenario } from "@failover-lab/scenarios";

/**
 * Durability: a master cut off with its client keeps acknowledging writes that the side with
 * the majority never sees; once a replica is promoted there, those writes are gone. Real Redis
 * does this (asynchronous replication), so the finding is a Redis behaviour, with the count the
 * run's `writes.lost` reports and the window the writes were acknowledged in.
 */
const count = (message: string): number => Number(/: (\d+) of \d+ acknowledged writes lost/.exec(message)![1]);

describe("the durability checker", () => {
  it("reports a Sentinel master's writes lost behind a partition as redisBehaviour, matching writes.lost", () => {
    const scenario: Scenario = {
      name: "sentinel-partition",
      title: "",
      narrative: "",
      topology: { kind: "sentinel", master: 6400, replicas: [6401, 6402], sentinels: [26400, 26401, 26402], quorum: 2, sentinelConfig: { "down-after-milliseconds": 5000 } },
      workload: { kind: "sentinelClient", writeIntervalMs: 100 },
      steps: [
        { step: { type: "wait", ms: 2000 } },
        { step: { type: "partition", name: "p", groups: [["6400", "client-1"], "rest"] } },
        { step: { type: "wait", ms: 40_000 } },
        { step: { type: "heal", name: "p" } },
        { step: { type: "wait", ms: 30_000 } },
      ],
    };
    const run = runScenario(scenario, { seed: 1 });
    const [finding, ...rest] = checkDurability(run.sim);
    expect(rest).toEqual([]);
    expect(finding!.kind).toBe("redisBehaviour");
    expect(count(finding!.message)).toBe(run.writes!.lost);
    expect(run.writes!.lost).toBeGreaterThan(0);
    expect(finding!.message).toMatch(/acknowledged by 6400 between \d+ and \d+ ms; explained by promotedSlave on \d+ at \d+ ms \(a failover/);
  });

  it("reports a cluster master's writes lost behind a partition as redisBehaviour, matching writes.lost", () => {
    const scenario: Scenario = {
      name: "cluster-partition",
      title: "",
      narrative: "",
      topology: { kind: "cluster", ports: [7001, 7002, 7003, 7004, 7005, 7006], replicasPerMaster: 1 },
      config: { "cluster-node-timeout": 2000 },
      workload: { kind: "clusterWriter", writesPerSecond: 100 },
      steps: [
        { step: { type: "wait", ms: 2000 } },
        { step: { type: "partition", name: "p", groups: [["7001", "client-1"], "rest"] } },
        { step: { type: "wait", ms: 10_000 } },
        { step: { type: "heal", name: "p" } },
        { step: { type: "wait", ms: 20_000 } },
      ],
    };
    const run = runScenario(scenario, { seed: 2 });
    const [finding, ...rest] = checkDurability(run.sim);
    expect(rest).toEqual([]);
    expect(finding!.kind).toBe("redisBehaviour");
    expect(count(finding!.message)).toBe(run.writes!.lost);
    const [fromMs, toMs] = /issued between (\d+) and (\d+) ms/.exec(finding!.message)!.slice(1).map(Number);
    // Lost while 7001 was cut off (the partition began 2 s after the writer started).
    expect(fromMs).toBeGreaterThanOrEqual(Math.floor(run.sim.trace.find((r) => r.type === "faultApplied")!.atUs / 1000) - 100);
    expect(toMs).toBeGreaterThan(fromMs!);
    // Named for the replica that took 7001's slots, whose election explains the loss.
    const [owner, winner] = /from slots of (\d+), .*explained by electionWon on (\d+) at \d+ ms \(a failover of this shard\)/.exec(finding!.message)!.slice(1);
    expect(winner).toBe(owner);
    expect(run.sim.state<ClusterNodeState>(owner!).replication.masterHost).toBeNull();
  });
});

/**
 * The excuse must concern the shard that lost the writes. These runs lose nothing by
 * themselves; a view of the run with some keys removed from one master stands in for a
 * simulator that dropped them, while an unrelated server crashed.
 */
function withKeysRemoved(run: RunView, pid: string, keep: (key: string) => boolean): RunView {
  return {
    trace: run.trace,
    nowUs: run.nowUs,
    processIds: () => run.processIds(),
    status: (p) => run.status(p),
    state: <S,>(p: string) => {
      const s = run.state<{ data: Record<string, string> }>(p);
      if (p !== pid) return s as unknown as Readonly<S>;
      return { ...s, data: Object.fromEntries(Object.entries(s.data).filter(([k]) => keep(k))) } as unknown as Readonly<S>;
    },
  };
}

const cluster3x1 = (steps: Scenario["steps"]): Scenario => ({
  name: "cluster-crash",
  title: "",
  narrative: "",
  topology: { kind: "cluster", ports: [7001, 7002, 7003, 7004, 7005, 7006], replicasPerMaster: 1 },
  config: { "cluster-node-timeout": 2000 },
  workload: { kind: "clusterWriter", writesPerSecond: 100 },
  steps,
});

/** The shard (master and its replica) of a port, from the final states. */
function replicaOf(run: RunView, master: string): string {
  const nodes = run.processIds().map((pid) => ({ pid, s: run.state<ClusterNodeState>(pid) })).filter(({ s }) => s !== null && typeof s === "object" && "myId" in s && "slotOwner" in s);
  const masterId = nodes.find(({ pid }) => pid === master)!.s.myId;
  return nodes.find(({ s }) => s.nodes[s.myId]!.replicaOf === masterId)!.pid;
}

describe("the durability checker's excuses", () => {
  it("blames a master restarted empty before a failover for its own shard's losses, not an earlier crash elsewhere", () => {
    const base = runScenario(cluster3x1([{ step: { type: "wait", ms: 1000 } }]), { seed: 3 });
    const otherReplica = replicaOf(base.sim, "7002");
    const run = runScenario(
      cluster3x1([
        { step: { type: "wait", ms: 2000 } },
        { step: { type: "kill", node: otherReplica } },
        { step: { type: "wait", ms: 500 } },
        { step: { type: "restart", node: otherReplica } },
        { step: { type: "wait", ms: 3000 } },
        // Back within the node timeout: no failover, and 7001 comes back with no data.
        { step: { type: "kill", node: "7001" } },
        { step: { type: "wait", ms: 300 } },
        { step: { type: "restart", node: "7001" } },
        { step: { type: "wait", ms: 15_000 } },
      ]),
      { seed: 3 },
    );
    expect(run.sim.trace.some((r) => r.type === "electionWon")).toBe(false);
    const [finding, ...rest] = checkDurability(run.sim);
    expect(rest).toEqual([]);
    expect(finding!.kind).toBe("redisBehaviour");
    expect(count(finding!.message)).toBe(run.writes!.lost);
    expect(finding!.message).toMatch(/from slots of 7001, .*explained by processCrashed on 7001 at \d+ ms \(its master crashed/);
  });

  it("calls a loss in a shard where nothing happened a violation, though another shard's replica crashed", () => {
    const base = runScenario(cluster3x1([{ step: { type: "wait", ms: 1000 } }]), { seed: 4 });
    const otherReplica = replicaOf(base.sim, "7002");
    const run = runScenario(
      cluster3x1([
        { step: { type: "wait", ms: 2000 } },
        { step: { type: "kill", node: otherReplica } },
        { step: { type: "wait", ms: 1000 } },
        { step: { type: "restart", node: otherReplica } },
        { step: { type: "wait", ms: 5000 } },
      ]),
      { seed: 4 },
    );
    // The run itself loses nothing: a replica's crash costs no acknowledged write.
    expect(checkDurability(run.sim)).toEqual([]);
    const dropped = (key: string) => Number(/(\d+)$/.exec(key)![1]) % 7 === 0;
    const [finding, ...rest] = checkDurability(withKeysRemoved(run.sim, "7001", (key) => !dropped(key)));
    expect(rest).toEqual([]);
    expect(finding!.kind).toBe("violation");
    expect(finding!.message).toMatch(/from slots of 7001, .*no failover of this shard and no crash of its master/);
    const held = Object.keys(run.sim.state<ClusterNodeState>("7001").data).filter(dropped).length;
    expect(held).toBeGreaterThan(0);
    expect(count(finding!.message)).toBe(held);
  });

  it("calls a Sentinel group's loss a violation when only a replica crashed, Redis behaviour when the master did", () => {
    const group = (steps: Scenario["steps"]): Scenario => ({
      name: "sentinel-crash",
      title: "",
      narrative: "",
      topology: { kind: "sentinel", master: 6400, replicas: [6401, 6402], sentinels: [26400, 26401, 26402], quorum: 2, sentinelConfig: { "down-after-milliseconds": 5000 } },
      workload: { kind: "sentinelClient", writeIntervalMs: 100 },
      steps,
    });
    const replicaCrash = runScenario(
      group([{ step: { type: "wait", ms: 2000 } }, { step: { type: "kill", node: "6402" } }, { step: { type: "wait", ms: 500 } }, { step: { type: "restart", node: "6402" } }, { step: { type: "wait", ms: 5000 } }]),
      { seed: 5 },
    );
    expect(checkDurability(replicaCrash.sim)).toEqual([]);
    const dropped = (key: string) => Number(/(\d+)$/.exec(key)![1]) % 5 === 0;
    const [violation] = checkDurability(withKeysRemoved(replicaCrash.sim, "6400", (key) => !dropped(key)));
    expect(violation!.kind).toBe("violation");
    expect(violation!.message).toMatch(/no failover of this shard and no crash of its master/);

    // The master back within down-after: no failover, and it comes back empty.
    const masterCrash = runScenario(
      group([{ step: { type: "wait", ms: 2000 } }, { step: { type: "kill", node: "6400" } }, { step: { type: "wait", ms: 500 } }, { step: { type: "restart", node: "6400" } }, { step: { type: "wait", ms: 8000 } }]),
      { seed: 5 },
    );
    const [behaviour, ...rest] = checkDurability(masterCrash.sim);
    expect(rest).toEqual([]);
    expect(behaviour!.kind).toBe("redisBehaviour");
    expect(behaviour!.message).toMatch(/explained by processCrashed on 6400/);
  });
});

describe("the durability checker and the runner's writes.lost", () => {
  it("agree that a paused master still holds its writes (SIGSTOP loses nothing)", () => {
    const run = runScenario(
      {
        name: "sentinel-paused-at-end",
        title: "",
        narrative: "",
        topology: { kind: "sentinel", master: 6400, replicas: [6401, 6402], sentinels: [26400, 26401, 26402], quorum: 2, sentinelConfig: { "down-after-milliseconds": 5000 } },
        workload: { kind: "sentinelClient", writeIntervalMs: 100 },
        // Paused well within down-after: no failover, the run ends with the master stopped.
        steps: [{ step: { type: "wait", ms: 3000 } }, { step: { type: "pause", node: "6400" } }, { step: { type: "wait", ms: 1000 } }],
      },
      { seed: 6 },
    );
    expect(run.sim.status("6400")).toBe("paused");
    expect(run.writes!.acked).toBeGreaterThan(0);
    expect(run.writes!.lost).toBe(0);
    expect(checkDurability(run.sim)).toEqual([]);
  });
});
