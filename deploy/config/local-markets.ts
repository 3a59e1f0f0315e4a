// Markets listed by the local deployment (in-process network and `hardhat node`). Prices are the mock feeds'
// starting answers; every parameter is within the engine's hard bounds (docs/DESIGN.md). Each maxSkew sits within the
// funding breaker band (0.0625 %/h): with funding interest 0.00125 %/h and clamp 0.00625 %/h the hourly rate at a
// premium p > 0.0075 % is p − 0.00625 %, so opens may take the premium to 0.06875 % at most, i.e. |skew| ≤
// 0.0006875 × skewScale (ETH 687.5, BTC 34.375, GOLD 1,375, SPX 687.5, WATCH 13.75); the open-interest-to-cash limit
// (LOCAL_VAULT_RISK) usually binds first.

const E18 = 10n ** 18n;
const bp = (n: bigint) => (n * E18) / 10_000n;

export type TierConfig = { upToNotional: bigint; maxLeverage: bigint; mmr: bigint };

export type MarketConfig = {
  symbol: string;
  /** Starting index price, 18 decimals. */
  price: bigint;
  /** The mock Chainlink feed's decimals (8 like most USD feeds). */
  feedDecimals: number;
  skewScale: bigint;
  /** Cap on |premium| (default `MARKET_DEFAULTS.maxPremium`); with maxOpenInterest / (2 × skewScale) it bounds a
   *  close's skew impact, which must not exceed the lowest tier's mmr. */
  maxPremium?: bigint;
  maxSkew: bigint;
  maxOpenInterest: bigint;
  makerFee: bigint;
  takerFee: bigint;
  tiers: TierConfig[];
};

const cryptoTiers: TierConfig[] = [
  { upToNotional: 1_000_000n * E18, maxLeverage: 20n * E18, mmr: bp(250n) },
  { upToNotional: 10_000_000n * E18, maxLeverage: 10n * E18, mmr: bp(500n) },
];

/** Traditional assets; also the luxury-asset market WATCH (10x at most, as the RWA seed lists it). */
const tradFiTiers: TierConfig[] = [
  { upToNotional: 2_000_000n * E18, maxLeverage: 10n * E18, mmr: bp(500n) },
  { upToNotional: 10_000_000n * E18, maxLeverage: 5n * E18, mmr: bp(1000n) },
];

export const LOCAL_MARKETS: MarketConfig[] = [
  {
    symbol: "ETH",
    price: 3_000n * E18,
    feedDecimals: 8,
    skewScale: 1_000_000n * E18,
    maxSkew: 680n * E18,
    maxOpenInterest: 50_000n * E18,
    makerFee: bp(2n),
    takerFee: bp(5n),
    tiers: cryptoTiers,
  },
  {
    symbol: "BTC",
    price: 60_000n * E18,
    feedDecimals: 8,
    skewScale: 50_000n * E18,
    maxSkew: 34n * E18,
    maxOpenInterest: 2_500n * E18,
    makerFee: bp(2n),
    takerFee: bp(5n),
    tiers: cryptoTiers,
  },
  {
    symbol: "GOLD",
    price: 2_400n * E18,
    feedDecimals: 8,
    skewScale: 2_000_000n * E18,
    maxSkew: 1_360n * E18,
    maxOpenInterest: 200_000n * E18,
    makerFee: bp(1n),
    takerFee: bp(3n),
    tiers: tradFiTiers,
  },
  {
    symbol: "SPX",
    price: 5_500n * E18,
    feedDecimals: 8,
    skewScale: 1_000_000n * E18,
    maxSkew: 680n * E18,
    maxOpenInterest: 100_000n * E18,
    makerFee: bp(1n),
    takerFee: bp(3n),
    tiers: tradFiTiers,
  },
  {
    // A luxury-asset index (a watch), about 150,000 USD a unit, priced by a Chainlink-style feed like the others.
    // skewScale 20,000 units (3B USD, as deep as the other markets); maxOpenInterest 2,000 units keeps a close's
    // impact 2,000 / (2 × 20,000) = 5 % within the lowest mmr (5 %), the bound the validator enforces.
    symbol: "WATCH",
    price: 150_000n * E18,
    feedDecimals: 8,
    skewScale: 20_000n * E18,
    maxSkew: (27n * E18) / 2n,
    maxOpenInterest: 2_000n * E18,
    makerFee: bp(1n),
    takerFee: bp(3n),
    tiers: tradFiTiers,
  },
];

/**
 * The liquidity vault's risk settings (docs/DESIGN.md, "Security model"): each side of each market's open interest at
 * most half the vault's cash; a pnl-factor reduction once traders' profit passes half its cash; an entry/exit fee of
 * 0.1 %. The fee is sized to the vault's value move one block's position changes can cause: at a constant oracle only
 * their fees move it, and opening both sides of every market from zero to their caps (half the cash each) pays at most
 * the taker fee on that notional, (5 + 5 + 3 + 3 + 3) bp × 2 sides × 0.5 = 0.19 % of the cash, less than the 0.2 % an
 * entry and an exit pay together (a new market's taker fee must keep that sum below 0.2 %).
 */
export const LOCAL_VAULT_RISK = {
  openInterestCashRatio: E18 / 2n,
  liquidityFee: E18 / 1_000n,
  maxPnlFactor: E18 / 2n,
};

/** Shared defaults: SPEC §4 funding (0.00125 %/h interest, 0.00625 %/h clamp, 4 %/h cap), 5 min fair-price τ. */
export const MARKET_DEFAULTS = {
  fairTau: 300n,
  maxPremium: E18 / 10n,
  minPositionMargin: 10n * E18,
  fundingInterest: 12_500_000_000_000n,
  fundingClamp: 62_500_000_000_000n,
  maxFundingRate: (4n * E18) / 100n,
};
