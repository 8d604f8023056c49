import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";

/**
 * The real processes one calibration run started, by name (their port), so that every one of
 * them is stopped by its pid — after the run, when a step fails, and on SIGINT/SIGTERM. Nothing
 * here ever signals a process it did not start (no pkill, no process names).
 */
export class ProcessGroup {
  private readonly children = new Map<string, ChildProcess>();

  constructor() {
    LIVE_GROUPS.add(this);
    installSignalHandlers();
  }

  /** Starts `bin args…` in the foreground (Redis's `daemonize no`), so its pid is the child's. */
  start(name: string, bin: string, args: readonly string[], cwd: string): number {
    if (this.running(name)) throw new Error(`process ${name} is already running (pid ${this.pid(name)})`);
    const child = spawn(bin, args, { cwd, stdio: "ignore", detached: false });
    child.on("error", () => {
      /* reported by waitUntilUp, which gives the path that failed */
    });
    if (child.pid === undefined) throw new Error(`could not start ${bin} for ${name} (is it installed? pass its path with --redis-server / --redis-sentinel)`);
    this.children.set(name, child);
    return child.pid;
  }

  pid(name: string): number {
    const child = this.children.get(name);
    if (child?.pid === undefined) throw new Error(`no process named ${name} in this run`);
    return child.pid;
  }

  running(name: string): boolean {
    const child = this.children.get(name);
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** kill -<signal> <pid>; for SIGKILL also waits until the process is gone. */
  async signal(name: string, signal: NodeJS.Signals): Promise<void> {
    const child = this.children.get(name);
    if (child === undefined || !this.running(name)) throw new Error(`cannot send ${signal} to ${name}: it is not running`);
    const exited = signal === "SIGKILL" ? once(child, "exit") : null;
    process.kill(child.pid!, signal);
    if (exited !== null) await exited;
  }

  /** Waits until a process that was asked to exit (SHUTDOWN) has exited, at most `withinMs`. */
  async waitExit(name: string, withinMs: number): Promise<void> {
    const child = this.children.get(name);
    if (child === undefined || !this.running(name)) return;
    const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${name} did not exit within ${withinMs} ms`)), withinMs).unref());
    await Promise.race([once(child, "exit"), timer]);
  }

  /** Stops every process still running, by pid: SIGCONT first (so a paused one is not left stopped if the kill fails), then SIGKILL. */
  async stopAll(): Promise<void> {
    const waits: Promise<unknown>[] = [];
    for (const [name, child] of this.children) {
      if (!this.running(name)) continue;
      waits.push(once(child, "exit"));
      try {
        process.kill(child.pid!, "SIGCONT");
        process.kill(child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    await Promise.all(waits);
    LIVE_GROUPS.delete(this);
    uninstallSignalHandlers();
  }

  /** The synchronous last resort of a signal handler: SIGKILL by pid, no waiting. */
  killAllNow(): void {
    for (const [name, child] of this.children) {
      if (!this.running(name)) continue;
      try {
        process.kill(child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }
}

const LIVE_GROUPS = new Set<ProcessGroup>();

/**
 * On Ctrl-C or a TERM while real processes run, stop what this process started, then exit as the
 * signal asks (128 + n). Installed only while a group is live, so that otherwise the host (a
 * test runner, say) keeps its own handling of these signals.
 */
const onSigint = () => stopEverythingAndExit("SIGINT", 130);
const onSigterm = () => stopEverythingAndExit("SIGTERM", 143);
const onExit = () => {
  for (const group of LIVE_GROUPS) group.killAllNow();
};

function stopEverythingAndExit(signal: NodeJS.Signals, code: number): void {
  for (const group of LIVE_GROUPS) group.killAllNow();
  process.stderr.write(`\ncalibrate: ${signal}: stopped every Redis process this run started\n`);
  process.exit(code);
}

function installSignalHandlers(): void {
  if (LIVE_GROUPS.size !== 1) return;
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  process.on("exit", onExit);
}

function uninstallSignalHandlers(): void {
  if (LIVE_GROUPS.size !== 0) return;
  process.off("SIGINT", onSigint);
  process.off("SIGTERM", onSigterm);
  process.off("exit", onExit);
}
