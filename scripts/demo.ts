// The main job: a full local run on Hardhat's in-process network (no node to start). It deploys the protocol with
// mock Chainlink feeds for five markets, funds an LP and four traders, trades, lets funding accrue for 8 hours,
// moves prices, and prints the markets, the accounts and the liquidity vault before and after. Then GOLD falls
// further, carol's account drops below maintenance margin, and one pass of the keeper (the same code as
// `npm run keeper`, imported) liquidates it.
import { network } from "hardhat";
import { createWalletClient, custom, getAddress, keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { deployLocalProtocol, feedAnswer } from "../deploy/local-protocol.js";
import { createPerpClient, deploymentFromLocalProtocol, parseSize, parseUsdc } from "../sdk/src/index.js";
import { formatFixed, formatUsd } from "./lib/format.js";
import { createKeeper } from "./lib/keeper/keeper.js";
import { createMemoryLogger } from "./lib/keeper/logger.js";
import { printAccounts, printLiquidityVault, printMarkets } from "./lib/report.js";

const connection = await network.create();
const { ethers, networkHelpers, viem } = connection;
const [, lp, alice, bob, carol, dave, erin] = await ethers.getSigners();
const E18 = 10n ** 18n;
const USDC = (whole: bigint) => whole * 1_000_000n;

let step = 0;
const progress = (text: string) => console.log(`[${++step}] ${text}`);

progress(
  "Deploying USDC, collateral vault, engine, liquidity vault and 5 markets (ETH, BTC, GOLD, SPX, WATCH)",
);
const protocol = await deployLocalProtocol(ethers);
const { usdc, vault, engine, lens, liquidityVault, insuranceFund, markets } = protocol;
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
await printAccounts(engine, lens, vault, markets, traders);
await printLiquidityVault(liquidityVault);

progress("8 hours pass; prices move: ETH +6 %, BTC -4 %, GOLD -5 %, SPX +1 %, WATCH unchanged");
await networkHelpers.time.increase(8 * 3600);
const moves: Record<string, bigint> = { ETH: 106n, BTC: 96n, GOLD: 95n, SPX: 101n, WATCH: 100n };
for (const m of markets) {
  const { oraclePrice } = await engine.marketPrices(m.id);
  await (
    await m.feed.updateAnswer(feedAnswer((oraclePrice * moves[m.symbol]) / 100n, m.feedDecimals))
  ).wait();
  await (await engine.accrue(m.id)).wait();
}

console.log("\n=== After: 8 hours of funding and the price moves ===");
await printMarkets(engine, markets);
await printAccounts(engine, lens, vault, markets, traders);

progress("Alice closes her ETH long and withdraws everything she can");
await (await engine.connect(alice).closePosition(alice.address, bySymbol.ETH.id, 0n)).wait();
const free = await vault.maxWithdraw(alice.address);
await (await vault.connect(alice).withdraw(free, alice.address)).wait();
console.log(`alice withdrew ${(free / 1_000_000n).toLocaleString("en-US")} USDC (started with 20,000)`);

await printLiquidityVault(liquidityVault, lpSharePriceBefore);
await (await engine.sweepInsuranceFees()).wait();
console.log(`insurance fund: ${formatUsd(await insuranceFund.balance(), 2)} USD (10 % of trading fees)`);

progress(
  "GOLD falls another 3 % and an hour passes (the fair price follows the oracle at once): carol is below maintenance margin",
);
{
  const { oraclePrice } = await engine.marketPrices(bySymbol.GOLD.id);
  await (await bySymbol.GOLD.feed.updateAnswer(feedAnswer((oraclePrice * 97n) / 100n, 8))).wait();
  await networkHelpers.time.increase(3600);
  const { fairPrice } = await engine.marketPrices(bySymbol.GOLD.id);
  const liq = await lens.liquidationPrice(carol.address, bySymbol.GOLD.id);
  const m = await engine.accountMarginAtFair(carol.address);
  console.log(`GOLD fair price ${formatUsd(fairPrice, 2)}, carol's liquidation price ${formatUsd(liq, 2)}`);
  console.log(
    `carol: equity ${formatUsd(m.equity, 2)} USD against ${formatUsd(m.maintenanceMargin, 2)} USD of maintenance margin required: ${formatUsd(BigInt(m.maintenanceMargin) - m.equity, 2)} USD short, liquidatable`,
  );
}

progress(
  "One keeper pass (the code of `npm run keeper`): accounts from Trade events, health via the SDK, liquidation",
);
// A new account with gas money: anyone can be the keeper. (A fixed demo key, so the output is the same every run.)
const keeperAccount = privateKeyToAccount(keccak256(toHex("perp demo keeper")));
await networkHelpers.setBalance(keeperAccount.address, 10n ** 18n);
const publicClient = await viem.getPublicClient();
const before = {
  fund: await insuranceFund.balance(),
  lpAssets: await liquidityVault.totalAssets(),
  sharePrice: await liquidityVault.convertToAssets(E18),
};
const deployment = await deploymentFromLocalProtocol(protocol, {
  chainId: publicClient.chain.id,
  startBlock: 0,
});
const keeper = createKeeper({
  publicClient,
  walletClient: createWalletClient({
    chain: publicClient.chain,
    transport: custom(connection.provider),
    account: keeperAccount,
  }),
  deployment,
  // The JSON-lines log stays in memory here; the summary below is printed instead.
  logger: createMemoryLogger("info"),
});
const pass = await keeper.runPass();
const names = new Map(traders.map((t) => [getAddress(t.signer.address), t.name]));
const nameOf = (a: string) => names.get(getAddress(a)) ?? a;
console.log(
  `keeper: ${pass.newAccounts} accounts found in Trade events, ${pass.accountsKnown} with positions, below maintenance margin: ${pass.underwater.map(nameOf).join(", ") || "none"}`,
);
for (const l of pass.liquidations) {
  console.log(
    `liquidated ${nameOf(l.account)}: ${formatUsd(l.notionalClosedUsd, 2)} USD of notional closed${l.partialOnly ? " (partially)" : ""}, fee ${formatUsd(l.feeUsd, 2)} USD = keeper reward ${formatUsd(l.keeperRewardUsd, 2)} + insurance fund ${formatUsd(l.insuranceFeeUsd, 2)}`,
  );
}
console.log(
  `the keeper's wallet received ${formatFixed(await usdc.balanceOf(keeperAccount.address), 6, 2)} USDC`,
);
const carolAfter = await engine.accountMargin(carol.address);
console.log(
  `carol after: collateral ${formatUsd(carolAfter.collateral, 2)} USD, ${(await engine.accountMarkets(carol.address)).length} positions`,
);
console.log(
  `insurance fund: ${formatUsd(before.fund, 2)} USD before, ${formatUsd(await insuranceFund.balance(), 2)} USD after`,
);
console.log(
  `liquidity vault: total assets ${formatFixed(before.lpAssets, 6, 2)} → ${formatFixed(await liquidityVault.totalAssets(), 6, 2)} USDC, share price ${formatFixed(before.sharePrice, 6, 6)} → ${formatFixed(await liquidityVault.convertToAssets(E18), 6, 6)} USDC per share`,
);

// ------------------------------------------------------------------ isolated margin: the RWA seed's example

progress(
  "LP adds 2,000,000 USDC: a 1.5M USD WATCH position needs 3M USD of vault cash (half of it per side)",
);
await (await usdc.mint(lp.address, USDC(2_000_000n))).wait();
await (await liquidityVault.connect(lp).deposit(USDC(2_000_000n), lp.address)).wait();

progress(
  "erin deposits 350,000 USDC; her cross-margin account shorts 2 WATCH, and the seed's long (10 WATCH, 300,000 USDC, 5x) opens isolated in her sub-account 1",
);
const erinWallet = (await viem.getWalletClients())[6];
const erinPerp = createPerpClient({ publicClient, walletClient: erinWallet, deployment });
const WATCH = bySymbol.WATCH.id;
await erinPerp.faucet({ amountUsdc: parseUsdc("350000") });
await erinPerp.deposit({ amountUsdc: parseUsdc("350000") });
await erinPerp.openPosition({ marketId: WATCH, side: "short", size: parseSize("2") });
const isolatedOrder = {
  marketId: WATCH,
  side: "long",
  size: parseSize("10"),
  collateralUsdc: parseUsdc("300000"),
} as const;
const preview = await erinPerp.previewIsolatedPosition(isolatedOrder);
console.log(
  `preview: fill ${formatUsd(preview.fillPrice, 2)}, fee ${formatUsd(preview.feeUsd, 2)} USD, leverage ${formatFixed(preview.leverage, 18, 4)}x, liquidation price ${formatUsd(preview.liquidationPrice, 2)}`,
);
const isolated = await erinPerp.openIsolatedPosition(isolatedOrder);
const sub = isolated.subAccount.address;
console.log(
  `opened in sub-account ${isolated.subAccount.id} (${sub}${isolated.created ? ", created" : ""}) at ${formatUsd(isolated.open.fillPrice, 2)}; liquidation price ${formatUsd(isolated.liquidationPrice, 2)}`,
);
const erinAccounts = [
  { name: "erin", signer: erin },
  { name: "erin/1", signer: { address: sub } },
];
await printAccounts(engine, lens, vault, markets, erinAccounts);

progress(
  "WATCH falls 17 % to 124,500 and an hour passes: the isolated long is below maintenance margin, the cross account is not",
);
await (await bySymbol.WATCH.feed.updateAnswer(feedAnswer(124_500n * E18, 8))).wait();
await networkHelpers.time.increase(3600);
const crossBefore = await engine.accountMargin(erin.address);
console.log(
  `erin/1 liquidatable: ${(await erinPerp.getAccount({ account: sub })).liquidatable}; erin's cross account liquidatable: ${(await erinPerp.getAccount()).liquidatable}`,
);

progress(
  "Keeper passes every 10 minutes while the isolated sub-account is below maintenance margin (each slice waits for the cooldown and for the fair price to follow the skew the last slice moved): they liquidate it and nothing else",
);
names.set(getAddress(erin.address), "erin");
names.set(getAddress(sub), "erin/1");
const { cooldown } = await erinPerp.getLiquidationConfig();
const wait = cooldown > 600n ? cooldown : 600n;
for (let round = 1; round <= 10 && (await erinPerp.getAccount({ account: sub })).liquidatable; round++) {
  if (round > 1) await networkHelpers.time.increase(Number(wait));
  const next = await keeper.runPass();
  for (const l of next.liquidations) {
    console.log(
      `pass ${round}: liquidated ${nameOf(l.account)}: ${formatUsd(l.notionalClosedUsd, 2)} USD of notional closed${l.partialOnly ? " (a slice)" : ""}, fee ${formatUsd(l.feeUsd, 2)} USD; below maintenance margin: ${next.underwater.map(nameOf).join(", ")}`,
    );
  }
}
const crossAfter = await engine.accountMargin(erin.address);
console.log(
  `erin's cross account: collateral ${formatUsd(crossBefore.collateral, 2)} → ${formatUsd(crossAfter.collateral, 2)} USD (${crossAfter.collateral === crossBefore.collateral ? "unchanged to the wei" : "CHANGED"}), still short ${formatFixed(-(await engine.position(erin.address, WATCH)).size, 18, 4)} WATCH`,
);
console.log(
  `erin/1 after: collateral ${formatUsd(await vault.collateralOf(sub), 2)} USD, long ${formatFixed((await engine.position(sub, WATCH)).size, 18, 4)} WATCH, above maintenance margin again; whatever WATCH does, its loss stops at the 300,000 USDC it was given`,
);
await printAccounts(engine, lens, vault, markets, erinAccounts);
console.log("\nDemo finished.");
