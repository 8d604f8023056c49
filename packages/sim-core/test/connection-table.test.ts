import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConnectionTable } from "../src/net/connection-table";

describe("the connection table", () => {
  it("finds every open connection by its id, never by a stale one, and keeps ids below 2^30 however often slots are reused", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant<"open">("open"), fc.nat({ max: 20 })), { minLength: 1, maxLength: 3000 }), (ops) => {
        const table = new ConnectionTable<{ id: number }>();
        const open: { id: number }[] = [];
        const closed: number[] = [];
        for (const op of ops) {
          if (op === "open" || open.length === 0) {
            const conn = { id: table.nextId() };
            table.add(conn);
            open.push(conn);
          } else {
            // Close one of the open ones (the op picks which): a reconnect storm closes the newest.
            const [conn] = open.splice(op % open.length, 1);
            table.delete(conn!.id);
            closed.push(conn!.id);
          }
        }
        expect(table.size).toBe(open.length);
        for (const conn of open) {
          expect(table.get(conn.id)).toBe(conn);
          expect(conn.id).toBeLessThan(2 ** 30);
        }
        for (const id of closed) expect(table.get(id)).toBeUndefined();
        expect(new Set(open.map((c) => c.id)).size).toBe(open.length);
      }),
      { numRuns: 100 },
    );
  });

  it("retires a slot after 64 uses: a storm of 10,000 open-close pairs leaves every id a small integer", () => {
    const table = new ConnectionTable<{ id: number }>();
    let maxId = 0;
    for (let i = 0; i < 10_000; i++) {
      const conn = { id: table.nextId() };
      table.add(conn);
      maxId = Math.max(maxId, conn.id);
      table.delete(conn.id);
    }
    expect(maxId).toBeLessThan(2 ** 30);
    expect(table.size).toBe(0);
  });
});
