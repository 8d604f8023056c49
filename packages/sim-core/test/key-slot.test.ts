import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc16, keyHashSlot } from "../src/cluster/key-slot";

describe("key slots (crc16.c, keyHashSlot)", () => {
  it("computes CRC16/XMODEM's check value", () => {
    expect(crc16(new TextEncoder().encode("123456789"))).toBe(0x31c3);
  });

  it("matches the slots the source articles and Redis's docs show", () => {
    const cases: [string, number][] = [
      ["testkey002", 401], // seed 000: redis-cli -c … get testkey002 → "Redirected to slot [401]"
      ["name", 5798], // seed 004
      ["foo", 12182],
      ["bar", 5061],
      ["hello", 866],
      ["{user1000}.following", 3443],
      ["{user1000}.followers", 3443],
      ["user1000", 3443],
      ["{foo}bar", 12182],
      ["foo{}{bar}", 8363],
      ["foo{{bar}}zap", 4015],
      ["foo{bar}{zap}", 5061],
      ["{}", 15257],
      ["{bar", 4015],
      ["", 0],
    ];
    for (const [key, slot] of cases) expect([key, keyHashSlot(key)]).toEqual([key, slot]);
  });

  it("puts keys with the same non-empty hash tag in one slot", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((t) => !t.includes("}")), fc.string(), fc.string(), (tag, a, b) => {
        const prefixA = a.replace(/[{}]/g, "");
        const prefixB = b.replace(/[{}]/g, "");
        expect(keyHashSlot(`${prefixA}{${tag}}x`)).toBe(keyHashSlot(`${prefixB}{${tag}}y`));
      }),
    );
  });

  it("always lands in 0..16383", () => {
    fc.assert(fc.property(fc.string(), (key) => keyHashSlot(key) >= 0 && keyHashSlot(key) < 16384));
  });
});
