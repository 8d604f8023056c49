import { z } from "zod";
import { REDIS_DEFAULTS, type RedisConfigKey } from "@failover-lab/sim-core";
import type { Condition, Topology, Workload, WritesMeasure } from "../steps";
import { ArgsSyntaxError, splitArgs } from "./cli-args";
import { DURATION_EXAMPLES, formatDurationMs, parseDurationMs } from "./duration";
import { TRACE_EVENT_NAMES, isTraceEventName } from "./event-names";
import { didYouMean, mapping, show, unknownName, want } from "./problems";

/**
 * The zod schemas of the file's parts. Those that name processes take what the topology
 * declared (`Known`), so an unknown port is caught before anything runs; with no valid topology
 * (already reported), `Known` is null and any port passes.
 */

export interface Known {
  /** Redis servers: cluster nodes, or a Sentinel group's master and replicas. */
  readonly servers: readonly number[];
  readonly sentinels: readonly number[];
  /** Workload clients, named `client-1` … `client-<clients>` (the runner's names). */
  readonly clients: number;
  /** A Redis Cluster (else a Sentinel group, where `check`, `admin` and `clusterState` mean nothing). */
  readonly cluster: boolean;
}

export const NOT_A_CLUSTER = "the topology is a Sentinel group, not a cluster (expected a step for standalone servers and Sentinels)";

/** Processes that are neither servers nor Sentinels: the workload clients. */
const CLIENT_NAME = /^client-([1-9]\d*)$/;

// ---- leaves ---------------------------------------------------------------------------------

const portNumber = z.int(want("a port number")).min(1, want("a port number")).max(65_535, want("a port number"));

type PortSet = "server" | "sentinel" | "any" | "cluster";

function portOf(known: Known | null, set: PortSet) {
  if (known === null) return portNumber;
  if (set === "cluster") {
    if (!known.cluster) return portNumber.refine(() => false, { error: NOT_A_CLUSTER });
    return portOf(known, "server");
  }
  const allowed = set === "server" ? known.servers : set === "sentinel" ? known.sentinels : [...known.servers, ...known.sentinels];
  const what = set === "server" ? "server" : set === "sentinel" ? "Sentinel" : "server or Sentinel";
  return portNumber.refine((port) => allowed.includes(port), {
    error: (issue) => `unknown ${what} ${show(issue.input)} (expected one of the topology's ${what}s: ${allowed.join(", ") || "none"})`,
  });
}

/** A process: a server or Sentinel by its port, a client by its name (`client-1`). */
function nodeOf(known: Known | null) {
  return z.union([z.int(), z.string()], want("a node (a port like 7001, or a client like client-1)")).transform((value, ctx) => {
    const name = String(value);
    const client = CLIENT_NAME.exec(name);
    if (client !== null) {
      if (known === null || Number(client[1]) <= known.clients) return name;
      const clients = Array.from({ length: known.clients }, (_, i) => `client-${i + 1}`);
      ctx.addIssue({
        code: "custom",
        message: `unknown node ${name} (expected ${clients.length === 0 ? "no client: the scenario has no workload" : `one of the workload's clients: ${clients.join(", ")}`})`,
      });
      return z.NEVER;
    }
    const port = typeof value === "number" ? value : /^[1-9]\d*$/.test(value) ? Number(value) : undefined;
    if (port === undefined) {
      ctx.addIssue({ code: "custom", message: `expected a node (a port like 7001, or a client like client-1), got ${show(value)}` });
      return z.NEVER;
    }
    const all = known === null ? undefined : [...known.servers, ...known.sentinels];
    if (all !== undefined && !all.includes(port)) {
      const clients = Array.from({ length: known?.clients ?? 0 }, (_, i) => `client-${i + 1}`);
      ctx.addIssue({ code: "custom", message: `unknown node ${port} (expected one of the topology's: ${[...(all ?? []), ...clients].join(", ")})` });
      return z.NEVER;
    }
    return String(port);
  });
}

/** A duration (`20s`, `1500ms`, `2m`) in ms, at least `minMs` (or more than it, with `exclusive`). */
function duration(options: { readonly minMs?: number; readonly exclusive?: boolean; readonly what?: string } = {}) {
  const what = options.what ?? "a duration";
  return z.union([z.string(), z.number()], want(`${what} like ${DURATION_EXAMPLES}`)).transform((value, ctx) => {
    if (typeof value === "number") {
      ctx.addIssue({ code: "custom", message: `expected ${what} like ${DURATION_EXAMPLES}, got ${value} (a number needs its unit: ${value}ms or ${value}s?)` });
      return z.NEVER;
    }
    const valueMs = parseDurationMs(value);
    if (valueMs === undefined) {
      ctx.addIssue({ code: "custom", message: `expected ${what} like ${DURATION_EXAMPLES}, got ${show(value)}` });
      return z.NEVER;
    }
    const min = options.minMs;
    if (min !== undefined && (valueMs < min || (options.exclusive === true && valueMs === min))) {
      const noun = what.replace(/^an? /, "");
      const limit = options.exclusive === true ? `longer than ${formatDurationMs(min)}` : `of ${formatDurationMs(min)} or more`;
      ctx.addIssue({ code: "custom", message: `impossible ${noun} ${value} (expected a duration ${limit})` });
      return z.NEVER;
    }
    return valueMs;
  });
}

/** The error of a union told apart by `kind:`: which kinds exist, and which one was given. */
function kindError(what: string, kinds: readonly string[]) {
  return {
    error: (issue: { readonly input?: unknown }) => {
      const input = issue.input;
      if (input === null || typeof input !== "object" || Array.isArray(input)) return `expected ${what} (a mapping with kind: ${kinds.join(" or ")}), got ${show(input)}`;
      const kind = (input as Record<string, unknown>).kind;
      if (kind === undefined) return `missing "kind" in ${what} (expected one of: ${kinds.join(", ")})`;
      return unknownName("kind", String(kind), kinds);
    },
  };
}

const name = z.string(want("a name")).min(1, want("a name"));

// ---- topology, config, workloads ------------------------------------------------------------

/** Redis options by Redis's own names, typed as sim-core's defaults are (RedisConfig). */
export const redisConfigSchema = mapping(
  Object.fromEntries(
    (Object.keys(REDIS_DEFAULTS) as RedisConfigKey[]).map((key) => {
      const kind = typeof REDIS_DEFAULTS[key];
      return [key, kind === "boolean" ? z.boolean(want("true or false")).optional() : z.number(want("a number")).optional()];
    }),
  ),
  "a mapping of Redis options (name: value)",
  "config key",
);

const SENTINEL_CONFIG_KEYS = ["down-after-milliseconds", "failover-timeout", "parallel-syncs"] as const;

const sentinelConfigSchema = mapping(
  Object.fromEntries(SENTINEL_CONFIG_KEYS.map((key) => [key, z.int(want("a whole number")).min(0, want("a number ≥ 0")).optional()])),
  "a mapping of Sentinel options (name: value)",
  "config key",
);

/** A mapping keyed by port: YAML gives its keys as strings. */
const portKey = z.string().regex(/^[1-9]\d*$/, "expected a port number as the key");

export const topologySchema: z.ZodType<Topology> = z
  .discriminatedUnion(
    "kind",
    [
      mapping(
        {
          kind: z.literal("cluster"),
          ports: z.array(portNumber, want("a list of ports")).min(1, want("at least one port")),
          replicasPerMaster: z.int(want("a whole number")).min(0, want("a number ≥ 0")),
          pairing: z.record(portKey, portNumber, want("a mapping replica port: master port")).optional(),
          extraPorts: z.array(portNumber, want("a list of ports")).optional(),
        },
        "a cluster topology",
      ),
      mapping(
        {
          kind: z.literal("sentinel"),
          master: portNumber,
          replicas: z.array(portNumber, want("a list of ports")),
          sentinels: z.array(portNumber, want("a list of ports")).min(1, want("at least one Sentinel port")),
          quorum: z.int(want("a whole number")).min(1, want("a quorum ≥ 1")),
          sentinelConfig: sentinelConfigSchema.optional(),
          configByPort: z.record(portKey, redisConfigSchema, want("a mapping port: Redis options")).optional(),
        },
        "a Sentinel topology",
      ),
    ],
    kindError("a topology", ["cluster", "sentinel"]),
  )
  .transform((t): Topology => {
    if (t.kind === "cluster") {
      const { pairing, ...rest } = t;
      return { ...rest, ...(pairing === undefined ? {} : { pairing: numberKeys(pairing) }) };
    }
    const { sentinelConfig, configByPort, ...rest } = t;
    return {
      ...rest,
      ...(sentinelConfig === undefined ? {} : { sentinelConfig: definedOnly(sentinelConfig) }),
      ...(configByPort === undefined ? {} : { configByPort: numberKeys(configByPort) }),
    };
  });

/** A record keyed by port: JavaScript keeps every key as a string, so only the type changes. */
function numberKeys<V>(record: Record<string, V>): Record<number, V> {
  return Object.fromEntries(Object.entries(record)) as Record<number, V>;
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The processes a valid topology declares, and its own consistency problems (path, message). */
export function knownOf(topology: Topology): { known: Known; problems: [readonly (string | number)[], string][] } {
  const problems: [readonly (string | number)[], string][] = [];
  const servers = topology.kind === "cluster" ? [...topology.ports, ...(topology.extraPorts ?? [])] : [topology.master, ...topology.replicas];
  const sentinels = topology.kind === "sentinel" ? [...topology.sentinels] : [];
  const seen = new Set<number>();
  for (const port of [...servers, ...sentinels]) {
    if (seen.has(port)) problems.push([[], `port ${port} is listed twice (expected each process once)`]);
    seen.add(port);
  }
  if (topology.kind === "cluster") {
    const group = topology.replicasPerMaster + 1;
    if (topology.ports.length % group !== 0 || topology.ports.length / group < 3) {
      problems.push([["ports"], `${topology.ports.length} ports cannot make a cluster with ${topology.replicasPerMaster} replica(s) per master (expected at least 3 masters, ${group} ports each)`]);
    }
    for (const [replica, master] of Object.entries(topology.pairing ?? {})) {
      if (!servers.includes(Number(replica))) problems.push([["pairing", replica], `unknown replica ${replica} in pairing (expected one of: ${servers.join(", ")})`]);
      if (!servers.includes(master)) problems.push([["pairing", replica], `unknown master ${master} in pairing (expected one of: ${servers.join(", ")})`]);
    }
  } else {
    for (const port of Object.keys(topology.configByPort ?? {})) {
      if (!servers.includes(Number(port))) problems.push([["configByPort", port], `unknown server ${port} (expected one of: ${servers.join(", ")})`]);
    }
  }
  return { known: { servers, sentinels, clients: 0, cluster: topology.kind === "cluster" }, problems };
}

export function workloadSchema(known: Known | null): z.ZodType<Workload> {
  const positive = z.number(want("a number")).positive(want("a number > 0"));
  return z
    .discriminatedUnion(
      "kind",
      [
        mapping(
          {
            kind: z.literal("clusterWriter"),
            writesPerSecond: positive,
            keyPrefix: z.string(want("a string")).optional(),
            seeds: z.array(portOf(known, "server"), want("a list of ports")).optional(),
            startAt: duration({ minMs: 0, what: "a start time" }).optional(),
            requestTimeout: duration({ minMs: 0, exclusive: true, what: "a timeout" }).optional(),
          },
          "a cluster writer",
        ),
        mapping(
          {
            kind: z.literal("sentinelClient"),
            sentinels: z.array(portOf(known, "sentinel"), want("a list of Sentinel ports")).optional(),
            writeInterval: duration({ minMs: 0, exclusive: true, what: "an interval" }).optional(),
            retryWait: duration({ minMs: 0, what: "a wait" }).optional(),
            requestTimeout: duration({ minMs: 0, exclusive: true, what: "a timeout" }).optional(),
            keyPrefix: z.string(want("a string")).optional(),
            startAt: duration({ minMs: 0, what: "a start time" }).optional(),
            stopAt: duration({ minMs: 0, what: "a stop time" }).optional(),
          },
          "a Sentinel client",
        ),
      ],
      kindError("a workload", ["clusterWriter", "sentinelClient"]),
    )
    .transform((w): Workload => {
      const opt = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
      if (w.kind === "clusterWriter") {
        return {
          kind: w.kind,
          writesPerSecond: w.writesPerSecond,
          ...opt("keyPrefix", w.keyPrefix),
          ...opt("seeds", w.seeds),
          ...opt("startAtMs", w.startAt),
          ...opt("requestTimeoutMs", w.requestTimeout),
        };
      }
      return {
        kind: w.kind,
        ...opt("sentinels", w.sentinels),
        ...opt("writeIntervalMs", w.writeInterval),
        ...opt("retryWaitMs", w.retryWait),
        ...opt("requestTimeoutMs", w.requestTimeout),
        ...opt("keyPrefix", w.keyPrefix),
        ...opt("startAtMs", w.startAt),
        ...opt("stopAtMs", w.stopAt),
      };
    });
}

// ---- step arguments ------------------------------------------------------------------------

export function stepArgs(known: Known | null) {
  const node = nodeOf(known);
  const link = (what: string) => mapping({ from: node, to: node }, what);
  const group = z.union(
    [z.literal("rest"), z.array(node, want('a list of nodes, or "rest"')).min(1, want("at least one node in a group"))],
    want('a list of nodes, or "rest"'),
  );
  const groups = z.array(group, want('a list of groups, e.g. [[7001, client-1], rest]')).min(2, {
    // The input here is the list itself: say how many groups it had, not "got a list".
    error: (issue: { readonly input?: unknown }) => `expected at least two groups (e.g. [[7001], rest]), got ${Array.isArray(issue.input) && issue.input.length === 1 ? "only one" : "none"}`,
  });
  return {
    node,
    partitionGroups: groups,
    partitionMapping: mapping({ name: name.optional(), groups, oneWay: z.boolean(want("true or false")).optional() }, "a partition"),
    optionalName: z.union([z.null(), name], want("nothing, or a partition's name")),
    delay: mapping({ from: node, to: node, extra: duration({ minMs: 0, what: "an extra latency" }) }, "a delay {from, to, extra}"),
    loss: mapping({ from: node, to: node, rate: z.number(want("a rate from 0 to 1")).min(0, want("a rate from 0 to 1")).max(1, want("a rate from 0 to 1")) }, "a loss {from, to, rate}"),
    link: link("a link {from, to}"),
    hold: z.union(
      [
        name,
        mapping(
          { name, from: node.optional(), to: node.optional(), kinds: z.array(z.string(want("a message kind")), want("a list of message kinds")).optional() },
          "a hold {name, from?, to?, kinds?}",
        ),
      ],
      want("a hold's name, or {name, from?, to?, kinds?}"),
    ),
    name,
    clockJump: mapping({ node, by: duration({ what: "a clock jump" }) }, "a clock jump {node, by}"),
    cli: mapping({ port: portOf(known, "any"), cmd: commandLine }, "a redis-cli command {port, cmd}"),
    /** `admin: "add-node 127.0.0.1:7007 127.0.0.1:7001"`: redis-cli --cluster's arguments. */
    admin: known === null || known.cluster ? commandLine : commandLine.refine(() => false, { error: NOT_A_CLUSTER }),
    checkPort: portOf(known, "cluster"),
    wait: duration({ minMs: 0, exclusive: true, what: "a wait" }),
    within: duration({ minMs: 0, what: "a time limit" }),
  };
}

/** `cmd: "CLUSTER FAILOVER"` → argv, split as redis-cli splits a typed line. */
const commandLine = z.string(want("a command line")).transform((line, ctx) => {
  try {
    const argv = splitArgs(line);
    if (argv.length === 0) {
      ctx.addIssue({ code: "custom", message: 'expected a command line, got an empty one (e.g. "CLUSTER INFO")' });
      return z.NEVER;
    }
    return argv;
  } catch (error) {
    if (!(error instanceof ArgsSyntaxError)) throw error;
    ctx.addIssue({ code: "custom", message: `bad command line ${show(line)}: ${error.message} (expected a line as typed at the redis-cli prompt, e.g. set "my key" value)` });
    return z.NEVER;
  }
});

// ---- conditions and expectations -----------------------------------------------------------

/** Every condition kind, keyed as the file spells it; a kind added to Condition must be listed. */
const CONDITION_KEY_NAMES = { role: true, clusterState: true, sentinelMaster: true, sentinelEvent: true, event: true } as const satisfies Record<Condition["kind"], true>;
export type ConditionKey = keyof typeof CONDITION_KEY_NAMES;
type MissingCondition = Exclude<Condition["kind"], ConditionKey>;
const everyConditionNamed: [MissingCondition] extends [never] ? true : MissingCondition = true;
void everyConditionNamed;
export const CONDITION_KEYS = Object.keys(CONDITION_KEY_NAMES) as ConditionKey[];

export function conditionSchemas(known: Known | null): { readonly [K in ConditionKey]: z.ZodType<Condition> } {
  const eventName = z.string(want("an event name")).transform((value, ctx) => {
    if (isTraceEventName(value)) return value;
    const guess = didYouMean(value, TRACE_EVENT_NAMES);
    ctx.addIssue({
      code: "custom",
      message: `unknown event "${value}"${guess === undefined ? "" : ` (did you mean "${guess}"?)`}; expected a trace event type, as trace.jsonl's "type" spells it (e.g. nodeMarkedFailing, electionWon, switchMaster)`,
    });
    return z.NEVER;
  });
  return {
    role: mapping({ port: portOf(known, "server"), is: z.enum(["master", "replica"], want('"master" or "replica"')) }, "a role {port, is}").transform(
      (c): Condition => ({ kind: "role", port: c.port, role: c.is }),
    ),
    clusterState: mapping({ port: portOf(known, "cluster"), is: z.enum(["ok", "fail"], want('"ok" or "fail"')) }, "a cluster state {port, is}").transform(
      (c): Condition => ({ kind: "clusterState", port: c.port, state: c.is }),
    ),
    sentinelMaster: mapping({ sentinel: portOf(known, "sentinel"), is: portOf(known, "server") }, "a Sentinel's master {sentinel, is}").transform(
      (c): Condition => ({ kind: "sentinelMaster", sentinel: c.sentinel, master: c.is }),
    ),
    sentinelEvent: mapping(
      {
        line: z.string(want("a Sentinel event line (e.g. +odown master mymaster 127.0.0.1 6400 #quorum 3/2)")).min(1, want("a Sentinel event line")),
        sentinel: portOf(known, "sentinel").optional(),
        prefix: z.boolean(want("true or false")).optional(),
      },
      "a Sentinel event {line, sentinel?, prefix?}",
    ).transform(
      (c): Condition => ({
        kind: "sentinelEvent",
        line: c.line,
        ...(c.sentinel === undefined ? {} : { sentinel: c.sentinel }),
        ...(c.prefix === undefined ? {} : { prefix: c.prefix }),
      }),
    ),
    event: mapping(
      {
        port: portOf(known, "any"),
        name: eventName,
        where: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]), want("a mapping of event fields to values, e.g. {rank: 0}")).optional(),
      },
      "an event {port, name, where?}",
    ).transform((c): Condition => ({ kind: "event", port: c.port, event: c.name, ...(c.where === undefined ? {} : { where: c.where }) })),
  };
}

export const WRITES_MEASURES: readonly WritesMeasure[] = ["acked", "lost", "outageMs", "longestGapMs"];

export const writesMeasure = z.enum(WRITES_MEASURES as [WritesMeasure, ...WritesMeasure[]], want(`one of: ${WRITES_MEASURES.join(", ")}`));
export const bound = z.number(want("a number")).optional();
