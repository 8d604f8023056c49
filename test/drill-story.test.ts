import { describe, expect, it } from "vitest";
import { library, runScenario, type Scenario } from "@failover-lab/scenarios";
import { story } from "../cli/story";
import { logLinesOf } from "../cli/log-lines";

/**
 * The terminal story of every library drill: its title, its narrative, every step in order with
 * what it printed, the servers' (and Sentinels') Redis log lines between them, what the clients
 * saw, and the measures and writes at the end.
 */
describe.each(library.map((s) => [s.name, s] as const))("the story of %s", (_name, scenario) => {
  const run = runScenario(scenario, { seed: 1 });
  const lines = story(scenario, run, { logLines: logLinesOf(run.sim.trace) });
  const text = lines.join("\n");

  it("opens with the title and the whole narrative", () => {
    expect(lines[0]).toBe(`${scenario.name} — ${scenario.title}`);
    const words = scenario.narrative.split(/\s+/);
    expect(text.replace(/\s+/g, " ")).toContain(words.join(" "));
  });

  it("prints every step, in order, each with its note", () => {
    let from = 0;
    for (const [i, step] of run.steps.entries()) {
      const at = lines.findIndex((l, j) => j >= from && l.endsWith(`   ${step.text}`));
      expect(at, `step ${i + 1}: ${step.text}`).toBeGreaterThanOrEqual(from);
      const note = scenario.steps[i]!.note;
      if (note !== undefined) expect(lines[at - 1]).toBe(`## ${note}`);
      from = at + 1;
    }
    expect(text).toContain(`Every expectation held (${run.steps.length} steps).`);
  });

  it("shows the Redis log lines of the servers between the steps, and what the clients saw", () => {
    const ports = scenario.topology.kind === "cluster" ? scenario.topology.ports : [scenario.topology.master, ...scenario.topology.sentinels];
    for (const port of ports) expect(lines.some((l) => new RegExp(`^ +${port}:[MSX] \\d\\d \\w{3} 2026 `).test(l)), `log of ${port}`).toBe(true);
    if (scenario.workload !== undefined) {
      expect(lines.some((l) => /^ +client-1: /.test(l))).toBe(true);
      expect(text).toContain(`writes: ${run.writes!.acked} acknowledged, ${run.writes!.lost} lost`);
    }
  });

  it("places a shutdown's or restart's log lines under that step, never under the step before", () => {
    // Every `User requested shutdown` / startup banner of a node sits below the last step line
    // above it, and that step is the shutdown / restart of that node.
    let lastStep: string | undefined;
    const stepTexts = new Set(run.steps.map((s) => s.text));
    for (const line of lines) {
      const stepText = /^\[ *[\d.]+s\] [ ✗] (.*)$/.exec(line)?.[1];
      if (stepText !== undefined && stepTexts.has(stepText)) lastStep = stepText;
      const shutdown = /^ +(\d+):\w .*# User requested shutdown/.exec(line);
      if (shutdown === null) continue;
      // The log prefix is the pid: the port, plus 100000 for each restart.
      const port = /^(?:shutdown|restart) (\d+)$/.exec(lastStep ?? "")?.[1];
      expect(port, `${line} under: ${lastStep}`).toBeDefined();
      expect(Number(shutdown[1]) % 100_000, line).toBe(Number(port));
    }
  });

  it("ends with the phases measured after each fault on a master, and the seed and trace hash", () => {
    for (const m of run.measures) {
      const phases = (["pfailMs", "failMs", "electionWonMs", "clusterOkMs", "sdownMs", "odownMs", "switchMasterMs"] as const).filter((k) => m[k] !== undefined);
      // Counted from 1 for people, with summary.json's 0-based index beside it.
      if (phases.length > 0) expect(text).toContain(`step ${m.step + 1} (steps[${m.step}]), ${m.fault} at `);
      if (phases.length > 0) expect(run.steps[m.step]!.text).toMatch(new RegExp(`^${m.fault} `));
    }
    expect(lines.at(-1)).toBe(`seed 1  trace hash ${run.sim.traceHash()}`);
  });
});

describe("the story's small print", () => {
  it("prints a reply as redis-cli does, without quotes of its own", () => {
    const drill = library.find((s) => s.name === "drill-000")!;
    const text = story(drill, runScenario(drill, { seed: 1 }), { logLines: [] }).join("\n");
    expect(text).toContain('expect reply "testvalue002"');
    expect(text).toContain("expect reply OK");
    expect(text).not.toContain('""testvalue002""');
  });

  it("leaves one blank line under the title when there is no narrative", () => {
    const bare: Scenario = { name: "bare", title: "No narrative", narrative: "", topology: { kind: "cluster", ports: [7001, 7002, 7003], replicasPerMaster: 0 }, steps: [{ step: { type: "wait", ms: 1000 } }] };
    const lines = story(bare, runScenario(bare, { seed: 1 }), { logLines: [] });
    expect(lines.slice(0, 3)).toEqual(["bare — No narrative", "", lines[2]]);
    expect(lines[2]).toMatch(/^\[ *[\d.]+s\]   wait 1s$/);
  });
});
