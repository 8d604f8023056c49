import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WALL_CLOCK_EPOCH_MS } from "../src/index";
import { buildHeader } from "../src/cluster/bus";
import { handleReplicaFailover, replicaRank } from "../src/cluster/election";
import { NODE_FAIL } from "../src/cluster/flags";
import { handleAuthRequest } from "../src/cluster/voting";
import type { ClusterNodeState } from "../src/cluster/state";
import { SYNCED_AT, clusterSim, node, recordingCtx } from "./cluster-helpers";

/** A converged 3 masters × 2 replicas cluster's states, synced, as plain copies to poke at. */
function convergedStates(): Map<number, ClusterNodeState> {
  const sim = clusterSim({
    ports: [7001, 7002, 7003, 7004, 7005, 7006, 7007, 7008, 7009],
    replicasPerMaster: 2,
    pairing: { 7004: 7001, 7005: 7002, 7006: 7003, 7007: 7001, 7008: 7002, 7009: 7003 },
  });
  sim.runUntil(SYNCED_AT);
  return new Map([7001, 7002, 7003, 7004, 7005, 7006, 7007, 7008, 7009].map((p) => [p, structuredClone(node(sim, p))]));
}

const states = convergedStates();
const fresh = (port: number): ClusterNodeState => structuredClone(states.get(port)!);
const NT = 2000;

describe("voting (clusterSendFailoverAuthIfNeeded)", () => {
  function requestFrom(replicaPort: number, epoch: number): { requester: ClusterNodeState; header: ReturnType<typeof buildHeader> } {
    const requester = fresh(replicaPort);
    requester.currentEpoch = epoch;
    return { requester, header: buildHeader(requester) };
  }

  it("refuses a second vote in the same epoch", () => {
    const voter = fresh(7002);
    const master = voter.nodes[voter.nodes[fresh(7004).myId]!.replicaOf!]!;
    master.flags |= NODE_FAIL;
    const nowMs = WALL_CLOCK_EPOCH_MS + 60_000;
    voter.currentEpoch = 7;
    const ctx = recordingCtx(nowMs);
    const first = requestFrom(7004, 7);
    handleAuthRequest(voter, voter.nodes[first.requester.myId]!, first.header, NT, nowMs, ctx);
    const second = requestFrom(7007, 7);
    handleAuthRequest(voter, voter.nodes[second.requester.myId]!, second.header, NT, nowMs, ctx);
    expect(ctx.emitted.map((e) => (e.type === "authDenied" ? `denied ${e.reason}` : e.type))).toEqual(["authGranted", "denied alreadyVoted"]);
    expect(voter.lastVoteEpoch).toBe(7);
  });

  it("refuses, in Redis's order, a stale epoch, a live master, and a vote too soon after the last", () => {
    const nowMs = WALL_CLOCK_EPOCH_MS + 60_000;
    const reasons = (setup: (voter: ClusterNodeState) => void, requestEpoch: number): string[] => {
      const voter = fresh(7002);
      voter.currentEpoch = 7;
      setup(voter);
      const ctx = recordingCtx(nowMs);
      const { requester, header } = requestFrom(7004, requestEpoch);
      handleAuthRequest(voter, voter.nodes[requester.myId]!, header, NT, nowMs, ctx);
      return ctx.emitted.map((e) => (e.type === "authDenied" ? e.reason : e.type));
    };
    const masterOf7004 = (voter: ClusterNodeState) => voter.nodes[voter.nodes[fresh(7004).myId]!.replicaOf!]!;
    expect(reasons(() => undefined, 6)).toEqual(["staleRequestEpoch"]);
    expect(reasons(() => undefined, 7)).toEqual(["masterUp"]);
    expect(
      reasons((voter) => {
        masterOf7004(voter).flags |= NODE_FAIL;
        masterOf7004(voter).votedTimeMs = nowMs - (2 * NT - 1);
      }, 7),
    ).toEqual(["tooSoon"]);
    expect(
      reasons((voter) => {
        masterOf7004(voter).flags |= NODE_FAIL;
        masterOf7004(voter).votedTimeMs = nowMs - 2 * NT;
      }, 7),
    ).toEqual(["authGranted"]);
  });

  it("is not given by replicas at all, not even a refusal", () => {
    const voter = fresh(7005);
    voter.currentEpoch = 7;
    const ctx = recordingCtx(WALL_CLOCK_EPOCH_MS + 60_000);
    const { requester, header } = requestFrom(7004, 7);
    handleAuthRequest(voter, voter.nodes[requester.myId]!, header, NT, WALL_CLOCK_EPOCH_MS + 60_000, ctx);
    expect(ctx.emitted).toEqual([]);
    expect(ctx.sent).toEqual([]);
  });
});

describe("election delay (clusterHandleSlaveFailover)", () => {
  it("waits 500 + random(0..499) + 1000 × rank ms, rank counting siblings strictly ahead", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.string(), (ahead, seed) => {
        const s = fresh(7004);
        const master = s.nodes[s.nodes[s.myId]!.replicaOf!]!;
        master.flags |= NODE_FAIL;
        // Just after the snapshot: the replica's data is fresh.
        const nowMs = WALL_CLOCK_EPOCH_MS + 13_000;
        master.failTimeMs = nowMs;
        const myOffset = 1000;
        // The sibling (7007) is ahead when `ahead` says so; equal offsets share a rank.
        const sibling = s.nodes[fresh(7007).myId]!;
        sibling.replOffset = ahead >= 1 ? myOffset + 1 : myOffset;
        forceProcessedOffset(s, myOffset);
        const ctx = recordingCtx(nowMs, seed);
        handleReplicaFailover(s, NT, nowMs, ctx);
        const delayed = ctx.emitted.find((e) => e.type === "electionDelayed");
        if (delayed?.type !== "electionDelayed") throw new Error("no election was scheduled");
        const rank = ahead >= 1 ? 1 : 0;
        expect(delayed.rank).toBe(rank);
        expect(replicaRank(s)).toBe(rank);
        expect(delayed.delayMs).toBeGreaterThanOrEqual(500 + 1000 * rank);
        expect(delayed.delayMs).toBeLessThanOrEqual(999 + 1000 * rank);
      }),
      { numRuns: 50 },
    );
  });
});

/** Sets what replicationGetSlaveOffset returns for this replica (its master client's reploff). */
function forceProcessedOffset(s: ClusterNodeState, offset: number): void {
  if (s.replication.master === null) throw new Error("the replica has no master client to set the offset of");
  s.replication.master.reploff = offset;
}
