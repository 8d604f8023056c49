import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "@failover-lab/scenarios";
import { parseScenarioYaml } from "@failover-lab/scenarios/file";

/** The complete examples of docs/scenario-format.md (YAML blocks that start a file with `name:`) parse and run green. */
const docPath = join(import.meta.dirname, "..", "docs", "scenario-format.md");
const examples = [...readFileSync(docPath, "utf8").matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^name:/m.test(b));

describe("docs/scenario-format.md", () => {
  it("has complete examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  it.each(examples.map((text) => [/^name: (.*)$/m.exec(text)![1]!, text]))("example %s parses and every expectation holds", (_, text) => {
    const { scenario, seed } = parseScenarioYaml(text, "scenario-format.md");
    const run = runScenario(scenario, { seed: seed ?? "1" });
    expect(run.steps.filter((s) => !s.ok)).toEqual([]);
  });
});
