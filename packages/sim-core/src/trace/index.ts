/** `@failover-lab/sim-core/trace`: the trace types and their byte format. Free of Node APIs. */
export * from "./events";
export * from "./format";
export type { Fault, FaultType, PartitionGroup } from "../kernel/faults";
