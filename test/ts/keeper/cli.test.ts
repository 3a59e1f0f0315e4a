// The keeper's command line. Spawned in a fresh copy of the repository (the files a clone has: tracked and new ones,
// nothing git ignores, so no artifacts/, types/ or sdk/dist/; node_modules linked): `--help` prints the usage, a bad
// flag or value a one-line error with exit code 2, and with every option valid the keeper loads all its modules and
// reports an unreachable node as one JSON line with exit code 1. Never a stack trace. The argument parser itself is
// checked without spawning.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { HELP, parseKeeperArgs, UsageError } from "../../../scripts/lib/keeper/options.js";
import { freePort, root, run, type RunResult } from "../helpers/processes.js";

const KEY = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";
const E18 = 10n ** 18n;

/** A copy of what a fresh clone of the working tree holds, with node_modules linked. */
function freshCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "perp-fresh-clone-"));
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
  })
    .split("\0")
    .filter((f) => f !== "" && f !== "node_modules" && !f.startsWith("node_modules/"));
  for (const file of files) {
    if (!existsSync(join(root, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(root, file), join(dir, file));
  }
  symlinkSync(realpathSync(join(root, "node_modules")), join(dir, "node_modules"), "dir");
  return dir;
}

/** No line of a Node stack trace, no uncaught error's name. */
function expectNoStackTrace(r: RunResult) {
  const output = `${r.stdout}\n${r.stderr}`;
  expect(output, output).to.not.match(/^\s+at .+[:(]/m);
  expect(output, output).to.not.match(/TypeError|ReferenceError|SyntaxError|ERR_[A-Z_]+|Error:/);
}

describe("keeper command line, from a fresh clone", function () {
  this.timeout(120_000);

  let dir: string;
  // No key and no RPC from the test runner's environment.
  const env = { KEEPER_PRIVATE_KEY: "", KEEPER_RPC_URL: "", PERP_DEPLOYMENTS_DIR: "" };
  const keeper = (args: string[], extra: Record<string, string> = {}) =>
    run(process.execPath, ["--import", "tsx", "scripts/keeper.ts", ...args], {
      cwd: dir,
      env: { ...env, ...extra },
      timeoutMs: 60_000,
    });

  before(function () {
    dir = freshCopy();
    for (const generated of ["artifacts", "types", "cache", "sdk/dist"])
      expect(existsSync(join(dir, generated)), generated).to.equal(false);
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it("`npm run keeper -- --help` prints the usage and exits 0", async function () {
    const r = await run("npm", ["run", "keeper", "--", "--help"], { cwd: dir, env, timeoutMs: 60_000 });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include(HELP);
    expect(r.stderr).to.equal("");
    expectNoStackTrace(r);
  });

  it("`npm run keeper -- --bogus` says the option is unknown, exits 2", async function () {
    const r = await run("npm", ["run", "keeper", "--", "--bogus"], { cwd: dir, env, timeoutMs: 60_000 });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include(
      "keeper: unknown option --bogus\nRun `npm run keeper -- --help` for the options.\n",
    );
    expectNoStackTrace(r);
  });

  it("a bad value, a missing --rpc or key: one line each, exit code 2", async function () {
    const cases: [string[], Record<string, string>, string][] = [
      [
        ["--rpc", "http://x", "--dry-run", "--interval", "0"],
        {},
        '--interval must be an integer ≥ 1, got "0"',
      ],
      [["--dry-run"], {}, "--rpc is required"],
      [["--rpc", "http://x"], {}, "set KEEPER_PRIVATE_KEY (or use --dry-run)"],
    ];
    for (const [args, extra, message] of cases) {
      const r = await keeper(args, extra);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).to.equal(2);
      expect(r.stderr.split("\n")[0]).to.equal(`keeper: ${message}`);
      expect(r.stdout).to.equal("");
      expectNoStackTrace(r);
    }
  });

  it("loads the whole keeper and reports an unreachable node as one JSON line, exit code 1", async function () {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await keeper(["--rpc", url, "--once"], { KEEPER_PRIVATE_KEY: KEY });
    expect(r.stderr, "nothing on stderr (a module that cannot load would say so here)").to.equal("");
    expect(r.code).to.equal(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0])).to.deep.include({ level: "error", event: "rpc-unreachable", rpc: url });
    expectNoStackTrace(r);
  });
});

describe("keeper argument parser", function () {
  it("applies the defaults", function () {
    expect(parseKeeperArgs(["--rpc", "http://node"], { KEEPER_PRIVATE_KEY: KEY })).to.deep.equal({
      rpc: "http://node",
      deployment: undefined,
      once: false,
      dryRun: false,
      intervalMs: 10_000,
      batchSize: 25,
      maxLiquidations: 20,
      minProfitUsd: 0n,
      nativePriceUsd: undefined,
      nativeSymbol: "ETH",
      adl: true,
      adlWaitMs: 0,
      maxAdlSteps: 8,
      fromBlock: undefined,
      pageSize: 10_000n,
      retries: 5,
      logLevel: "info",
      privateKey: KEY,
    });
  });

  it("reads every flag, the RPC from KEEPER_RPC_URL, and needs no key for a dry run", function () {
    const args = [
      "--deployment",
      "book.json",
      "--once",
      "--dry-run",
      "--interval",
      "3",
      "--batch-size",
      "100",
      "--max-liquidations",
      "7",
      "--min-profit",
      "1,000.5",
      "--native-price=-0.000000000000000001",
      "--native-symbol",
      "BTC",
      "--no-adl",
      "--adl-wait",
      "61",
      "--max-adl-steps",
      "0",
      "--from-block",
      "123456789",
      "--page-size",
      "500",
      "--retries",
      "0",
      "--log-level",
      "debug",
    ];
    expect(parseKeeperArgs(args, { KEEPER_RPC_URL: "http://env" })).to.deep.equal({
      rpc: "http://env",
      deployment: "book.json",
      once: true,
      dryRun: true,
      intervalMs: 3_000,
      batchSize: 100,
      maxLiquidations: 7,
      minProfitUsd: 1_000n * E18 + E18 / 2n,
      nativePriceUsd: -1n,
      nativeSymbol: "BTC",
      adl: false,
      adlWaitMs: 61_000,
      maxAdlSteps: 0,
      fromBlock: 123_456_789n,
      pageSize: 500n,
      retries: 0,
      logLevel: "debug",
      privateKey: undefined,
    });
    expect(parseKeeperArgs(["-h"], {})).to.equal("help");
    expect(parseKeeperArgs(["--rpc", "x", "--help", "--interval", "0"], {})).to.equal("help");
  });

  it("rejects values out of range, one decimal too many, and unknown flags with a UsageError", function () {
    const bad: [string[], string][] = [
      [["--batch-size", "0"], '--batch-size must be an integer ≥ 1, got "0"'],
      [["--page-size", "1.5"], '--page-size must be an integer ≥ 1, got "1.5"'],
      [["--retries=-1"], '--retries must be an integer ≥ 0, got "-1"'],
      [["--retries", "-1"], '--retries: write a value that starts with "-" as --retries=<value>'],
      [["--from-block", "9007199254740993"], '--from-block must be an integer ≥ 0, got "9007199254740993"'],
      [
        ["--min-profit", "0.0000000000000000001"],
        '--min-profit must be a decimal number, got "0.0000000000000000001"',
      ],
      [["--native-price", "."], '--native-price must be a decimal number, got "."'],
      [["--nope"], "unknown option --nope"],
      [["--log-level", "loud"], "--log-level must be debug, info, warn or error"],
      [["--rpc"], "Option '--rpc <value>' argument missing"],
      [["extra"], "Unexpected argument 'extra'"],
    ];
    for (const [args, message] of bad)
      expect(() => parseKeeperArgs(["--rpc", "x", "--dry-run", ...args], {}))
        .to.throw(UsageError)
        .with.property("message", message);
    expect(() => parseKeeperArgs(["--rpc", "x"], { KEEPER_PRIVATE_KEY: "0x1234" }))
      .to.throw(UsageError)
      .with.property("message", "KEEPER_PRIVATE_KEY must be 0x followed by 64 hex digits");
    // The boundaries: 1 is the least batch and page size, 18 decimals the finest amount.
    const least = parseKeeperArgs(
      [
        "--rpc",
        "x",
        "--dry-run",
        "--batch-size",
        "1",
        "--page-size",
        "1",
        "--min-profit",
        "0.000000000000000001",
      ],
      {},
    );
    expect(least).to.deep.include({ batchSize: 1, pageSize: 1n, minProfitUsd: 1n });
  });
});
