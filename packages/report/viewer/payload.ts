/**
 * Reads the page's embedded data: base64 → gzip → JSON, with the browser's own
 * DecompressionStream (no library, no network: a Blob's stream is local).
 */
import { PAYLOAD_ELEMENT_ID } from "../src/html/page";

export async function readPayload<T>(): Promise<T> {
  const element = document.getElementById(PAYLOAD_ELEMENT_ID);
  if (element === null) throw new Error(`the page has no #${PAYLOAD_ELEMENT_ID} element: it was not written by failover-lab`);
  const binary = atob((element.textContent ?? "").trim());
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  const text = await new Response(stream).text();
  return JSON.parse(text) as T;
}
