/**
 * Which of the 16384 hash slots a key lives in: crc16.c:crc16 (CRC16/XMODEM — polynomial 0x1021,
 * initial value 0, no reflection, no final XOR) of the key or of its hash tag, masked to 14 bits
 * (cluster.c:keyHashSlot).
 */
import { CLUSTER_SLOTS } from "../redis-constants";

const CRC16_TABLE: Uint16Array = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

const utf8 = new TextEncoder();

/**
 * keyHashSlot: only the part between the first `{` and the first `}` after it is hashed, unless
 * that part is empty or unterminated — then the whole key is. Keys are hashed as their UTF-8 bytes.
 */
export function keyHashSlot(key: string | Uint8Array): number {
  if (typeof key === "string") {
    const slot = asciiKeyHashSlot(key);
    if (slot >= 0) return slot;
  }
  const bytes = typeof key === "string" ? utf8.encode(key) : key;
  const open = bytes.indexOf(0x7b); // {
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1); // }
    if (close > open + 1) return crc16(bytes.subarray(open + 1, close)) & (CLUSTER_SLOTS - 1);
  }
  return crc16(bytes) & (CLUSTER_SLOTS - 1);
}

/**
 * keyHashSlot for a key of ASCII characters only, whose UTF-8 bytes are its char codes: the same
 * result without encoding the key (a TextEncoder call per command was a tenth of a cluster run's
 * time). Returns -1 for any other key.
 */
function asciiKeyHashSlot(key: string): number {
  const length = key.length;
  let open = -1;
  let close = -1;
  for (let i = 0; i < length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x80) return -1;
    if (c === 0x7b && open < 0) open = i; // the first {
    else if (c === 0x7d && open >= 0 && close < 0) close = i; // the first } after it
  }
  let from = 0;
  let to = length;
  if (open >= 0 && close > open + 1) {
    from = open + 1;
    to = close;
  }
  let crc = 0;
  for (let i = from; i < to; i++) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ key.charCodeAt(i)) & 0xff]!;
  return crc & (CLUSTER_SLOTS - 1);
}
