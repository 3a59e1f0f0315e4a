#!/usr/bin/env node
// Runs every test suite (Solidity unit/fuzz/invariant, then the TypeScript mocha suites), streams their
// output, and ends with one summary line "N passed, N failed". Exits non-zero if anything failed.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

// Hardhat's package exports hide its CLI file; its package.json `bin` entry names it.
const require = createRequire(import.meta.url);
const hardhatPackageJson = require.resolve("hardhat/package.json");
const hardhatCli = join(
  dirname(hardhatPackageJson),
  JSON.parse(readFileSync(hardhatPackageJson, "utf8")).bin.hardhat,
);

const suites = [
  { name: "solidity", args: ["test", "solidity"] },
  { name: "mocha", args: ["test", "mocha"] },
];

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [hardhatCli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on("data", (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
  });
}

const count = (out, word) => {
  const m = out.match(new RegExp(`^\\s*(\\d+) ${word}`, "m"));
  return m ? Number(m[1]) : 0;
};

let passed = 0;
let failed = 0;
const rows = [];
for (const suite of suites) {
  const { code, out } = await run(suite.args);
  const p = count(out, "passing");
  // A runner that exits non-zero without reporting a failing count still counts as one failure.
  const f = Math.max(count(out, "failing"), code !== 0 ? 1 : 0);
  passed += p;
  failed += f;
  rows.push(`${suite.name.padEnd(9)} ${String(p).padStart(5)} passed ${String(f).padStart(4)} failed`);
}

console.log("\nTest summary");
for (const row of rows) console.log(`  ${row}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
