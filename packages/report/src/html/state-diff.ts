import type { ReportPatch } from "./report-data";

type Patch = ReportPatch["patches"][number];

/**
 * The JSON patches (immer's shape: op, path, value) that turn `before` into `after`, for plain
 * JSON values. Used where a run's states are sampled rather than patched event by event (the
 * 1000-node report runs in fast mode): the page replays these with the same applyPatches.
 * Arrays that change length are replaced whole; objects are compared key by key.
 */
export function diffStates(before: unknown, after: unknown, path: readonly (string | number)[] = [], out: Patch[] = []): Patch[] {
  if (Object.is(before, after)) return out;
  if (isObject(before) && isObject(after)) {
    if (Array.isArray(before) || Array.isArray(after)) {
      if (!Array.isArray(before) || !Array.isArray(after) || before.length !== after.length) {
        out.push({ op: "replace", path, value: after });
        return out;
      }
      for (let i = 0; i < after.length; i++) diffStates(before[i], after[i], [...path, i], out);
      return out;
    }
    const a = before as Record<string, unknown>;
    const b = after as Record<string, unknown>;
    for (const key of Object.keys(a)) if (!(key in b)) out.push({ op: "remove", path: [...path, key] });
    for (const key of Object.keys(b)) {
      if (!(key in a)) out.push({ op: "add", path: [...path, key], value: b[key] });
      else diffStates(a[key], b[key], [...path, key], out);
    }
    return out;
  }
  out.push({ op: "replace", path, value: after });
  return out;
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === "object";
}
