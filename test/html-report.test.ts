import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { library, runScenario } from "@failover-lab/scenarios";
import { PAGE_CSP, PAYLOAD_ELEMENT_ID, realFiguresOf, renderPage, type ReportData, type SweepData } from "@failover-lab/report";
import { reportDataOfRun, reportHtml } from "../cli/html";
import { htmlPage } from "../cli/html-page";
import { sweep } from "../cli/sweep";
import { sweepTarget } from "../cli/sweep-run";

/**
 * The teaching report is one file that works offline: nothing in it may load from the network,
 * and the run it shows is inside it. (The browser tests in test/system/ open it in Chromium.)
 */

/** Absolute URLs a bundled library may hold as plain strings, never loaded: XML namespace names and immer's error-text link. */
const HARMLESS_URLS = new Set([
  "http://www.w3.org/1999/xhtml",
  "http://www.w3.org/1999/xlink",
  "http://www.w3.org/2000/svg",
  "http://www.w3.org/2000/xmlns/",
  "http://www.w3.org/XML/1998/namespace",
  "https://bit.ly/3cXEKWf",
]);

function foreignUrls(html: string): string[] {
  const urls = new Set(html.match(/\b(https?|wss?|ftp):\/\/[^\s"'`)<>\\]+/gi) ?? []);
  return [...urls].filter((u) => !HARMLESS_URLS.has(u));
}

function payloadOf(html: string): unknown {
  const match = new RegExp(`<script type="application/octet-stream" id="${PAYLOAD_ELEMENT_ID}"[^>]*>([A-Za-z0-9+/=]*)</script>`).exec(html);
  expect(match, "the page has its data element").not.toBeNull();
  return JSON.parse(gunzipSync(Buffer.from(match![1]!, "base64")).toString("utf8"));
}

describe("the HTML report of a run (drill-001, Sentinel)", () => {
  const scenario = library.find((s) => s.name === "drill-001")!;
  const run = runScenario(scenario, { seed: 3, mode: "trace" });
  const data = reportDataOfRun(scenario, run);
  const html = reportHtml(data);

  it("loads nothing from anywhere: no src/href/url()/@import, only harmless URL strings, and a CSP that forbids fetching", () => {
    expect(html).not.toMatch(/\s(src|href)\s*=/i);
    expect(html).not.toMatch(/url\(\s*['"]?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(foreignUrls(html)).toEqual([]);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">`);
    expect(PAGE_CSP).toMatch(/^default-src 'none'/);
  });

  it("embeds the run: its trace, message fates, patches, initial states, steps and log lines", () => {
    const embedded = payloadOf(html) as ReportData;
    expect(embedded.traceHash).toBe(run.sim.traceHash());
    expect(embedded.trace).toEqual(JSON.parse(JSON.stringify(run.sim.trace)));
    expect(embedded.messages.length).toBe(run.sim.messageLog.length);
    expect(embedded.patches.length).toBe(run.sim.patchLog.length);
    expect(Object.keys(embedded.initialStates).sort()).toEqual(Object.keys(run.sim.initialStates).sort());
    expect(embedded.steps.map((s) => s.text)).toEqual(run.steps.map((s) => s.text));
    expect(embedded.processes.find((p) => p.id === "26400")?.kind).toBe("sentinel");
    expect(embedded.processes.find((p) => p.id === "6400")?.kind).toBe("server");
  });

  it("links every log line to the trace record that wrote it", () => {
    expect(data.logLines.length).toBeGreaterThan(20);
    for (const line of data.logLines) {
      const record = data.trace[line.traceIndex]!;
      expect(record.node).toBe(line.process);
      expect(record.atUs).toBe(line.atUs);
    }
    expect(data.logLines.some((l) => l.process === "26400" && l.line.includes("+switch-master mymaster"))).toBe(true);
  });

  it("inlines the viewer: one script, one style, and no closing tag of either inside them", () => {
    expect(html.match(/<script>/g)?.length).toBe(1);
    expect(html.match(/<\/script>/g)?.length).toBe(2); // the data element and the viewer
    expect(html.match(/<\/style>/g)?.length).toBe(1);
  });
});

describe("the page around the viewer", () => {
  it("escapes a closing script tag inside the inlined script", () => {
    const html = renderPage({ title: "a <b>", script: 'const s = "</script><script>alert(1)";', css: "", payloadBase64: "", payloadKind: "test" });
    expect(html).toContain("<title>a &lt;b&gt;</title>");
    expect(html).not.toContain('"</script><script>alert(1)"');
    expect(html).toContain('"<\\/script><script>alert(1)"');
  });

  it("refuses a payload that is not base64", () => {
    expect(() => renderPage({ title: "x", script: "", css: "", payloadBase64: "</script>", payloadKind: "test" })).toThrow(/base64/);
  });
});

describe("real Redis figures for the sweep plots (docs/fidelity/<drill>.json)", () => {
  it("reads CONTRACTS §10's shape", () => {
    const read = realFiguresOf({ drill: "drill-000", trials: 5, gate: 0.25, phases: { failMs: { real: { min: 15000, median: 16000, max: 17000 }, sim: { min: 1, median: 2, max: 3 } } } });
    expect(read).toEqual({ figures: { failMs: { min: 15000, median: 16000, max: 17000 } } });
  });

  it("says what is wrong with anything else", () => {
    expect(realFiguresOf({})).toEqual({ problem: "it has no `phases` object" });
    expect(realFiguresOf({ phases: { failMs: { sim: {} } } })).toEqual({ problem: "phases.failMs has no `real` object" });
    expect(realFiguresOf({ phases: { failMs: { real: { min: 1, median: "2", max: 3 } } } })).toEqual({ problem: "phases.failMs.real wants numbers min, median, max" });
  });
});

describe("the sweep page (drill-001 over 3 seeds)", () => {
  const scenario = library.find((s) => s.name === "drill-001")!;
  let data: SweepData;
  beforeAll(async () => {
    data = await sweep(scenario, { seeds: 3, firstSeed: 1, workers: 0, fidelity: "/nonexistent/drill-001.json" });
  });

  it("measures the first failover's phases per seed, seeds S, S+1, …", () => {
    expect(data.runs.map((r) => r.seed)).toEqual(["1", "2", "3"]);
    for (const r of data.runs) {
      expect(r.fault).toBe("kill 6400");
      expect(r.phases.sdownMs).toBeGreaterThan(0);
      expect(r.phases.switchMasterMs).toBeGreaterThan(r.phases.odownMs!);
    }
  });

  it("says why there are no real Redis figures when the calibration report is missing", () => {
    expect(data.real).toBeNull();
    expect(data.realSource).toContain("/nonexistent/drill-001.json does not exist");
  });

  it("is one page that loads nothing and embeds the sweep", () => {
    const html = htmlPage("sweep", "sweep", data);
    expect(foreignUrls(html)).toEqual([]);
    expect(html).not.toMatch(/\s(src|href)\s*=/i);
    expect(payloadOf(html)).toEqual(JSON.parse(JSON.stringify(data)));
  });
});

describe("a sweep of a calibration drill (kill-master) against its real Redis figures", () => {
  it("runs calibrate's simulated side per seed and reads the real medians of docs/fidelity's shape", async () => {
    const dir = mkdtempSync(join(tmpdir(), "failover-lab-fidelity-"));
    const fidelity = join(dir, "kill-master.json");
    const real = { min: 2500, median: 3300, max: 4000 };
    writeFileSync(fidelity, JSON.stringify({ drill: "kill-master", trials: 5, gate: "ci", phases: { failMs: { real, sim: real } } }));
    try {
      const data = await sweep(sweepTarget("kill-master")!, { seeds: 2, firstSeed: 1, workers: 0, fidelity });
      expect(data.real).toEqual({ failMs: real });
      expect(data.realSource).toBe(`real Redis 7.0.15 from ${fidelity} (5 trials)`);
      for (const run of data.runs) {
        expect(run.fault).toBe("kill 7001");
        // cluster-node-timeout 2000: FAIL after the timeout, the election after FAIL.
        expect(run.phases.failMs).toBeGreaterThan(2000);
        expect(run.phases.electionWonMs).toBeGreaterThan(run.phases.failMs!);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
