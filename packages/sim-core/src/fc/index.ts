/** `@failover-lab/sim-core/fc`: fast-check arbitraries for property-based tests. */
export * from "./faults";
export * from "./topology";
export * from "./workload";
export * from "./swarm";
export * from "./fuzz-case";
