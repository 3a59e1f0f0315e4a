// The README's demo block is the demo's output: `npm run demo` is run and its lines from "[1]" to "Demo finished."
// must equal the block under "Set-up: two commands" line for line (the demo is deterministic: relative time moves,
// fixed keys). A change to the demo, the contracts' numbers or the report's format shows here first.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { root, run } from "./helpers/processes.js";

/** The lines from the first one starting with "[1]" to the last "Demo finished.", less `indent` spaces each. */
function demoLines(text: string, indent = 0): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trim().startsWith("[1] "));
  const end = lines.findLastIndex((l) => l.trim() === "Demo finished.");
  expect(start, "no [1] line").to.be.at.least(0);
  expect(end, "no Demo finished. line").to.be.greaterThan(start);
  return lines
    .slice(start, end + 1)
    .map((l) => l.slice(l.startsWith(" ".repeat(indent)) ? indent : 0).trimEnd());
}

describe("README: the demo block", function () {
  this.timeout(300_000);

  it("is what `npm run demo` prints, line for line", async function () {
    const r = await run("npm", ["run", "demo"], { timeoutMs: 280_000 });
    expect(r.code, `npm run demo failed:\n${r.stdout}\n${r.stderr}`).to.equal(0);
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const block = /\n {3}```\n( {3}\[1\] [\s\S]*?)\n {3}```/.exec(readme);
    expect(block, "README.md has no demo output block").to.not.equal(null);
    expect(demoLines(r.stdout)).to.deep.equal(demoLines(block![1], 3));
  });
});
