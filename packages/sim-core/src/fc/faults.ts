import fc from "fast-check";
import type { Fault, PartitionGroup, ScheduledFault } from "../kernel/faults";
import type { ProcessId } from "../process/model";

/**
 * fast-check arbitraries for the fault vocabulary. Every fault they draw is well formed for the
 * given processes (faultProblems finds nothing); whether it applies depends on the run, and one
 * that cannot (resume of a running process) is recorded as skipped. They shrink toward fewer,
 * earlier and simpler faults.
 */

const node = (ids: readonly ProcessId[]): fc.Arbitrary<ProcessId> => fc.constantFrom(...ids);

const pair = (ids: readonly ProcessId[]): fc.Arbitrary<[ProcessId, ProcessId]> =>
  fc
    .tuple(fc.nat({ max: ids.length - 1 }), fc.nat({ max: ids.length - 2 }))
    .map(([i, j]) => [ids[i]!, ids[j >= i ? j + 1 : j]!] as [ProcessId, ProcessId]);

/** Two or three groups; each process lands in one group or is left to "rest" when it is used. */
export function partitionArb(ids: readonly ProcessId[]): fc.Arbitrary<Fault> {
  return fc
    .record({
      sides: fc.array(fc.nat({ max: 2 }), { minLength: ids.length, maxLength: ids.length }),
      useRest: fc.boolean(),
      oneWay: fc.boolean(),
      name: fc.constantFrom("p1", "p2"),
    })
    .filter(({ sides, oneWay }) => {
      const used = new Set(sides).size;
      return used >= 2 && (!oneWay || used === 2);
    })
    .map(({ sides, useRest, oneWay, name }) => {
      const named: ProcessId[][] = [[], [], []];
      sides.forEach((side, i) => named[side]!.push(ids[i]!));
      let groups: PartitionGroup[] = named.filter((g) => g.length > 0);
      // With "rest", the last group is not listed by name.
      if (useRest) groups = [...groups.slice(0, -1), "rest"];
      return oneWay ? { type: "partition", name, groups, oneWay: true } : { type: "partition", name, groups };
    });
}

export function faultArb(ids: readonly ProcessId[]): fc.Arbitrary<Fault> {
  const arbs: fc.Arbitrary<Fault>[] = [
    node(ids).map((n): Fault => ({ type: "kill", node: n })),
    node(ids).map((n): Fault => ({ type: "shutdown", node: n })),
    node(ids).map((n): Fault => ({ type: "pause", node: n })),
    node(ids).map((n): Fault => ({ type: "resume", node: n })),
    node(ids).map((n): Fault => ({ type: "restart", node: n })),
    fc.option(fc.constantFrom("p1", "p2"), { nil: undefined }).map((name): Fault => (name === undefined ? { type: "heal" } : { type: "heal", name })),
    fc.tuple(node(ids), fc.integer({ min: -120_000, max: 120_000 })).map(([n, deltaMs]): Fault => ({ type: "clockJump", node: n, deltaMs })),
    fc.constantFrom("h1", "h2").map((name): Fault => ({ type: "release", name })),
  ];
  if (ids.length >= 2) {
    arbs.push(
      partitionArb(ids),
      fc.tuple(pair(ids), fc.integer({ min: 0, max: 2000 })).map(([[from, to], extraMs]): Fault => ({ type: "delay", from, to, extraMs })),
      fc.tuple(pair(ids), fc.double({ min: 0, max: 0.9, noNaN: true })).map(([[from, to], rate]): Fault => ({ type: "loss", from, to, rate })),
      pair(ids).map(([from, to]): Fault => ({ type: "clog", from, to })),
      pair(ids).map(([from, to]): Fault => ({ type: "unclog", from, to })),
      fc.tuple(fc.constantFrom("h1", "h2"), fc.option(pair(ids), { nil: undefined })).map(([name, p]): Fault =>
        p === undefined ? { type: "hold", name } : { type: "hold", name, from: p[0], to: p[1] },
      ),
    );
  }
  return fc.oneof(...arbs);
}

/**
 * The schedule without the named heals and releases that close nothing made earlier: a
 * scenario refuses those (the kernel would skip them anyway), so a drawn schedule leaves them out.
 */
export function withoutDanglingCloses<T extends { readonly fault: Fault }>(schedule: readonly T[]): T[] {
  const partitions = new Set<string>();
  const holds = new Set<string>();
  return schedule.filter(({ fault }) => {
    switch (fault.type) {
      case "partition":
        if (fault.name !== undefined) partitions.add(fault.name);
        return true;
      case "hold":
        holds.add(fault.name);
        return true;
      case "heal":
        return fault.name === undefined || partitions.has(fault.name);
      case "release":
        return holds.has(fault.name);
      default:
        return true;
    }
  });
}

/** Up to `maxFaults` faults at whole milliseconds in [0, horizonMs), in time order, each heal or release after what it closes. */
export function faultScheduleArb(
  ids: readonly ProcessId[],
  options: { readonly maxFaults?: number; readonly horizonMs?: number } = {},
): fc.Arbitrary<ScheduledFault[]> {
  const horizonMs = options.horizonMs ?? 30_000;
  return fc
    .array(fc.tuple(fc.nat({ max: horizonMs - 1 }), faultArb(ids)), { maxLength: options.maxFaults ?? 10 })
    .map((entries) => withoutDanglingCloses(entries.map(([atMs, fault]) => ({ atUs: atMs * 1000, fault })).sort((a, b) => a.atUs - b.atUs)));
}
