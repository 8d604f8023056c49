import fc from "fast-check";
import type { Fault, ScheduledFault } from "../kernel/faults";
import type { ProcessId } from "../process/model";
import { CLUSTER_FAMILIES, FAULT_FAMILIES, pickFamily, swarmProfileArb, type FaultFamily, type SwarmProfile } from "./swarm";
import { detectionTimeoutMs, serverIds, topologyShapeArb, type ClusterShapeOptions, type TopologyShape } from "./topology";
import { CLIENT_ID, workloadShapeArb, type WorkloadShape } from "./workload";

/**
 * One fuzz run as data: a topology, a workload, a swarm profile and fault episodes. An episode
 * is a fault and the fault that lifts it (pause → resume, kill → restart, partition → heal…);
 * the run's schedule is every episode flattened, cut off at the end of the fault window, so
 * that when the window closes every fault is lifted and the checkers can ask the cluster to
 * converge. Every field shrinks on its own: fewer episodes, earlier and shorter ones, fewer
 * nodes, fewer families, targets toward the first node.
 */

/** One episode as drawn: raw numbers that `caseSchedule` turns into faults for the topology. */
export interface EpisodeDraw {
  /** Which family, in [0, 1000), weighted by the swarm profile. */
  readonly familyDraw: number;
  /** Which process (index into the topology's processes, modulo their number). */
  readonly target: number;
  /** Partitions: a bit per process for the side cut off; links: picks the other end. */
  readonly mask: number;
  readonly startMs: number;
  /** In thousandths of the profile's longest episode. */
  readonly lengthPermille: number;
  /** Size of the fault where it has one: delay (ms), loss (rate), clock jump (ms). */
  readonly amount: number;
}

export interface FuzzCase {
  readonly topology: TopologyShape;
  readonly workload: WorkloadShape | null;
  readonly swarm: SwarmProfile;
  readonly episodes: readonly EpisodeDraw[];
  /** Faults happen in [0, faultWindowMs) after the run's first step; all are lifted by its end. */
  readonly faultWindowMs: number;
  /** Redis options for every server (Redis's names; the test-only switch too). */
  readonly config: Readonly<Record<string, unknown>>;
}

export interface FuzzCaseOptions {
  readonly cluster?: ClusterShapeOptions;
  /** Draw Sentinel groups too (half the runs). */
  readonly sentinel?: boolean;
  /** Pin the topology instead of drawing it. */
  readonly topology?: TopologyShape;
  readonly families?: readonly FaultFamily[];
  readonly maxEpisodes?: number;
  readonly faultWindowMs?: number;
  readonly workload?: "always" | "maybe" | "never";
  readonly maxWritesPerSecond?: number;
  readonly config?: Readonly<Record<string, unknown>>;
}

export const DEFAULT_FAULT_WINDOW_MS = 30_000;

export function episodeArb(faultWindowMs: number): fc.Arbitrary<EpisodeDraw> {
  return fc.record({
    familyDraw: fc.nat({ max: 999 }),
    target: fc.nat({ max: 63 }),
    mask: fc.nat({ max: 0xffff }),
    startMs: fc.nat({ max: faultWindowMs - 1 }),
    lengthPermille: fc.integer({ min: 1, max: 1000 }),
    amount: fc.nat({ max: 1_000_000 }),
  });
}

export function fuzzCaseArb(options: FuzzCaseOptions = {}): fc.Arbitrary<FuzzCase> {
  const faultWindowMs = options.faultWindowMs ?? DEFAULT_FAULT_WINDOW_MS;
  const maxEpisodes = options.maxEpisodes ?? 8;
  const workload = options.workload ?? "always";
  return fc.record({
    topology: options.topology !== undefined ? fc.constant(options.topology) : topologyShapeArb({ ...(options.sentinel === undefined ? {} : { sentinel: options.sentinel }), ...(options.cluster === undefined ? {} : { cluster: options.cluster }) }),
    workload: workload === "never" ? fc.constant(null) : workloadShapeArb({ optional: workload === "maybe", ...(options.maxWritesPerSecond === undefined ? {} : { maxWritesPerSecond: options.maxWritesPerSecond }) }),
    swarm: swarmProfileArb({ ...(options.families === undefined ? {} : { families: options.families }), maxEpisodes }),
    episodes: fc.array(episodeArb(faultWindowMs), { maxLength: maxEpisodes }),
    faultWindowMs: fc.constant(faultWindowMs),
    config: fc.constant(options.config ?? {}),
  });
}

/** Every process a partition can place: the servers (and Sentinels), then the client. */
export function caseProcesses(c: FuzzCase): ProcessId[] {
  return c.workload === null ? serverIds(c.topology) : [...serverIds(c.topology), CLIENT_ID];
}

/** The families this topology can take. */
function familiesFor(c: FuzzCase): readonly FaultFamily[] {
  return c.topology.kind === "cluster" ? CLUSTER_FAMILIES : FAULT_FAMILIES;
}

/**
 * The case's faults, in time order (ties: in the order drawn, a fault before its lifting), each
 * at whole ms after the run's first step. Every fault is lifted by `faultWindowMs`.
 */
export function caseSchedule(c: FuzzCase): ScheduledFault[] {
  const servers = serverIds(c.topology);
  const all = caseProcesses(c);
  const longestMs = Math.max(1, Math.round((detectionTimeoutMs(c.topology) * c.swarm.durationTenths) / 10));
  const timed: { atMs: number; order: number; fault: Fault }[] = [];
  const episodes = c.episodes.slice(0, c.swarm.maxEpisodes);
  episodes.forEach((e, i) => {
    const family = pickFamily(c.swarm, familiesFor(c), e.familyDraw);
    const startMs = Math.min(e.startMs, c.faultWindowMs - 1);
    const endMs = Math.min(c.faultWindowMs, startMs + Math.max(1, Math.round((longestMs * e.lengthPermille) / 1000)));
    const [on, off] = episodeFaults(family, e, i, servers, all);
    timed.push({ atMs: startMs, order: 2 * i, fault: on });
    if (off !== null) timed.push({ atMs: endMs, order: 2 * i + 1, fault: off });
  });
  timed.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  return timed.map(({ atMs, fault }) => ({ atUs: atMs * 1000, fault }));
}

function episodeFaults(family: FaultFamily, e: EpisodeDraw, index: number, servers: readonly ProcessId[], all: readonly ProcessId[]): [Fault, Fault | null] {
  const node = servers[e.target % servers.length]!;
  const from = all[e.target % all.length]!;
  const to = all[(e.target + 1 + (e.mask % (all.length - 1))) % all.length]!;
  switch (family) {
    case "crash":
      return [{ type: "kill", node }, { type: "restart", node }];
    case "shutdown":
      return [{ type: "shutdown", node }, { type: "restart", node }];
    case "pause":
      return [{ type: "pause", node }, { type: "resume", node }];
    case "cut": {
      const name = `p${index + 1}`;
      return [{ type: "partition", name, groups: [[from], [to]] }, { type: "heal", name }];
    }
    case "partition":
    case "oneWayPartition": {
      const name = `p${index + 1}`;
      const side = sideOf(e, all);
      const fault: Fault = family === "partition" ? { type: "partition", name, groups: [side, "rest"] } : { type: "partition", name, groups: [side, "rest"], oneWay: true };
      return [fault, { type: "heal", name }];
    }
    case "delay":
      return [
        { type: "delay", from, to, extraMs: 1 + (e.amount % 2000) },
        { type: "delay", from, to, extraMs: 0 },
      ];
    case "loss":
      return [
        { type: "loss", from, to, rate: (1 + (e.amount % 90)) / 100 },
        { type: "loss", from, to, rate: 0 },
      ];
    case "clog":
      return [
        { type: "clog", from, to },
        { type: "unclog", from, to },
      ];
    case "clockJump": {
      // Forward or back by up to two minutes; Sentinel enters TILT on either (sentinel.c:sentinelCheckTiltCondition).
      const deltaMs = (e.mask % 2 === 0 ? 1 : -1) * (1 + (e.amount % 120_000));
      return [{ type: "clockJump", node, deltaMs }, null];
    }
  }
}

/**
 * The side a partition cuts off: the target and up to two more processes picked by the mask
 * (small sides are where the interesting failures are: one master, or two masters at once),
 * and, when `amount` is odd, the client too — a client cut off with a master is how Redis loses
 * acknowledged writes; never everyone. Shrinking mask and amount to 0 leaves the target alone.
 */
function sideOf(e: EpisodeDraw, all: readonly ProcessId[]): ProcessId[] {
  const target = e.target % all.length;
  const picked = new Set([target]);
  const client = all.indexOf(CLIENT_ID);
  if (client >= 0 && e.amount % 2 === 1 && all.length > 2) picked.add(client);
  const extra = e.mask % 3;
  let bits = Math.floor(e.mask / 3);
  for (let k = 0; k < extra && picked.size < all.length - 1; k++) {
    picked.add(bits % all.length);
    bits = Math.floor(bits / all.length);
  }
  return all.filter((_, i) => picked.has(i));
}

/** The fault schedule of a case, counted in faults: the size shrinking drives down. */
export function caseSize(c: FuzzCase): number {
  return caseSchedule(c).length;
}
