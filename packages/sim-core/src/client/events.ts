import type { Reply } from "./protocol";

/** Semantic events of clients (redis-cli -c, a workload writer). */
export type ClientEvent =
  /** redis-cli prints `-> Redirected to slot [%d] located at %s:%d` when following MOVED. */
  | { readonly type: "clientRedirected"; readonly slot: number; readonly to: number }
  /** A command's final reply, after any redirections. */
  | { readonly type: "clientReply"; readonly command: readonly string[]; readonly server: number; readonly reply: Reply }
  /** The server could not be reached (`Could not connect to Redis at …: Connection refused`). */
  | { readonly type: "clientConnectFailed"; readonly server: number };

/** Semantic events of the Sentinel-aware client (client/sentinel-client.ts). */
export type SentinelClientEvent =
  /** The pool asked a Sentinel (`SENTINEL get-master-addr-by-name`) and got a master: Jedis's `Created JedisPool to master at %s:%d` when it changed. */
  | { readonly type: "sentinelClientMasterFound"; readonly sentinel: number; readonly master: number; readonly changed: boolean }
  /**
   * A write failed or no master could be had: the article's `master is loss , waiting for try
   * again......`; the client waits `waitMs`, then asks the Sentinels again.
   */
  | { readonly type: "sentinelClientMasterLost"; readonly master: number | null; readonly error: string; readonly waitMs: number }
  /** The first OK after failures: `outageMs` since the last OK before them. */
  | { readonly type: "sentinelClientWritesResumed"; readonly master: number; readonly outageMs: number; readonly failedAttempts: number };
