/**
 * Checkers over a finished run (its trace and final states): safety, liveness and durability.
 * Each returns findings, split into `violation` (a simulator bug) and `redisBehaviour` (what real
 * Redis does too). `checkRun` runs the ones asked for, in PROPERTY_NAMES order.
 */
import { checkDurability } from "./durability";
import { checkLiveness } from "./liveness";
import { checkOneVotePerEpoch, checkOneWinnerPerEpoch, checkSentinelOnePromotionPerEpoch, checkSlotOwnerEpochUnique } from "./safety";
import { PROPERTY_NAMES, type Finding, type PropertyName, type RunView } from "./findings";

export * from "./findings";
export * from "./safety";
export * from "./liveness";
export { sentinelConvergence, sentinelLivenessBoundMs } from "./sentinel-liveness";
export * from "./durability";
export { clusterNodesOf } from "./views";

export const CHECKERS: Readonly<Record<PropertyName, (run: RunView) => Finding[]>> = {
  oneWinnerPerEpoch: checkOneWinnerPerEpoch,
  oneVotePerEpoch: checkOneVotePerEpoch,
  slotOwnerEpochUnique: checkSlotOwnerEpochUnique,
  sentinelOnePromotionPerEpoch: checkSentinelOnePromotionPerEpoch,
  liveness: (run) => checkLiveness(run),
  durability: checkDurability,
  invariant: () => [],
};

/** Runs the checkers of `properties` (all by default) and returns their findings in that order. */
export function checkRun(run: RunView, properties: readonly PropertyName[] = PROPERTY_NAMES): Finding[] {
  const out: Finding[] = [];
  for (const name of PROPERTY_NAMES) if (properties.includes(name)) out.push(...CHECKERS[name](run));
  return out;
}
