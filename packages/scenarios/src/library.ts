import { drill000 } from "./drills/drill-000";
import { drill001 } from "./drills/drill-001";
import { drill002 } from "./drills/drill-002";
import { drill003 } from "./drills/drill-003";
import type { Scenario } from "./steps";

/** The drill library, by name (`failover-lab list`): the articles' drills, then the teaching failure modes. */
export const library: readonly Scenario[] = [drill000, drill001, drill002, drill003];
