/**
 * The part of a Redis log line before the message: `<pid>:<role> <dd> <Mon> <yyyy>
 * <hh>:<mm>:<ss>.<mmm> <level> ` (server.c:serverLogRaw, 7.0.15). serverLogRaw formats with
 * strftime("%d %b %Y %H:%M:%S.") in the C locale plus `%03d` milliseconds; the simulated servers
 * run in UTC (CONTRACTS §1), so the date is taken from Date's UTC fields and a fixed month table,
 * never from Intl or the host's locale or time zone.
 */

/**
 * Simulated time 0 on every process's wall clock: 2026-12-30 15:28:00.000 UTC (CONTRACTS §1).
 * The same value as sim-core's `kernel/time.ts`, which `@failover-lab/sim-core/trace` does not
 * re-export yet; a test pins the two together.
 */
export const WALL_CLOCK_EPOCH_MS = 1_798_644_480_000;

/** CONTRACTS §1: a process's pid is its port, plus this much per restart. */
export const PID_PER_RESTART = 100_000;

/** Redis's `loglevel` values, lowest first (server.h: LL_DEBUG 0 … LL_WARNING 3). */
export type LogLevel = "debug" | "verbose" | "notice" | "warning";

export const LOG_LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 0, verbose: 1, notice: 2, warning: 3 };

/** serverLogRaw: `const char *c = ".-*#";` indexed by the level. */
export const LOG_LEVEL_CHAR: Readonly<Record<LogLevel, string>> = { debug: ".", verbose: "-", notice: "*", warning: "#" };

/** serverLogRaw's role character: Sentinel, master, replica (`C`, a forked child, is never simulated). */
export type RoleChar = "X" | "M" | "S";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/** A process's wall clock at a trace record: the epoch, ⌊atUs / 1000⌋, and its own clock jumps. */
export function wallClockMs(atUs: number, wallOffsetMs: number): number {
  return WALL_CLOCK_EPOCH_MS + Math.floor(atUs / 1000) + wallOffsetMs;
}

/** `30 Dec 2026 15:28:06.662` for a wall clock in ms since the Unix epoch, in UTC. */
export function formatLogTime(wallMs: number): string {
  if (!Number.isSafeInteger(wallMs)) throw new RangeError(`a log time must be a whole number of milliseconds, got ${wallMs}`);
  const d = new Date(wallMs);
  const date = `${pad(d.getUTCDate(), 2)} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`;
  return `${date} ${time}`;
}

/** The pid a process logs with: its port at first start, port + 100000 × n after its n-th restart. */
export function pidOf(port: number, incarnation: number): number {
  return port + PID_PER_RESTART * incarnation;
}

/** One whole line, as serverLogRaw writes it (without the newline). */
export function formatLogLine(pid: number, role: RoleChar, wallMs: number, level: LogLevel, text: string): string {
  return `${pid}:${role} ${formatLogTime(wallMs)} ${LOG_LEVEL_CHAR[level]} ${text}`;
}

/** Matches a 7.0 log line and captures pid, role, date, time, level character and message. */
export const LOG_LINE_PATTERN = /^(\d+):([XCSM]) (\d{2} [A-Z][a-z]{2} \d{4}) (\d{2}:\d{2}:\d{2}\.\d{3}) ([.\-*#]) (.*)$/;
