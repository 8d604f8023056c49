import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The binaries a real run uses; each can be pointed at a user's own build. */
export interface RedisBinaries {
  readonly server: string;
  readonly sentinel: string;
  readonly cli: string;
}

export const DEBIAN_BINARIES: RedisBinaries = { server: "/usr/bin/redis-server", sentinel: "/usr/bin/redis-sentinel", cli: "/usr/bin/redis-cli" };

/** Only loopback, ever (CONTRACTS §2). */
export const HOST = "127.0.0.1";

/** `redis-cli -h 127.0.0.1 -p PORT ARGV…`; its stdout (replies with \r\n turned into \n). */
export async function cli(bins: RedisBinaries, port: number, argv: readonly string[], timeoutMs = 5_000): Promise<string> {
  const { stdout } = await run(bins.cli, ["-h", HOST, "-p", String(port), ...argv], { timeout: timeoutMs });
  return stdout.replace(/\r\n/g, "\n");
}

/** The same, but an error (refused, timeout) gives null: for polling a process that may be down. */
export async function tryCli(bins: RedisBinaries, port: number, argv: readonly string[], timeoutMs = 2_000): Promise<string | null> {
  try {
    return await cli(bins, port, argv, timeoutMs);
  } catch {
    return null;
  }
}

/** Runs `redis-cli` with arguments that are not one node's command (e.g. `--cluster create …`). */
export async function cliRaw(bins: RedisBinaries, args: readonly string[], timeoutMs = 30_000): Promise<string> {
  const { stdout, stderr } = await run(bins.cli, args, { timeout: timeoutMs });
  return (stdout + stderr).replace(/\r\n/g, "\n");
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `everyMs` until it returns true; false when `withinMs` passed first. */
export async function pollUntil(probe: () => Promise<boolean>, withinMs: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}

/** `field:value` lines of an INFO or CLUSTER INFO reply. */
export function infoFields(reply: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of reply.split("\n")) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/**
 * Refuses to start when something already answers on a port the drill needs (another engineer's
 * or a system Redis): the driver would otherwise talk to, and kill -9 nothing of, a server it did
 * not start. Also checks the cluster bus port (port + 10000) for cluster drills.
 */
export async function assertPortsFree(ports: readonly number[]): Promise<void> {
  const { createConnection } = await import("node:net");
  const busy = async (port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: HOST, port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
  const taken: number[] = [];
  for (const port of ports) if (await busy(port)) taken.push(port);
  if (taken.length > 0) throw new Error(`${HOST} port(s) ${taken.join(", ")} already in use: stop what listens there first (the drill needs them)`);
}
