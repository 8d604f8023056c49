import { readFileSync } from "node:fs";
import { FAULT_PHASE_SPREAD_MS, type CalibrationStep } from "../drills";
import { parseLog } from "../log-parser";
import type { ObservedEvent } from "../observation";
import type { ProcessGroup } from "./processes";
import { cli, pollUntil, sleep, tryCli, type RedisBinaries } from "./redis-cli";

export interface RealRunContext {
  readonly bins: RedisBinaries;
  readonly group: ProcessGroup;
  /** Starts (or restarts, from the same config file) the process on this port. */
  readonly start: (port: number) => number;
  /** The driver's clock (ms since the epoch) just before the first kill / shutdown / pause. */
  faultWallMs: number | null;
  readonly dirs: Readonly<Record<string, string>>;
  /** Sentinel drills: whom to ask for the master's address. */
  readonly sentinel?: { readonly ports: readonly number[]; readonly masterName: string; readonly masterPort: number };
}

/** How long a SHUTDOWN may take (7.0 waits up to shutdown-timeout, 10 s, for lagging replicas). */
const SHUTDOWN_LIMIT_MS = 15_000;

/** One step on real processes, with the same meaning the simulator gives it (CONTRACTS §4). */
export async function applyStep(step: CalibrationStep, context: RealRunContext): Promise<void> {
  // drills.ts FAULT_PHASE_SPREAD_MS: the first fault waits a random phase, as the simulated one does.
  const isFirstFault = context.faultWallMs === null && (step.type === "kill" || step.type === "pause" || step.type === "shutdown");
  if (isFirstFault) await sleep(Math.random() * FAULT_PHASE_SPREAD_MS);
  const markFault = () => {
    if (context.faultWallMs === null) context.faultWallMs = Date.now();
  };
  switch (step.type) {
    case "kill":
      markFault();
      await context.group.signal(String(step.node), "SIGKILL");
      return;
    case "pause":
      markFault();
      await context.group.signal(String(step.node), "SIGSTOP");
      return;
    case "resume":
      await context.group.signal(String(step.node), "SIGCONT");
      return;
    case "shutdown":
      markFault();
      // The reply never comes: the server exits. redis-cli reports the lost connection.
      await tryCli(context.bins, step.node, ["SHUTDOWN"], SHUTDOWN_LIMIT_MS);
      await context.group.waitExit(String(step.node), SHUTDOWN_LIMIT_MS);
      return;
    case "restart":
      context.start(step.node);
      await pollUntil(async () => (await tryCli(context.bins, step.node, ["PING"])) === "PONG\n", 10_000);
      return;
    case "cli":
      await cli(context.bins, step.port, step.argv);
      return;
    case "wait":
      await sleep(step.ms);
      return;
    case "untilSwitched": {
      const s = context.sentinel;
      if (s === undefined) throw new Error("untilSwitched is a step of Sentinel drills only");
      const switched = await pollUntil(async () => {
        for (const port of s.ports) {
          const reply = await tryCli(context.bins, port, ["SENTINEL", "get-master-addr-by-name", s.masterName]);
          const addr = reply?.trim().split("\n");
          if (addr !== undefined && addr.length === 2 && Number(addr[1]) !== s.masterPort) return true;
        }
        return false;
      }, step.withinMs);
      if (!switched) throw new Error(`no Sentinel switched ${s.masterName} away from ${s.masterPort} within ${step.withinMs} ms`);
      return;
    }
  }
}

/**
 * Every process's log up to the end of the drill (`endWallMs`, before the driver stops
 * everything) → its semantic events, in ms after the fault. Redis stamps lines with the
 * host's local time; this process runs on the same host, so its own UTC offset is Redis's.
 */
export function observedFromLogs(logPaths: Readonly<Record<string, string>>, faultWallMs: number, endWallMs: number): ObservedEvent[] {
  const utcOffsetMinutes = -new Date(faultWallMs).getTimezoneOffset();
  const out: ObservedEvent[] = [];
  for (const [node, path] of Object.entries(logPaths)) {
    for (const line of parseLog(readFileSync(path, "utf8"), { source: path, utcOffsetMinutes, assumeYear: new Date(faultWallMs).getUTCFullYear() })) {
      // What the teardown makes processes log (a replica losing its master to the final kill) is not the drill's.
      if (line.event !== null && line.wallMs <= endWallMs) out.push({ atMs: line.wallMs - faultWallMs, node, event: line.event });
    }
  }
  // A stable sort: lines of one log stay in their order within a millisecond.
  return out.sort((a, b) => a.atMs - b.atMs);
}
