// Local market fixtures shared by the scripts: a Chainlink mock feed behind the real adapter, and default
// market parameters and tiers (the same bounds a real deployment would use).
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

const E18 = 10n ** 18n;

/** Deploys a MockV3Aggregator (8 decimals) at `price18` and a ChainlinkOracleAdapter over it; returns the adapter address. */
export async function deployLocalMarket(
  ethers: HardhatEthers,
  owner: string,
  price18: bigint,
): Promise<string> {
  const feed = await ethers.deployContract("MockV3Aggregator", [8, price18 / 10n ** 10n]);
  const zero = ethers.ZeroAddress;
  const adapter = await ethers.deployContract("ChainlinkOracleAdapter", [
    await feed.getAddress(),
    86_400n,
    1n,
    10n ** 36n,
    { feed: zero, gracePeriod: 0n },
    { feed: zero, heartbeat: 0n, maxDeviation: 0n },
    owner,
  ]);
  return adapter.getAddress();
}

/** Default market parameters: skewScale 1M, maker 2 bp, taker 5 bp, SPEC funding defaults, tau 300 s. */
export function marketParams(oracle: string) {
  return {
    oracle,
    fairTau: 300n,
    maxPremium: E18 / 10n,
    skewScale: 1_000_000n * E18,
    maxSkew: 50_000n * E18,
    maxOpenInterest: 100_000n * E18,
    minPositionMargin: 10n * E18,
    makerFee: (2n * E18) / 10_000n,
    takerFee: (5n * E18) / 10_000n,
    fundingInterest: 12_500_000_000_000n,
    fundingClamp: 62_500_000_000_000n,
    maxFundingRate: (4n * E18) / 100n,
  };
}

/** ≤ 1M USD: 20x, mmr 2.5 %; ≤ 5M USD: 10x, mmr 5 %. */
export function listedTiers() {
  return [
    { upToNotional: 1_000_000n * E18, maxLeverage: 20n * E18, mmr: (25n * E18) / 1000n },
    { upToNotional: 5_000_000n * E18, maxLeverage: 10n * E18, mmr: (5n * E18) / 100n },
  ];
}
