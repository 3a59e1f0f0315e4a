import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

const SDK_SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../sdk/src");

/** Every `.ts` file under `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

/**
 * The relative imports and re-exports of `file` inside the SDK's sources (type-only ones too: they tie modules just as
 * much), as paths. Imports that leave `sdk/src` (the generated TypeChain types of `ethers.ts`) are not part of the graph.
 */
function relativeImports(file: string): string[] {
  // Comments removed first: examples in doc comments show imports that are not the module's.
  const text = readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*$/gm, "");
  const specifiers = [...text.matchAll(/(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/g)].map((m) => m[1]);
  return specifiers
    .map((s) => resolve(dirname(file), s.replace(/\.js$/, ".ts")))
    .filter((path) => path.startsWith(SDK_SRC + "/"));
}

/** The import cycles of the graph, each as the list of files on it (depth-first search, one cycle per back edge). */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") cycles.push(stack.slice(stack.indexOf(next)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

describe("sdk/src import graph", function () {
  const files = sourceFiles(SDK_SRC);
  const graph = new Map(files.map((f) => [f, relativeImports(f)]));

  it("resolves every relative import to a file of the SDK", function () {
    const known = new Set(files);
    const missing = [...graph].flatMap(([file, imports]) =>
      imports
        .filter((i) => !known.has(i))
        .map((i) => `${relative(SDK_SRC, file)} -> ${relative(SDK_SRC, i)}`),
    );
    expect(missing).to.deep.equal([]);
    // The graph is not empty (a parser that finds nothing would pass the cycle check trivially).
    expect([...graph.values()].reduce((n, imports) => n + imports.length, 0)).to.be.greaterThan(files.length);
  });

  it("has no import cycle", function () {
    const cycles = findCycles(graph).map((c) => c.map((f) => relative(SDK_SRC, f)).join(" -> "));
    expect(cycles).to.deep.equal([]);
  });

  it("finds a cycle when there is one (the check itself)", function () {
    const a = "/a.ts";
    const b = "/b.ts";
    const c = "/c.ts";
    expect(
      findCycles(
        new Map([
          [a, [b]],
          [b, [c]],
          [c, [a]],
        ]),
      ),
    ).to.deep.equal([[a, b, c]]);
    expect(
      findCycles(
        new Map([
          [a, [b, c]],
          [b, [c]],
          [c, []],
        ]),
      ),
    ).to.deep.equal([]);
  });
});
