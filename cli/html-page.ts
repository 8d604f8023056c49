import { buildSync } from "esbuild";
import { existsSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { renderPage } from "@failover-lab/report";

/**
 * The one-file HTML pages: the viewer (packages/report/viewer) is bundled with esbuild when a
 * page is written — it takes well under a second and can never be stale — and the run's data is
 * gzipped into the page.
 */

const VIEWER_DIR = fileURLToPath(new URL("../packages/report/viewer/", import.meta.url));
const REPO_DIR = fileURLToPath(new URL("../", import.meta.url));

/**
 * How a page names a file it read: relative to the repository when it is inside it (a page is
 * shared, and the machine's own folders mean nothing to its reader), else as given.
 */
export function shownPath(file: string): string {
  const inRepo = relative(REPO_DIR, resolve(file));
  return inRepo === "" || inRepo.startsWith("..") || isAbsolute(inRepo) ? file : inRepo.split(sep).join("/");
}

export type ViewerEntry = "report" | "sweep";

export interface ViewerBundle {
  readonly script: string;
  readonly css: string;
}

const bundles = new Map<ViewerEntry, ViewerBundle>();

/** The viewer's script (one IIFE, its libraries inside) and style, minified. */
export function bundleViewer(entry: ViewerEntry): ViewerBundle {
  const cached = bundles.get(entry);
  if (cached !== undefined) return cached;
  const script = buildSync({
    entryPoints: [join(VIEWER_DIR, `${entry}.ts`)],
    bundle: true,
    write: false,
    minify: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    legalComments: "none",
    logLevel: "silent",
  }).outputFiles[0]!.text;
  const css = buildSync({ entryPoints: [join(VIEWER_DIR, "style.css")], bundle: true, write: false, minify: true, logLevel: "silent" }).outputFiles[0]!.text;
  const bundle = { script, css };
  bundles.set(entry, bundle);
  return bundle;
}

/** The page around `data`: viewer inlined, data as gzip + base64. */
export function htmlPage(entry: ViewerEntry, title: string, data: unknown): string {
  const { script, css } = bundleViewer(entry);
  const payloadBase64 = gzipSync(JSON.stringify(data), { level: 9 }).toString("base64");
  return renderPage({ title, script, css, payloadBase64, payloadKind: entry === "report" ? "report-data v1" : "sweep-data v1" });
}

/** Writes `text` to `file` through a temporary file beside it, so a reader never sees half a page. */
export function writeFileAtomically(file: string, text: string): void {
  const target = resolve(file);
  const temp = mkdtempSync(join(dirname(target), `.${basename(target)}.`));
  try {
    const tempFile = join(temp, basename(target));
    writeFileSync(tempFile, text);
    renameSync(tempFile, target);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** Refuses, before a run, an output file that cannot be written: a folder, or a file in a missing folder (exit 2). */
export function outputFileProblem(flag: string, file: string): string | undefined {
  const target = resolve(file);
  if (existsSync(target) && statSync(target).isDirectory()) return `${flag} ${file}: is a folder (expected a file to create or replace)`;
  if (!existsSync(dirname(target))) return `${flag} ${file}: its folder ${dirname(target)} does not exist`;
  return undefined;
}
