import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { drill000 } from "@failover-lab/scenarios";
import { formatDurationMs, joinArgs, parseDurationMs, scenarioToYaml, splitArgs } from "@failover-lab/scenarios/file";

/** The writer's building blocks; the full round trip through the parser is in scenario-file-roundtrip.test.ts. */
describe("scenario file writer", () => {
  it("writes drill-000 with its seed, a header comment, flow-style steps and notes", () => {
    const text = scenarioToYaml(drill000, { seed: 7, comment: ["kind: violation"] });
    const lines = text.split("\n");
    expect(lines[0]).toBe("# kind: violation");
    expect(lines).toContain("seed: 7");
    expect(lines).toContain("  ports: [7001, 7002, 7003, 7004, 7005, 7006]");
    expect(lines).toContain("  pairing: {7004: 7001, 7005: 7002, 7006: 7003}");
    expect(lines).toContain("  - shutdown: 7003");
    expect(lines).toContain("  - until: {role: {port: 7006, is: master}, within: 60s}");
    expect(lines).toContain("  - cli: {port: 7003, cmd: set testkey002 testvalue002}");
    expect(lines.filter((l) => l.startsWith("  - ")).length).toBe(drill000.steps.length);
  });

  it("joins any argv into one line that redis-cli's splitting turns back into the same argv", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary" }), { minLength: 1, maxLength: 5 }), (argv) => {
        expect(splitArgs(joinArgs(argv))).toEqual(argv);
      }),
    );
  });

  it("splits like sdssplitargs: quotes, escapes, hex bytes", () => {
    expect(splitArgs('set "a b" \'c\\\'d\' "\\x41\\n"')).toEqual(["set", "a b", "c'd", "A\n"]);
    expect(splitArgs("  CLUSTER   FAILOVER  ")).toEqual(["CLUSTER", "FAILOVER"]);
    expect(() => splitArgs('get "unterminated')).toThrow(/unbalanced/);
    expect(() => splitArgs('get "a"b')).toThrow(/followed by a space/);
  });

  it("formats every whole number of ms as a duration that parses back to it", () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), (valueMs) => {
        expect(parseDurationMs(formatDurationMs(valueMs))).toBe(valueMs);
      }),
    );
    expect(parseDurationMs("1.5s")).toBe(1500);
    expect(parseDurationMs("20x")).toBeUndefined();
    expect(parseDurationMs("0.5ms")).toBeUndefined();
  });
});
