/**
 * What every part of `pnpm bench` (kernel now; cluster and fuzz later) provides to bench/main.ts:
 * a name, and a run that writes human-readable lines through `log` and returns the part's keys
 * for the JSON line (CONTRACTS §7), e.g. `{ ratio, eventsPerSec6, … }` under "kernel".
 */
export type BenchLog = (line: string) => void;

export type BenchKeys = Record<string, number>;

export interface BenchPart {
  readonly name: string;
  run(log: BenchLog): BenchKeys;
}
