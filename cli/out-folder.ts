import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { renderLog, type ProcessKind } from "@failover-lab/report";
import type { RunResult, Scenario } from "@failover-lab/scenarios";
import { SIM_VERSION, TRACE_SCHEMA_VERSION, type TraceHeader } from "@failover-lab/sim-core";
import { TraceHasher, traceLine, type TraceRecord } from "@failover-lab/sim-core/trace";
import type { Summary } from "./summary";

/**
 * `failover-lab run … --out DIR` (CONTRACTS §8): everything a run leaves for people and tools.
 *
 *   logs/<port>.log   each server's and Sentinel's Redis log (report's renderer)
 *   trace.jsonl       header, then one semantic event a line; its SHA-256 is the summary's traceHash
 *   messages.jsonl    every bus/replication message's fate (trace mode)
 *   patches.jsonl     every process's initial state, then each event's immer patches (trace mode)
 *   summary.json      the object `--json` prints
 *
 * plus any `extraFiles` (the hook for other outputs, e.g. the HTML report's `report.html`).
 * Everything is written into a fresh folder beside DIR and renamed into place at the end, so a
 * run that fails halfway leaves DIR as it was: the old folder, or none.
 */

/** One more file of the run folder: its path inside the folder and how to make its contents. */
export interface OutFile {
  readonly path: string;
  readonly contents: (scenario: Scenario, run: RunResult) => string | Uint8Array;
}

/**
 * Refuses, before the run, a DIR that cannot be made or replaced (exit 2 in the CLI): it exists
 * and is not a folder, or the nearest part of its path that exists is a file (`a/file/x`), or
 * that folder may not be written (the temp folder is made beside DIR).
 */
export function outDirProblem(dir: string): string | undefined {
  if (existsSync(dir) && !statSync(dir).isDirectory()) return `--out ${dir}: exists and is not a folder (expected a folder to create or replace)`;
  let parent = dirname(resolve(dir));
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) return `--out ${dir}: ${parent} is a file, not a folder (expected a path whose parents are folders)`;
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    return `--out ${dir}: cannot write in ${parent} (expected a folder you may create files in)`;
  }
  return undefined;
}

export function writeRunFolder(dir: string, scenario: Scenario, run: RunResult, summary: Summary, extraFiles: readonly OutFile[] = []): void {
  if (run.sim.mode !== "trace") throw new Error(`--out needs a trace-mode run (messages and patches), got ${run.sim.mode} mode`);
  const target = resolve(dir);
  mkdirSync(dirname(target), { recursive: true });
  const temp = mkdtempSync(join(dirname(target), `.${basename(target)}.tmp-`));
  try {
    // mkdtemp makes the folder private (0700); the run folder is an ordinary one.
    chmodSync(temp, 0o755);
    writeLogs(temp, scenario, run);
    writeTrace(join(temp, "trace.jsonl"), run, summary.traceHash);
    writeLines(join(temp, "messages.jsonl"), run.sim.messageLog.map((m) => JSON.stringify(m)));
    writeLines(join(temp, "patches.jsonl"), [JSON.stringify({ schemaVersion: 1, initialStates: run.sim.initialStates })], run.sim.patchLog.map((p) => JSON.stringify(p)));
    writeLines(join(temp, "summary.json"), [JSON.stringify(summary, null, 2)]);
    for (const file of extraFiles) {
      const path = join(temp, file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeWhole(path, file.contents(scenario, run));
    }
    replaceFolder(temp, target);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Swaps the finished folder in: the old DIR (if any) moves aside, the new one takes its name, the old one goes. */
export function replaceFolder(temp: string, target: string): void {
  if (!existsSync(target)) {
    renameSync(temp, target);
    return;
  }
  const old = `${temp}.old`;
  renameSync(target, old);
  try {
    renameSync(temp, target);
  } catch (error) {
    renameSync(old, target);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

/** Which processes have a Redis log: the topology's servers and Sentinels. */
function loggedProcesses(scenario: Scenario): { port: number; kind: ProcessKind }[] {
  const t = scenario.topology;
  if (t.kind === "cluster") return [...t.ports, ...(t.extraPorts ?? [])].map((port) => ({ port, kind: "server" }));
  return [
    ...[t.master, ...t.replicas].map((port) => ({ port, kind: "server" as const })),
    ...t.sentinels.map((port) => ({ port, kind: "sentinel" as const })),
  ];
}

function writeLogs(folder: string, scenario: Scenario, run: RunResult): void {
  mkdirSync(join(folder, "logs"));
  // One pass over the trace to split it by process, rather than one pass per process (1000-node runs).
  const byProcess = new Map<string, TraceRecord[]>();
  for (const record of run.sim.trace) {
    let records = byProcess.get(record.node);
    if (records === undefined) byProcess.set(record.node, (records = []));
    records.push(record);
  }
  for (const { port, kind } of loggedProcesses(scenario)) {
    const lines = renderLog(byProcess.get(String(port)) ?? [], String(port), { kind });
    writeLines(join(folder, "logs", `${port}.log`), lines);
  }
}

/**
 * trace.jsonl from the run's records through sim-core's own line format, the one its hash is fed
 * with; the hash of what was written must be the run's, or the file is not the run's trace.
 */
function writeTrace(path: string, run: RunResult, expectedHash: string): void {
  const sim = run.sim;
  const header: TraceHeader = { schemaVersion: TRACE_SCHEMA_VERSION, scenario: sim.scenario, seed: sim.seed, sim: SIM_VERSION };
  const hasher = new TraceHasher();
  const out = new ChunkedWriter(path);
  try {
    const headerLine = traceLine(header);
    hasher.update(headerLine);
    out.write(headerLine);
    for (const record of sim.trace) {
      const line = traceLine(record);
      hasher.update(line);
      out.write(line);
    }
  } finally {
    out.close();
  }
  if (hasher.hex() !== expectedHash) throw new Error(`trace.jsonl hashes to ${hasher.hex()}, not the run's trace hash ${expectedHash}`);
}

/** Lines, each ended by a newline. */
function writeLines(path: string, ...groups: readonly (readonly string[])[]): void {
  const out = new ChunkedWriter(path);
  try {
    for (const lines of groups) for (const line of lines) out.write(`${line}\n`);
  } finally {
    out.close();
  }
}

/** writeFileSync loops until every byte is written (one writeSync call may write only part). */
function writeWhole(path: string, contents: string | Uint8Array): void {
  writeFileSync(path, contents);
}

/** Writes text in large chunks: a trace can have millions of lines. */
class ChunkedWriter {
  private static readonly CHUNK_CHARS = 1 << 20;
  private readonly fd: number;
  private parts: string[] = [];
  private chars = 0;

  constructor(path: string) {
    this.fd = openSync(path, "w");
  }

  write(text: string): void {
    this.parts.push(text);
    this.chars += text.length;
    if (this.chars >= ChunkedWriter.CHUNK_CHARS) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    // writeFileSync on a descriptor writes at its position and loops until every byte is out.
    writeFileSync(this.fd, this.parts.join(""));
    this.parts = [];
    this.chars = 0;
  }
}
