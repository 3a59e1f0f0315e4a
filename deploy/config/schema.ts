// What a deployment is made of, per network: the collateral token, the markets with their oracle feeds and
// parameters, and the protocol-wide settings. Local networks use mocks (`collateral: { mock: true }`, feeds with a
// starting `price`); real networks name Chainlink feed and USDC addresses. `parseDeployConfig` reads the JSON form
// (deploy/config/networks/*.json), in which every amount is a decimal string in human units.
import { getAddress, isAddress, type Address } from "viem";

import { parseFixed } from "../../sdk/src/format.js";
import { fundingRate } from "../../sdk/src/math/fundingMath.js";
import { premium } from "../../sdk/src/math/pricingMath.js";

/** A market's Chainlink feed: an existing aggregator, or a `MockV3Aggregator` deployed with a starting price. */
export type FeedConfig = { address: Address } | { mock: { decimals: number; price: bigint } };

export type TierConfig = { upToNotional: bigint; maxLeverage: bigint; mmr: bigint };

/** The engine's `MarketParams` without the oracle (the adapter deployed for the market). */
export type MarketParamsConfig = {
  fairTau: bigint;
  maxPremium: bigint;
  skewScale: bigint;
  maxSkew: bigint;
  maxOpenInterest: bigint;
  minPositionMargin: bigint;
  makerFee: bigint;
  takerFee: bigint;
  fundingInterest: bigint;
  fundingClamp: bigint;
  maxFundingRate: bigint;
};

export type MarketDeployConfig = {
  /** 1–31 characters of [A-Za-z0-9_]: the engine's bytes32 symbol and part of the Ignition future ids. */
  symbol: string;
  feed: FeedConfig;
  /** The adapter's staleness limit for the feed, seconds (1 s to 2 days). */
  heartbeat: bigint;
  /** Bounds on the normalised price, 18 decimals. */
  minPrice: bigint;
  maxPrice: bigint;
  /** An optional second source checked against the feed. */
  secondary?: { feed: Address; heartbeat: bigint; maxDeviation: bigint };
  params: MarketParamsConfig;
  tiers: TierConfig[];
};

/** `LiquidationEngine.setConfig` (the engine's constructor defaults apply when absent). */
export type LiquidationDeployConfig = {
  feeRate: bigint;
  keeperShare: bigint;
  minKeeperReward: bigint;
  maxKeeperReward: bigint;
  partialNotional: bigint;
  sliceFraction: bigint;
  cooldown: bigint;
};

export type ProtocolDeployConfig = {
  /** A name for logs and the address book (e.g. "local", "arbitrum-one"). */
  name: string;
  /** The chain this config is for; the deploy refuses another chain. Absent: any chain (local configs). */
  chainId?: number;
  /** `{ mock: true }` deploys `MockUSDC`; otherwise the USDC address (6 decimals, checked before deploying). */
  collateral: { mock: true } | { address: Address };
  /** L2 sequencer uptime feed applied to every market's adapter (Arbitrum, OP, Base…). */
  sequencer?: { feed: Address; gracePeriod: bigint };
  /** Gets ownership of every contract after the wiring (two-step contracts: pending until it accepts). */
  admin?: Address;
  /** The liquidity vault's deposit cap in USDC units (6 decimals). */
  depositCap: bigint;
  /** Share of trading fees swept to the insurance fund, 18 decimals (at most 50 %). */
  insuranceFeeShare: bigint;
  /** The most a market's |skew| × oracle may be, as a fraction of the liquidity vault's cash (1 % to 100 %). */
  openInterestCashRatio: bigint;
  /** The liquidity vault's entry/exit fee, 18 decimals (at most 1 %). */
  liquidityFee: bigint;
  /** Traders' unrealised profit against the liquidity vault, as a fraction of its cash, beyond which the winning
   *  side of a market may be reduced (10 % to 100 %). */
  maxPnlFactor: bigint;
  liquidation?: LiquidationDeployConfig;
  /** Verify the contracts on the configured block explorers after deploying. */
  verify: boolean;
  markets: MarketDeployConfig[];
};

export const MAX_UINT256 = 2n ** 256n - 1n;
const E18 = 10n ** 18n;

export class DeployConfigError extends Error {
  override name = "DeployConfigError";
}

type Json = Record<string, unknown>;

function fail(path: string, message: string): never {
  throw new DeployConfigError(`${path}: ${message}`);
}

function object(value: unknown, path: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(path, "expected an object");
  return value as Json;
}

/** Rejects keys not in `allowed` (typos), except `$`-prefixed ones (comments). */
function onlyKeys(raw: Json, allowed: readonly string[], path: string) {
  for (const key of Object.keys(raw))
    if (!key.startsWith("$") && !allowed.includes(key)) fail(`${path}.${key}`, "unknown key");
}

function decimal(value: unknown, decimals: number, path: string): bigint {
  if (typeof value === "number" && Number.isSafeInteger(value)) value = String(value);
  if (typeof value !== "string") fail(path, "expected a decimal string");
  try {
    const parsed = parseFixed(value, decimals);
    if (parsed < 0n) fail(path, "must not be negative");
    return parsed;
  } catch (err) {
    if (err instanceof DeployConfigError) throw err;
    return fail(path, (err as Error).message);
  }
}

/** USD amounts, prices, sizes, rates and leverage: 18 decimals. */
const wad = (value: unknown, path: string) => decimal(value, 18, path);

function seconds(value: unknown, path: string): bigint {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0)
    fail(path, "expected a whole number of seconds");
  return BigInt(value);
}

function address(value: unknown, path: string): Address {
  if (typeof value !== "string" || !isAddress(value, { strict: false })) fail(path, "expected an address");
  return getAddress(value);
}

const MARKET_PARAM_KEYS = [
  "fairTau",
  "maxPremium",
  "skewScale",
  "maxSkew",
  "maxOpenInterest",
  "minPositionMargin",
  "makerFee",
  "takerFee",
  "fundingInterest",
  "fundingClamp",
  "maxFundingRate",
] as const satisfies readonly (keyof MarketParamsConfig)[];

function marketParams(raw: Json, path: string): MarketParamsConfig {
  const out = {} as MarketParamsConfig;
  for (const key of MARKET_PARAM_KEYS) {
    if (raw[key] === undefined) fail(`${path}.${key}`, "missing");
    out[key] = key === "fairTau" ? seconds(raw[key], `${path}.${key}`) : wad(raw[key], `${path}.${key}`);
  }
  return out;
}

function feed(raw: unknown, path: string): FeedConfig {
  if (typeof raw === "string") return { address: address(raw, path) };
  const f = object(raw, path);
  if (f.mock !== undefined) {
    const mock = object(f.mock, `${path}.mock`);
    const decimals = mock.decimals ?? 8;
    if (typeof decimals !== "number" || !Number.isInteger(decimals) || decimals < 0 || decimals > 18)
      fail(`${path}.mock.decimals`, "expected an integer in [0, 18]");
    return { mock: { decimals, price: wad(mock.price, `${path}.mock.price`) } };
  }
  return { address: address(f.address, `${path}.address`) };
}

const MARKET_KEYS = [
  "symbol",
  "feed",
  "heartbeat",
  "minPrice",
  "maxPrice",
  "secondary",
  "tiers",
  ...MARKET_PARAM_KEYS,
];
const TOP_KEYS = [
  "name",
  "chainId",
  "collateral",
  "sequencer",
  "admin",
  "depositCap",
  "insuranceFeeShare",
  "openInterestCashRatio",
  "liquidityFee",
  "maxPnlFactor",
  "liquidation",
  "verify",
  "marketDefaults",
  "markets",
];

function market(raw: unknown, defaults: Json, path: string): MarketDeployConfig {
  const m = { ...defaults, ...object(raw, path) };
  onlyKeys(m, MARKET_KEYS, path);
  const symbol = m.symbol;
  if (typeof symbol !== "string" || !/^[A-Za-z0-9_]{1,31}$/.test(symbol))
    fail(`${path}.symbol`, "expected 1–31 characters of [A-Za-z0-9_]");
  if (!Array.isArray(m.tiers) || m.tiers.length === 0) fail(`${path}.tiers`, "expected a non-empty array");
  const out: MarketDeployConfig = {
    symbol,
    feed: feed(m.feed, `${path}.feed`),
    heartbeat: seconds(m.heartbeat, `${path}.heartbeat`),
    minPrice: wad(m.minPrice, `${path}.minPrice`),
    maxPrice: wad(m.maxPrice, `${path}.maxPrice`),
    params: marketParams(m, path),
    tiers: m.tiers.map((t: unknown, i: number) => {
      const tier = object(t, `${path}.tiers[${i}]`);
      return {
        upToNotional: wad(tier.upToNotional, `${path}.tiers[${i}].upToNotional`),
        maxLeverage: wad(tier.maxLeverage, `${path}.tiers[${i}].maxLeverage`),
        mmr: wad(tier.mmr, `${path}.tiers[${i}].mmr`),
      };
    }),
  };
  if (m.secondary !== undefined) {
    const s = object(m.secondary, `${path}.secondary`);
    out.secondary = {
      feed: address(s.feed, `${path}.secondary.feed`),
      heartbeat: seconds(s.heartbeat, `${path}.secondary.heartbeat`),
      maxDeviation: wad(s.maxDeviation, `${path}.secondary.maxDeviation`),
    };
  }
  return out;
}

/**
 * Reads the JSON form of a deploy config. Amounts are decimal strings in human units: USD, prices, sizes, rates
 * (`"0.0005"` = 0.05 %) and leverage (`"20"`) become 18-decimal bigints, `depositCap` is USDC (`"max"` for no
 * cap), seconds are JSON integers. `marketDefaults` is merged into every market.
 */
export function parseDeployConfig(input: unknown, source = "config"): ProtocolDeployConfig {
  const raw = object(input, source);
  onlyKeys(raw, TOP_KEYS, source);
  if (typeof raw.name !== "string" || raw.name === "") fail(`${source}.name`, "expected a string");
  const collateral = object(raw.collateral, `${source}.collateral`);
  const defaults =
    raw.marketDefaults === undefined ? {} : object(raw.marketDefaults, `${source}.marketDefaults`);
  if (!Array.isArray(raw.markets) || raw.markets.length === 0)
    fail(`${source}.markets`, "expected a non-empty array");
  const config: ProtocolDeployConfig = {
    name: raw.name,
    collateral:
      collateral.mock === true
        ? { mock: true }
        : { address: address(collateral.address, `${source}.collateral`) },
    depositCap:
      raw.depositCap === undefined || raw.depositCap === "max"
        ? MAX_UINT256
        : decimal(raw.depositCap, 6, `${source}.depositCap`),
    insuranceFeeShare: wad(raw.insuranceFeeShare ?? "0", `${source}.insuranceFeeShare`),
    openInterestCashRatio: wad(raw.openInterestCashRatio ?? "1", `${source}.openInterestCashRatio`),
    liquidityFee: wad(raw.liquidityFee ?? "0", `${source}.liquidityFee`),
    maxPnlFactor: wad(raw.maxPnlFactor ?? "0.5", `${source}.maxPnlFactor`),
    verify: raw.verify === true,
    markets: raw.markets.map((m: unknown, i: number) => market(m, defaults, `${source}.markets[${i}]`)),
  };
  if (raw.chainId !== undefined) {
    if (typeof raw.chainId !== "number" || !Number.isSafeInteger(raw.chainId) || raw.chainId <= 0)
      fail(`${source}.chainId`, "expected a positive integer");
    config.chainId = raw.chainId;
  }
  if (raw.admin !== undefined) config.admin = address(raw.admin, `${source}.admin`);
  if (raw.sequencer !== undefined) {
    const s = object(raw.sequencer, `${source}.sequencer`);
    config.sequencer = {
      feed: address(s.feed, `${source}.sequencer.feed`),
      gracePeriod: seconds(s.gracePeriod, `${source}.sequencer.gracePeriod`),
    };
  }
  if (raw.liquidation !== undefined) {
    const l = object(raw.liquidation, `${source}.liquidation`);
    const p = `${source}.liquidation`;
    config.liquidation = {
      feeRate: wad(l.feeRate, `${p}.feeRate`),
      keeperShare: wad(l.keeperShare, `${p}.keeperShare`),
      minKeeperReward: wad(l.minKeeperReward, `${p}.minKeeperReward`),
      maxKeeperReward: wad(l.maxKeeperReward, `${p}.maxKeeperReward`),
      partialNotional: wad(l.partialNotional, `${p}.partialNotional`),
      sliceFraction: wad(l.sliceFraction, `${p}.sliceFraction`),
      cooldown: seconds(l.cooldown, `${p}.cooldown`),
    };
  }
  validateDeployConfig(config, source);
  return config;
}

/** SPEC §9's funding breaker band: ±0.5 % per 8 h, 0.0625 % per hour (the engine's default at listing). */
export const DEFAULT_BREAKER_FUNDING_BAND = 625_000_000_000_000n;

/** The largest |hourly funding rate| a market's parameters give at a skew of ±maxSkew (the engine's validator's). */
export function fundingRateAtMaxSkew(p: MarketParamsConfig): bigint {
  const rateAt = (skew: bigint) => {
    const r = fundingRate(
      premium(skew, p.skewScale, p.maxPremium),
      p.fundingInterest,
      p.fundingClamp,
      p.maxFundingRate,
    );
    return r < 0n ? -r : r;
  };
  const up = rateAt(p.maxSkew);
  const down = rateAt(-p.maxSkew);
  return up > down ? up : down;
}

/**
 * Checks what the contracts would reject, before anything is sent: unique symbols, price bounds, tiers increasing
 * with mmr < 1 / maxLeverage, caps, the liquidation-impact bound, the fee share and the vault-risk settings. It also
 * refuses a maxSkew whose funding rate exceeds the SPEC breaker band (the engine would then raise that market's
 * band to the rate, making the breaker meaningless): the band caps the skew opens can reach, so maxSkew must sit
 * within it. (The contracts enforce the rest of their hard bounds.)
 */
export function validateDeployConfig(config: ProtocolDeployConfig, source = "config"): void {
  const seen = new Set<string>();
  if (config.insuranceFeeShare > E18 / 2n) fail(`${source}.insuranceFeeShare`, "at most 0.5");
  if (config.openInterestCashRatio < E18 / 100n || config.openInterestCashRatio > E18)
    fail(`${source}.openInterestCashRatio`, "must be in [0.01, 1]");
  if (config.liquidityFee > E18 / 100n) fail(`${source}.liquidityFee`, "at most 0.01");
  if (config.maxPnlFactor < E18 / 10n || config.maxPnlFactor > E18)
    fail(`${source}.maxPnlFactor`, "must be in [0.1, 1]");
  config.markets.forEach((m, i) => {
    const path = `${source}.markets[${i}] (${m.symbol})`;
    if (seen.has(m.symbol)) fail(path, "duplicate symbol");
    seen.add(m.symbol);
    if (m.heartbeat < 1n || m.heartbeat > 2n * 86_400n) fail(`${path}.heartbeat`, "must be in [1 s, 2 days]");
    if (!(0n < m.minPrice && m.minPrice < m.maxPrice && m.maxPrice <= 10n ** 36n))
      fail(path, "needs 0 < minPrice < maxPrice <= 1e36");
    if ("mock" in m.feed && (m.feed.mock.price < m.minPrice || m.feed.mock.price > m.maxPrice))
      fail(`${path}.feed.mock.price`, "outside [minPrice, maxPrice]");
    if (m.params.maxSkew === 0n || m.params.maxSkew > m.params.maxOpenInterest)
      fail(path, "needs 0 < maxSkew <= maxOpenInterest");
    let previous = 0n;
    m.tiers.forEach((t, j) => {
      if (t.upToNotional <= previous) fail(`${path}.tiers[${j}]`, "upToNotional must increase");
      previous = t.upToNotional;
      if (t.maxLeverage < E18) fail(`${path}.tiers[${j}]`, "maxLeverage below 1");
      if (t.mmr === 0n || t.mmr * t.maxLeverage >= E18 * E18)
        fail(`${path}.tiers[${j}]`, "needs 0 < mmr < 1 / maxLeverage");
    });
    // The engine's liquidation-impact bound: min(2 × maxPremium, ⌈maxOpenInterest / (2 × skewScale)⌉) <= lowest mmr.
    const minMmr = m.tiers.reduce((low, t) => (t.mmr < low ? t.mmr : low), E18);
    const { maxPremium, maxOpenInterest, skewScale } = m.params;
    if (skewScale > 0n && 2n * maxPremium > minMmr && maxOpenInterest * E18 > 2n * skewScale * minMmr)
      fail(
        path,
        "a close's skew impact, min(2 × maxPremium, maxOpenInterest / (2 × skewScale)), exceeds the lowest mmr",
      );
    if (skewScale > 0n && fundingRateAtMaxSkew(m.params) > DEFAULT_BREAKER_FUNDING_BAND)
      fail(
        path,
        "the funding rate at ±maxSkew exceeds the breaker band (0.0625 %/h): lower maxSkew or raise skewScale",
      );
  });
}

/** Which contracts of a config are mocks (local networks only). */
export const usesMocks = (config: ProtocolDeployConfig): boolean =>
  "mock" in config.collateral || config.markets.some((m) => "mock" in m.feed);
