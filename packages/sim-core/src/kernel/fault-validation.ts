import type { Fault } from "./faults";
import { FAULT_TYPES } from "./faults";
import type { ProcessId } from "../process/model";

/**
 * Checks a fault's shape before it is scheduled, so that a typo is reported where it was made
 * rather than when the run reaches it. Returns the problems found, in plain words; an empty list
 * means the fault is well formed. Whether it can *apply* (is the node paused?) depends on the
 * run and is decided when it fires.
 */
export function faultProblems(fault: Fault, isKnownProcess: (pid: ProcessId) => boolean): string[] {
  const problems: string[] = [];
  const known = (pid: ProcessId | undefined, role: string): void => {
    if (pid !== undefined && !isKnownProcess(pid)) problems.push(`${role} "${pid}" is not a process of this run`);
  };
  switch (fault.type) {
    case "kill":
    case "shutdown":
    case "pause":
    case "resume":
    case "restart":
      known(fault.node, "node");
      break;
    case "clockJump":
      known(fault.node, "node");
      if (!Number.isFinite(fault.deltaMs)) problems.push(`deltaMs must be a number of milliseconds, got ${fault.deltaMs}`);
      break;
    case "partition": {
      const seen = new Set<ProcessId>();
      let rests = 0;
      if (fault.groups.length < 2) problems.push(`a partition needs at least two groups, got ${fault.groups.length}`);
      if (fault.oneWay && fault.groups.length !== 2) problems.push(`a one-way partition has exactly two groups, got ${fault.groups.length}`);
      for (const group of fault.groups) {
        if (group === "rest") {
          rests++;
          continue;
        }
        if (group.length === 0) problems.push("a partition group is empty");
        for (const pid of group) {
          known(pid, "partition member");
          if (seen.has(pid)) problems.push(`"${pid}" is in two partition groups`);
          seen.add(pid);
        }
      }
      if (rests > 1) problems.push(`"rest" may appear once in a partition, got ${rests} times`);
      break;
    }
    case "heal":
      break;
    case "delay":
      known(fault.from, "from");
      known(fault.to, "to");
      if (!(fault.extraMs >= 0)) problems.push(`extraMs must be ≥ 0, got ${fault.extraMs}`);
      break;
    case "loss":
      known(fault.from, "from");
      known(fault.to, "to");
      if (!(fault.rate >= 0 && fault.rate <= 1)) problems.push(`rate must be between 0 and 1, got ${fault.rate}`);
      break;
    case "clog":
    case "unclog":
      known(fault.from, "from");
      known(fault.to, "to");
      break;
    case "hold":
      known(fault.from, "from");
      known(fault.to, "to");
      if (fault.name === "") problems.push("a hold needs a name to release it by");
      break;
    case "release":
      break;
    default: {
      const unknown = (fault as { type?: unknown }).type;
      problems.push(`unknown fault "${String(unknown)}" (expected one of: ${FAULT_TYPES.join(", ")})`);
    }
  }
  return problems;
}
