/**
 * Pure bigint mirrors of `contracts/libraries/` (one module per library, same function names and rounding
 * directions), of the engine's account-level views (`marketAccounting`, `accountMargin`, `tradePreview`) and of
 * the liquidation engine's fee split, preview and ADL rank (`liquidationMath`). Browser-safe (no Node imports,
 * no floating point).
 */
export {
  checkInt256,
  checkUint256,
  MAX_INT256,
  MAX_UINT256,
  MIN_INT256,
  toInt256,
  toUint256,
} from "./int256.js";
export {
  abs,
  clamp,
  mulDivCeil,
  mulDivDown,
  mulDivFloor,
  mulDivTrunc,
  mulDivUp,
  WAD,
} from "./fixedPointMath.js";
export { fillPrice, markPriceDown, premium, tradeFeeUp } from "./pricingMath.js";
export { annualised, fundingRate, HOURS_PER_YEAR, indexDelta, ONE_HOUR, owedCeil } from "./fundingMath.js";
export { decayWeightDown, fairPrice, MAX_X } from "./fairPriceMath.js";
export { applyTrade, pnlFloor, type TradeResult } from "./positionMath.js";
export { initialMarginUp, maintenanceMarginUp, notionalUp } from "./marginMath.js";
export { TOKEN_TO_USD_SCALE, toTokenDown, toTokenUp, toUsd } from "./tokenUnits.js";
export {
  currentFundingRate,
  fairPriceNow,
  marketPremium,
  marketPrices,
  markPrice,
  pendingFundingIndex,
  quoteFillPrice,
  type MarketPricesResult,
  type MarketPricingParams,
  type MarketRunningState,
  type MarketValuationInput,
  type TierParams,
} from "./marketAccounting.js";
export {
  accountMargin,
  accruedFunding,
  liquidationPrice,
  maintenanceAt,
  maintenanceMargin,
  MAX_SEARCH_PRICE,
  maxWithdraw,
  searchLiquidationPrice,
  tierFor,
  unrealisedPnl,
  valuePosition,
  withdrawableUsd,
  type AccountMarginResult,
  type AccountPositionInput,
  type AccountStateInput,
  type PositionState,
  type PositionValue,
} from "./accountMargin.js";
export {
  acceptablePriceFor,
  BPS,
  previewTrade,
  type TradeCheckFailure,
  type TradeMarketInput,
  type TradePreview,
} from "./tradePreview.js";
export {
  adlRank,
  adlRepayment,
  adlVictimRank,
  liquidationCloseSize,
  liquidationFeeAndReward,
  liquidationFeeSplit,
  positionAdlRank,
  simulateLiquidation,
  type AdlRepayment,
  type LiquidationClose,
  type LiquidationCloseDetail,
  type LiquidationConfig,
  type LiquidationFeeAndReward,
  type LiquidationFeeSplit,
  type LiquidationPreview,
  type LiquidationSimulation,
  type LiquidationSimulationParameters,
} from "./liquidationMath.js";
