/**
 * The HTML report's one file: the viewer's script and style inlined, the run's data inlined as
 * gzip + base64 (a run's JSON is tens of MB, mostly repeated node ids; gzipped it is ~1 MB), and
 * a Content-Security-Policy that forbids every fetch, so the page cannot touch the network even
 * by mistake. Node-free: the caller compresses (Node's zlib) and bundles (esbuild).
 */

/** The element the viewer reads its data from. */
export const PAYLOAD_ELEMENT_ID = "failover-lab-data";

/** No network at view time: nothing may be loaded, only inline script and style run. */
export const PAGE_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export interface PageParts {
  readonly title: string;
  /** The bundled viewer (an IIFE). */
  readonly script: string;
  readonly css: string;
  /** The data, gzip-compressed and base64-encoded. */
  readonly payloadBase64: string;
  /** What the payload holds, for someone reading the file: e.g. "report-data v1". */
  readonly payloadKind: string;
}

export function renderPage(parts: PageParts): string {
  if (!/^[A-Za-z0-9+/=]*$/.test(parts.payloadBase64)) throw new RangeError("the payload must be base64");
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(parts.title)}</title>`,
    `<style>${inlineSafe(parts.css, "style")}</style>`,
    "</head>",
    "<body>",
    '<div id="app"><p class="loading">Loading the run…</p></div>',
    `<script type="application/octet-stream" id="${PAYLOAD_ELEMENT_ID}" data-encoding="gzip+base64" data-kind="${escapeHtml(parts.payloadKind)}">${parts.payloadBase64}</script>`,
    `<script>${inlineSafe(parts.script, "script")}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** An inline script or style may not contain its own closing tag; `<\/` means the same to JS and CSS strings. */
function inlineSafe(text: string, tag: "script" | "style"): string {
  return text.replace(new RegExp(`</(${tag})`, "gi"), "<\\/$1");
}
