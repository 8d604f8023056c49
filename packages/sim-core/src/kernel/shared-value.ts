import { unwrapRecorded } from "../trace/patch-recorder";

/**
 * A value a handler shares between its state and what it sends — an immutable-by-convention
 * object such as a node's SlotRanges, replaced whole and never changed in place. In trace mode
 * the handler sees it through a recording proxy, which is refused once the handler returns; this
 * hands out the object itself, as fast mode does.
 */
export function shared<T>(value: T): T {
  return unwrapRecorded(value);
}
