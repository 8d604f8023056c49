import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { library, runScenario } from "@failover-lab/scenarios";
import type { TraceRecord } from "@failover-lab/sim-core/trace";
import { reportHtml, writeHtmlReport } from "../../cli/html";
import { BENCH_1000_REPORT, largeClusterReportData } from "../../cli/html-large";
import { writeFileAtomically } from "../../cli/html-page";
import { card, launchChromium, openReport, outputPath, seek, showSpan, type LabApi } from "./report-browser";

/**
 * The teaching report in a real browser (headless Chromium, network blocked): it opens from a
 * file URL without a console error, and the panel shows each node's own view at the cursor.
 * Screenshots land in tmp/system/report/.
 */

const MS = 1000;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

function first(trace: readonly TraceRecord[], type: string, node?: string): TraceRecord {
  const found = trace.find((r) => r.type === type && (node === undefined || r.node === node));
  if (found === undefined) throw new Error(`the run has no ${type} event${node === undefined ? "" : ` on ${node}`}`);
  return found;
}

describe("drill-000's report (Redis Cluster, SHUTDOWN of the masters)", () => {
  const scenario = library.find((s) => s.name === "drill-000")!;
  const run = runScenario(scenario, { seed: 1, mode: "trace" });
  const file = outputPath("drill-000.html");
  writeHtmlReport(file, scenario, run);
  const won = first(run.sim.trace, "electionWon") as TraceRecord & { type: "electionWon"; epoch: number };
  const fault = run.sim.trace.find((r) => r.type === "faultApplied" && r.atUs < won.atUs && r.fault.type === "shutdown")! as TraceRecord & { type: "faultApplied" };
  const victim = "node" in fault.fault ? String(fault.fault.node) : "";

  it("opens offline with no console error and no request", async () => {
    const { page, errors, blocked } = await openReport(browser, file);
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);
    expect(await page.locator(".panel .card").count()).toBeGreaterThanOrEqual(6);
    // The whole run at once: labels are thinned where they would overlap (look at this one).
    await showSpan(page, 0, run.sim.nowUs);
    await page.screenshot({ path: outputPath("drill-000-whole-run.png") });
    await page.close();
  });

  it("just after the first election, shows the replica as master with the new epoch; before the shutdown, the old roles", async () => {
    const { page, errors } = await openReport(browser, file);
    await seek(page, won.atUs + 1 * MS);
    const winner = await card(page, won.node);
    expect(winner.role).toBe("master");
    expect(winner.currentEpoch).toBe(String(won.epoch));
    expect(winner.configEpoch).toBe(String(won.epoch));
    // Its own CLUSTER NODES line: myself,master with the new config epoch.
    expect(winner.text).toMatch(new RegExp(`127\\.0\\.0\\.1:${won.node}@\\d+ myself,master - \\d+ \\d+ ${won.epoch} connected`));
    // From the first FAIL to just after the election, so its arrows can be told apart.
    await showSpan(page, first(run.sim.trace, "nodeMarkedFailing").atUs - 300 * MS, won.atUs + 300 * MS);
    await page.screenshot({ path: outputPath("drill-000-after-election.png") });

    await seek(page, fault.atUs - 1 * MS);
    const before = await card(page, won.node);
    expect(before.role).toBe("replica");
    expect(Number(before.currentEpoch)).toBeLessThan(won.epoch);
    const old = await card(page, victim);
    expect(old.role).toBe("master");
    expect(old.process).toBe("running");
    expect(old.text).toMatch(new RegExp(`127\\.0\\.0\\.1:${victim}@\\d+ myself,master`));
    await page.screenshot({ path: outputPath("drill-000-before-shutdown.png") });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("steps to the next event with the arrow key and plays with space", async () => {
    const { page, errors } = await openReport(browser, file);
    await seek(page, fault.atUs - 1 * MS);
    await page.keyboard.press("ArrowRight");
    const next = await page.evaluate(() => (globalThis as unknown as { failoverLab: LabApi }).failoverLab.cursorUs);
    expect(next).toBeGreaterThan(fault.atUs - 1 * MS);
    // The stops after it: the shutdown step's moment (summary steps are in whole ms), then the fault itself.
    const stepAtUs = run.steps.find((s) => s.text === `shutdown ${victim}`)!.atMs * 1000;
    expect(next).toBe(Math.min(stepAtUs, fault.atUs) + 1);
    await page.keyboard.press("ArrowRight");
    const after = await page.evaluate(() => (globalThis as unknown as { failoverLab: LabApi }).failoverLab.cursorUs);
    expect(after).toBe(Math.max(stepAtUs, fault.atUs) + 1);
    await page.keyboard.press("ArrowLeft");
    expect(await page.evaluate(() => (globalThis as unknown as { failoverLab: LabApi }).failoverLab.cursorUs)).toBe(next);
    await page.keyboard.press("Space");
    await page.waitForFunction((t) => (globalThis as unknown as { failoverLab: LabApi }).failoverLab.cursorUs > t, after);
    await page.keyboard.press("Space");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("leaves Space to a focused checkbox or button: it toggles the box and playback does not start", async () => {
    const { page, errors } = await openReport(browser, file);
    await seek(page, fault.atUs - 1 * MS);
    const box = page.locator(".kinds input[type=checkbox]").first();
    const wasChecked = await box.isChecked();
    await box.focus();
    await page.keyboard.press("Space");
    expect(await box.isChecked()).toBe(!wasChecked);
    await page.keyboard.press("Space");
    expect(await box.isChecked()).toBe(wasChecked);
    // A focused button: Space presses it (here "next ▶"), the page does not start playing.
    await page.locator("button", { hasText: "next" }).focus();
    await page.keyboard.press("Space");
    const afterNext = await page.evaluate(() => (globalThis as unknown as { failoverLab: LabApi }).failoverLab.cursorUs);
    expect(afterNext).toBeGreaterThan(fault.atUs - 1 * MS);
    // Two frames later the cursor has not moved on: nothing is playing.
    await page.evaluate(() => new Promise<void>((resolve) => (globalThis as unknown as { setTimeout(f: () => void, ms: number): void }).setTimeout(resolve, 200)));
    expect(await page.evaluate(() => (globalThis as unknown as { failoverLab: LabApi }).failoverLab.cursorUs)).toBe(afterNext);
    expect(await page.locator("button", { hasText: "play" }).innerText()).toContain("play");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("jumps to a step's moment when the step is clicked, and to a log line's", async () => {
    const { page } = await openReport(browser, file);
    const stepIndex = run.steps.findIndex((s) => s.text.startsWith("shutdown"));
    await page.locator(`.steps [data-step="${stepIndex}"]`).click();
    expect(await page.evaluate(() => (globalThis as unknown as { failoverLab: LabApi }).failoverLab.cursorUs)).toBe(run.steps[stepIndex]!.atMs * 1000 + 1);
    const line = page.locator(".log .line", { hasText: "Failover election won" }).first();
    await line.click();
    const cursor = await page.evaluate(() => (globalThis as unknown as { failoverLab: LabApi }).failoverLab.cursorUs);
    expect(cursor).toBe(won.atUs + 1);
    expect(await page.locator(".cause").innerText()).toContain('"type":"electionWon"');
    await page.close();
  });
});

describe("drill-002's report (Sentinel, docker pause)", () => {
  const scenario = library.find((s) => s.name === "drill-002")!;
  const run = runScenario(scenario, { seed: 1, mode: "trace" });
  const file = outputPath("drill-002.html");
  writeHtmlReport(file, scenario, run);
  const switched = first(run.sim.trace, "switchMaster") as TraceRecord & { type: "switchMaster"; newPort: number; oldPort: number };
  const elected = first(run.sim.trace, "electedLeader");

  it("shows the votes and +switch-master, and the Sentinel's new master in its panel", async () => {
    const { page, errors, blocked } = await openReport(browser, file);
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);
    await seek(page, switched.atUs + 1 * MS);
    const sentinel = await card(page, switched.node);
    expect(sentinel.role).toBe("sentinel");
    expect(sentinel.text).toContain(`master mymaster 127.0.0.1:${switched.newPort}`);
    // Votes: the leader's own vote and what it heard of the others', in epoch 1.
    const leader = await card(page, elected.node);
    // Named by port, not by run id: the leader voted for itself, and the others' votes it heard name a Sentinel too.
    expect(leader.text).toContain(`its vote: Sentinel ${elected.node} in epoch 1`);
    expect(leader.text).toMatch(/voted Sentinel \d+ in epoch 1/);
    expect(leader.text).not.toMatch(/[0-9a-f]{8}…/);
    // Vote arrows are on by default, and +switch-master is in the log.
    expect(await page.locator('.kinds input[value="vote"]').isChecked()).toBe(true);
    await expect.poll(() => page.locator(".log .line", { hasText: `+switch-master mymaster 127.0.0.1 ${switched.oldPort} 127.0.0.1 ${switched.newPort}` }).count()).toBeGreaterThan(0);
    // From the first +sdown to just after +switch-master: the vote arrows are in view.
    await showSpan(page, first(run.sim.trace, "sdown").atUs - 500 * MS, switched.atUs + 1500 * MS);
    expect(await page.locator(".timeline-status").innerText()).toMatch(/^[1-9]\d* arrows in view/);
    await page.screenshot({ path: outputPath("drill-002-after-switch.png") });
    await page.close();
  });

  it("keeps the current step and log line in view as the cursor moves, scrolling their boxes and not the window", async () => {
    const { page, errors } = await openReport(browser, file);
    await seek(page, switched.atUs + 1 * MS);
    const inView = (selector: string, boxSelector: string): Promise<{ top: number; bottom: number; boxTop: number; boxBottom: number; scrollTop: number }> =>
      page.evaluate(
        ([item, box]) => {
          const doc = globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): { top: number; bottom: number }; scrollTop: number } | null } };
          const i = doc.document.querySelector(item!)!.getBoundingClientRect();
          const b = doc.document.querySelector(box!)!;
          const r = b.getBoundingClientRect();
          return { top: i.top, bottom: i.bottom, boxTop: r.top, boxBottom: r.bottom, scrollTop: b.scrollTop };
        },
        [selector, boxSelector],
      );
    const step = await inView(".steps .step.current", ".steps");
    // The step is far down the list (drill-002 has many steps before +switch-master): the box scrolled.
    expect(step.scrollTop).toBeGreaterThan(0);
    expect(step.top).toBeGreaterThanOrEqual(step.boxTop - 1); // sub-pixel layout
    expect(step.bottom).toBeLessThanOrEqual(step.boxBottom + 1);
    const line = await inView(".log .line.current", ".log");
    expect(line.top).toBeGreaterThanOrEqual(line.boxTop - 1); // sub-pixel layout
    expect(line.bottom).toBeLessThanOrEqual(line.boxBottom + 1);
    // The window itself stayed where it was.
    expect(await page.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY)).toBe(0);
    // Back to the start: the first step is current and in view again.
    await seek(page, run.steps[0]!.atMs * 1000 + 1);
    const back = await inView(".steps .step.current", ".steps");
    expect(back.top).toBeGreaterThanOrEqual(back.boxTop - 1); // sub-pixel layout
    // The first step (narrative notes and output) is taller than the box: its top is shown.
    expect(back.bottom <= back.boxBottom + 1 || Math.abs(back.top - back.boxTop) <= 1).toBe(true);
    expect(back.scrollTop).toBeLessThan(step.scrollTop);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("drill-001's report (Sentinel with a client) at 1280×720", () => {
  const scenario = library.find((s) => s.name === "drill-001")!;
  const run = runScenario(scenario, { seed: 1, mode: "trace" });
  const file = outputPath("drill-001.html");
  writeHtmlReport(file, scenario, run);
  const switched = first(run.sim.trace, "switchMaster");

  it("shows the timeline and the panel together, and the client as a client (legend, readable card)", async () => {
    const { page, errors } = await openReport(browser, file, { width: 1280, height: 720 });
    await seek(page, switched.atUs + 1000 * MS);
    const box = (selector: string) => page.locator(selector).first().evaluate((e) => (e as unknown as { getBoundingClientRect(): { top: number; left: number; bottom: number } }).getBoundingClientRect());
    const canvas = await box(".lanes-scroll canvas");
    const panel = await box(".panel .card");
    // Both begin above the fold of a 720 px screen.
    expect(canvas.top).toBeLessThan(720);
    expect(panel.top).toBeLessThan(720);
    expect(await page.locator(".legend").innerText()).toContain("client");
    const client = page.locator(".panel .card.client pre.client-summary").first();
    const text = await client.innerText();
    expect(text).toMatch(/acked \d+ · failed attempts \d+/);
    expect(text).toMatch(/last reply: (OK for SET \S+ \S+ from \d+ at [\d.]+ s|none yet)/);
    expect(text).not.toContain("{");
    await page.screenshot({ path: outputPath("drill-001-1280x720.png") });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("the 1000-node run (CONTRACTS §11 bench-1000: 500 + 500, a master killed at 1 s)", () => {
  it("renders with virtual lanes and stays responsive (scroll, seek, zoom)", async () => {
    const started = performance.now();
    const data = largeClusterReportData();
    const file = outputPath("bench-1000.html");
    const html = reportHtml(data);
    writeFileAtomically(file, html);
    const builtS = (performance.now() - started) / 1000;
    const { page, errors, blocked } = await openReport(browser, file);
    const openedS = (performance.now() - started) / 1000 - builtS;
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);
    expect(data.processes.length).toBe(1000);
    // CONTRACTS §11: at least 10 simulated seconds.
    expect(data.endUs).toBeGreaterThanOrEqual(10_000_000);
    // Every lane can be reached, but only a view's worth of rows is drawn (the canvas is one view high).
    const scroll = page.locator(".lanes-scroll");
    const heights = await scroll.evaluate((element) => ({ scroll: element.scrollHeight, view: element.clientHeight }));
    expect(heights.scroll).toBeGreaterThan(20 * heights.view);
    await scroll.evaluate((element) => element.scrollTo(0, element.scrollHeight));
    await seek(page, 2_000_000);
    await page.keyboard.press("+");
    const killed = await card(page, "7001");
    expect(killed.process).toBe("dead");
    await page.screenshot({ path: outputPath("bench-1000.png") });
    console.log(`bench-1000 report: ${(html.length / 1e6).toFixed(2)} MB, built in ${builtS.toFixed(1)} s, opened and ready in ${openedS.toFixed(1)} s`);
    await page.close();
  }, 600_000);
});

describe("a 100-node run in trace mode (50 + 50, every message kept)", () => {
  it("draws no gossip until asked, then thins it when zoomed out and shows it all when zoomed in", async () => {
    const data = largeClusterReportData({ ...BENCH_1000_REPORT, name: "bench-100", masters: 50, simulatedSeconds: 3, mode: "trace" });
    const file = outputPath("bench-100-trace.html");
    writeFileAtomically(file, reportHtml(data));
    // Many more heartbeats than the page draws at once (MAX_ARROWS_IN_VIEW, 600).
    const heartbeats = data.messages.filter((m) => m.kind === "ping" || m.kind === "pong").length;
    expect(heartbeats).toBeGreaterThan(1500);
    const { page, errors, blocked } = await openReport(browser, file);
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);
    const status = page.locator(".timeline-status");
    expect(await page.locator('.kinds input[value="ping"]').isChecked()).toBe(false);
    expect(await page.locator('.kinds input[value="pong"]').isChecked()).toBe(false);
    await expect.poll(() => status.innerText()).toBe("0 arrows in view");
    await page.locator('.kinds input[value="ping"]').check();
    await page.locator('.kinds input[value="pong"]').check();
    await expect.poll(() => status.innerText()).toMatch(/thinned: 1 in [2-9]/);
    await page.screenshot({ path: outputPath("bench-100-gossip-thinned.png") });
    // 40 ms of a 3 s run: every arrow in view is drawn.
    await showSpan(page, 2_000_000, 2_040_000);
    await expect.poll(() => status.innerText()).toMatch(/^[1-9]\d* arrows in view$/);
    // Only one node's arrows.
    await page.locator('select[aria-label="node"]').selectOption("7002");
    await showSpan(page, 0, data.endUs);
    await expect.poll(() => status.innerText()).toMatch(/^[1-9]\d* arrows in view$/);
    await page.screenshot({ path: outputPath("bench-100-gossip-7002.png") });
    await page.close();
  }, 300_000);
});
