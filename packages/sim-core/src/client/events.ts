import type { Reply } from "./protocol";

/**
 * Why a workload write did not get its OK: an error reply's first word (CLUSTERDOWN, MOVED, …,
 * `otherError` for any other), or what the connection did (refused, closed under a request,
 * or silent past the request timeout).
 */
export type WriteErrorKind =
  | "CLUSTERDOWN"
  | "MOVED"
  | "ASK"
  | "TRYAGAIN"
  | "READONLY"
  | "NOREPLICAS"
  | "otherError"
  | "connectionRefused"
  | "connectionClosed"
  | "timeout";

/** Semantic events of clients (redis-cli -c, a workload writer). */
export type ClientEvent =
  /** redis-cli prints `-> Redirected to slot [%d] located at %s:%d` when following MOVED. */
  | { readonly type: "clientRedirected"; readonly slot: number; readonly to: number }
  /** A command's final reply, after any redirections. */
  | { readonly type: "clientReply"; readonly command: readonly string[]; readonly server: number; readonly reply: Reply }
  /** The server could not be reached (`Could not connect to Redis at …: Connection refused`). */
  | { readonly type: "clientConnectFailed"; readonly server: number }
  /**
   * A cluster writer's first failed write after a healthy stretch: an outage begins. `server` is
   * the port the write went to; no further event until the writer recovers.
   */
  | { readonly type: "writesFailing"; readonly server: number; readonly error: WriteErrorKind }
  /**
   * The cluster writer's writes succeed again on every route that failed: the outage is over.
   * `outageMs` runs from the last success on the first route that failed; `failedWrites` is how
   * many writes failed meanwhile.
   */
  | { readonly type: "writesRecovered"; readonly outageMs: number; readonly failedWrites: number }
  /** `redis-cli --cluster add-node|reshard|del-node` printed these lines (stdout, in order). */
  | { readonly type: "clusterAdminOutput"; readonly lines: readonly string[] }
  /** The `redis-cli --cluster` command ended: exit status 0 on success, 1 on failure. */
  | { readonly type: "clusterAdminExited"; readonly status: 0 | 1 };

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
