import type { TraceEventType } from "@failover-lab/sim-core";
import type { Condition, Step, WritesMeasure } from "../steps";

/**
 * A small builder for library scenarios, so a drill reads like the article's transcript:
 * `kill(6400)`, `until(sentinelSaw("+switch-master …"), 60_000)`, `expectRole(6400, "replica")`.
 */
export type Role = "master" | "replica";

export const cli = (port: number, ...argv: string[]): Step => ({ type: "cli", port, argv });
export const check = (port: number): Step => ({ type: "check", port });
export const wait = (ms: number): Step => ({ type: "wait", ms });
export const kill = (port: number): Step => ({ type: "kill", node: String(port) });
export const shutdown = (port: number): Step => ({ type: "shutdown", node: String(port) });
export const pause = (port: number): Step => ({ type: "pause", node: String(port) });
export const resume = (port: number): Step => ({ type: "resume", node: String(port) });
export const restart = (port: number): Step => ({ type: "restart", node: String(port) });
export const partition = (name: string, ...groups: (readonly (number | string)[] | "rest")[]): Step => ({
  type: "partition",
  name,
  groups: groups.map((g) => (g === "rest" ? g : g.map(String))),
});
export const heal = (name?: string): Step => (name === undefined ? { type: "heal" } : { type: "heal", name });

export const role = (port: number, r: Role): Condition => ({ kind: "role", port, role: r });
export const clusterState = (port: number, state: "ok" | "fail"): Condition => ({ kind: "clusterState", port, state });
export const event = (port: number, e: TraceEventType, where?: Readonly<Record<string, string | number | boolean>>): Condition => ({
  kind: "event",
  port,
  event: e,
  ...(where === undefined ? {} : { where }),
});
export const sentinelMaster = (sentinel: number, master: number): Condition => ({ kind: "sentinelMaster", sentinel, master });
/** A Sentinel event line; a trailing `…` makes it a prefix. */
export const sentinelSaw = (line: string, sentinel?: number): Condition => ({
  kind: "sentinelEvent",
  line: line.endsWith("…") ? line.slice(0, -1) : line,
  ...(line.endsWith("…") ? { prefix: true } : {}),
  ...(sentinel === undefined ? {} : { sentinel }),
});

export const until = (condition: Condition, withinMs: number): Step => ({ type: "until", condition, withinMs });
export const expectThat = (condition: Condition): Step => ({ type: "expect", expectation: { kind: "condition", condition } });
export const expectRole = (port: number, r: Role): Step => expectThat(role(port, r));
export const expectState = (port: number, state: "ok" | "fail"): Step => expectThat(clusterState(port, state));
export const expectCheckLine = (port: number, line: string): Step => ({ type: "expect", expectation: { kind: "checkLine", port, line } });
export const expectReply = (text: string): Step => ({ type: "expect", expectation: { kind: "cliReply", text } });
/** The last `cli` printed this line; a trailing `…` makes it a prefix. */
export const expectLine = (line: string): Step => ({
  type: "expect",
  expectation: { kind: "cliLine", line: line.endsWith("…") ? line.slice(0, -1) : line, ...(line.endsWith("…") ? { prefix: true } : {}) },
});
export const expectWrites = (measure: WritesMeasure, bounds: { atLeast?: number; atMost?: number }): Step => ({
  type: "expect",
  expectation: { kind: "writes", measure, ...bounds },
});
export const expectClientError = (error: string): Step => ({ type: "expect", expectation: { kind: "clientError", error } });

/** A step with the note the story prints above it. */
export const noted = (note: string, step: Step): { step: Step; note: string } => ({ step, note });

export const ALL_COVERED = "[OK] All 16384 slots covered.";
export const NOT_COVERED = "[ERR] Not all 16384 slots are covered by nodes.";
export const AGREE = "[OK] All nodes agree about slots configuration.";

/** drill-000's pinned pairing of `--cluster create` 7001–7006 (CONTRACTS §2). */
export const SIX_NODES = { kind: "cluster", ports: [7001, 7002, 7003, 7004, 7005, 7006], replicasPerMaster: 1, pairing: { 7004: 7001, 7005: 7002, 7006: 7003 } } as const;

/** The scenario's step list: plain steps, or steps with a note. */
export const steps = (...items: (Step | { step: Step; note: string })[]): { step: Step; note?: string }[] =>
  items.map((item) => ("step" in item ? item : { step: item }));
