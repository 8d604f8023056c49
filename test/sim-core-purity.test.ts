import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The determinism rule, enforced: nothing in sim-core may read the host's clock, use global
 * randomness, defer work to the host's event loop, or reach Node's APIs. The check walks the
 * syntax tree, so comments, strings and property names (`state.process`) do not count.
 */

const FORBIDDEN_IDENTIFIERS = new Set([
  "Date",
  "setTimeout",
  "setInterval",
  "setImmediate",
  "clearTimeout",
  "clearInterval",
  "queueMicrotask",
  "Promise",
  "performance",
  "process",
  "require",
]);

const NODE_BUILTINS = ["fs", "os", "crypto", "path", "worker_threads", "child_process", "timers", "perf_hooks"];

export function determinismViolations(source: string): string[] {
  const file = ts.createSourceFile("checked.ts", source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const report = (node: ts.Node, what: string): void => {
    found.push(`${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${what}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && FORBIDDEN_IDENTIFIERS.has(node.text)) {
      const parent = node.parent;
      // `state.process` or `{ process: 1 }` name a property, not the global.
      const isPropertyName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        (ts.isPropertyAssignment(parent) && parent.name === node) ||
        (ts.isPropertySignature(parent) && parent.name === node) ||
        (ts.isPropertyDeclaration(parent) && parent.name === node);
      if (!isPropertyName) report(node, node.text);
    }
    if (node.kind === ts.SyntaxKind.AsyncKeyword) report(node, "async");
    if (ts.isAwaitExpression(node)) report(node, "await");
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "Math" && node.name.text === "random") {
      report(node, "Math.random");
    }
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      const specifier = node.moduleSpecifier.text;
      if (specifier.startsWith("node:") || NODE_BUILTINS.includes(specifier)) report(node, `import from "${specifier}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

describe("sim-core purity", () => {
  it("finds the forbidden things when they are there", () => {
    const bad = [
      "const t = Date.now();",
      "// Math.random() in a comment is fine",
      'const s = "setTimeout in a string is fine";',
      "const r = Math.random();",
      "setTimeout(() => 0, 1);",
      "async function f() { await g(); }",
      'import { readFileSync } from "node:fs";',
      "const p = new Promise(() => {});",
      "const ok = state.process;",
      "const t2 = `the process ${x} started`;",
    ].join("\n");
    expect(determinismViolations(bad)).toEqual([
      "1: Date",
      "4: Math.random",
      "5: setTimeout",
      "6: async",
      "6: await",
      '7: import from "node:fs"',
      "8: Promise",
    ]);
  });

  it("sim-core/src reads no clock, no global randomness, no host event loop, no Node API", () => {
    const root = join(import.meta.dirname, "..", "packages", "sim-core", "src");
    const violations = sourceFiles(root).flatMap((file) =>
      determinismViolations(readFileSync(file, "utf8")).map((v) => `${relative(root, file)}:${v}`),
    );
    expect(violations).toEqual([]);
  });
});
