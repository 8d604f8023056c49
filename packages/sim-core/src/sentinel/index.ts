/** Redis Sentinel (sentinel.c, 7.0.15): see model.ts. */
export * from "./state";
export * from "./events";
export { sentinelModel, sentinelConfig, sentinelCommand, sentinelTimer, SENTINEL_KIND, SENTINEL_TIMER, DEFAULT_MASTER_NAME, type SentinelOptions, type SentinelPersisted } from "./model";
export { selectSlave, compareSlavesForPromotion, startFailover, abortFailover } from "./failover";
export { voteLeader, getLeader, votesNeeded } from "./election";
export { odownCount, isMasterDownByAddr } from "./detection";
export { processHelloMessage } from "./hello";
export { refreshInstanceInfo } from "./info";
export { currentMasterPort } from "./links";
export { addSentinelTopology, type SentinelTopology } from "./topology";
