// The local faucet: npm run faucet -- <address> <amount> [--rpc <url>] [--deployment <file>]   (see --help)
// Mints the local mock USDC to a wallet through the SDK's `faucet` action (scripts/lib/faucet.ts holds the parsing).
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createPublicClient, createWalletClient, defineChain, http, isHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { createPerpClient, defineDeployment, PerpError } from "../sdk/src/index.js";
import {
  FAUCET_HELP,
  FaucetUsageError,
  parseFaucetArgs,
  runFaucet,
  type FaucetCommand,
} from "./lib/faucet.js";

/** Hardhat's test account #0 (mnemonic "test … junk"), funded on every local node: a publicly known key. */
const LOCAL_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function fail(message: string, code = 1): never {
  process.stderr.write(`faucet: ${message}\n`);
  process.exit(code);
}

let command: FaucetCommand;
try {
  command = parseFaucetArgs(process.argv.slice(2));
} catch (error) {
  if (error instanceof FaucetUsageError) {
    process.stderr.write(`faucet: ${error.message}\n\n${FAUCET_HELP}\n`);
    process.exit(2);
  }
  throw error;
}
if (command.help) {
  console.log(FAUCET_HELP);
  process.exit(0);
}

const key = process.env.FAUCET_PRIVATE_KEY || LOCAL_KEY;
if (!(isHex(key) && key.length === 66)) fail("FAUCET_PRIVATE_KEY must be 0x followed by 64 hex digits", 2);
const rpc = command.rpc ?? process.env.PERP_RPC_URL ?? "http://127.0.0.1:8545";
const transport = http(rpc, { retryCount: 0, timeout: 30_000 });
let chainId: number;
try {
  chainId = await createPublicClient({ transport }).getChainId();
} catch {
  fail(`no JSON-RPC node at ${rpc} (start one: npx hardhat node --hostname 127.0.0.1)`);
}
const deploymentsDir = process.env.PERP_DEPLOYMENTS_DIR ?? join(root, "deployments");
const bookFile = resolve(command.deployment ?? join(deploymentsDir, `${chainId}.json`));
let book: unknown;
try {
  book = JSON.parse(readFileSync(bookFile, "utf8"));
} catch {
  fail(`cannot read the address book ${bookFile} (deploy first: npm run deploy -- --network localhost)`);
}
const chain = defineChain({
  id: chainId,
  name: `chain ${chainId}`,
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [rpc] } },
});
try {
  const perp = createPerpClient({
    publicClient: createPublicClient({ chain, transport }),
    walletClient: createWalletClient({ chain, transport, account: privateKeyToAccount(key as Hex) }),
    deployment: defineDeployment(book),
  });
  console.log(await runFaucet(perp, command.to, command.amountUsdc));
} catch (error) {
  if (error instanceof PerpError) fail(error.shortMessage);
  throw error;
}
