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
  const bytes = typeof key === "string" ? utf8.encode(key) : key;
  const open = bytes.indexOf(0x7b); // {
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1); // }
    if (close > open + 1) return crc16(bytes.subarray(open + 1, close)) & (CLUSTER_SLOTS - 1);
  }
  return crc16(bytes) & (CLUSTER_SLOTS - 1);
}
