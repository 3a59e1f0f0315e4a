// The SDK's `LiquidationConfig` (amounts named with their unit) as the liquidation engine's `setConfig` takes it.
import type * as sdk from "../../../sdk/src/index.js";

export function toContractLiquidationConfig(c: sdk.LiquidationConfig) {
  return {
    feeRate: c.feeRate,
    keeperShare: c.keeperShare,
    minKeeperReward: c.minKeeperRewardUsd,
    maxKeeperReward: c.maxKeeperRewardUsd,
    partialNotional: c.partialNotionalUsd,
    sliceFraction: c.sliceFraction,
    cooldown: c.cooldown,
  };
}
