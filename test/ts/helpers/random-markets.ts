// Random markets for the SDK differential tests: parameters and notional tiers anywhere within the engine's hard
// bounds (shared by the account and liquidation parity tests).
import type { MarketConfig, TierConfig } from "../../../deploy/config/local-markets.js";
import type { Rng } from "./rng.js";

const E18 = 10n ** 18n;
/** Lowest mmr a random tier gets, and highest maxPremium a random market gets: the engine requires a close's skew
 *  impact, min(maxPremium, maxOpenInterest / (2 × skewScale)), to fit in the lowest mmr, whatever the tiers. */
const MMR_FLOOR = E18 / 1_000n;

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
    maxPremium: rng.mag(0n, MMR_FLOOR),
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
    maxPremium: rng.mag(0n, MMR_FLOOR),
    maxSkew: rng.chance(25) ? (maxOpenInterest * rng.between(10n, 100n)) / 100n : maxOpenInterest,
    maxOpenInterest,
    makerFee: rng.mag(0n, E18 / 100n),
    takerFee: rng.mag(0n, E18 / 100n),
    tiers: randomTiers(rng),
  };
}
