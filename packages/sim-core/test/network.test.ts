import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulation, ms, seconds, us, TCP_RTO_MIN_US, type Fault } from "../src/index";
import { dial, events, probe, sendTo, type ProbeScript, type ProbeState } from "./probe";

const log = (sim: Simulation, pid: string): string[] => sim.state<ProbeState>(pid).log;

/** A client "a" that dials "b" at 1 ms and then runs `then`; "b" echoes pings. */
function pair(then: ProbeScript[], mode: "fast" | "trace" = "fast", seed = "1"): Simulation {
  const sim = new Simulation({ seed, mode });
  sim.addProcess("a", probe({ script: [{ afterUs: 1000, act: dial("b") }, ...then] }));
  sim.addProcess("b", probe({ echo: true }));
  return sim;
}

const ping = (n: number): ProbeScript["act"] => sendTo("b", { type: "ping", n });

describe("connections", () => {
  it("keep each direction FIFO whatever the latency draws", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.string(),
        (gapsUs, jitterUs, seed) => {
          const sim = new Simulation({ seed, network: { baseLatencyUs: 50, jitterUs } });
          let t = 2000;
          const script: ProbeScript[] = [{ afterUs: 1000, act: dial("b") }];
          gapsUs.forEach((gap, n) => script.push({ afterUs: (t += gap), act: ping(n) }));
          sim.addProcess("a", probe({ script }));
          sim.addProcess("b", probe({ echo: true }));
          sim.runUntil(seconds(2));
          const got = events(log(sim, "b")).filter((e) => e.startsWith("message"));
          expect(got).toEqual(gapsUs.map((_, n) => `message a ping ${n}`));
          const pongs = events(log(sim, "a")).filter((e) => e.startsWith("message"));
          expect(pongs).toEqual(gapsUs.map((_, n) => `message b pong ${n}`));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("take at least one base latency each way, and well under a millisecond by default", () => {
    const sim = pair([{ afterUs: 5000, act: ping(1) }]);
    sim.runUntil(ms(10));
    const sentAt = 5000;
    const arrived = Number(log(sim, "b").find((l) => l.endsWith("ping 1"))!.split(" ")[0]);
    expect(arrived - sentAt).toBeGreaterThanOrEqual(80);
    expect(arrived - sentAt).toBeLessThan(1000);
  });

  it("are refused by a host where nothing listens", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addProcess("a", probe({ script: [{ afterUs: 1000, act: dial("b") }] }));
    sim.addProcess("b", probe(), { startAtUs: seconds(100) });
    sim.runUntil(ms(10));
    expect(events(log(sim, "a"))).toEqual(["start", "connectFailed b refused"]);
  });

  it("are accepted by a paused process, which answers only once resumed", () => {
    const sim = pair([{ afterUs: 2000, act: ping(1) }]);
    sim.schedule({ type: "pause", node: "b" }, us(500));
    sim.schedule({ type: "resume", node: "b" }, seconds(3));
    sim.runUntil(seconds(2));
    expect(events(log(sim, "a"))).toEqual(["start", "connected b"]);
    expect(events(log(sim, "b"))).toEqual(["start"]);
    sim.runUntil(seconds(4));
    expect(events(log(sim, "b"))).toEqual(["start", "accepted a", "message a ping 1"]);
    const pong = log(sim, "a").find((l) => l.endsWith("pong 1"))!;
    expect(Number(pong.split(" ")[0])).toBeGreaterThan(3_000_000);
  });

  it("deliver what a killed process had in flight, then EOF", () => {
    const sim = pair([
      { afterUs: 5000, act: ping(1) },
      { afterUs: 5000, act: ping(2) },
    ]);
    sim.schedule({ type: "kill", node: "a" }, us(5001));
    sim.runUntil(ms(50));
    expect(events(log(sim, "b"))).toEqual(["start", "accepted a", "message a ping 1", "message a ping 2", "closed a eof"]);
  });

  it("reset a connection whose bytes reach a closed socket, and drop writes after that", () => {
    const sim = new Simulation({ seed: 1, mode: "trace" });
    sim.addProcess("a", probe({ script: [{ afterUs: 1000, act: dial("b") }, { afterUs: 10_000, act: ping(1) }, { afterUs: 20_000, act: ping(2) }] }));
    // b closes its end of every connection as soon as it is accepted.
    sim.addProcess("b", {
      ...probe(),
      handle(state: ProbeState, event, ctx) {
        probe().handle(state, event, ctx);
        if (event.type === "accepted") ctx.close(event.conn);
      },
    });
    sim.runUntil(ms(30));
    expect(events(log(sim, "a"))).toEqual(["start", "connected b", "closed b eof"]);
    // Writes to a reset socket never leave the host: nothing was in flight.
    expect(sim.messageLog).toEqual([]);
  });

  it("report a refused message and reset the sender when the receiver closed first", () => {
    const sim = new Simulation({ seed: 1, mode: "trace", network: { baseLatencyUs: 1000, jitterUs: 0 } });
    // a pings at 10 ms; b closes at 10.5 ms, while the ping is on the wire.
    sim.addProcess("a", probe({ script: [{ afterUs: 1000, act: dial("b") }, { afterUs: 10_000, act: ping(1) }] }));
    sim.addProcess("b", {
      ...probe({ script: [{ afterUs: 10_500, act: (s, ctx) => ctx.close(s.conns["a"]!) }] }),
      handle(state: ProbeState, event, ctx) {
        probe({ script: [{ afterUs: 10_500, act: (s, c) => c.close(s.conns["a"]!) }] }).handle(state, event, ctx);
        if (event.type === "accepted") state.conns["a"] = event.conn;
      },
    });
    sim.runUntil(ms(30));
    expect(sim.messageLog.map((m) => `${m.kind} ${m.fate}`)).toEqual(["ping refused"]);
    // The FIN from b reaches a first, so a reads EOF and ignores the later reset.
    expect(events(log(sim, "a"))).toEqual(["start", "connected b", "closed b eof"]);
  });
});

describe("network faults", () => {
  const cutScript: ProbeScript[] = [
    { afterUs: 10_000, act: ping(1) },
    { afterUs: 20_000, act: ping(2) },
    { afterUs: 30_000, act: ping(3) },
  ];

  it("a partition holds bytes in the socket; healing delivers them in order", () => {
    const sim = pair(cutScript, "trace");
    sim.schedule({ type: "partition", groups: [["a"], ["b"]] }, ms(5));
    sim.schedule({ type: "heal" }, seconds(1));
    sim.runUntil(ms(999));
    expect(events(log(sim, "b"))).toEqual(["start", "accepted a"]);
    sim.runUntil(seconds(2));
    expect(events(log(sim, "b")).slice(2)).toEqual(["message a ping 1", "message a ping 2", "message a ping 3"]);
    expect(events(log(sim, "a")).slice(2)).toEqual(["message b pong 1", "message b pong 2", "message b pong 3"]);
    const pingFates = sim.messageLog.filter((m) => m.kind === "ping").map((m) => m.fate);
    expect(pingFates).toEqual(["held", "delivered", "delivered", "delivered"]);
  });

  it("a connect across a cut stays pending until the heal", () => {
    const sim = pair([]);
    sim.schedule({ type: "partition", groups: [["a"], "rest"] }, us(0));
    sim.schedule({ type: "heal" }, seconds(5));
    sim.runUntil(seconds(4));
    expect(events(log(sim, "a"))).toEqual(["start"]);
    sim.runUntil(seconds(6));
    expect(events(log(sim, "a"))).toEqual(["start", "connected b"]);
  });

  it('"rest" takes every process not named, and an unnamed process is untouched without it', () => {
    const sim = new Simulation({ seed: 1 });
    const dialAndPing = (peers: string[]): ProbeScript[] => [
      ...peers.map((p) => ({ afterUs: 1000, act: dial(p) })),
      ...peers.map((p) => ({ afterUs: 10_000, act: sendTo(p, { type: "ping", n: 1 }) })),
    ];
    sim.addProcess("a", probe({ script: dialAndPing(["b", "c"]) }));
    sim.addProcess("b", probe());
    sim.addProcess("c", probe({ script: dialAndPing(["b"]) }));
    sim.schedule({ type: "partition", name: "p", groups: [["a"], "rest"] }, ms(5));
    sim.schedule({ type: "partition", name: "q", groups: [["b"], ["a"]] }, ms(5));
    sim.schedule({ type: "heal", name: "p" }, ms(6));
    sim.runUntil(ms(100));
    // Only q remains: a and b are cut off from each other, c reaches both.
    expect(events(log(sim, "b")).filter((e) => e.startsWith("message"))).toEqual(["message c ping 1"]);
    expect(events(log(sim, "c")).filter((e) => e.startsWith("message"))).toEqual(["message a ping 1"]);
  });

  it("a one-way partition cuts only the first group's bytes to the second", () => {
    const sim = pair([{ afterUs: 10_000, act: ping(1) }]);
    sim.schedule({ type: "partition", groups: [["b"], ["a"]], oneWay: true }, ms(5));
    sim.runUntil(ms(100));
    // a's ping reaches b; b's pong to a is held.
    expect(events(log(sim, "b")).slice(2)).toEqual(["message a ping 1"]);
    expect(events(log(sim, "a")).slice(2)).toEqual([]);
    sim.apply({ type: "heal" });
    sim.runUntil(ms(200));
    expect(events(log(sim, "a")).slice(2)).toEqual(["message b pong 1"]);
  });

  it("clog holds one direction until unclog, then everything arrives in order", () => {
    const sim = pair(cutScript);
    sim.schedule({ type: "clog", from: "a", to: "b" }, ms(5));
    sim.schedule({ type: "unclog", from: "a", to: "b" }, ms(500));
    sim.runUntil(ms(499));
    expect(events(log(sim, "b")).slice(2)).toEqual([]);
    sim.runUntil(ms(600));
    expect(events(log(sim, "b")).slice(2)).toEqual(["message a ping 1", "message a ping 2", "message a ping 3"]);
  });

  it("hold catches only the kinds it names, and what follows on that connection waits behind", () => {
    const sim = new Simulation({ seed: 1, mode: "trace" });
    sim.addProcess(
      "a",
      probe({
        script: [
          { afterUs: 1000, act: dial("b") },
          { afterUs: 10_000, act: sendTo("b", { type: "gossip", n: 1 }) },
          { afterUs: 20_000, act: sendTo("b", { type: "vote", n: 2 }) },
          { afterUs: 30_000, act: sendTo("b", { type: "gossip", n: 3 }) },
        ],
      }),
    );
    sim.addProcess("b", probe());
    sim.schedule({ type: "hold", name: "votes", kinds: ["vote"], to: "b" }, ms(5));
    sim.schedule({ type: "release", name: "votes" }, ms(100));
    sim.runUntil(ms(99));
    expect(events(log(sim, "b")).slice(2)).toEqual(["message a gossip 1"]);
    sim.runUntil(ms(200));
    expect(events(log(sim, "b")).slice(2)).toEqual(["message a gossip 1", "message a vote 2", "message a gossip 3"]);
    expect(sim.messageLog.filter((m) => m.fate === "held").map((m) => m.kind)).toEqual(["vote"]);
  });

  it("delay adds its latency to one direction only", () => {
    const sim = new Simulation({ seed: 1, network: { baseLatencyUs: 100, jitterUs: 0 } });
    sim.addProcess("a", probe({ script: [{ afterUs: 1000, act: dial("b") }, { afterUs: 10_000, act: ping(1) }] }));
    sim.addProcess("b", probe({ echo: true }));
    sim.schedule({ type: "delay", from: "a", to: "b", extraMs: 40 }, ms(5));
    sim.runUntil(ms(100));
    const at = (pid: string, suffix: string): number => Number(log(sim, pid).find((l) => l.endsWith(suffix))!.split(" ")[0]);
    expect(at("b", "ping 1")).toBe(10_000 + 100 + 40_000);
    expect(at("a", "pong 1")).toBe(10_000 + 100 + 40_000 + 100);
  });

  it("loss makes TCP retransmit: every message arrives, in order, late by at least one RTO", () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const script: ProbeScript[] = [{ afterUs: 1000, act: dial("b") }];
        for (let n = 0; n < 20; n++) script.push({ afterUs: 10_000 + n * 1000, act: ping(n) });
        const sim = new Simulation({ seed, mode: "trace" });
        sim.addProcess("a", probe({ script }));
        sim.addProcess("b", probe({ echo: true }));
        sim.schedule({ type: "loss", from: "a", to: "b", rate: 0.5 }, ms(5));
        // Backoff doubles per lost try (200 ms, 400 ms, …), so an unlucky packet can take minutes.
        sim.runUntil(seconds(3600));
        expect(events(log(sim, "b")).filter((e) => e.startsWith("message"))).toEqual(script.slice(1).map((_, n) => `message a ping ${n}`));
        const retransmitted = sim.messageLog.filter((m) => m.kind === "ping" && (m.retransmits ?? 0) > 0);
        for (const m of retransmitted) expect(m.atUs - m.sentUs).toBeGreaterThanOrEqual(TCP_RTO_MIN_US);
        // With half the packets lost, 20 pings cannot all get through on the first try.
        expect(retransmitted.length).toBeGreaterThan(0);
      }),
      { numRuns: 20 },
    );
  });

  it("refuses a malformed fault when it is scheduled, saying what is wrong", () => {
    const sim = pair([]);
    const bad: [Fault, RegExp][] = [
      [{ type: "kill", node: "7009" }, /node "7009" is not a process of this run/],
      [{ type: "partition", groups: [["a"]] }, /at least two groups/],
      [{ type: "partition", groups: [["a"], ["a", "b"]] }, /"a" is in two partition groups/],
      [{ type: "partition", groups: [["a"], "rest", ["b"]], oneWay: true }, /exactly two groups/],
      [{ type: "loss", from: "a", to: "b", rate: 1.5 }, /rate must be between 0 and 1/],
      [{ type: "kil", node: "a" } as unknown as Fault, /unknown fault "kil" \(expected one of: kill, shutdown, pause/],
    ];
    for (const [fault, message] of bad) expect(() => sim.schedule(fault, ms(1))).toThrow(message);
  });
});

describe("pre-existing connections (Simulation.preconnect)", () => {
  it("carry data from the first instant, announce nothing, and close like any other", () => {
    const sim = new Simulation({ seed: 1 });
    let conn = -1;
    sim.addProcess("a", probe({ script: [{ afterUs: 1000, act: (_state, ctx) => ctx.send(conn, { type: "ping", n: 1 }) }] }));
    sim.addProcess("b", probe({ echo: true }));
    conn = sim.preconnect("a", "b", "bus");
    sim.schedule({ type: "kill", node: "a" }, ms(5));
    sim.runUntil(ms(10));
    expect(events(log(sim, "b"))).toEqual(["start", "message a ping 1", "closed a eof"]);
    expect(events(log(sim, "a"))).toEqual(["start", "message b pong 1"]);
  });

  it("can only join processes that have not started", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addProcess("a", probe());
    sim.addProcess("b", probe());
    sim.runUntil(ms(1));
    expect(() => sim.preconnect("a", "b", "bus")).toThrow(/not started/);
  });
});
