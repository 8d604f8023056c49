/**
 * `@failover-lab/report`: turns a trace into what a person reads — the Redis log of each process
 * (here), the terminal story and the HTML page. Imports only `@failover-lab/sim-core/trace`, and
 * no Node APIs, so that the page can run it in the browser.
 */
export {
  createLogContext,
  logLines,
  mergedLog,
  renderLog,
  type LogContext,
  type LogOptions,
  type MergedLogLine,
  type ProcessKind,
  type ProcessSpec,
  type Verbosity,
} from "./log/render";
export { LOGGED_EVENT_TYPES, NOT_LOGGED, isNotLogged, logMessages, type LogMessage, type LoggedEventType, type MessageFacts } from "./log/messages";
export {
  LOG_LEVEL_CHAR,
  LOG_LINE_PATTERN,
  PID_PER_RESTART,
  WALL_CLOCK_EPOCH_MS,
  formatLogLine,
  formatLogTime,
  pidOf,
  wallClockMs,
  type LogLevel,
  type RoleChar,
} from "./log/prefix";
export * from "./html/index";
