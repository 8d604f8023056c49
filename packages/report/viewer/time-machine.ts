import { applyPatches, enablePatches, setAutoFreeze, type Patch } from "immer";
import type { ReportPatch } from "../src/html/report-data";
import { countAtOrBefore } from "./search";

enablePatches();
// The states are read, never written: freezing them would only cost time.
setAutoFreeze(false);

/** Keep a whole state every this many patch records, so a jump back replays at most as many. */
const CHECKPOINT_EVERY_RECORDS = 64;

interface NodeHistory {
  readonly initial: unknown;
  readonly records: ReportPatch[];
  /** checkpoints[k] is the state after records[k * CHECKPOINT_EVERY_RECORDS - 1] (k = 0: initial). */
  readonly checkpoints: unknown[];
}

/**
 * Each process's state at any instant, rebuilt from its initial state and the patches its
 * handlers made (trace mode), never by running the model again. One pass over every process's
 * patches at load time keeps checkpoints and lets `onRecord` sample what the lanes draw.
 */
export class TimeMachine {
  private readonly histories = new Map<string, NodeHistory>();
  /** The last state handed out per process, to walk forward from while playing. */
  private readonly cursor = new Map<string, { index: number; state: unknown }>();

  constructor(
    initialStates: Readonly<Record<string, unknown>>,
    patches: readonly ReportPatch[],
    onRecord?: (node: string, atUs: number, state: unknown) => void,
  ) {
    for (const [node, initial] of Object.entries(initialStates)) {
      this.histories.set(node, { initial, records: [], checkpoints: [initial] });
    }
    for (const record of patches) this.histories.get(record.node)?.records.push(record);
    for (const [node, h] of this.histories) {
      let state = h.initial;
      onRecord?.(node, -1, state);
      h.records.forEach((record, i) => {
        state = applyPatches(state as object, record.patches as Patch[]);
        if ((i + 1) % CHECKPOINT_EVERY_RECORDS === 0) h.checkpoints.push(state);
        onRecord?.(node, record.atUs, state);
      });
    }
  }

  nodes(): string[] {
    return [...this.histories.keys()];
  }

  /** The process's state after every event handled at or before `atUs`. */
  stateAt<S>(node: string, atUs: number): S | undefined {
    const h = this.histories.get(node);
    if (h === undefined) return undefined;
    const count = countAtOrBefore(h.records, atUs, (record) => record.atUs); // records[0..count) apply
    const last = this.cursor.get(node);
    let index: number;
    let state: unknown;
    const checkpoint = Math.floor(count / CHECKPOINT_EVERY_RECORDS);
    if (last !== undefined && last.index <= count && last.index >= checkpoint * CHECKPOINT_EVERY_RECORDS) {
      ({ index, state } = last);
    } else {
      index = checkpoint * CHECKPOINT_EVERY_RECORDS;
      state = h.checkpoints[checkpoint];
    }
    for (; index < count; index++) state = applyPatches(state as object, h.records[index]!.patches as Patch[]);
    this.cursor.set(node, { index, state });
    return state as S;
  }
}
