/**
 * Semantic events of a Redis server's own lifecycle (server.c), for cluster nodes and
 * standalone servers alike.
 */
export type ServerLifecycleEvent =
  /** `* Server initialized` (the moment the event loop is about to start). */
  | { readonly type: "serverInitialized"; readonly port: number }
  /** `# User requested shutdown...` */
  | { readonly type: "shutdownRequested" }
  /** `* Waiting for replicas before shutting down.` (some replica had not acknowledged everything) */
  | { readonly type: "shutdownWaitingForReplicas"; readonly timeoutS: number }
  /** `# Lagging replica %s reported offset %lld behind master, lag=%ld, state=%s.` */
  | { readonly type: "laggingReplicaAtShutdown"; readonly replica: string; readonly behindBytes: number; readonly lagS: number; readonly state: string }
  /** `* %d of %d replicas are in sync when shutting down.` */
  | { readonly type: "replicasInSyncAtShutdown"; readonly inSync: number; readonly replicas: number }
  /** `* Saving the final RDB snapshot before exiting.` then `* DB saved on disk` */
  | { readonly type: "finalRdbSaved"; readonly keys: number }
  /** `# Redis is now ready to exit, bye bye...` */
  | { readonly type: "readyToExit" };

/** Who sent a command, as CLIENT LIST prints it in `user request from '…'` (networking.c:catClientInfoString). */
export interface ClientInfo {
  readonly id: number;
  /** The peer process (its port, or `client-1`); Redis prints `addr=<ip>:<ephemeral port>`. */
  readonly peer: string;
  /** CLIENT SETNAME, e.g. `sentinel-5a5eb7b9-cmd`; empty when unset. */
  readonly name: string;
}

/** Semantic events of a standalone server's commands (replication.c:replicaofCommand, config.c). */
export type StandaloneServerEvent =
  /** `* MASTER MODE enabled (user request from '%s')` (REPLICAOF NO ONE on a replica). */
  | { readonly type: "masterModeEnabled"; readonly client: ClientInfo }
  /** `* REPLICAOF %s:%d enabled (user request from '%s')` */
  | { readonly type: "replicaofEnabled"; readonly master: string; readonly client: ClientInfo }
  /**
   * `* REPLICAOF would result into synchronization with the master we are already connected
   * with. No operation performed.`
   */
  | { readonly type: "replicaofNoop"; readonly master: string }
  /** `# CONFIG REWRITE executed with success.` */
  | { readonly type: "configRewritten" };

export type ServerEvent = ServerLifecycleEvent | StandaloneServerEvent;
