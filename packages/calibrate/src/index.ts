/**
 * `@failover-lab/calibrate`: the simulator against real redis-server / redis-sentinel. Runs the
 * same drill on real processes (127.0.0.1 only) and on sim-core, reads the real logs back into
 * sim-core's trace events, and writes a fidelity report (CONTRACTS §10).
 */
export * from "./drills";
export * from "./log-parser";
export * from "./observation";
export * from "./phases";
export * from "./stats";
export * from "./compare";
export * from "./tolerances";
export * from "./report";
export * from "./calibrate";
export { runSimClusterTrial, runSimSentinelTrial } from "./sim-run";
export { runRealClusterTrial } from "./real/cluster-driver";
export { runRealSentinelTrial } from "./real/sentinel-driver";
export { DEBIAN_BINARIES, type RedisBinaries } from "./real/redis-cli";
