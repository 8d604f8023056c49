import { isDraft, original } from "immer";

/**
 * A value a handler shares between its state and what it sends — an immutable-by-convention
 * object such as a node's SlotRanges, replaced whole and never changed in place. In trace mode
 * the handler sees it through an immer draft, which dies when the handler returns; this hands
 * out the object itself. (It is unchanged, so the original is the current value.)
 */
export function shared<T>(value: T): T {
  return isDraft(value) ? (original(value as object) as T) : value;
}
