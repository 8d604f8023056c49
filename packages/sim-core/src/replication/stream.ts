import { keyedRecord } from "../keyed-record";
import { RDB_FIXED_BYTES, RESP_PING_BYTES } from "./constants";

/**
 * The replication stream: the commands a master feeds its replicas and its backlog, and what
 * each costs in bytes on the wire. Offsets count these bytes (master_repl_offset), so the
 * lengths are Redis's exactly: a command is propagated as a RESP multibulk of its arguments
 * (replication.c:replicationFeedSlaves).
 */

/** One command of the stream, as it is written. Keys and values are plain strings (the simulator's dataset). */
export type ReplCommandFields =
  | { readonly op: "set"; readonly key: string; readonly value: string }
  | { readonly op: "del"; readonly key: string }
  /** The master's keep-alive, every repl-ping-replica-period (replicationCron). */
  | { readonly op: "ping" }
  /**
   * PUBLISH is propagated like a write (pubsub.c, CMD_MAY_REPLICATE): Sentinel's hellos alone
   * move a monitored master's offset by hundreds of bytes a second.
   */
  | { readonly op: "publish"; readonly channel: string; readonly message: string }
  /** Emitted before the first command after a full-sync set-up or a promotion (slaveseldb = -1). */
  | { readonly op: "select"; readonly db: number };

/**
 * A command in the stream: its fields and `bytes`, what it adds to master_repl_offset
 * (replCommandBytes). The bytes are counted once, when the command is made: a command is never
 * changed, and the master's backlog and every replica's read them instead of counting again.
 */
export type ReplCommand = ReplCommandFields & { readonly bytes: number };

/** A command of the stream, its byte count included. */
export function replCommand(fields: ReplCommandFields): ReplCommand {
  return { ...fields, bytes: replCommandBytes(fields) };
}

/** `SET key value`, the command of every client write: built without the spread of `replCommand`. */
export function replSetCommand(key: string, value: string): ReplCommand {
  return { op: "set", key, value, bytes: setCommandBytes(key, value) };
}

/** The number of bytes of `s` in UTF-8 (RESP lengths count bytes, not UTF-16 units). */
export function utf8Bytes(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4; // a surrogate pair: one code point above U+FFFF
        i++;
      } else bytes += 3; // a lone surrogate is written as U+FFFD
    } else bytes += 3;
  }
  return bytes;
}

/** The decimal digits of a length or a db number, counted without building the string (per write). */
function digits(n: number): number {
  if (!(Number.isSafeInteger(n) && n >= 0)) return String(n).length;
  let count = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    count++;
  }
  return count;
}

/** `$<len>\r\n<bytes>\r\n` */
function bulkBytes(len: number): number {
  return 1 + digits(len) + 2 + len + 2;
}

/** `*<n>\r\n` */
function arrayHeaderBytes(n: number): number {
  return 1 + digits(n) + 2;
}

/** The RESP length of a command given as its arguments' byte lengths. */
export function respCommandBytes(argByteLengths: readonly number[]): number {
  let total = arrayHeaderBytes(argByteLengths.length);
  for (const len of argByteLengths) total += bulkBytes(len);
  return total;
}

/** What `cmd` adds to master_repl_offset: `SET k v` is `*3\r\n$3\r\nSET\r\n$<k>\r\nk\r\n$<v>\r\nv\r\n`. */
export function replCommandBytes(cmd: ReplCommandFields): number {
  switch (cmd.op) {
    case "set":
      return setCommandBytes(cmd.key, cmd.value);
    case "del":
      return respCommandBytes([3, utf8Bytes(cmd.key)]);
    case "ping":
      return RESP_PING_BYTES;
    case "publish":
      return respCommandBytes([7, utf8Bytes(cmd.channel), utf8Bytes(cmd.message)]);
    case "select":
      return respCommandBytes([6, digits(cmd.db)]);
  }
}

/** respCommandBytes([3, key, value]) without the array: this runs at every write. */
function setCommandBytes(key: string, value: string): number {
  return arrayHeaderBytes(3) + bulkBytes(3) + bulkBytes(utf8Bytes(key)) + bulkBytes(utf8Bytes(value));
}

/** A fresh copy, safe to put in a message (never a piece of a draft). */
export function copyCommand(cmd: ReplCommand): ReplCommand {
  switch (cmd.op) {
    case "set":
      return { op: "set", key: cmd.key, value: cmd.value, bytes: cmd.bytes };
    case "del":
      return { op: "del", key: cmd.key, bytes: cmd.bytes };
    case "ping":
      return { op: "ping", bytes: cmd.bytes };
    case "publish":
      return { op: "publish", channel: cmd.channel, message: cmd.message, bytes: cmd.bytes };
    case "select":
      return { op: "select", db: cmd.db, bytes: cmd.bytes };
  }
}

/**
 * Applies a stream command to a dataset (PING, SELECT and PUBLISH change no key; a replica's own
 * subscribers are not sent the PUBLISH here — the simulator's pub/sub is only what Sentinel's
 * hellos need).
 */
export function applyCommand(data: Record<string, string>, cmd: ReplCommand): void {
  if (cmd.op === "set") data[cmd.key] = cmd.value;
  else if (cmd.op === "del") delete data[cmd.key];
}

/** RDB length encoding (rdb.c:rdbSaveLen): 1, 2 or 5 bytes. */
function rdbLenBytes(len: number): number {
  return len < 1 << 6 ? 1 : len < 1 << 14 ? 2 : 5;
}

/**
 * The simulator's estimate of a diskless RDB of `data`: the fixed framing and aux fields, and per
 * key its type byte and the key and value as length-prefixed strings (rdb.c:rdbSaveKeyValuePair;
 * integer-encoded and compressed strings are not modelled).
 */
export function estimateRdbBytes(data: Readonly<Record<string, string>>): number {
  let bytes = RDB_FIXED_BYTES;
  for (const key in data) {
    const k = utf8Bytes(key);
    const v = utf8Bytes(data[key]!);
    bytes += 1 + rdbLenBytes(k) + k + rdbLenBytes(v) + v;
  }
  return bytes;
}

/** A plain copy of a dataset, safe to keep or send (never a piece of a draft). */
export function copyData(data: Readonly<Record<string, string>>): Record<string, string> {
  const out = keyedRecord<string>();
  for (const key in data) out[key] = data[key]!;
  return out;
}
