import { describe, expect, it } from "vitest";
import { SimulationError, Simulation, WALL_CLOCK_EPOCH_MS, ms, seconds, us, type ProcessModel } from "../src/index";
import { dial, events, probe, sendTo, type ProbeMessage, type ProbeScript, type ProbeState } from "./probe";

const log = (sim: Simulation, pid: string): string[] => sim.state<ProbeState>(pid).log;

/** Arms timers at start: `name` fires `afterUs` later. */
const timers = (spec: [string, number][], extra: ProbeScript[] = []): ProcessModel<ProbeState, ProbeMessage, unknown> => {
  const base = probe({ script: extra });
  return {
    ...base,
    handle(state, event, ctx) {
      base.handle(state, event, ctx);
      if (event.type === "start") for (const [name, afterUs] of spec) ctx.setTimer(name, us(afterUs));
    },
  };
};

describe("timers", () => {
  it("fire at their instant; re-arming moves one, cancelling removes it", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addProcess(
      "a",
      timers(
        [
          ["moved", 1000],
          ["cancelled", 2000],
          ["kept", 3000],
        ],
        [
          {
            afterUs: 500,
            act: (_s, ctx) => {
              ctx.setTimer("moved", us(4500)); // now due at 5000
              ctx.cancelTimer("cancelled");
            },
          },
        ],
      ),
    );
    sim.runUntil(ms(10));
    expect(log(sim, "a")).toEqual(["0 start", "3000 timer kept", "5000 timer moved"]);
  });

  it("of equal time fire in the order they were armed", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addProcess("a", timers([["z", 1000], ["a", 1000], ["m", 1000]]));
    sim.runUntil(ms(2));
    expect(events(log(sim, "a"))).toEqual(["start", "timer z", "timer a", "timer m"]);
  });
});

describe("pause and resume", () => {
  it("freeze timers; on resume, queued bytes are handled first, then overdue timers in due order", () => {
    const sim = new Simulation({ seed: 1, network: { jitterUs: 0 } });
    sim.addProcess("a", timers([["early", 2_000_000], ["late", 3_000_000], ["after", 9_000_000]]));
    sim.addProcess("b", probe({ script: [{ afterUs: 1000, act: dial("a") }, { afterUs: 2_500_000, act: sendTo("a", { type: "hello" }) }] }));
    sim.schedule({ type: "pause", node: "a" }, seconds(1));
    sim.schedule({ type: "resume", node: "a" }, seconds(5));
    sim.runUntil(seconds(4));
    expect(events(log(sim, "a"))).toEqual(["start", "accepted b"]);
    sim.runUntil(seconds(10));
    expect(log(sim, "a")).toEqual(["0 start", "1080 accepted b", "5000000 message b hello", "5000000 timer early", "5000000 timer late", "9000000 timer after"]);
    const resumed = sim.trace.find((r) => r.type === "processResumed");
    expect(resumed).toMatchObject({ node: "a", atUs: 5_000_000, queuedEvents: 1, overdueTimers: 2 });
  });

  it("let a shutdown wait in the socket until the process runs again", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addProcess("a", probe());
    sim.schedule({ type: "pause", node: "a" }, seconds(1));
    sim.schedule({ type: "shutdown", node: "a" }, seconds(2));
    sim.schedule({ type: "resume", node: "a" }, seconds(3));
    sim.runUntil(seconds(2.5));
    expect(sim.status("a")).toBe("paused");
    sim.runUntil(seconds(4));
    expect(sim.status("a")).toBe("exited");
    expect(sim.trace.filter((r) => r.node === "a").map((r) => `${r.atUs} ${r.type}`)).toContain("3000000 processExited");
  });
});

describe("crash, exit and restart", () => {
  it("keep only what the model persists, and never fire a timer armed before the crash", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addProcess(
      "a",
      timers([["stale", 5_000_000]], [{ afterUs: 1000, act: (s) => void (s.counter = 41) }]),
    );
    sim.schedule({ type: "kill", node: "a" }, seconds(1));
    sim.schedule({ type: "restart", node: "a" }, seconds(2));
    sim.runUntil(seconds(10));
    const state = sim.state<ProbeState>("a");
    expect(state.counter).toBe(41); // persisted
    // The log is not persisted; the restarted process re-armed "stale" for 2 s + 5 s, and the
    // first incarnation's timer (due at 5 s) never fired.
    expect(state.log).toEqual(["2000000 start restarted", "7000000 timer stale"]);
    expect(sim.trace.filter((r) => r.type === "processStarted").map((r) => r.type === "processStarted" && r.incarnation)).toEqual([0, 1]);
  });

  it("persist with 'crash' for kill -9 and 'exit' for a graceful stop", () => {
    const hows: string[] = [];
    const sim = new Simulation({ seed: 1 });
    sim.addProcess("a", probe({ persist: (_s, how) => void hows.push(how) }));
    sim.schedule({ type: "kill", node: "a" }, seconds(1));
    sim.schedule({ type: "restart", node: "a" }, seconds(2));
    sim.schedule({ type: "shutdown", node: "a" }, seconds(3));
    sim.runUntil(seconds(4));
    expect(hows).toEqual(["crash", "exit"]);
    expect(sim.status("a")).toBe("exited");
  });

  it("restart a live process by killing it first", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addProcess("a", probe());
    sim.schedule({ type: "restart", node: "a" }, seconds(1));
    sim.runUntil(seconds(2));
    expect(sim.trace.filter((r) => r.node === "a").map((r) => r.type)).toEqual(["processStarted", "faultApplied", "processCrashed", "processStarted"]);
  });

  it("lets a model finish its shutdown later, staying up until it exits", () => {
    const sim = new Simulation({ seed: 1 });
    const base = probe({ exitOnShutdown: false });
    sim.addProcess("a", {
      ...base,
      handle(state, event, ctx) {
        base.handle(state, event, ctx);
        if (event.type === "shutdown") ctx.setTimer("exit", ms(300));
        if (event.type === "timer" && event.name === "exit") ctx.exit();
      },
    });
    sim.schedule({ type: "shutdown", node: "a" }, seconds(1));
    sim.runUntil(ms(1299));
    expect(sim.status("a")).toBe("running");
    sim.runUntil(ms(1301));
    expect(sim.status("a")).toBe("exited");
  });

  it("records a fault that cannot apply as skipped, changing nothing", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addProcess("a", probe());
    sim.addProcess("b", probe(), { startAtUs: seconds(100) });
    sim.schedule({ type: "resume", node: "a" }, seconds(1));
    sim.schedule({ type: "kill", node: "b" }, seconds(1));
    sim.schedule({ type: "heal" }, seconds(1));
    sim.runUntil(seconds(2));
    const skipped = sim.trace.filter((r) => r.type === "faultSkipped").map((r) => r.type === "faultSkipped" && `${r.node}: ${r.fault.type} (${r.reason})`);
    expect(skipped).toEqual(["a: resume (it is running)", "b: kill (it is new)", "net: heal (no partition is in place)"]);
    expect(sim.status("a")).toBe("running");
  });
});

describe("wall clocks", () => {
  it("start at 2026-12-30 15:28:00 UTC and move with clockJump, one process at a time", () => {
    const seen: Record<string, number[]> = { a: [], b: [] };
    const clockModel = (id: string): ProcessModel<ProbeState, ProbeMessage, unknown> => ({
      ...probe(),
      handle(state, event, ctx) {
        if (event.type === "start" || event.type === "timer") {
          seen[id]!.push(ctx.wallMs());
          ctx.setTimer("t", seconds(1));
        }
      },
    });
    const sim = new Simulation({ seed: 1 });
    sim.addProcess("a", clockModel("a"));
    sim.addProcess("b", clockModel("b"));
    sim.schedule({ type: "clockJump", node: "a", deltaMs: 60_000 }, ms(1500));
    sim.runUntil(seconds(2));
    expect(seen["a"]).toEqual([WALL_CLOCK_EPOCH_MS, WALL_CLOCK_EPOCH_MS + 1000, WALL_CLOCK_EPOCH_MS + 62_000]);
    expect(seen["b"]).toEqual([WALL_CLOCK_EPOCH_MS, WALL_CLOCK_EPOCH_MS + 1000, WALL_CLOCK_EPOCH_MS + 2000]);
    expect(sim.nowUs).toBe(2_000_000); // simulated time never jumps
  });
});

describe("the run loop", () => {
  it("runUntil(predicate) stops at the first instant it holds, or at the limit", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addProcess("a", timers([["x", 1500], ["y", 2500]]));
    expect(sim.runUntil(() => log(sim, "a")?.length === 2, ms(10))).toBe(true);
    expect(sim.nowUs).toBe(1500);
    expect(sim.runUntil(() => false, ms(10))).toBe(false);
    expect(sim.nowUs).toBe(10_000);
  });

  it("step() handles one entry at a time and reports when nothing is left", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addProcess("a", timers([["x", 1500]]));
    expect(sim.step()).toBe(true); // start
    expect(sim.step()).toBe(true); // timer
    expect(sim.step()).toBe(false);
    expect(log(sim, "a")).toEqual(["0 start", "1500 timer x"]);
  });

  it("reports a failing handler with the node, the instant, the seed and the trace hash", () => {
    const failing = new Simulation({ seed: "s-77" });
    failing.addProcess("a", {
      ...probe(),
      handle(_state, event, ctx) {
        if (event.type === "start") ctx.setTimer("t", ms(7));
        if (event.type === "timer") throw new Error("boom");
      },
    });
    let caught: unknown;
    try {
      failing.runUntil(ms(10));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SimulationError);
    const error = caught as SimulationError;
    expect(error.message).toMatch(/^boom\n  at 7000 µs on a; seed s-77; trace hash so far [0-9a-f]{64}$/);
    expect(error.node).toBe("a");
    expect(error.traceHash).toBe(failing.traceHash());
  });
});
