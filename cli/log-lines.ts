import { mergedLog } from "@failover-lab/report";
import type { TraceRecord } from "@failover-lab/sim-core/trace";

/**
 * The Redis log lines of every server, merged in time order (the report's renderer, at Redis's
 * default `loglevel notice`), with their simulated instant so the story can place them between
 * its steps. The whole trace is rendered at once: pids, role characters and clocks carry from
 * one line to the next.
 */
export interface TimedLine {
  readonly atUs: number;
  /** The index of the trace record the line came from: the story places lines by it. */
  readonly recordIndex: number;
  readonly line: string;
}

export function logLinesOf(trace: readonly TraceRecord[]): TimedLine[] {
  return mergedLog(trace).map((l) => ({ atUs: l.atUs, recordIndex: l.recordIndex, line: l.line }));
}
