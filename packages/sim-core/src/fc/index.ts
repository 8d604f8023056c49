/** `@failover-lab/sim-core/fc`: fast-check arbitraries for property-based tests. */
export * from "./faults";
