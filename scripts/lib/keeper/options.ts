// The keeper's command line: the usage text and the parsing of flags and environment into checked options. Node's
// built-ins and viem only, nothing generated and nothing that connects: `--help` and a bad flag are answered before
// anything else is loaded.
import { parseArgs } from "node:util";
import { isHex, parseUnits, type Hex } from "viem";

export const HELP = `Usage: npm run keeper -- --rpc <url> [options]

Discovers accounts from the engine's Trade events, checks their health (SDK getAccount + previewLiquidation),
liquidates those whose keeper reward beats the gas cost (an account whose closes do not fit their forced-close bound
now is logged and retried on the next pass), queues a pnl-factor reduction when traders' profit against the
liquidity vault passes its limit, runs auto-deleveraging on the pending request, and rotates a request no candidate
can work once its stuck window has passed.
Logs one JSON object per line to stdout. A line about an account it liquidates or deleverages also names the
account's owner and sub-account id ("owner", "subAccountId"; an account that is no sub-account is its own owner,
id 0). The key is read from KEEPER_PRIVATE_KEY (0x-prefixed hex).

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

const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type CliLogLevel = (typeof LOG_LEVELS)[number];

/** Everything the command line says, checked. */
export interface KeeperCliOptions {
  rpc: string;
  deployment: string | undefined;
  once: boolean;
  dryRun: boolean;
  intervalMs: number;
  batchSize: number;
  maxLiquidations: number;
  minProfitUsd: bigint;
  nativePriceUsd: bigint | undefined;
  nativeSymbol: string;
  adl: boolean;
  adlWaitMs: number;
  maxAdlSteps: number;
  fromBlock: bigint | undefined;
  pageSize: bigint;
  retries: number;
  logLevel: CliLogLevel;
  /** From KEEPER_PRIVATE_KEY; undefined only in a dry run. */
  privateKey: Hex | undefined;
}

/** A command line that cannot run: the message says what to change. */
export class UsageError extends Error {
  override name = "UsageError";
}

const SPEC = {
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
} as const;

function integer(name: string, text: string, min = 0): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${text}"`);
  return Number(text);
}

/** A decimal USD amount (sign, digits, point, at most 18 decimals; `_` and `,` ignored) as 18-decimal fixed point. */
function usd(name: string, text: string): bigint {
  const m = /^\s*(-?)(\d*)(?:\.(\d{0,18}))?\s*$/.exec(text.replace(/[_,]/g, ""));
  if (m === null || (m[2] === "" && (m[3] ?? "") === ""))
    throw new UsageError(`--${name} must be a decimal number, got "${text}"`);
  return parseUnits(`${m[1]}${m[2] || "0"}.${m[3] || "0"}`, 18);
}

/** `parseArgs`' own errors in one line, without its advice on positionals. */
function argsError(error: unknown): UsageError {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown !== null)
    return new UsageError(`unknown option ${unknown[1]}`);
  const ambiguous = /^Option '([^' ]+)[^']*' argument is ambiguous/.exec(message);
  if (ambiguous !== null)
    return new UsageError(`${ambiguous[1]}: write a value that starts with "-" as ${ambiguous[1]}=<value>`);
  return new UsageError(message.split("\n")[0].split(". ")[0].replace(/\.$/, ""));
}

/**
 * Parses the keeper's arguments (without `node` and the script) and environment (`KEEPER_RPC_URL`,
 * `KEEPER_PRIVATE_KEY`). Returns `"help"` for `-h`/`--help`; throws {@link UsageError} for anything it cannot run.
 */
export function parseKeeperArgs(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): KeeperCliOptions | "help" {
  let values;
  try {
    values = parseArgs({ args: [...argv], options: SPEC, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw argsError(error);
  }
  if (values.help) return "help";

  const rpc = values.rpc ?? env.KEEPER_RPC_URL;
  if (rpc === undefined || rpc === "") throw new UsageError("--rpc is required");
  const logLevel = values["log-level"];
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new UsageError(`--log-level must be debug, info, warn or error`);
  const dryRun = values["dry-run"];
  const key = env.KEEPER_PRIVATE_KEY;
  if (!dryRun && (key === undefined || key === ""))
    throw new UsageError("set KEEPER_PRIVATE_KEY (or use --dry-run)");
  if (key !== undefined && key !== "" && !(isHex(key) && key.length === 66))
    throw new UsageError("KEEPER_PRIVATE_KEY must be 0x followed by 64 hex digits");

  return {
    rpc,
    deployment: values.deployment,
    once: values.once,
    dryRun,
    intervalMs: integer("interval", values.interval, 1) * 1000,
    batchSize: integer("batch-size", values["batch-size"], 1),
    maxLiquidations: integer("max-liquidations", values["max-liquidations"], 1),
    minProfitUsd: usd("min-profit", values["min-profit"]),
    nativePriceUsd:
      values["native-price"] === undefined ? undefined : usd("native-price", values["native-price"]),
    nativeSymbol: values["native-symbol"],
    adl: !values["no-adl"],
    adlWaitMs: integer("adl-wait", values["adl-wait"]) * 1000,
    maxAdlSteps: integer("max-adl-steps", values["max-adl-steps"]),
    fromBlock:
      values["from-block"] === undefined ? undefined : BigInt(integer("from-block", values["from-block"])),
    pageSize: BigInt(integer("page-size", values["page-size"], 1)),
    retries: integer("retries", values.retries),
    logLevel: logLevel as CliLogLevel,
    privateKey: key === undefined || key === "" ? undefined : (key as Hex),
  };
}
