// The faucet's command line, apart from its process handling (scripts/faucet.ts) so that tests can run it: parses
// `<address> <amount> [--rpc <url>] [--deployment <file>]` and mints the local mock USDC with the SDK's `faucet`.
import { parseArgs } from "node:util";
import { getAddress, isAddress, type Address } from "viem";

import { formatUsdc, parseUsdc, type PerpClient } from "../../sdk/src/index.js";

export const FAUCET_HELP = `Usage: npm run faucet -- <address> <amount> [options]

Mints <amount> of the local mock USDC (the deployment's collateral token) to <address>, with the SDK's faucet action.
Only a local deployment's mock USDC mints to anyone: against any other token it refuses and sends nothing.

  <address>              the wallet to fund (0x…)
  <amount>               USDC, a decimal number: 1000, 2500.5
  --rpc <url>            JSON-RPC endpoint (or PERP_RPC_URL; default http://127.0.0.1:8545)
  --deployment <file>    address book (default: deployments/<chainId>.json, or under PERP_DEPLOYMENTS_DIR)
  -h, --help             this text

The transaction is sent from FAUCET_PRIVATE_KEY (0x-prefixed hex), by default the local node's test account #0
(a publicly known key: local nodes only).`;

/** What the command line asks for. */
export type FaucetCommand =
  | { help: true }
  | { help: false; to: Address; amountUsdc: bigint; rpc: string | undefined; deployment: string | undefined };

/** A command-line mistake: the message to print before the help, exit code 2. */
export class FaucetUsageError extends Error {
  override name = "FaucetUsageError";
}

/** Parses the faucet's arguments (after `--`). */
export function parseFaucetArgs(argv: readonly string[]): FaucetCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        rpc: { type: "string" },
        deployment: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new FaucetUsageError((error as Error).message);
  }
  if (parsed.values.help) return { help: true };
  const [to, amount, ...rest] = parsed.positionals;
  if (to === undefined || amount === undefined)
    throw new FaucetUsageError("an address and an amount are required");
  if (rest.length > 0) throw new FaucetUsageError(`unexpected argument "${rest[0]}"`);
  if (!isAddress(to, { strict: false })) throw new FaucetUsageError(`"${to}" is not an address`);
  let amountUsdc: bigint;
  try {
    amountUsdc = parseUsdc(amount);
  } catch {
    throw new FaucetUsageError(`the amount must be a decimal number of USDC, got "${amount}"`);
  }
  if (amountUsdc <= 0n) throw new FaucetUsageError("the amount must be greater than zero");
  return {
    help: false,
    to: getAddress(to),
    amountUsdc,
    rpc: parsed.values.rpc,
    deployment: parsed.values.deployment,
  };
}

/** Mints `amountUsdc` to `to` and returns the line the command prints. */
export async function runFaucet(perp: PerpClient, to: Address, amountUsdc: bigint): Promise<string> {
  const minted = await perp.faucet({ account: to, amountUsdc });
  return `minted ${formatUsdc(minted.amountUsdc)} USDC to ${minted.account} (transaction ${minted.hash})`;
}
