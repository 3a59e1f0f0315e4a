// Random markets for the SDK differential tests: parameters and notional tiers anywhere within the engine's hard
// bounds (shared by the account and liquidation parity tests). The validator's rules they meet:
//   - the liquidation-impact bound: min(2 × maxPremium, ⌈maxOpenInterest / (2 × skewScale)⌉) ≤ the lowest mmr, met
//     for any tiers by maxPremium ≤ MMR_FLOOR / 2;
//   - the funding breaker's band ≥ the |rate| at ±maxSkew: automatic at listing (the band starts at the larger of
//     the default and that rate); before `setMarketParams` with random funding parameters the tests widen the band
//     to its cap (`WIDE_BREAKER`), which covers any rate the parameters allow;
//   - the oracle is the local deployment's kind-1 (spot Chainlink) adapter.
// Premium caps are small (≤ 0.05 %) against skew scales down to 10^15, so the clamp skew L = maxPremium × skewScale
// is often within a trade's reach: `sizeAcrossClamp` picks trades that cross it.
import type { MarketConfig, TierConfig } from "../../../deploy/config/local-markets.js";
import type { Rng } from "./rng.js";

const E18 = 10n ** 18n;
/** Lowest mmr a random tier gets; a random market's maxPremium is at most half of it (see above). */
const MMR_FLOOR = E18 / 1_000n;
/** Highest maxPremium a random market gets. */
const MAX_RANDOM_PREMIUM = MMR_FLOOR / 2n;

/** Circuit-breaker thresholds with the funding band at its cap (10 %/h) and a wide oracle band. */
export const WIDE_BREAKER = { maxOracleMove: E18 / 2n, maxFundingRate: E18 / 10n, window: 86_400n };

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Number(rng.below(BigInt(items.length)))];

export function randomTiers(rng: Rng): TierConfig[] {
  const tiers: TierConfig[] = [];
  let upTo = 0n;
  for (let i = 0, n = 1 + Number(rng.below(4n)); i < n; i++) {
    upTo += rng.mag(1_000n, 10_000_000n) * E18 + rng.below(E18);
    const maxLeverage = rng.chance(10) ? pick(rng, [E18, 100n * E18]) : rng.between(E18, 100n * E18);
    const maxMmr = (10n ** 36n - 1n) / maxLeverage;
    const low = maxMmr / 20n + 1n > MMR_FLOOR ? maxMmr / 20n + 1n : MMR_FLOOR;
    const mmr = rng.chance(10) ? pick(rng, [MMR_FLOOR, maxMmr]) : rng.between(low, maxMmr);
    tiers.push({ upToNotional: upTo, maxLeverage, mmr });
  }
  return tiers;
}

export function randomParams(rng: Rng, oracle: string, base: MarketConfig) {
  return {
    oracle,
    fairTau: rng.chance(15) ? 0n : rng.mag(1n, 86_400n),
    maxPremium: rng.mag(0n, MAX_RANDOM_PREMIUM),
    skewScale: base.skewScale,
    maxSkew: base.maxSkew,
    maxOpenInterest: base.maxOpenInterest,
    minPositionMargin: rng.chance(30) ? 0n : rng.mag(1n, 50n * E18),
    makerFee: base.makerFee,
    takerFee: base.takerFee,
    fundingInterest: rng.mag(0n, E18 / 100n),
    fundingClamp: rng.mag(0n, E18 / 100n),
    maxFundingRate: rng.mag(1n, E18 / 10n),
  };
}

export function randomMarket(rng: Rng, i: number): MarketConfig {
  const price = rng.mag(10n ** 15n, 10n ** 23n);
  // Caps mostly out of the way; in some markets a few hundred thousand USD of size, so that caps bind sometimes.
  const typicalSize = (100_000n * E18 * E18) / price;
  const maxOpenInterest = rng.chance(25) ? typicalSize * rng.mag(1n, 30n) : 10n ** 36n;
  return {
    symbol: `M${i}`,
    price,
    feedDecimals: 18,
    skewScale: rng.mag(10n ** 15n, 10n ** 30n),
    maxPremium: rng.mag(0n, MAX_RANDOM_PREMIUM),
    maxSkew: rng.chance(25) ? (maxOpenInterest * rng.between(10n, 100n)) / 100n : maxOpenInterest,
    maxOpenInterest,
    makerFee: rng.mag(0n, E18 / 100n),
    takerFee: rng.mag(0n, E18 / 100n),
    tiers: randomTiers(rng),
  };
}

/**
 * A trade size that crosses the premium clamp of a market at `skew`: it ends between 0.5 and 3 clamp skews
 * (L = maxPremium × skewScale) on a random side, or exactly at ±L (±1 wei). 0 when the clamp is at zero skew.
 */
export function sizeAcrossClamp(
  rng: Rng,
  market: { skewScale: bigint; maxPremium: bigint },
  skew: bigint,
): bigint {
  const clampAt = (market.maxPremium * market.skewScale) / E18;
  if (clampAt === 0n) return 0n;
  const side = rng.bool() ? 1n : -1n;
  const target = rng.chance(15)
    ? side * (clampAt + rng.between(-1n, 1n))
    : (side * clampAt * rng.between(500n, 3_000n)) / 1_000n;
  return target - skew;
}
