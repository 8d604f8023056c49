import { keyedRecord } from "../keyed-record";
import { keyHashSlot } from "../cluster/key-slot";
import { runHolding, settleSlotClaims, type SlotClaim } from "../cluster/slot-claims";
import { rangesOwnedInTable } from "../cluster/slot-table";
import type { ClusterNodeState } from "../cluster/state";
import { SHARED_KEY_NUMBERS, sharedKeyNames } from "./writer-keys";

/**
 * The cluster writer's acknowledged writes, and the question CONTRACTS §8 `writes.lost` asks of
 * them at the end of a run: which of them the final owner of their slot does not hold.
 */

/**
 * Acks are kept in buckets of this many key numbers: trace mode's record of an ack then names one
 * bucket, and a run without acks past a number holds no bucket for it.
 */
export const ACK_BUCKET_KEYS = 1024;
/** An ack overwritten by a write in flight (keySpace runs): not a value any write sets. */
export const SUPERSEDED = "";

/** What the writer keeps of its acknowledged writes (part of ClusterWriterState). */
export interface AckedWrites {
  /** The prefix of every key name: key number n is `${keyPrefix}${n}`. */
  keyPrefix: string;
  /**
   * The value of every write that got OK, by key number: number n is at [⌊n / ACK_BUCKET_KEYS⌋]
   * [n mod ACK_BUCKET_KEYS], null where no write of it did; `ackedByKey` gives key → value.
   * `counts.acked` is CONTRACTS §8 `writes.acked`. With a keySpace, a key being written again
   * holds SUPERSEDED until its new write succeeds. Arrays, not tables keyed by name: a sweep
   * checks every run's acks, and walking a table's keys cost more than the check.
   */
  acked: (string | null)[][];
}

export const ackBucketOf = (keyNumber: number): number => Math.floor(keyNumber / ACK_BUCKET_KEYS);
export const ackIndexOf = (keyNumber: number): number => keyNumber % ACK_BUCKET_KEYS;

/** The bucket of `acked` that holds `keyNumber`, made (all null) if it is new. */
export function ackBucket(s: AckedWrites, keyNumber: number): (string | null)[] {
  const bucket = ackBucketOf(keyNumber);
  while (s.acked.length <= bucket) s.acked.push(new Array<string | null>(ACK_BUCKET_KEYS).fill(null));
  return s.acked[bucket]!;
}

/**
 * Calls `visit` for every acknowledged write still checkable, in key-number order, with the key's
 * name and hash slot (shared with the writer's own when the number is low).
 */
export function forEachAck(s: Readonly<AckedWrites>, visit: (key: string, slot: number, value: string) => void): void {
  const shared = sharedKeyNames(s.keyPrefix);
  for (let b = 0; b < s.acked.length; b++) {
    const bucket = s.acked[b]!;
    for (let i = 0; i < bucket.length; i++) {
      const value = bucket[i];
      if (value === null || value === undefined || value === SUPERSEDED) continue;
      const keyNumber = b * ACK_BUCKET_KEYS + i;
      if (keyNumber < SHARED_KEY_NUMBERS) visit(shared.name(keyNumber), shared.slot(keyNumber), value);
      else {
        const key = s.keyPrefix + String(keyNumber);
        visit(key, keyHashSlot(key), value);
      }
    }
  }
}

/** Every acknowledged write, key → value, in key-number order. */
export function ackedByKey(s: AckedWrites): Record<string, string> {
  const out: Record<string, string> = keyedRecord();
  forEachAck(s, (key, _slot, value) => {
    out[key] = value;
  });
  return out;
}

/**
 * CONTRACTS §8 `writes.lost`: the acknowledged keys whose value is absent from, or different in,
 * the data of the final owner of their slot. `finalValueOf` reads that owner's data (see
 * `finalValueInCluster`). Keys come back in the order of `ackedByKey` (key-number order).
 */
export function lostWrites(ackedByKey: Readonly<Record<string, string>>, finalValueOf: (key: string) => string | undefined): string[] {
  const lost: string[] = [];
  for (const key of Object.keys(ackedByKey)) if (finalValueOf(key) !== ackedByKey[key]) lost.push(key);
  return lost;
}

/** A key's value at the final owner of its slot; `slot` is the key's hash slot, when the caller knows it. */
export type FinalValueOf = (key: string, slot?: number) => string | undefined;

/**
 * Reads a key from the final owner of its slot among `nodes` (the live ones): the master that
 * serves the slot in its own table with the highest config epoch — the claim Redis Cluster's
 * epochs make win once the partitions heal.
 */
export function finalValueInCluster(nodes: readonly ClusterNodeState[]): FinalValueOf {
  // Each live master claims the slots of its own table; the first node wins a tie.
  const claims: SlotClaim<ClusterNodeState>[] = [];
  for (const node of nodes) {
    const me = node.nodes[node.myId];
    if (me === undefined || node.replication.masterHost !== null) continue;
    for (const [first, last] of rangesOwnedInTable(node.slotOwner, node.myId)) claims.push({ first, last, epoch: me.configEpoch, owner: node });
  }
  const runs = settleSlotClaims(claims);
  return (key, slot = keyHashSlot(key)) => {
    const i = runHolding(runs, slot);
    return i < 0 ? undefined : runs[i]!.owner.data[key];
  };
}
