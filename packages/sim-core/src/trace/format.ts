import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { TraceEvent, TraceHeader, TraceRecord } from "./events";

/**
 * trace.jsonl, byte for byte. The same function writes the file and feeds the hash, so the
 * hash printed by a fast-mode run is the hash of the file a trace-mode run writes.
 * Pure JavaScript (no Node APIs): the HTML report runs it in the browser too.
 */

/**
 * Keys come out as `atUs`, `node`, `type`, then the event's own fields in their order. An event
 * may not carry fields of those names: they would overwrite where and when it happened.
 */
export function traceRecord(atUs: number, node: string, event: TraceEvent): TraceRecord {
  if ("atUs" in event || "node" in event) throw new Error(`a ${event.type} event may not have a field named atUs or node`);
  return { atUs, node, ...event } as TraceRecord;
}

export function traceLine(record: TraceRecord | TraceHeader): string {
  return JSON.stringify(record) + "\n";
}

/**
 * SHA-256 over the trace.jsonl bytes, fed one line at a time. Lines are gathered and hashed
 * ~64 KiB at a time (the digest does not depend on how the bytes are split): encoding and
 * hashing each short line on its own cost more than the line, in runs that log thousands of
 * lines per simulated second.
 */
export class TraceHasher {
  private readonly hash = sha256.create();
  private readonly encoder = new TextEncoder();
  private pending = "";

  update(line: string): void {
    this.pending += line;
    if (this.pending.length >= 65_536) this.flush();
  }

  /** The hex digest of everything fed so far; the hasher can keep going afterwards. */
  hex(): string {
    this.flush();
    return bytesToHex(this.hash.clone().digest());
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.hash.update(this.encoder.encode(this.pending));
    this.pending = "";
  }
}

export function hashTrace(lines: Iterable<string>): string {
  const hasher = new TraceHasher();
  for (const line of lines) hasher.update(line);
  return hasher.hex();
}
