import { describe, expect, it } from "vitest";
import { library, runScenario } from "@failover-lab/scenarios";
import { failoverArrowsOf } from "../cli/html-large";

/**
 * The large page's failover arrows are rebuilt from trace events (fast mode keeps no message
 * log). On drill-000, whose failovers complete, trace mode has the real message log: every
 * rebuilt arrow must match a message that was really sent, between the same ends, of the same kind.
 */

describe("failoverArrowsOf (arrows of a fast-mode run)", () => {
  it("draws only FAIL / auth messages that trace mode saw sent, and at least one of each of FAIL, request and ack", () => {
    const run = runScenario(library.find((s) => s.name === "drill-000")!, { seed: "1", mode: "trace" });
    const sim = run.sim;
    const ports = [...new Set(sim.trace.filter((r) => r.type === "clusterConfigLoaded" || r.type === "clusterConfigCreated").map((r) => r.node))];
    const portOf = new Map(ports.map((p) => [(sim.state(p) as { myId: string }).myId, p]));
    const rebuilt = failoverArrowsOf(sim.trace, portOf);
    const kinds = new Set(rebuilt.map((a) => a.kind));
    expect(kinds).toContain("fail");
    expect(kinds).toContain("authRequest");
    expect(kinds).toContain("authAck");
    const sent = new Set(sim.messageLog.map((m) => `${m.kind} ${m.from} ${m.to}`));
    for (const arrow of rebuilt) {
      expect(sent, `${arrow.kind} ${arrow.from} → ${arrow.to}`).toContain(`${arrow.kind} ${arrow.from} ${arrow.to}`);
      expect(arrow.sentUs).toBeLessThanOrEqual(arrow.atUs);
    }
    // Each delivered ack in the real log has a rebuilt arrow (grants are logged where they are given).
    const acks = sim.messageLog.filter((m) => m.kind === "authAck" && m.fate === "delivered");
    expect(rebuilt.filter((a) => a.kind === "authAck").length).toBe(acks.length);
  });
});
