import {
  NODE_MASTER,
  NODE_REPLICA,
  Simulation,
  addCreatedCluster,
  clusterAdminModel,
  clusterNodeModel,
  redisConfig,
  formatReply,
  ms,
  sentinel,
  addSentinelTopology,
  redisCliModel,
  us,
  type ClusterNodeState,
  type Fault,
  type RedisCliState,
  type SimulationMode,
  type TestHooks,
  type StandaloneState,
  type TraceRecord,
} from "@failover-lab/sim-core";
import { clusterCheck } from "@failover-lab/sim-core/replies";
import { checkRun } from "@failover-lab/sim-core/check";
import type { Condition, Expectation, Scenario, Step, Topology } from "./steps";
import { describeStep } from "./describe";
import { faultTarget, measuresOf, type Departure, type FaultStepAt, type Measure } from "./measures";
import { addWorkloads, clientErrorsOf, writesOf, type WorkloadClient, type Writes } from "./workloads";
import { ScenarioError, assertValidScenario } from "./validate";
import { canonicalSeed, seedProblem } from "./seed";

/** What each step did, as summary.json's `steps` records it (CONTRACTS §8). */
export interface StepResult {
  readonly text: string;
  readonly atMs: number;
  /** When the step began, in simulated µs (the story places log lines by it; not in summary.json). */
  readonly atUs: number;
  /**
   * How many trace records existed when the step began: records before it happened before the
   * step, records from it on were caused during or after it (the story places log lines by it).
   */
  readonly traceIndex: number;
  readonly ok: boolean;
  /** What a command printed (redis-cli's lines), for the story. */
  readonly output?: readonly string[];
  /** What an expectation saw instead, when it failed. */
  readonly saw?: string;
  readonly note?: string;
}

export interface RunResult {
  readonly scenario: string;
  readonly seed: string;
  readonly ok: boolean;
  readonly steps: readonly StepResult[];
  readonly measures: readonly Measure[];
  /** CONTRACTS §8 `writes`, when the scenario has a client workload. */
  readonly writes?: Writes;
  /** The workload clients (`client-1`, …) and what each runs. */
  readonly clients: readonly WorkloadClient[];
  readonly sim: Simulation;
}

export interface RunOptions {
  /** A non-negative integer (or its decimal digits); run under its canonical form (seed.ts). */
  readonly seed?: string | number;
  readonly mode?: SimulationMode;
  /** Deliberate breaks of Redis's rules, for tests of the checkers only (sim-core TestHooks); no file can set them. */
  readonly testHooks?: TestHooks;
  /**
   * Called once, when the topology has settled and before the first step: the point a converged
   * snapshot stands for (CONTRACTS §7's fuzz figure does not count the time before it). For
   * looking only: what it does is not part of the run.
   */
  readonly onSettled?: (sim: Simulation) => void;
}

/** Steps that only look or wait; every other step acts (a fault, a command). */
const OBSERVING_STEPS: ReadonlySet<Step["type"]> = new Set(["wait", "until", "expect", "check"]);

/** How long the runner waits for a redis-cli reply before calling the step failed. */
const CLI_TIMEOUT_MS = 10_000;
/** How long the runner lets a `redis-cli --cluster` command run (simulated). */
const ADMIN_TIMEOUT_MS = 600_000;
/**
 * A fresh topology needs its replicas' first full sync (and, for Sentinel, each Sentinel's
 * discovery of the replicas and of its peers) before the drill starts.
 */
const SETTLE_LIMIT_MS = 60_000;

export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  assertValidScenario(scenario);
  const seed = canonicalSeed(options.seed ?? 1);
  if (seed === undefined) throw new ScenarioError(scenario.name, [seedProblem(options.seed ?? 1)]);
  const sim = new Simulation({ seed, mode: options.mode ?? "fast", scenario: scenario.name });
  buildTopology(sim, scenario, options.testHooks);
  sim.runUntil(() => settled(sim, scenario.topology), ms(SETTLE_LIMIT_MS));
  options.onSettled?.(sim);
  const stepsStartUs = sim.nowUs;
  const workloadClients = addWorkloads(sim, scenario, stepsStartUs);

  const results: StepResult[] = [];
  const lastCheck = new Map<number, readonly string[]>();
  let lastCli: string[] = [];
  let clients = workloadClients.length;
  const faults: FaultStepAt[] = [];
  const departures: Departure[] = [];
  // When the last fault or command began: `until` counts events from there.
  let lastActionUs = stepsStartUs;
  for (const [index, { step, note }] of scenario.steps.entries()) {
    const atUs = sim.nowUs;
    const atMs = Math.floor(atUs / 1000);
    const traceIndex = sim.trace.length;
    const text = describeStep(step);
    const result = ((): Omit<StepResult, "text" | "atMs" | "atUs" | "traceIndex"> => {
      switch (step.type) {
        case "cli": {
          const id = `client-${++clients}`;
          sim.addProcess(id, redisCliModel([{ atUs: sim.nowUs, port: step.port, argv: step.argv }]));
          const replied = sim.runUntil(() => (sim.state<RedisCliState>(id).replies?.length ?? 0) > 0, us(sim.nowUs + ms(CLI_TIMEOUT_MS)));
          lastCli = cliOutput(sim, id);
          return replied ? { ok: true, output: lastCli } : { ok: false, output: lastCli, saw: `no reply within ${CLI_TIMEOUT_MS} ms` };
        }
        case "admin": {
          // redis-cli --cluster …: runs to its end (a reshard of many slots takes simulated seconds).
          const id = `client-${++clients}`;
          const argv = step.argv.map((a) => withNodeIds(sim, a));
          sim.addProcess(id, clusterAdminModel(argv));
          let seen = sim.trace.length;
          const exited = (): boolean => {
            const trace = sim.trace;
            for (; seen < trace.length; seen++) if (trace[seen]!.node === id && trace[seen]!.type === "clusterAdminExited") return true;
            return false;
          };
          const ended = sim.runUntil(exited, us(sim.nowUs + ms(ADMIN_TIMEOUT_MS)));
          lastCli = adminOutput(sim, id);
          const removed = ended ? deletedNode(sim, id, argv) : undefined;
          if (removed !== undefined) departures.push({ node: removed, atUs: sim.nowUs });
          return ended ? { ok: true, output: lastCli } : { ok: false, output: lastCli, saw: `still running after ${ADMIN_TIMEOUT_MS} ms` };
        }
        case "check": {
          const out = clusterCheck(step.port, (port) => (isUp(sim, port) ? node(sim, port) : null));
          const lines = [...out.stderr, ...out.stdout];
          lastCheck.set(step.port, lines);
          return { ok: true, output: lines };
        }
        case "wait":
          sim.runFor(ms(step.ms));
          return { ok: true };
        case "until": {
          // An event counts from the last fault or command on: a drill waits for the
          // consequences of what it did, some of which an earlier wait may already have run past.
          const sinceUs = lastActionUs;
          const held = sim.runUntil(() => holds(sim, step.condition, sinceUs), us(sim.nowUs + ms(step.withinMs)));
          return held ? { ok: true } : { ok: false, saw: `not within ${step.withinMs} ms (${describeNow(sim, step.condition)})` };
        }
        case "expect":
          return expect(sim, step.expectation, lastCheck, lastCli, workloadClients);
        default: {
          const fault = step as Fault;
          const target = faultTarget(sim, fault);
          const before = sim.trace.length;
          sim.apply(fault);
          const skipped = sim.trace.slice(before).some((r) => r.type === "faultSkipped");
          faults.push({ step: index, fault, atUs: sim.nowUs, ...target, ...(skipped ? { skipped } : {}) });
          return { ok: true };
        }
      }
    })();
    results.push({ text, atMs, atUs, traceIndex, ...result, ...(note === undefined ? {} : { note }) });
    if (!OBSERVING_STEPS.has(step.type)) lastActionUs = atUs;
  }
  const writes = writesOf(sim, workloadClients);
  return {
    scenario: scenario.name,
    seed,
    ok: results.every((r) => r.ok),
    steps: results,
    measures: measuresOf(sim, faults, departures),
    ...(writes === undefined ? {} : { writes }),
    clients: workloadClients,
    sim,
  };
}

function buildTopology(sim: Simulation, scenario: Scenario, testHooks: TestHooks | undefined): void {
  const t = scenario.topology;
  switch (t.kind) {
    case "cluster":
      addCreatedCluster(sim, {
        ports: t.ports,
        replicasPerMaster: t.replicasPerMaster,
        ...(t.pairing === undefined ? {} : { pairing: t.pairing }),
        config: { ...scenario.config },
        ...(testHooks === undefined ? {} : { testHooks }),
      });
      for (const port of t.extraPorts ?? []) sim.addProcess(String(port), clusterNodeModel({ port, config: redisConfig({ ...scenario.config }, testHooks) }));
      return;
    case "sentinel":
      addSentinelTopology(sim, {
        master: t.master,
        replicas: t.replicas,
        sentinels: t.sentinels,
        quorum: t.quorum,
        redis: { ...scenario.config },
        ...(t.configByPort === undefined ? {} : { redisByPort: t.configByPort }),
        ...(t.sentinelConfig === undefined ? {} : { sentinel: t.sentinelConfig }),
      });
      return;
    default:
      return unreachable(t);
  }
}

/** The servers of a topology (not its Sentinels). */
export function serverPorts(t: Topology): readonly number[] {
  return t.kind === "cluster" ? [...t.ports, ...(t.extraPorts ?? [])] : [t.master, ...t.replicas];
}

function settled(sim: Simulation, t: Topology): boolean {
  if (!serverPorts(t).every((p) => replicaSynced(sim, p))) return false;
  if (t.kind === "cluster") return true;
  // Each Sentinel has found every replica (INFO) and every peer (hello).
  return t.sentinels.every((p) => {
    if (sim.status(String(p)) !== "running") return false;
    const m = sim.state<sentinel.SentinelState>(String(p)).master;
    return m.slaves.length >= t.replicas.length && m.sentinels.length >= t.sentinels.length - 1;
  });
}

function unreachable(x: never): never {
  throw new Error(`unhandled ${JSON.stringify(x)}`);
}

function node(sim: Simulation, port: number): ClusterNodeState {
  return sim.state<ClusterNodeState>(String(port));
}

function isUp(sim: Simulation, port: number): boolean {
  const status = sim.status(String(port));
  return status === "running" || status === "paused";
}

/** A cluster node's state has a node table; a standalone server's has none. */
function isClusterNode(sim: Simulation, port: number): boolean {
  return sim.state<Partial<ClusterNodeState>>(String(port)).nodes !== undefined;
}

/** Up, and — for a replica — with its first sync done and its link to the master up. */
function replicaSynced(sim: Simulation, port: number): boolean {
  if (sim.status(String(port)) !== "running") return false;
  if (!isClusterNode(sim, port)) {
    const r = sim.state<StandaloneState>(String(port)).replication;
    return r.masterHost === null || r.replState === "connected";
  }
  const s = node(sim, port);
  if ((s.nodes[s.myId]!.flags & NODE_REPLICA) === 0) return true;
  return s.replication.replState === "connected";
}

function roleOf(sim: Simulation, port: number): "master" | "replica" | "down" {
  if (!isUp(sim, port)) return "down";
  if (!isClusterNode(sim, port)) return sim.state<StandaloneState>(String(port)).replication.masterHost === null ? "master" : "replica";
  const s = node(sim, port);
  return (s.nodes[s.myId]!.flags & NODE_MASTER) !== 0 ? "master" : "replica";
}

/** The master a live Sentinel names (its `get-master-addr-by-name` answer). */
function sentinelMasterOf(sim: Simulation, port: number): number | undefined {
  if (!isUp(sim, port)) return undefined;
  return sim.state<sentinel.SentinelState>(String(port)).master?.port;
}

/**
 * The node a `redis-cli --cluster del-node HOST:PORT ID` took out of the cluster, once it exited
 * 0: every member forgot it and it was reset (redis-cli.c:clusterManagerCommandDeleteNode).
 */
function deletedNode(sim: Simulation, adminId: string, argv: readonly string[]): string | undefined {
  if (argv[0] !== "del-node" || argv[2] === undefined) return undefined;
  const exit = sim.trace.findLast((r) => r.node === adminId && r.type === "clusterAdminExited");
  if (exit?.type !== "clusterAdminExited" || exit.status !== 0) return undefined;
  return sim.processIds().find((pid) => /^\d+$/.test(pid) && isClusterNode(sim, Number(pid)) && node(sim, Number(pid)).myId === argv[2]);
}

/** The index of the first trace record at or after `atUs` (the trace is in time order). */
function firstAtOrAfter(trace: readonly TraceRecord[], atUs: number): number {
  let lo = 0;
  let hi = trace.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (trace[mid]!.atUs < atUs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sentinel events (`+sdown master mymaster 127.0.0.1 6400`) from `sinceUs` on, of one Sentinel or all. */
function sentinelLinesSince(sim: Simulation, sinceUs: number, sentinelPort: number | undefined): string[] {
  const only = sentinelPort === undefined ? undefined : String(sentinelPort);
  const lines: string[] = [];
  const trace = sim.trace;
  for (let i = firstAtOrAfter(trace, sinceUs); i < trace.length; i++) {
    const r = trace[i]!;
    if ((only !== undefined && r.node !== only) || !(r.type in sentinel.SENTINEL_EVENT_NAMES)) continue;
    const { atUs: _atUs, node: _node, ...event } = r;
    lines.push(sentinel.sentinelEventLine(event as sentinel.SentinelEvent));
  }
  return lines;
}

function holds(sim: Simulation, condition: Condition, sinceUs: number): boolean {
  switch (condition.kind) {
    case "role":
      return roleOf(sim, condition.port) === condition.role;
    case "clusterState":
      return isUp(sim, condition.port) && node(sim, condition.port).state === condition.state;
    case "event": {
      const trace = sim.trace;
      const node = String(condition.port);
      const where = Object.entries(condition.where ?? {});
      for (let i = firstAtOrAfter(trace, sinceUs); i < trace.length; i++) {
        const r = trace[i]!;
        if (r.type === condition.event && r.node === node && where.every(([k, v]) => (r as unknown as Record<string, unknown>)[k] === v)) return true;
      }
      return false;
    }
    case "sentinelMaster":
      return sentinelMasterOf(sim, condition.sentinel) === condition.master;
    case "sentinelEvent":
      return sentinelLinesSince(sim, sinceUs, condition.sentinel).some((l) => (condition.prefix === true ? l.startsWith(condition.line) : l === condition.line));
  }
}

function describeNow(sim: Simulation, condition: Condition): string {
  switch (condition.kind) {
    case "role":
      return `${condition.port} is ${roleOf(sim, condition.port)}`;
    case "clusterState":
      return isUp(sim, condition.port) ? `${condition.port} says cluster_state:${node(sim, condition.port).state}` : `${condition.port} is down`;
    case "event":
      return `no ${condition.event} on ${condition.port}`;
    case "sentinelMaster": {
      const master = sentinelMasterOf(sim, condition.sentinel);
      return master === undefined ? `${condition.sentinel} is down` : `${condition.sentinel} names ${master} as master`;
    }
    case "sentinelEvent": {
      const last = sentinelLinesSince(sim, 0, condition.sentinel).slice(-3);
      return last.length === 0 ? "no Sentinel event" : `last Sentinel events: ${last.join(" | ")}`;
    }
  }
}

function expect(
  sim: Simulation,
  expectation: Expectation,
  lastCheck: Map<number, readonly string[]>,
  lastCli: readonly string[],
  clients: readonly WorkloadClient[],
): Omit<StepResult, "text" | "atMs" | "atUs" | "traceIndex"> {
  switch (expectation.kind) {
    case "condition":
      return holds(sim, expectation.condition, 0) ? { ok: true } : { ok: false, saw: describeNow(sim, expectation.condition) };
    case "checkLine": {
      const lines = lastCheck.get(expectation.port);
      if (lines === undefined) return { ok: false, saw: `no check of ${expectation.port} ran before` };
      const wanted = withNodeIds(sim, expectation.line);
      return lines.includes(wanted) ? { ok: true } : { ok: false, saw: lines.join("\n") };
    }
    case "cliReply":
      return lastCli.at(-1) === expectation.text ? { ok: true } : { ok: false, saw: lastCli.join("\n") };
    case "cliLine": {
      const wanted = withNodeIds(sim, expectation.line);
      const lines = lastCli.flatMap((l) => l.split("\n"));
      const found = expectation.prefix === true ? lines.some((l) => l.startsWith(wanted)) : lines.includes(wanted);
      return found !== (expectation.absent === true) ? { ok: true } : { ok: false, saw: lastCli.join("\n") };
    }
    case "writes": {
      const writes = writesOf(sim, clients);
      if (writes === undefined) return { ok: false, saw: "no client workload in this scenario" };
      const value = writes[expectation.measure];
      const ok = (expectation.atLeast === undefined || value >= expectation.atLeast) && (expectation.atMost === undefined || value <= expectation.atMost);
      return ok ? { ok: true } : { ok: false, saw: `writes.${expectation.measure} = ${value} (acked ${writes.acked}, lost ${writes.lost}, outage ${writes.outageMs} ms)` };
    }
    case "clientError": {
      const errors = clientErrorsOf(sim, clients);
      if ((errors[expectation.error] ?? 0) > 0) return { ok: true };
      const seen = Object.entries(errors).map(([k, n]) => `${k} ×${n}`);
      return { ok: false, saw: seen.length === 0 ? "no client error" : `client errors: ${seen.join(", ")}` };
    }
    case "property": {
      const findings = checkRun(sim, [expectation.property]);
      return findings.length === 0 ? { ok: true } : { ok: false, saw: findings.map((f) => `${f.kind}: ${f.message}`).join("\n") };
    }
  }
}

/** Replaces `{id:7006}` in an expected line by that node's id in this run (ids come from the seed). */
export function withNodeIds(sim: Simulation, text: string): string {
  return text.replace(/\{id:(\d+)\}/g, (_, port: string) => node(sim, Number(port)).myId);
}

/**
 * redis-cli.c:cliSendCommand (7.0.15) prints some replies raw even on a terminal — INFO and
 * CLUSTER NODES/INFO among them — so their lines read as the server wrote them.
 */
function printsRaw(argv: readonly string[]): boolean {
  const name = (argv[0] ?? "").toLowerCase();
  const sub = (argv[1] ?? "").toLowerCase();
  return name === "info" || (name === "cluster" && (sub === "nodes" || sub === "info")) || (name === "client" && sub === "list");
}

/** redis-cli -c's output: a line per redirection, then the reply. */
/** redis-cli --cluster's output lines, then its exit status when it failed. */
function adminOutput(sim: Simulation, clientId: string): string[] {
  const lines: string[] = [];
  for (const r of sim.trace) {
    if (r.node !== clientId) continue;
    if (r.type === "clusterAdminOutput") lines.push(...r.lines);
    if (r.type === "clusterAdminExited" && r.status !== 0) lines.push(`(exit status ${r.status})`);
  }
  return lines;
}

function cliOutput(sim: Simulation, clientId: string): string[] {
  const lines: string[] = [];
  for (const r of sim.trace) {
    if (r.node !== clientId) continue;
    if (r.type === "clientRedirected") lines.push(`-> Redirected to slot [${r.slot}] located at 127.0.0.1:${r.to}`);
    if (r.type === "clientReply") {
      if (printsRaw(r.command) && r.reply.kind === "bulk" && r.reply.text !== null) lines.push(...r.reply.text.split(/\r?\n/).filter((l) => l !== ""));
      else lines.push(formatReply(r.reply));
    }
    if (r.type === "clientConnectFailed") lines.push(`Could not connect to Redis at 127.0.0.1:${r.server}: Connection refused`);
  }
  return lines;
}

export type { Step };
