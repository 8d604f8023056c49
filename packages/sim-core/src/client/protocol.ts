/**
 * What clients and servers say to each other (RESP, abstracted): a command is its argument
 * vector, a reply one of RESP's kinds. Errors carry Redis's exact text (without the leading "-").
 */
export const CLIENT_CHANNEL = "client";

export type Reply =
  | { readonly kind: "status"; readonly text: string }
  | { readonly kind: "error"; readonly text: string }
  | { readonly kind: "bulk"; readonly text: string | null }
  | { readonly kind: "integer"; readonly value: number }
  | { readonly kind: "array"; readonly items: readonly Reply[] };

export type ClientMessage =
  | { readonly type: "command"; readonly id: number; readonly argv: readonly string[] }
  | { readonly type: "reply"; readonly id: number; readonly reply: Reply };

export const ok: Reply = { kind: "status", text: "OK" };
export const error = (text: string): Reply => ({ kind: "error", text });
export const bulk = (text: string | null): Reply => ({ kind: "bulk", text });
export const integer = (value: number): Reply => ({ kind: "integer", value });

/** How redis-cli prints a reply (its non-TTY form is simpler; this is the interactive one). */
export function formatReply(reply: Reply): string {
  switch (reply.kind) {
    case "status":
      return reply.text;
    case "error":
      return `(error) ${reply.text}`;
    case "bulk":
      return reply.text === null ? "(nil)" : `"${reply.text}"`;
    case "integer":
      return `(integer) ${reply.value}`;
    case "array":
      return reply.items.length === 0 ? "(empty array)" : reply.items.map((item, i) => `${i + 1}) ${formatReply(item)}`).join("\n");
  }
}

/** `MOVED <slot> <ip>:<port>` (cluster.c:clusterRedirectClient): where the slot lives now. */
export function parseMoved(reply: Reply): { readonly slot: number; readonly port: number } | null {
  if (reply.kind !== "error") return null;
  const moved = /^MOVED (\d+) [^:\s]+:(\d+)$/.exec(reply.text);
  return moved === null ? null : { slot: Number(moved[1]), port: Number(moved[2]) };
}

/**
 * `ASK <slot> <ip>:<port>` (getNodeByQuery, CLUSTER_REDIR_ASK): this one command should go to
 * that node, after ASKING; the slot map stays as it is.
 */
export function parseAsk(reply: Reply): { readonly slot: number; readonly port: number } | null {
  if (reply.kind !== "error") return null;
  const ask = /^ASK (\d+) [^:\s]+:(\d+)$/.exec(reply.text);
  return ask === null ? null : { slot: Number(ask[1]), port: Number(ask[2]) };
}
