// Readable tables for the demo: markets, accounts and the liquidity vault. Fixed-point bigint only.
import { ethers } from "ethers";

import type { LocalMarket } from "../../deploy/local-protocol.js";
import type {
  CollateralVault,
  IPerpEngine,
  LiquidityVault,
  PerpLens,
} from "../../types/ethers-contracts/index.js";
import { formatFixed, formatUsd } from "./format.js";

const E18 = 10n ** 18n;
/** 70 % margin utilisation: the SDK and the report flag accounts above it. */
const DANGER_UTILISATION = (70n * E18) / 100n;

const pct = (rate: bigint, shown = 5) => `${formatFixed(rate * 100n, 18, shown)} %`;
const price = (p: bigint) => formatUsd(p, 2);
const size = (s: bigint) => formatFixed(s, 18, 4);

export async function printMarkets(engine: IPerpEngine, markets: LocalMarket[]) {
  console.log(
    "market  oracle        mark          fair          premium      funding/h    annualised    OI long    OI short",
  );
  for (const m of markets) {
    const p = await engine.marketPrices(m.id);
    console.log(
      [
        m.symbol.padEnd(6),
        price(p.oraclePrice).padStart(12),
        price(p.markPrice).padStart(12),
        price(p.fairPrice).padStart(12),
        pct(p.premium).padStart(11),
        pct(p.currentFundingRate).padStart(11),
        pct(p.annualisedFundingRate, 2).padStart(12),
        size(p.openInterestLong).padStart(10),
        size(p.openInterestShort).padStart(10),
      ].join("  "),
    );
  }
}

type Trader = { name: string; signer: { address: string } };

export async function printAccounts(
  engine: IPerpEngine,
  lens: PerpLens,
  vault: CollateralVault,
  markets: LocalMarket[],
  traders: Trader[],
) {
  console.log("\naccount  collateral      equity          margin use   withdrawable");
  for (const t of traders) {
    const m = await engine.accountMargin(t.signer.address);
    const use = m.marginUtilisation === ethers.MaxUint256 ? "∞" : pct(m.marginUtilisation, 2);
    const flag = m.marginUtilisation > DANGER_UTILISATION ? "  <- above 70 %" : "";
    console.log(
      `${t.name.padEnd(8)} ${formatUsd(m.collateral, 2).padStart(14)}  ${formatUsd(m.equity, 2).padStart(14)}  ${use.padStart(11)}  ${formatUsd(m.withdrawable, 2).padStart(13)}${flag}`,
    );
    for (const id of await engine.accountMarkets(t.signer.address)) {
      const market = markets[Number(id)];
      const pos = await engine.position(t.signer.address, id);
      const entry = (pos.openNotional * E18) / pos.size;
      const pnl = await engine.unrealisedPnl(t.signer.address, id);
      const funding = await engine.accruedFunding(t.signer.address, id);
      const liq = await lens.liquidationPrice(t.signer.address, id);
      console.log(
        `         ${market.symbol.padEnd(5)} size ${size(pos.size).padStart(9)}  entry ${price(entry).padStart(10)}  uPnL ${formatUsd(pnl, 2).padStart(10)}  funding owed ${formatUsd(funding, 4).padStart(9)}  liq. price ${liq === 0n ? "none" : price(liq)}`,
      );
    }
  }
  void vault;
}

export async function printLiquidityVault(lv: LiquidityVault, sharePriceBefore?: bigint) {
  const sharePrice = await lv.convertToAssets(E18);
  const line = `\nliquidity vault: total assets ${formatFixed(await lv.totalAssets(), 6, 2)} USDC, share price ${formatFixed(sharePrice, 6, 6)} USDC per share`;
  console.log(
    sharePriceBefore === undefined ? line : `${line} (was ${formatFixed(sharePriceBefore, 6, 6)} before)`,
  );
}
