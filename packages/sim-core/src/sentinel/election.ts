import type { SentinelCtx } from "./links";
import { SENTINEL_MAX_DESYNC_MS, type SentinelState } from "./state";

/**
 * Leader election (sentinel.c: sentinelVoteLeader, sentinelGetLeader, §6 and §8): one vote per
 * epoch, first come first served; a winner needs max(quorum, voters/2 + 1) votes.
 */

/**
 * sentinelVoteLeader: adopt a higher epoch; vote for `reqRunId` if we have not voted in this
 * epoch; voting for another Sentinel also blocks our own attempt for 2 × failover-timeout.
 * Returns the vote we hold (perhaps an older one) and its epoch.
 */
export function voteLeader(s: SentinelState, reqEpoch: number, reqRunId: string, now: number, ctx: SentinelCtx): { leader: string | null; epoch: number } {
  const m = s.master;
  if (reqEpoch > s.currentEpoch) {
    s.currentEpoch = reqEpoch;
    ctx.emit({ type: "newEpoch", epoch: s.currentEpoch });
  }
  if (m.leaderEpoch < reqEpoch && s.currentEpoch <= reqEpoch) {
    m.leader = reqRunId;
    m.leaderEpoch = s.currentEpoch;
    ctx.emit({ type: "voteForLeader", leader: reqRunId, epoch: m.leaderEpoch });
    if (reqRunId !== s.myId) m.failoverStartTime = now + ctx.rng("failover-desync").int(SENTINEL_MAX_DESYNC_MS);
  }
  return { leader: m.leader, epoch: m.leaderEpoch };
}

/** The votes a leader needs: max(quorum, voters/2 + 1), voters = every Sentinel ever seen + us. */
export function votesNeeded(quorum: number, voters: number): number {
  return Math.max(quorum, Math.floor(voters / 2) + 1);
}

/**
 * sentinelGetLeader: count the peers' votes for the current epoch (ties go to the first in dict
 * order), add our own (for the winner so far, or for ourselves), and return the leader if it
 * has a majority of the voters and at least quorum votes.
 */
export function getLeader(s: SentinelState, epoch: number, now: number, ctx: SentinelCtx): string | null {
  const m = s.master;
  const voters = m.sentinels.length + 1;
  // An insertion-ordered tally: the "dict" of counters iterates in the order votes were met.
  const counters: { runId: string; votes: number }[] = [];
  const incr = (runId: string): number => {
    const c = counters.find((x) => x.runId === runId);
    if (c === undefined) {
      counters.push({ runId, votes: 1 });
      return 1;
    }
    return ++c.votes;
  };
  for (const si of m.sentinels) {
    if (si.leader !== null && si.leaderEpoch === s.currentEpoch) incr(si.leader);
  }
  let winner: string | null = null;
  let maxVotes = 0;
  for (const c of counters) {
    if (c.votes > maxVotes) {
      maxVotes = c.votes;
      winner = c.runId;
    }
  }
  // Our own vote: for the winner so far, or for ourselves (it may be an older vote we hold).
  const mine = voteLeader(s, epoch, winner ?? s.myId, now, ctx);
  if (mine.leader !== null && mine.epoch === epoch) {
    const votes = incr(mine.leader);
    if (votes > maxVotes) {
      maxVotes = votes;
      winner = mine.leader;
    }
  }
  if (maxVotes < votesNeeded(m.quorum, voters)) return null;
  return winner;
}
