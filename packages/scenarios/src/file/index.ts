/** `@failover-lab/scenarios/file`: the scenario file format (docs/scenario-format.md). */
export { scenarioToYaml, type WriteOptions } from "./write";
export { parseDurationMs, formatDurationMs } from "./duration";
export { splitArgs, joinArgs, ArgsSyntaxError } from "./cli-args";
export { TRACE_EVENT_NAMES, isTraceEventName } from "./event-names";
export { parseScenarioYaml, STEP_KINDS, type ScenarioFile } from "./parse";
export { ScenarioFileError, type FileProblem } from "./problems";
