import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WALL_CLOCK_EPOCH_MS } from "../src/index";
import { sendPing } from "../src/cluster/bus";
import { updateClusterState } from "../src/cluster/cluster-state";
import { handleConfigEpochCollision } from "../src/cluster/config-update";
import { addFailureReport, clearNodeFailureIfNeeded, failureReportCount, markNodeAsFailingIfNeeded } from "../src/cluster/failure-detection";
import { NODE_FAIL, NODE_PFAIL } from "../src/cluster/flags";
import type { ClusterMessage } from "../src/cluster/messages";
import type { ClusterNodeState } from "../src/cluster/state";
import { SYNCED_AT, clusterSim, node, recordingCtx } from "./cluster-helpers";

const NT = 2000;
const T0 = WALL_CLOCK_EPOCH_MS + 100_000;
const base = (() => {
  const sim = clusterSim({ seed: 11, nodeTimeoutMs: NT });
  sim.runUntil(SYNCED_AT);
  return new Map([7001, 7002, 7003, 7004, 7005, 7006].map((p) => [p, structuredClone(node(sim, p))]));
})();
const fresh = (port: number): ClusterNodeState => structuredClone(base.get(port)!);
const idOfPort = (s: ClusterNodeState, port: number): string => s.nodeOrder.find((id) => s.nodes[id]!.port === port)!;

describe("failure reports (clusterNodeAddFailureReport)", () => {
  it("count for 2 × node timeout, then expire", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * NT }), (ageMs) => {
        const s = fresh(7002);
        const victim = s.nodes[idOfPort(s, 7001)]!;
        addFailureReport(victim, idOfPort(s, 7003), T0, recordingCtx(T0));
        expect(failureReportCount(victim, NT, T0 + ageMs)).toBe(ageMs <= 2 * NT ? 1 : 0);
      }),
    );
  });

  it("turn PFAIL into FAIL only with a majority of slot-serving masters, a master counting itself", () => {
    const master = fresh(7002);
    const victim = master.nodes[idOfPort(master, 7001)]!;
    victim.flags |= NODE_PFAIL;
    const ctx = recordingCtx(T0);
    // 7002 (a master) + one report from 7003 = 2 ≥ 3/2 + 1.
    addFailureReport(victim, idOfPort(master, 7003), T0, ctx);
    markNodeAsFailingIfNeeded(master, victim, NT, T0, ctx);
    expect(victim.flags & NODE_FAIL).toBe(NODE_FAIL);
    expect(ctx.sent.filter((m) => m.message.type === "fail")).toHaveLength(5);

    // A replica does not count itself: one report is not enough.
    const replica = fresh(7005);
    const v2 = replica.nodes[idOfPort(replica, 7001)]!;
    v2.flags |= NODE_PFAIL;
    addFailureReport(v2, idOfPort(replica, 7003), T0, ctx);
    markNodeAsFailingIfNeeded(replica, v2, NT, T0, ctx);
    expect(v2.flags & NODE_FAIL).toBe(0);
    addFailureReport(v2, idOfPort(replica, 7002), T0, ctx);
    markNodeAsFailingIfNeeded(replica, v2, NT, T0, ctx);
    expect(v2.flags & NODE_FAIL).toBe(NODE_FAIL);
  });
});

describe("clearing FAIL (clearNodeFailureIfNeeded)", () => {
  it("forgives a replica at once, a master with slots only after 2 × node timeout", () => {
    const s = fresh(7002);
    const replica = s.nodes[idOfPort(s, 7004)]!;
    const master = s.nodes[idOfPort(s, 7001)]!;
    for (const n of [replica, master]) {
      n.flags |= NODE_FAIL;
      n.failTimeMs = T0;
    }
    const ctx = recordingCtx(T0);
    clearNodeFailureIfNeeded(s, replica, NT, T0 + 1, ctx);
    clearNodeFailureIfNeeded(s, master, NT, T0 + 2 * NT, ctx);
    expect([replica.flags & NODE_FAIL, master.flags & NODE_FAIL]).toEqual([0, NODE_FAIL]);
    clearNodeFailureIfNeeded(s, master, NT, T0 + 2 * NT + 1, ctx);
    expect(master.flags & NODE_FAIL).toBe(0);
    expect(ctx.emitted.map((e) => (e.type === "failStateCleared" ? e.reason : e.type))).toEqual(["replica", "nobodyServing"]);
  });
});

describe("gossip (clusterSendPing)", () => {
  it("carries max(3, ⌊n/10⌋) random healthy nodes, and every PFAIL node", () => {
    const s = fresh(7002);
    const pfail = s.nodes[idOfPort(s, 7006)]!;
    pfail.flags |= NODE_PFAIL;
    s.statsPfailNodes = 1;
    for (const id of s.nodeOrder) s.nodes[id]!.link = 1;
    s.outboundLinks[1] = idOfPort(s, 7001);
    const ctx = recordingCtx(T0);
    sendPing(s, 1, "ping", ctx, T0, true);
    const message = ctx.sent[0]!.message as Extract<ClusterMessage, { gossip: unknown }>;
    const ids = message.gossip.map((g) => g.id);
    expect(ids).toContain(pfail.id);
    expect(ids.filter((id) => id !== pfail.id).length).toBeLessThanOrEqual(3);
    expect(ids).not.toContain(s.myId);
    expect(new Set(ids).size).toBe(ids.length);
    // A PING on our own link starts the failure clock of its target.
    expect(s.nodes[idOfPort(s, 7001)]!.pingSentMs).toBe(T0);
  });
});

describe("cluster state (clusterUpdateState)", () => {
  it("a master back from the minority waits the rejoin delay before ok", () => {
    const s = fresh(7001);
    const ctx = recordingCtx(T0);
    for (const port of [7002, 7003]) s.nodes[idOfPort(s, port)]!.flags |= NODE_PFAIL;
    updateClusterState(s, NT, T0, ctx);
    expect(s.state).toBe("fail");
    for (const port of [7002, 7003]) s.nodes[idOfPort(s, port)]!.flags &= ~NODE_PFAIL;
    // rejoin delay = clamp(NT, 500, 5000) = 2000 ms after it was last in the minority.
    updateClusterState(s, NT, T0 + 1999, ctx);
    expect(s.state).toBe("fail");
    updateClusterState(s, NT, T0 + 2000, ctx);
    expect(s.state).toBe("ok");
  });
});

describe("configEpoch collision (clusterHandleConfigEpochCollision)", () => {
  it("moves the master with the smaller id to a new epoch, and only that one", () => {
    const a = fresh(7001);
    const b = fresh(7002);
    const aSelf = a.nodes[a.myId]!;
    const bSelf = b.nodes[b.myId]!;
    aSelf.configEpoch = 9;
    bSelf.configEpoch = 9;
    a.nodes[b.myId]!.configEpoch = 9;
    b.nodes[a.myId]!.configEpoch = 9;
    a.currentEpoch = b.currentEpoch = 9;
    handleConfigEpochCollision(a, a.nodes[b.myId]!, 9, recordingCtx(T0));
    handleConfigEpochCollision(b, b.nodes[a.myId]!, 9, recordingCtx(T0));
    const smaller = a.myId < b.myId ? aSelf : bSelf;
    const larger = a.myId < b.myId ? bSelf : aSelf;
    expect([smaller.configEpoch, larger.configEpoch]).toEqual([10, 9]);
  });
});
