import { drill000 } from "./drills/drill-000";
import { drill001 } from "./drills/drill-001";
import { drill002 } from "./drills/drill-002";
import { drill003 } from "./drills/drill-003";
import { drill004 } from "./drills/drill-004";
import { allReplicasThenMaster } from "./drills/all-replicas-then-master";
import { flappingNetwork } from "./drills/flapping-network";
import { minorityPartition } from "./drills/minority-partition";
import { replicaRace } from "./drills/replica-race";
import { sentinelLowQuorum } from "./drills/sentinel-low-quorum";
import { sentinelSplitBrain } from "./drills/sentinel-split-brain";
import { staleReplica } from "./drills/stale-replica";
import type { Scenario } from "./steps";

/** The articles' drills, in article order. */
export const articleDrills: readonly Scenario[] = [drill000, drill001, drill002, drill003, drill004];

/** Classic failure modes for teaching, each with a narrative of what to watch for. */
export const failureModes: readonly Scenario[] = [minorityPartition, allReplicasThenMaster, staleReplica, replicaRace, sentinelLowQuorum, sentinelSplitBrain, flappingNetwork];

/** The drill library, by name (`failover-lab list`): the articles' drills, then the failure modes. */
export const library: readonly Scenario[] = [...articleDrills, ...failureModes];

