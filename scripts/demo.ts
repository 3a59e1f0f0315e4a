// The main job: a full local run on Hardhat's in-process network (no node to start). It deploys the protocol with
// mock Chainlink feeds for four markets, funds an LP and four traders, trades, lets funding accrue for 8 hours,
// moves prices, and prints the markets, the accounts and the liquidity vault before and after.
import { network } from "hardhat";

import { deployLocalProtocol, feedAnswer } from "../deploy/local-protocol.js";
import { formatUsd } from "./lib/format.js";
import { printAccounts, printLiquidityVault, printMarkets } from "./lib/report.js";

const { ethers, networkHelpers } = await network.create();
const [, lp, alice, bob, carol, dave] = await ethers.getSigners();
const E18 = 10n ** 18n;
const USDC = (whole: bigint) => whole * 1_000_000n;

let step = 0;
const progress = (text: string) => console.log(`[${++step}] ${text}`);

progress("Deploying USDC, collateral vault, engine, liquidity vault and 4 markets (ETH, BTC, GOLD, SPX)");
const protocol = await deployLocalProtocol(ethers);
const { usdc, vault, engine, liquidityVault, insuranceFund, markets } = protocol;
const bySymbol = Object.fromEntries(markets.map((m) => [m.symbol, m]));

progress("LP deposits 2,000,000 USDC into the liquidity vault");
await (await usdc.mint(lp.address, USDC(2_000_000n))).wait();
await (await usdc.connect(lp).approve(await liquidityVault.getAddress(), ethers.MaxUint256)).wait();
await (await liquidityVault.connect(lp).deposit(USDC(2_000_000n), lp.address)).wait();

const traders = [
  { name: "alice", signer: alice, deposit: USDC(20_000n) },
  { name: "bob", signer: bob, deposit: USDC(50_000n) },
  { name: "carol", signer: carol, deposit: USDC(8_000n) },
  { name: "dave", signer: dave, deposit: USDC(30_000n) },
];
progress("Traders deposit USDC: alice 20,000, bob 50,000, carol 8,000, dave 30,000");
for (const t of traders) {
  await (await usdc.mint(t.signer.address, t.deposit)).wait();
  await (await usdc.connect(t.signer).approve(await vault.getAddress(), ethers.MaxUint256)).wait();
  await (await vault.connect(t.signer).deposit(t.deposit)).wait();
}

async function trade(signer: typeof alice, symbol: string, size: bigint) {
  const id = bySymbol[symbol].id;
  // 1 % slippage bound around the engine's own quote
  const quote = await engine.quoteFillPrice(id, size);
  const bound = size > 0n ? (quote * 101n) / 100n : (quote * 99n) / 100n;
  await (await engine.connect(signer).trade(signer.address, id, size, bound)).wait();
}

progress(
  "Opening positions: alice long 30 ETH; bob short 2 BTC and 5 SPX; carol long 30 GOLD; dave long 1 BTC, short 20 ETH",
);
await trade(alice, "ETH", 30n * E18);
await trade(bob, "BTC", -2n * E18);
await trade(bob, "SPX", -5n * E18);
await trade(carol, "GOLD", 30n * E18);
await trade(dave, "BTC", 1n * E18);
await trade(dave, "ETH", -20n * E18);

const lpSharePriceBefore = await liquidityVault.convertToAssets(E18);
console.log("\n=== Before: just after opening ===");
await printMarkets(engine, markets);
await printAccounts(engine, vault, markets, traders);
await printLiquidityVault(liquidityVault);

progress("8 hours pass; prices move: ETH +6 %, BTC -4 %, GOLD -5 %, SPX +1 %");
await networkHelpers.time.increase(8 * 3600);
const moves: Record<string, bigint> = { ETH: 106n, BTC: 96n, GOLD: 95n, SPX: 101n };
for (const m of markets) {
  const { oraclePrice } = await engine.marketPrices(m.id);
  await (
    await m.feed.updateAnswer(feedAnswer((oraclePrice * moves[m.symbol]) / 100n, m.feedDecimals))
  ).wait();
  await (await engine.accrue(m.id)).wait();
}

console.log("\n=== After: 8 hours of funding and the price moves ===");
await printMarkets(engine, markets);
await printAccounts(engine, vault, markets, traders);

progress("Alice closes her ETH long and withdraws everything she can");
await (await engine.connect(alice).closePosition(alice.address, bySymbol.ETH.id, 0n)).wait();
const free = await vault.maxWithdraw(alice.address);
await (await vault.connect(alice).withdraw(free, alice.address)).wait();
console.log(`alice withdrew ${(free / 1_000_000n).toLocaleString("en-US")} USDC (started with 20,000)`);

await printLiquidityVault(liquidityVault, lpSharePriceBefore);
await (await engine.sweepInsuranceFees()).wait();
console.log(`insurance fund: ${formatUsd(await insuranceFund.balance(), 2)} USD (10 % of trading fees)`);
console.log("\nDemo finished.");
