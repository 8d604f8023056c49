import type { Simulation } from "@failover-lab/sim-core";
import type { TraceRecord } from "@failover-lab/sim-core/trace";

/**
 * What the story prints between steps. Until the report's Redis log renderer lands, a compact
 * rendering of the semantic events that a Redis log would show at notice level.
 */
const QUIET = new Set(["failureReported", "failureReportRemoved", "nodePossiblyFailing", "busConnectFailed", "faultApplied", "faultSkipped"]);

export function logLinesOf(sim: Simulation): (records: readonly TraceRecord[]) => string[] {
  void sim;
  return (records) =>
    records
      .filter((r) => !QUIET.has(r.type) && !r.node.startsWith("client-") && r.node !== "net")
      .map((r) => {
        const { atUs, node, type, ...rest } = r as TraceRecord & Record<string, unknown>;
        const fields = Object.entries(rest)
          .map(([k, v]) => `${k}=${typeof v === "string" && v.length === 40 ? v.slice(0, 8) : JSON.stringify(v)}`)
          .join(" ");
        return `${(atUs / 1e6).toFixed(3).padStart(9)}s ${node.padEnd(5)} ${type} ${fields}`;
      });
}
