import type { Reply } from "./protocol";

/** Semantic events of clients (redis-cli -c, a workload writer). */
export type ClientEvent =
  /** redis-cli prints `-> Redirected to slot [%d] located at %s:%d` when following MOVED. */
  | { readonly type: "clientRedirected"; readonly slot: number; readonly to: number }
  /** A command's final reply, after any redirections. */
  | { readonly type: "clientReply"; readonly command: readonly string[]; readonly server: number; readonly reply: Reply }
  /** The server could not be reached (`Could not connect to Redis at …: Connection refused`). */
  | { readonly type: "clientConnectFailed"; readonly server: number };
