import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

/**
 * Headless Chromium for the HTML report's tests (Debian's `chromium`, driven by playwright-core).
 * Every request other than the page's own file is aborted and remembered, so a test can prove
 * the report never touches the network.
 */

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Pages and screenshots of these tests (the repository ignores /tmp/). */
export const OUTPUT_DIR = fileURLToPath(new URL("../../tmp/system/report/", import.meta.url));

export function outputPath(name: string): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return join(OUTPUT_DIR, name);
}

export async function launchChromium(): Promise<Browser> {
  // CONTRACTS §6: a system test fails, never skips, when its binary is missing.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface OpenedReport {
  readonly page: Page;
  /** Console errors and uncaught exceptions. */
  readonly errors: string[];
  /** Requests the page tried to make beyond its own file. */
  readonly blocked: string[];
}

/** Opens a report from its file URL with the network blocked, and waits until the viewer is ready. */
export async function openReport(browser: Browser, file: string, viewport = { width: 1500, height: 1100 }): Promise<OpenedReport> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  const blocked: string[] = [];
  const url = pathToFileURL(file).href;
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.route("**/*", async (route) => {
    if (route.request().url() === url) return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  await page.goto(url);
  await page.waitForFunction(() => {
    const api = (globalThis as unknown as { failoverLab?: LabApi }).failoverLab;
    return api?.ready === true || (api?.errors.length ?? 0) > 0;
  }, null, { timeout: 120_000 });
  errors.push(...(await page.evaluate(() => (globalThis as unknown as { failoverLab: LabApi }).failoverLab.errors)));
  return { page, errors, blocked };
}

/** Moves the cursor the way the page's own controls do, and waits for the panel to follow. */
export async function seek(page: Page, atUs: number): Promise<void> {
  await page.evaluate((t) => (globalThis as unknown as { failoverLab: LabApi }).failoverLab.seek(t), atUs);
  await page.waitForFunction((t) => (globalThis as unknown as { failoverLab: LabApi }).failoverLab.cursorUs === t, Math.round(atUs));
}

/** Zooms the timeline to [fromUs, toUs] and waits for it to be drawn. */
export async function showSpan(page: Page, fromUs: number, toUs: number): Promise<void> {
  await page.evaluate(([from, to]) => (globalThis as unknown as { failoverLab: LabApi }).failoverLab.showSpan(from!, to!), [fromUs, toUs]);
  // Two animation frames: the zoom's redraw has happened.
  await page.evaluate(() => {
    const frame = (callback: () => void): number => (globalThis as unknown as { requestAnimationFrame(callback: () => void): number }).requestAnimationFrame(callback);
    return new Promise<void>((resolve) => frame(() => frame(resolve)));
  });
}

/** The `data-*` of a node's card in the panel. */
export async function card(page: Page, node: string): Promise<{ role?: string; currentEpoch?: string; configEpoch?: string; process?: string; text: string }> {
  const locator = page.locator(`.panel .card[data-node="${node}"]`);
  return locator.evaluate((element) => ({ ...(element as unknown as { dataset: Record<string, string> }).dataset, text: (element as unknown as { innerText: string }).innerText }));
}

/** What the viewer exposes on its window (packages/report/viewer/report.ts). */
export interface LabApi {
  ready: boolean;
  cursorUs: number;
  endUs: number;
  errors: string[];
  seek(atUs: number): void;
  showSpan(fromUs: number, toUs: number): void;
  firstEvent(type: string, node?: string): number | null;
}
