import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { outDirProblem, replaceFolder } from "../out-folder";
import type { RunOutcome } from "./run-one";
import type { FuzzJson } from "./command";

/**
 * The `fuzz --out DIR` folder: one scenario file per finding, named `seed-S-PROPERTY-KIND.yaml`,
 * and nothing else. It is written whole beside DIR and swapped in, so DIR always holds exactly
 * one sweep's findings (a reused folder keeps no file of an earlier sweep) and a failed write
 * leaves the old one as it was.
 */

const FINDING_FILE = /^seed-\d+-[A-Za-z]+-(violation|redisBehaviour)\.yaml$/;

/**
 * Why DIR cannot take the findings, checked before anything runs: the path cannot be made, or
 * DIR holds files that are not findings (replacing it would delete them).
 */
export function findingsFolderProblem(dir: string): string | undefined {
  const problem = outDirProblem(dir);
  if (problem !== undefined) return problem;
  if (!existsSync(dir)) return undefined;
  const foreign = readdirSync(dir).filter((name) => !FINDING_FILE.test(name));
  if (foreign.length > 0) return `--out ${dir}: holds files that are not fuzz findings (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", …" : ""}); expected a new folder or one an earlier fuzz wrote`;
  return undefined;
}

/** Writes each finding's scenario file into a fresh folder that replaces DIR; returns them in seed order. */
export function saveFindings(dir: string, outcomes: readonly RunOutcome[]): FuzzJson["findings"][number][] {
  const target = path.resolve(dir);
  // A clean sweep makes no folder, but empties one an earlier sweep left.
  if (outcomes.every((o) => o.findings.length === 0) && !existsSync(target)) return [];
  mkdirSync(path.dirname(target), { recursive: true });
  const temp = mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}.tmp-`));
  const out: FuzzJson["findings"][number][] = [];
  try {
    // mkdtemp makes the folder private (0700); the findings folder is an ordinary one.
    chmodSync(temp, 0o755);
    for (const o of outcomes) {
      for (const f of o.findings) {
        const name = `seed-${o.seed}-${f.property}-${f.kind}.yaml`;
        writeFileSync(path.join(temp, name), f.yaml);
        out.push({ seed: o.seed, property: f.property, kind: f.kind, path: path.join(dir, name) });
      }
    }
    replaceFolder(temp, target);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  return out;
}
