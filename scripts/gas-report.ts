// Gas benchmark: deposit, open, increase, close and withdraw, as a function of how many positions the account
// already holds (the engine loops over an account's own markets for the margin check). Markets are priced
// through the real Chainlink adapter over Chainlink's MockV3Aggregator. Prints a table and writes docs/gas.md.
import { writeFileSync } from "node:fs";
import { network } from "hardhat";

import { deployLocalMarket, listedTiers, marketParams } from "./lib/local-markets.js";

const { ethers } = await network.create();
const [owner, lp, trader, other] = await ethers.getSigners();
const POSITION_COUNTS = [1, 4, 8, 16];
const ONE = 10n ** 18n;

async function gasOf(tx: Promise<{ wait: () => Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return receipt.gasUsed;
}

async function deployProtocol(markets: number) {
  const usdc = await ethers.deployContract("MockUSDC");
  const vault = await ethers.deployContract("CollateralVault", [await usdc.getAddress(), owner.address]);
  const engine = await ethers.deployContract("PerpEngine", [await vault.getAddress(), owner.address]);
  await (await vault.setBalanceManager(await engine.getAddress(), true)).wait();
  await (await vault.setWithdrawGuard(await engine.getAddress())).wait();
  await (await engine.setLiquidityVault(lp.address)).wait();
  await (await engine.setMaxPositionsPerAccount(16)).wait();
  for (let i = 0; i < markets; i++) {
    const adapter = await deployLocalMarket(ethers, owner.address, 2000n * 10n ** 18n);
    await (
      await engine.listMarket(ethers.encodeBytes32String(`M${i}`), marketParams(adapter), listedTiers())
    ).wait();
  }
  for (const who of [lp, trader, other]) {
    await (await usdc.mint(who.address, 100_000_000n * 10n ** 6n)).wait();
    await (await usdc.connect(who).approve(await vault.getAddress(), ethers.MaxUint256)).wait();
  }
  await (await vault.connect(lp).deposit(50_000_000n * 10n ** 6n)).wait();
  // Another trader is already active in every market, as on a live deployment: the measured trades then pay
  // for their own storage, not for a market's first-ever writes.
  await (await vault.connect(other).deposit(1_000_000n * 10n ** 6n)).wait();
  for (let i = 0; i < markets; i++) {
    await (await engine.connect(other).trade(other.address, i, -ONE, 0n)).wait();
  }
  return { usdc, vault, engine };
}

type Row = { action: string; positions: number; gas: bigint };
const rows: Row[] = [];

for (const n of POSITION_COUNTS) {
  const { vault, engine } = await deployProtocol(n);
  const first = await gasOf(vault.connect(trader).deposit(1_000_000n * 10n ** 6n));
  const topUp = await gasOf(vault.connect(trader).deposit(1_000n * 10n ** 6n));
  if (n === 1) {
    rows.push({ action: "deposit (first)", positions: 0, gas: first });
    rows.push({ action: "deposit (top-up)", positions: 0, gas: topUp });
  }
  // n − 1 other positions first, so the measured trade is the account's n-th.
  for (let m = 1; m < n; m++) {
    await (await engine.connect(trader).trade(trader.address, m, ONE, ethers.MaxUint256)).wait();
  }
  const t = engine.connect(trader);
  rows.push({
    action: "open",
    positions: n,
    gas: await gasOf(t.trade(trader.address, 0, ONE, ethers.MaxUint256)),
  });
  rows.push({
    action: "increase",
    positions: n,
    gas: await gasOf(t.trade(trader.address, 0, ONE, ethers.MaxUint256)),
  });
  rows.push({ action: "reduce", positions: n, gas: await gasOf(t.trade(trader.address, 0, -ONE / 2n, 0n)) });
  rows.push({
    action: "withdraw",
    positions: n,
    gas: await gasOf(vault.connect(trader).withdraw(1_000n * 10n ** 6n, trader.address)),
  });
  rows.push({ action: "close", positions: n, gas: await gasOf(t.closePosition(trader.address, 0, 0n)) });
}

const targets: Record<string, bigint> = { open: 200_000n, close: 150_000n, "deposit (first)": 80_000n };
const header = "| action | positions held | gas | target |\n| --- | ---: | ---: | ---: |";
const lines = rows.map((r) => {
  const target =
    r.positions <= 1 && targets[r.action] ? `≤ ${targets[r.action].toLocaleString("en-US")}` : "";
  return `| ${r.action} | ${r.positions} | ${r.gas.toLocaleString("en-US")} | ${target} |`;
});
const table = [header, ...lines].join("\n");
console.log(table);

const doc = `# Gas

Measured by \`npm run gas\` (scripts/gas-report.ts) on Hardhat's in-process network, solc 0.8.30 with the
optimizer (200 runs), every market priced through \`ChainlinkOracleAdapter\` over Chainlink's
\`MockV3Aggregator\`. "positions held" counts the account's open positions including the one traded (for
withdraw: while they are open). Another trader already holds a position in every market, as on a live
deployment. Each open position adds one oracle read and one position valuation to the
margin check of an opening trade and of a withdrawal; reducing and closing skip the margin check.

${table}
`;
writeFileSync(new URL("../docs/gas.md", import.meta.url), doc);
console.log("\nwritten to docs/gas.md");
