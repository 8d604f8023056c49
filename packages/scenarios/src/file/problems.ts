import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import { z } from "zod";

/**
 * Where a scenario file went wrong, as `file:line: what was wrong (expected …)`. Problems are
 * gathered, not thrown one at a time, so a user fixes a whole file in one go.
 */

export interface FileProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export class ScenarioFileError extends Error {
  override readonly name = "ScenarioFileError";
  constructor(readonly problems: readonly FileProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join("\n"));
  }
}

export type Path = readonly (string | number)[];

/** A value as the user wrote it, for "got …". */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

/** zod's `error` option: "expected <what>, got <value>". */
export function want(what: string): { error: (issue: { readonly input?: unknown }) => string } {
  return { error: (issue) => (issue.input === undefined ? `expected ${what}` : `expected ${what}, got ${show(issue.input)}`) };
}

/** The closest of `known` to a misspelt `word`, when one is close enough to be a likely typo. */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of known) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

export function unknownName(what: string, name: string, known: readonly string[]): string {
  const guess = didYouMean(name, known);
  return `unknown ${what} "${name}" (expected one of: ${known.join(", ")})${guess === undefined ? "" : `; did you mean "${guess}"?`}`;
}

/** Collects problems, placing each on the line of the YAML node its path names. */
export class ProblemList {
  readonly problems: FileProblem[] = [];

  constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter,
  ) {}

  add(path: Path, message: string, at: "key" | "value" = "value"): void {
    this.problems.push({ file: this.file, line: this.lineOf(path, at), message });
  }

  addAtOffset(offset: number, message: string): void {
    this.problems.push({ file: this.file, line: this.lineCounter.linePos(offset).line, message });
  }

  /** Validates with a zod schema; on failure records each issue at its own line and returns undefined. */
  check<T>(schema: z.ZodType<T>, value: unknown, path: Path): T | undefined {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    for (const issue of result.error.issues) this.addIssue(issue, path);
    return undefined;
  }

  private addIssue(issue: z.core.$ZodIssue, base: Path): void {
    const path = [...base, ...(issue.path as (string | number)[])];
    switch (issue.code) {
      case "unrecognized_keys":
        // The message (from `mapping` below) names them all; the line is the first one's.
        this.add([...path, issue.keys[0]!], issue.message, "key");
        return;
      case "invalid_union": {
        // A union told apart by a key (`kind:`): put the complaint on that key's line.
        const discriminator = (issue as { discriminator?: string }).discriminator;
        if (discriminator !== undefined && this.exists([...path, discriminator])) {
          this.add([...path, discriminator], issue.message);
          return;
        }
        // Report the alternative that got furthest (deepest path): its complaint is the useful one.
        const branches = issue.errors.filter((b) => b.length > 0);
        const deepest = branches.reduce<readonly z.core.$ZodIssue[] | undefined>(
          (best, b) => (best === undefined || depth(b) > depth(best) ? b : best),
          undefined,
        );
        if (deepest !== undefined && depth(deepest) > 0) {
          for (const inner of deepest) this.addIssue(inner, path);
          return;
        }
        break;
      }
      default:
        break;
    }
    if (issue.input === undefined && !this.exists(path)) {
      const key = path.at(-1);
      this.add(path, `missing ${typeof key === "string" ? `"${key}"` : "value"} (${issue.message})`);
      return;
    }
    this.add(path, issue.message);
  }

  /** The 1-based line of the node at `path`, or of its nearest ancestor that exists. */
  lineOf(path: Path, at: "key" | "value" = "value"): number {
    let node: unknown = this.doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (const [i, segment] of path.entries()) {
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && keyMatches(p.key, segment));
        if (pair === undefined) break;
        const keyStart = rangeStart(pair.key);
        if (last && at === "key" && keyStart !== undefined) return this.lineCounter.linePos(keyStart).line;
        const valueStart = rangeStart(pair.value);
        offset = valueStart ?? keyStart ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment];
        const start = rangeStart(item);
        if (start === undefined) break;
        offset = start;
        node = item;
      } else break;
    }
    return this.lineCounter.linePos(offset).line;
  }

  private exists(path: Path): boolean {
    return this.doc.hasIn(path) || this.doc.hasIn(path.map(numberKey));
  }
}

function numberKey(p: string | number): string | number {
  return typeof p === "string" && /^[1-9]\d*$/.test(p) ? Number(p) : p;
}

function keyMatches(key: unknown, segment: string | number): boolean {
  const value = isScalar(key) ? key.value : key;
  return String(value) === String(segment);
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range === undefined || range === null ? undefined : range[0];
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(...issues.map((i) => i.path.length + (i.code === "invalid_union" ? 1 : 0)));
}

/**
 * A mapping with exactly these keys (zod's strictObject), whose errors say what it expected:
 * `what` names the mapping ("a delay"), `keyWord` its keys in "unknown <keyWord>" ("config key").
 */
export function mapping<S extends z.core.$ZodLooseShape>(shape: S, what: string, keyWord = "key") {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === "unrecognized_keys") {
        const [first, ...others] = issue.keys as string[];
        const message = unknownName(keyWord, first!, known);
        return others.length === 0 ? message : `${message}; also unknown: ${others.map((k) => `"${k}"`).join(", ")}`;
      }
      return want(what).error(issue);
    },
  });
}
