// The e2e test's traders, a separate process talking to a node through the SDK only (the mock USDC from its faucet):
// an LP funds the liquidity vault, "risky" opens a 7x GOLD long close to its liquidation price, "safe" a small BTC
// short. Run: RPC_URL=… DEPLOYMENT=…/31337.json LP_KEY=0x… RISKY_KEY=0x… SAFE_KEY=0x… node --import tsx test/e2e/trader.ts
// Prints one JSON line: the accounts and the risky position's liquidation price.
import { readFileSync } from "node:fs";
import { createPublicClient, createWalletClient, http, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

import { createPerpClient, defineDeployment, parseSize, parseUsdc } from "../../sdk/src/index.js";

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set`);
  return value;
};

const transport = http(env("RPC_URL"));
const deployment = defineDeployment(JSON.parse(readFileSync(env("DEPLOYMENT"), "utf8")));
const publicClient = createPublicClient({ chain: hardhat, transport });

function client(key: string) {
  const account = privateKeyToAccount(key as Hex);
  const walletClient = createWalletClient({ chain: hardhat, transport, account });
  return { account, walletClient, perp: createPerpClient({ publicClient, walletClient, deployment }) };
}

async function mint(who: ReturnType<typeof client>, amountUsdc: bigint) {
  await who.perp.faucet({ amountUsdc });
}

const lp = client(env("LP_KEY"));
const risky = client(env("RISKY_KEY"));
const safe = client(env("SAFE_KEY"));
const markets = await lp.perp.getMarkets();
const gold = markets.find((m) => m.symbol === "GOLD");
const btc = markets.find((m) => m.symbol === "BTC");
if (gold === undefined || btc === undefined) throw new Error("GOLD and BTC markets expected");

await mint(lp, parseUsdc("1000000"));
await lp.perp.depositLiquidity({ assetsUsdc: parseUsdc("1000000") });

await mint(risky, parseUsdc("8000"));
await risky.perp.deposit({ amountUsdc: parseUsdc("8000") });
await risky.perp.openPosition({ marketId: gold.marketId, side: "long", size: parseSize("30") });

await mint(safe, parseUsdc("50000"));
await safe.perp.deposit({ amountUsdc: parseUsdc("50000") });
await safe.perp.openPosition({ marketId: btc.marketId, side: "short", size: parseSize("1") });

const position = (await risky.perp.getAccount()).positions[0];
console.log(
  JSON.stringify({
    lp: lp.account.address,
    risky: risky.account.address,
    safe: safe.account.address,
    goldMarketId: String(gold.marketId),
    liquidationPrice: String(position.liquidationPrice),
  }),
);
