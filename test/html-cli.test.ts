import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/** `run --html`, `--out`'s report.html and `sweep` as a user runs them: files, bytes, exit codes. */
const root = join(import.meta.dirname, "..");
const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", join(root, "cli", "failover-lab.ts"), ...args], { cwd: root, encoding: "utf8" });
const dir = mkdtempSync(join(tmpdir(), "failover-lab-html-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("failover-lab run --html / --out and sweep --html", () => {
  it("writes one page for run --html, the same bytes as report.html of --out for the same seed; exit 0", () => {
    const page = join(dir, "drill-001.html");
    const result = cli("run", "drill-001", "--seed", "2", "--html", page, "--out", join(dir, "out"));
    expect(result.status).toBe(0);
    const html = readFileSync(page, "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(readFileSync(join(dir, "out", "report.html"), "utf8")).toBe(html);
    // Written through a temporary file: nothing else is left beside it.
    expect(readdirSync(dir).sort()).toEqual(["drill-001.html", "out"]);
  });

  it("refuses an --html it cannot write before running anything, with exit 2", () => {
    const missing = cli("run", "drill-001", "--html", join(dir, "no-such-folder", "x.html"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("no-such-folder does not exist");
    const folder = cli("sweep", "drill-001", "--seeds", "1", "--html", dir);
    expect(folder.status).toBe(2);
    expect(folder.stderr).toContain("is a folder");
  });

  it("sweeps seeds S..S+N-1, prints each seed's phases and the medians, and writes the plots", () => {
    const page = join(dir, "sweep.html");
    // On two worker threads: the seeds still come back in order.
    const result = cli("sweep", "drill-001", "--seeds", "2", "--first-seed", "5", "--workers", "2", "--html", page);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^seed +5 +sdownMs \d+ +odownMs \d+ +switchMasterMs \d+$/m);
    expect(result.stdout).toMatch(/^seed +6 /m);
    const embedded = readFileSync(page, "utf8");
    expect(embedded).toContain("drill-001 over 2 seeds");
    expect(result.stdout).toMatch(/^switchMasterMs +median \d+(\.\d)? ms over 2 seeds/m);
    expect(result.stdout).toContain("no calibration report for drill-001");
    // Named relative to the repository: the machine's folders mean nothing to a page's reader.
    expect(result.stdout).toContain("(docs/fidelity/drill-001.json does not exist)");
    expect(result.stdout).not.toContain(process.cwd());
    expect(existsSync(page)).toBe(true);
  });

  it("large-report refuses fewer simulated seconds than bench-1000's 10, or a folder as --html, with exit 2 before running", () => {
    const short = cli("large-report", "--html", join(dir, "large.html"), "--seconds", "3");
    expect(short.status).toBe(2);
    expect(short.stderr).toContain("--seconds wants a number ≥ 10");
    const folder = cli("large-report", "--html", dir);
    expect(folder.status).toBe(2);
    expect(folder.stderr).toContain("is a folder");
    expect(existsSync(join(dir, "large.html"))).toBe(false);
  });

  it("refuses an unknown drill or a bad --seeds with exit 2", () => {
    expect(cli("sweep", "drill-999", "--seeds", "2").status).toBe(2);
    const zero = cli("sweep", "drill-001", "--seeds", "0");
    expect(zero.status).toBe(2);
    expect(zero.stderr).toContain('expected a whole number ≥ 1, got "0"');
  });
});
