/**
 * Semantic events of a Redis server's own lifecycle (server.c), for cluster nodes and
 * standalone servers alike.
 */
export type ServerEvent =
  /** `* Server initialized` (the moment the event loop is about to start). */
  | { readonly type: "serverInitialized"; readonly port: number }
  /** `# User requested shutdown...` */
  | { readonly type: "shutdownRequested" }
  /** `* Saving the final RDB snapshot before exiting.` then `* DB saved on disk` */
  | { readonly type: "finalRdbSaved"; readonly keys: number }
  /** `# Redis is now ready to exit, bye bye...` */
  | { readonly type: "readyToExit" };
