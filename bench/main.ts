/**
 * `pnpm bench`: Failover Lab's performance figures (CONTRACTS §7). Runs each part (or just the
 * ones named by --only), prints human-readable figures, then as the LAST line of stdout one JSON
 * object: {"node", "cpu", "<part>": {…keys}}. With --json only that line is printed.
 *
 * A new part (cluster, fuzz) is a BenchPart in its own file under bench/, added to PARTS below.
 * With more than one part, each runs in a fresh Node process of its own (runInChild).
 */
import os from "node:os";
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { clusterPart } from "./cluster";
import { kernelPart } from "./kernel";
import { fuzzPart } from "./fuzz";
import { tracePart } from "./trace";
import type { BenchKeys, BenchLog, BenchPart } from "./part";

const PARTS: readonly BenchPart[] = [kernelPart, clusterPart, fuzzPart, tracePart];
/** Parts the contract names that are not written yet. */
const PLANNED_PARTS: string[] = [];

const USAGE = `usage: pnpm bench [--json] [--only PART]...
  --json        print only the JSON line
  --only PART   run just this part; repeatable (available: ${PARTS.map((p) => p.name).join(", ")})
  -h, --help    show this help`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function parseFlags(): { json: boolean; parts: BenchPart[] } | null {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        json: { type: "boolean", default: false },
        only: { type: "string", multiple: true },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return null;
  }
  const available = PARTS.map((p) => p.name).join(", ");
  const wanted = values.only ?? PARTS.map((p) => p.name);
  for (const name of wanted) {
    if (PARTS.some((p) => p.name === name)) continue;
    if (PLANNED_PARTS.includes(name)) fail(`bench part '${name}' does not exist yet (available: ${available})`);
    fail(`unknown bench part '${name}' (available: ${available})\n${USAGE}`);
  }
  return { json: values.json, parts: PARTS.filter((p) => wanted.includes(p.name)) };
}

function main(): void {
  const flags = parseFlags();
  if (flags === null) return;
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown";
  const log = flags.json ? () => {} : (line: string) => console.log(line);
  log(`node ${process.version}`);
  log(`cpu ${cpu} (${os.cpus().length} logical cores)`);
  const report: Record<string, string | BenchKeys> = { node: process.version, cpu };
  if (flags.parts.length === 1) {
    const part = flags.parts[0]!;
    report[part.name] = part.run(log);
  } else {
    for (const part of flags.parts) report[part.name] = runInChild(part.name, log);
  }
  console.log(JSON.stringify(report));
}

/**
 * Runs one part as `bench --only PART` in a fresh Node process, so that no part inherits the
 * heap another left behind: after the 1000-node cluster's 1.5 GiB, the fuzz part in the same
 * process measured about a sixth slower than on its own. Its human lines are passed on; its
 * JSON line gives the keys.
 */
function runInChild(name: string, log: BenchLog): BenchKeys {
  const script = process.argv[1];
  if (script === undefined) fail("bench: cannot tell which script to run the parts with");
  const child = spawnSync(process.execPath, [...process.execArgv, script, "--only", name], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) fail(`bench part '${name}' failed (exit ${child.status ?? child.signal})`);
  const lines = child.stdout.trimEnd().split("\n");
  const last = JSON.parse(lines.pop() ?? "{}") as Record<string, unknown>;
  // The child's first two lines repeat the node version and the CPU.
  for (const line of lines.slice(2)) log(line);
  const keys = last[name];
  if (typeof keys !== "object" || keys === null) fail(`bench part '${name}' printed no keys`);
  return keys as BenchKeys;
}

main();
