import { describe, expect, it } from "vitest";
import { failureModes, runScenario, type RunResult, type Scenario } from "@failover-lab/scenarios";
import { ackedByKey, finalValueInCluster, keyHashSlot, lostWrites, type ClusterNodeState, type ClusterWriterState, type SentinelClientState, type TraceRecord } from "@failover-lab/sim-core";

/**
 * What each teaching failure mode is there to show, checked on the history itself (the library
 * test already runs each green for seeds 1–5): who was elected and why, which writes were lost,
 * and — by changing the one setting the narrative names — that the setting is the cause.
 */
const mode = (name: string): Scenario => failureModes.find((s) => s.name === name)!;
const SEEDS = [1, 2, 3];
const runs = new Map<string, RunResult>();
function run(scenario: Scenario, seed: number): RunResult {
  const key = `${scenario.name}/${JSON.stringify(scenario.config)}/${JSON.stringify(scenario.topology)}/${seed}`;
  if (!runs.has(key)) runs.set(key, runScenario(scenario, { seed }));
  return runs.get(key)!;
}
const idOf = (r: RunResult, port: number): string => r.sim.state<ClusterNodeState>(String(port)).myId;
const eventsOf = (r: RunResult, pred: (e: TraceRecord) => boolean): TraceRecord[] => r.sim.trace.filter(pred);

describe("minority-partition", () => {
  it.each(SEEDS)("loses writes the cut-off master acknowledged, all in its slots 0-5460 (seed %i)", (seed) => {
    const r = run(mode("minority-partition"), seed);
    expect(r.ok).toBe(true);
    expect(r.writes!.lost).toBeGreaterThan(0);
    const nodes = ["7001", "7002", "7003", "7004", "7005", "7006"].map((p) => r.sim.state<ClusterNodeState>(p));
    const lost = lostWrites(ackedByKey(r.sim.state<ClusterWriterState>("client-1")), finalValueInCluster(nodes));
    expect(lost).toHaveLength(r.writes!.lost);
    expect(lost.every((key) => keyHashSlot(key) <= 5460)).toBe(true);
    const cut = r.measures.find((m) => m.fault === "partition")!;
    expect(cut.electionWonMs).toBeDefined();
    expect(cut.failMs!).toBeGreaterThanOrEqual(5_000);
  });
});

describe("all-replicas-then-master", () => {
  it("elects nobody after the master's kill, and every live master reports cluster_state fail", () => {
    const r = run(mode("all-replicas-then-master"), 1);
    const killAtUs = r.measures.at(-1)!.atMs * 1000;
    expect(eventsOf(r, (e) => e.type === "electionWon" && e.atUs >= killAtUs)).toEqual([]);
    for (const port of [7002, 7003]) expect(r.sim.state<ClusterNodeState>(String(port)).state).toBe("fail");
  });
});

describe("stale-replica", () => {
  it("refuses the failover for data age, and only the forced one promotes 7004", () => {
    const r = run(mode("stale-replica"), 1);
    const refusals = eventsOf(r, (e) => e.node === "7004" && e.type === "cantFailover");
    expect(refusals.some((e) => e.type === "cantFailover" && e.reason === "dataAge")).toBe(true);
    const accepted = eventsOf(r, (e) => e.node === "7004" && e.type === "manualFailoverAccepted");
    const won = eventsOf(r, (e) => e.node === "7004" && e.type === "electionWon");
    expect(won).toHaveLength(1);
    expect(accepted.length).toBe(1);
    expect(won[0]!.atUs).toBeGreaterThan(accepted[0]!.atUs);
  });

  it("with cluster-replica-validity-factor 0 the same replica fails over by itself", () => {
    const base = mode("stale-replica");
    const lenient: Scenario = { ...base, config: { ...base.config, "cluster-replica-validity-factor": 0 } };
    const r = run(lenient, 1);
    const killAtUs = r.measures.find((m) => m.fault === "kill")!.atMs * 1000;
    const won = eventsOf(r, (e) => e.node === "7004" && e.type === "electionWon");
    expect(won.length).toBeGreaterThanOrEqual(1);
    expect(won[0]!.atUs).toBeGreaterThan(killAtUs);
    expect(eventsOf(r, (e) => e.type === "manualFailoverAccepted" && e.atUs < won[0]!.atUs)).toEqual([]);
  });
});

describe("replica-race", () => {
  it.each(SEEDS)("ranks the up-to-date replica first, its delay about a second shorter, and it wins (seed %i)", (seed) => {
    const r = run(mode("replica-race"), seed);
    const delayed = (port: string) => eventsOf(r, (e) => e.node === port && e.type === "electionDelayed")[0] as Extract<TraceRecord, { type: "electionDelayed" }>;
    const first = delayed("7004");
    const second = delayed("7007");
    expect(first.rank).toBe(0);
    expect(second.rank).toBe(1);
    expect(first.offset).toBeGreaterThan(second.offset);
    // cluster.c:clusterGetSlaveRank: 500 ms + random 0–500 ms + 1000 ms per rank.
    const gapMs = second.delayMs - first.delayMs;
    expect(gapMs).toBeGreaterThan(500);
    expect(gapMs).toBeLessThan(1500);
    expect(eventsOf(r, (e) => e.type === "electionWon").map((e) => e.node)).toEqual(["7004"]);
    expect(r.sim.state<ClusterNodeState>("7007").nodes[idOf(r, 7007)]!.replicaOf).toBe(idOf(r, 7004));
  });
});

describe("sentinel-low-quorum", () => {
  it("has two masters at once and loses the old one's writes", () => {
    const r = run(mode("sentinel-low-quorum"), 1);
    const promotedAt = eventsOf(r, (e) => e.type === "masterModeEnabled")[0]!.atUs;
    const demotedAt = eventsOf(r, (e) => e.node === "6400" && e.type === "cachedMasterSynthesized")[0]!.atUs;
    expect(demotedAt).toBeGreaterThan(promotedAt);
    expect(r.writes!.lost).toBeGreaterThan(0);
  });

  it("with quorum 2 the same cut gives a +sdown and no failover", () => {
    const base = mode("sentinel-low-quorum");
    if (base.topology.kind !== "sentinel") throw new Error("a Sentinel topology");
    const r = runScenario({ ...base, topology: { ...base.topology, quorum: 2 } }, { seed: 1 });
    expect(eventsOf(r, (e) => e.node === "26402" && e.type === "sdown").length).toBeGreaterThanOrEqual(1);
    expect(eventsOf(r, (e) => e.type === "odown" || e.type === "switchMaster")).toEqual([]);
    expect(r.writes!.lost).toBe(0);
  });
});

describe("sentinel-split-brain", () => {
  it("lets the isolated old master acknowledge writes for the whole partition, all lost after healing", () => {
    const r = run(mode("sentinel-split-brain"), 1);
    const healAtUs = r.measures.find((m) => m.fault === "heal")!.atMs * 1000;
    const partitionAtUs = r.measures.find((m) => m.fault === "partition")!.atMs * 1000;
    const client = r.sim.state<SentinelClientState>("client-1");
    const onOldMasterWhileCut = client.acked.filter((w) => w.port === 6400 && w.atMs * 1000 > partitionAtUs && w.atMs * 1000 < healAtUs);
    expect(onOldMasterWhileCut.length).toBeGreaterThan(200);
    expect(r.writes!.lost).toBeGreaterThanOrEqual(onOldMasterWhileCut.length - 10);
  });

  it("with min-replicas-to-write 1 the isolated master refuses writes (NOREPLICAS) after about min-replicas-max-lag, losing far fewer", () => {
    const base = mode("sentinel-split-brain");
    const bounded = run({ ...base, config: { "min-replicas-to-write": 1, "min-replicas-max-lag": 10 } }, 1);
    const unbounded = run(base, 1);
    expect(bounded.ok).toBe(true);
    expect(bounded.sim.state<SentinelClientState>("client-1").errors["NOREPLICAS"]).toBeGreaterThan(0);
    expect(bounded.writes!.lost).toBeLessThan(unbounded.writes!.lost / 2);
    // 10 writes/s for about min-replicas-max-lag (10 s) plus the replicas' last ACK period.
    expect(bounded.writes!.lost).toBeLessThanOrEqual(130);
  });
});

describe("flapping-network", () => {
  it.each(SEEDS)("leaves no PFAIL after cuts shorter than the node timeout, and fails over in epoch 7 after the long one (seed %i)", (seed) => {
    const r = run(mode("flapping-network"), seed);
    const longCut = r.measures.find((m) => m.fault === "partition" && m.electionWonMs !== undefined)!;
    const victim = idOf(r, 7001);
    const pfailsBefore = eventsOf(r, (e) => e.type === "nodePossiblyFailing" && e.peer === victim && e.atUs < longCut.atMs * 1000);
    expect(pfailsBefore).toEqual([]);
    expect(longCut.pfailMs!).toBeGreaterThanOrEqual(5_000);
    const won = eventsOf(r, (e) => e.type === "electionWon");
    expect(won.map((e) => e.type === "electionWon" && `${e.node}@${e.epoch}`)).toEqual(["7004@7"]);
    expect(eventsOf(r, (e) => e.type === "failStateCleared").length).toBeGreaterThan(0);
  });
});
