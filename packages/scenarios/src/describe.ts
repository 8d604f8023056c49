import type { Condition, Step } from "./steps";

/** A step as one line of the scenario language (what the story and summary.json print). */
export function describeStep(step: Step): string {
  switch (step.type) {
    case "admin":
      return `admin ${step.argv.join(" ")}`;
    case "cli":
      return `cli ${step.port} ${step.argv.join(" ")}`;
    case "check":
      return `check ${step.port}`;
    case "wait":
      return `wait ${formatMs(step.ms)}`;
    case "until":
      return `until ${describeCondition(step.condition)} within ${formatMs(step.withinMs)}`;
    case "expect":
      switch (step.expectation.kind) {
        case "condition":
          return `expect ${describeCondition(step.expectation.condition)}`;
        case "checkLine":
          return `expect check ${step.expectation.port} "${step.expectation.line}"`;
        case "cliReply":
          // The text is what redis-cli prints, quotes included (`"testvalue002"`, `OK`, `(nil)`).
          return `expect reply ${step.expectation.text === "" ? '""' : step.expectation.text}`;
        case "cliLine":
          return `expect ${step.expectation.absent === true ? "no " : ""}line${step.expectation.prefix === true ? " starting" : ""} "${step.expectation.line}"`;
        case "writes": {
          const e = step.expectation;
          const bounds = [e.atLeast === undefined ? null : `at least ${e.atLeast}`, e.atMost === undefined ? null : `at most ${e.atMost}`].filter((b) => b !== null);
          return `expect writes ${e.measure}${bounds.length === 0 ? "" : ` ${bounds.join(" and ")}`}`;
        }
        case "clientError":
          return `expect client error ${step.expectation.error}`;
        case "property":
          return `expect property ${step.expectation.property}`;
      }
    // eslint-disable-next-line no-fallthrough
    case "partition":
      return `partition ${step.groups.map((g) => (g === "rest" ? "rest" : `[${g.join(" ")}]`)).join(" | ")}${step.oneWay ? " one-way" : ""}`;
    case "heal":
      return step.name === undefined ? "heal" : `heal ${step.name}`;
    case "delay":
      return `delay ${step.from} ${step.to} ${step.extraMs}ms`;
    case "loss":
      return `loss ${step.from} ${step.to} ${step.rate}`;
    case "clog":
    case "unclog":
      return `${step.type} ${step.from} ${step.to}`;
    case "hold":
      return `hold ${step.name}`;
    case "release":
      return `release ${step.name}`;
    case "clockJump":
      return `clockJump ${step.node} ${step.deltaMs}ms`;
    default:
      return `${step.type} ${step.node}`;
  }
}

export function describeCondition(c: Condition): string {
  switch (c.kind) {
    case "role":
      return `${c.port} is ${c.role}`;
    case "clusterState":
      return `cluster_state ${c.port} ${c.state}`;
    case "event":
      return `event ${c.port} ${c.event}${c.where === undefined ? "" : ` ${Object.entries(c.where).map(([k, v]) => `${k}=${String(v)}`).join(" ")}`}`;
    case "sentinelMaster":
      return `sentinel ${c.sentinel} master ${c.master}`;
    case "sentinelEvent":
      return `sentinel${c.sentinel === undefined ? "" : ` ${c.sentinel}`} ${c.prefix === true ? "event starting" : "event"} "${c.line}"`;
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
