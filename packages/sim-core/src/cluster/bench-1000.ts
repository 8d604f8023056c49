import type { Simulation } from "../kernel/simulation";
import { seconds } from "../kernel/time";
import { addCreatedCluster, type ClusterLayout } from "./create";

/**
 * CONTRACTS §11's large run, `bench-1000`, defined once: the bench (`cluster.speedup1000`) and
 * the 1000-node report page both build it from here. A converged cluster of `masters` masters
 * with `replicasPerMaster` replicas each, the default cluster-node-timeout, one master killed at
 * `killAtS`, run for `simulatedSeconds`.
 */
export interface LargeClusterSpec {
  readonly name: string;
  readonly masters: number;
  readonly replicasPerMaster: number;
  readonly nodeTimeoutMs: number;
  readonly simulatedSeconds: number;
  readonly killAtS: number;
  readonly firstPort: number;
}

export const BENCH_1000: LargeClusterSpec = {
  name: "bench-1000",
  masters: 500,
  replicasPerMaster: 1,
  // Redis's default cluster-node-timeout: at 1000 nodes the failover starts after the window.
  nodeTimeoutMs: 15_000,
  simulatedSeconds: 10,
  killAtS: 1,
  firstPort: 7001,
};

/** Every node of the run: masters first, then their replicas. */
export function largeClusterPorts(spec: LargeClusterSpec): number[] {
  return Array.from({ length: spec.masters * (1 + spec.replicasPerMaster) }, (_, i) => spec.firstPort + i);
}

/** Adds the converged cluster to `sim` and schedules the kill of the first master. */
export function addLargeCluster(sim: Simulation, spec: LargeClusterSpec): ClusterLayout {
  const layout = addCreatedCluster(sim, { ports: largeClusterPorts(spec), replicasPerMaster: spec.replicasPerMaster, config: { "cluster-node-timeout": spec.nodeTimeoutMs } });
  sim.schedule({ type: "kill", node: String(spec.firstPort) }, seconds(spec.killAtS));
  return layout;
}
