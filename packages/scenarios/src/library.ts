import { drill000 } from "./drills/drill-000";
import type { Scenario } from "./steps";

/** The drill library, by name (`failover-lab list`). */
export const library: readonly Scenario[] = [drill000];
