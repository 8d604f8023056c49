/**
 * How many of `items` (sorted by `atUsOf`, ascending) are at or before `atUs`: a binary search,
 * the one the story, the lanes and the time machine all use to find "the last thing by now".
 */
export function countAtOrBefore<T>(items: readonly T[], atUs: number, atUsOf: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (atUsOf(items[mid]!) <= atUs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
