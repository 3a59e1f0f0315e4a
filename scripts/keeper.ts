// The keeper's command line: npm run keeper -- --rpc <url> [options]   (see --help)
// Finds accounts from the chain's events, liquidates the profitable ones (retrying next pass those whose closes do not
// fit their forced-close bound), runs ADL, rotates a stuck ADL request and requests pnl-factor reductions; logs JSON
// lines to stdout.
// The signing key comes from the KEEPER_PRIVATE_KEY environment variable (never a flag: flags show up in `ps`).
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  getAddress,
  http,
  isAddress,
  isHex,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { defineDeployment, parseFixed } from "../sdk/src/index.js";
import { createKeeper } from "./lib/keeper/keeper.js";
import { createJsonLogger, isLogLevel } from "./lib/keeper/logger.js";
import { backoffDelay, sleep } from "./lib/keeper/retry.js";

const HELP = `Usage: npm run keeper -- --rpc <url> [options]

Discovers accounts from the engine's Trade events, checks their health (SDK getAccount + previewLiquidation),
liquidates those whose keeper reward beats the gas cost (an account whose closes do not fit their forced-close bound
now is logged and retried on the next pass), queues a pnl-factor reduction when traders' profit against the
liquidity vault passes its limit, runs auto-deleveraging on the pending request, and rotates a request no candidate
can work once its stuck window has passed.
Logs one JSON object per line to stdout. The key is read from KEEPER_PRIVATE_KEY (0x-prefixed hex).

  --rpc <url>              JSON-RPC endpoint (or KEEPER_RPC_URL)
  --deployment <file>      address book (default: deployments/<chainId>.json, or under PERP_DEPLOYMENTS_DIR)
  --once                   one pass, then exit (exit code 1 if the pass could not run)
  --dry-run                find and evaluate, send nothing (no key needed)
  --interval <s>           seconds between passes (default 10); failed passes back off up to 5 min
  --batch-size <n>         accounts read concurrently, in one JSON-RPC batch (default 25)
  --max-liquidations <n>   liquidations per pass, most profitable first (default 20)
  --min-profit <usd>       least reward minus gas cost, USD (default 0)
  --native-price <usd>     gas token price in USD (default: the ETH market's oracle price)
  --native-symbol <sym>    market that prices the gas token (default ETH)
  --no-adl                 do not submit ADL candidates or execute ADL
  --adl-wait <s>           wait up to this long within a pass for the ADL ranking window (default 0)
  --max-adl-steps <n>      executeAdl calls per pass (default 8)
  --from-block <n>         scan events from this block (default: the address book's startBlock)
  --page-size <n>          blocks per eth_getLogs request (default 10000)
  --retries <n>            retries of a failed RPC request, exponential backoff (default 5)
  --log-level <level>      debug | info | warn | error (default info)
  -h, --help               this text

SIGINT/SIGTERM: finishes the transactions in flight, then exits; a second signal exits at once.`;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function fail(message: string): never {
  process.stderr.write(`keeper: ${message}\n\n${HELP}\n`);
  process.exit(2);
}

const { values: opts } = parseArgs({
  options: {
    rpc: { type: "string" },
    deployment: { type: "string" },
    once: { type: "boolean", default: false },
    "dry-run": { type: "boolean", default: false },
    interval: { type: "string", default: "10" },
    "batch-size": { type: "string", default: "25" },
    "max-liquidations": { type: "string", default: "20" },
    "min-profit": { type: "string", default: "0" },
    "native-price": { type: "string" },
    "native-symbol": { type: "string", default: "ETH" },
    "no-adl": { type: "boolean", default: false },
    "adl-wait": { type: "string", default: "0" },
    "max-adl-steps": { type: "string", default: "8" },
    "from-block": { type: "string" },
    "page-size": { type: "string", default: "10000" },
    retries: { type: "string", default: "5" },
    "log-level": { type: "string", default: "info" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
  allowPositionals: false,
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}

function integer(name: string, text: string, min = 0): number {
  if (!/^\d+$/.test(text) || Number(text) < min) fail(`--${name} must be an integer ≥ ${min}, got "${text}"`);
  return Number(text);
}
function usd(name: string, text: string): bigint {
  try {
    return parseFixed(text, 18);
  } catch {
    return fail(`--${name} must be a decimal number, got "${text}"`);
  }
}

const rpc = opts.rpc ?? process.env.KEEPER_RPC_URL;
if (rpc === undefined || rpc === "") fail("--rpc is required");
const logLevel = opts["log-level"];
if (!isLogLevel(logLevel)) fail(`--log-level must be debug, info, warn or error`);
const log = createJsonLogger({ level: logLevel });
const retries = integer("retries", opts.retries);
const batchSize = integer("batch-size", opts["batch-size"], 1);
const intervalMs = integer("interval", opts.interval, 1) * 1000;
const dryRun = opts["dry-run"];

const key = process.env.KEEPER_PRIVATE_KEY;
if (!dryRun && (key === undefined || key === "")) fail("set KEEPER_PRIVATE_KEY (or use --dry-run)");
if (key !== undefined && key !== "" && !(isHex(key) && key.length === 66))
  fail("KEEPER_PRIVATE_KEY must be 0x followed by 64 hex digits");

// One transport: JSON-RPC batching for the concurrent reads; retries are the keeper's own (logged, with backoff).
const transport = http(rpc, { batch: { batchSize, wait: 0 }, retryCount: 0, timeout: 30_000 });
const probe = createPublicClient({ transport });
let chainId: number;
try {
  chainId = await probe.getChainId();
} catch (error) {
  log.error("rpc-unreachable", { rpc, error });
  process.exit(1);
}
const chain = defineChain({
  id: chainId,
  name: `chain ${chainId}`,
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [rpc] } },
});

const deploymentsDir = process.env.PERP_DEPLOYMENTS_DIR ?? join(root, "deployments");
const bookFile = resolve(opts.deployment ?? join(deploymentsDir, `${chainId}.json`));
let raw: { contracts?: { liquidationEngine?: unknown } };
try {
  raw = JSON.parse(readFileSync(bookFile, "utf8"));
} catch (error) {
  log.error("address-book-unreadable", {
    file: bookFile,
    error,
    hint: "deploy first: npm run deploy -- --network <name>",
  });
  process.exit(1);
}
const deployment = defineDeployment(raw);
const liquidationEngine = raw.contracts?.liquidationEngine;
if (typeof liquidationEngine !== "string" || !isAddress(liquidationEngine, { strict: false }))
  fail(`${bookFile} has no contracts.liquidationEngine`);
if (deployment.chainId !== chainId)
  fail(`${bookFile} is for chain ${deployment.chainId}, the RPC is chain ${chainId}`);

const publicClient = createPublicClient({ chain, transport, pollingInterval: 500 }) as PublicClient;
const walletClient =
  dryRun || key === undefined || key === ""
    ? undefined
    : createWalletClient({ chain, transport, account: privateKeyToAccount(key as `0x${string}`) });

const controller = new AbortController();
let stopping = false;
const onSignal = (signal: NodeJS.Signals) => {
  if (stopping) {
    log.warn("forced-exit", { signal });
    process.exit(130);
  }
  stopping = true;
  log.info("shutdown", { signal, note: "finishing the transactions in flight" });
  controller.abort();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

const keeper = createKeeper({
  publicClient,
  walletClient,
  deployment,
  liquidationEngine: getAddress(liquidationEngine),
  logger: log,
  dryRun,
  batchSize,
  maxLiquidationsPerPass: integer("max-liquidations", opts["max-liquidations"], 1),
  minProfitUsd: usd("min-profit", opts["min-profit"]),
  nativePriceUsd: opts["native-price"] === undefined ? undefined : usd("native-price", opts["native-price"]),
  nativeSymbol: opts["native-symbol"],
  adl: !opts["no-adl"],
  adlWaitMs: integer("adl-wait", opts["adl-wait"]) * 1000,
  maxAdlStepsPerPass: integer("max-adl-steps", opts["max-adl-steps"]),
  fromBlock: opts["from-block"] === undefined ? undefined : BigInt(integer("from-block", opts["from-block"])),
  pageSize: BigInt(integer("page-size", opts["page-size"], 1)),
  retry: { retries },
  signal: controller.signal,
});

log.info("keeper-start", {
  rpc,
  chainId,
  deployment: bookFile,
  keeper: keeper.keeperAddress,
  dryRun: dryRun || walletClient === undefined,
  once: opts.once,
  intervalMs,
});

let failures = 0;
let passes = 0;
for (;;) {
  try {
    await keeper.runPass();
    passes++;
    failures = 0;
  } catch (error) {
    if (controller.signal.aborted) break;
    failures++;
    log.error("pass-failed", { failures, error });
    if (opts.once) {
      process.exitCode = 1;
      break;
    }
  }
  if (opts.once || controller.signal.aborted) break;
  const delay =
    failures === 0 ? intervalMs : backoffDelay(failures, { baseDelayMs: intervalMs, maxDelayMs: 300_000 });
  try {
    await sleep(delay, controller.signal);
  } catch {
    break;
  }
}
process.off("SIGINT", onSignal);
process.off("SIGTERM", onSignal);
log.info("keeper-stopped", { passes, accounts: keeper.accounts.size });
