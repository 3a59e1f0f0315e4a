// The deploy config of local networks (in-process and `npx hardhat node`): mock USDC and one mock Chainlink feed
// per market, from the same market list as `deployLocalProtocol` (local-markets.ts), so both deploy the same thing.
import { LOCAL_MARKETS, LOCAL_VAULT_RISK, MARKET_DEFAULTS, type MarketConfig } from "./local-markets.js";
import { MAX_UINT256, type ProtocolDeployConfig } from "./schema.js";

/** Chain ids of development nodes (Hardhat, Anvil, Ganache): they get the local config and may be reset. */
export const DEV_CHAIN_IDS: readonly number[] = [31337, 1337];

/** The local config: mocks, 1-day heartbeat, bounds [1 wei, 1e36], 10 % insurance fee share, no deposit cap, and the
 *  vault-risk settings of `LOCAL_VAULT_RISK`. */
export function localDeployConfig(markets: MarketConfig[] = LOCAL_MARKETS): ProtocolDeployConfig {
  return {
    name: "local",
    collateral: { mock: true },
    depositCap: MAX_UINT256,
    insuranceFeeShare: 10n ** 17n,
    ...LOCAL_VAULT_RISK,
    verify: false,
    markets: markets.map((m) => ({
      symbol: m.symbol,
      feed: { mock: { decimals: m.feedDecimals, price: m.price } },
      heartbeat: 86_400n,
      minPrice: 1n,
      maxPrice: 10n ** 36n,
      params: {
        ...MARKET_DEFAULTS,
        skewScale: m.skewScale,
        maxPremium: m.maxPremium ?? MARKET_DEFAULTS.maxPremium,
        maxSkew: m.maxSkew,
        maxOpenInterest: m.maxOpenInterest,
        makerFee: m.makerFee,
        takerFee: m.takerFee,
      },
      tiers: m.tiers,
    })),
  };
}
