import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Simulation, hashTrace, seconds, traceLine, traceRecord } from "../src/index";
import { probe } from "./probe";

describe("trace.jsonl", () => {
  it("starts with its header and puts atUs, node and type first on every line", () => {
    const lines: string[] = [];
    const sim = new Simulation({ seed: 9, scenario: "drill-x", onTraceLine: (l) => lines.push(l) });
    sim.addProcess("7001", probe());
    sim.schedule({ type: "kill", node: "7001" }, seconds(1));
    sim.runUntil(seconds(2));
    expect(lines[0]).toBe('{"schemaVersion":1,"scenario":"drill-x","seed":"9","sim":"0.1.0"}\n');
    expect(lines.slice(1)).toEqual([
      '{"atUs":0,"node":"7001","type":"processStarted","incarnation":0,"restarted":false}\n',
      '{"atUs":1000000,"node":"7001","type":"faultApplied","fault":{"type":"kill","node":"7001"}}\n',
      '{"atUs":1000000,"node":"7001","type":"processCrashed"}\n',
    ]);
    expect(sim.trace.map((r) => traceLine(r))).toEqual(lines.slice(1));
  });

  it("hashes to the SHA-256 of its bytes", () => {
    const lines = [traceLine({ schemaVersion: 1, scenario: "", seed: "1", sim: "0.1.0" }), traceLine(traceRecord(5, "7001", { type: "processPaused" }))];
    expect(hashTrace(lines)).toBe(createHash("sha256").update(lines.join("")).digest("hex"));
  });
});

describe("trace records", () => {
  it("refuse an event whose own fields would overwrite where or when it happened", () => {
    expect(() => traceRecord(5, "7001", { type: "clusterStateChanged", state: "ok", node: "7002" } as never)).toThrow(/may not have a field named atUs or node/);
  });
});
