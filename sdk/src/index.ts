// The package entry (viem first). Ethers v6 users: TypeChain contracts and factories are in "@perp/sdk/ethers".
export {
  createPerpClient,
  type CreatePerpClientParameters,
  type PerpClient,
  type PerpClientBase,
} from "./client.js";
export {
  defineDeployment,
  deploymentFromLocalProtocol,
  type Addressable,
  type LocalProtocolLike,
  type PerpContracts,
  type PerpDeployment,
} from "./deployment.js";
export {
  perpActions,
  type PerpActions,
  type PerpEventActions,
  type PerpReadActions,
  type PerpWriteActions,
} from "./decorators/perpActions.js";

// Actions, one per file, each also usable as a plain function `action(client, parameters)`.
export * from "./actions/getMarkets.js";
export * from "./actions/getMarket.js";
export * from "./actions/getAccount.js";
export * from "./actions/getLiquidityVault.js";
export * from "./actions/quoteTrade.js";
export * from "./actions/quoteLiquidity.js";
export * from "./actions/deposit.js";
export * from "./actions/withdraw.js";
export * from "./actions/approveOperator.js";
export * from "./actions/getOperator.js";
export * from "./actions/trade.js";
export * from "./actions/openPosition.js";
export * from "./actions/reducePosition.js";
export * from "./actions/closePosition.js";
export * from "./actions/depositLiquidity.js";
export * from "./actions/withdrawLiquidity.js";
export * from "./actions/getInsuranceFund.js";
export * from "./actions/getLiquidationConfig.js";
export * from "./actions/previewLiquidation.js";
export * from "./actions/getPendingAdl.js";
export * from "./actions/getTotalShortfall.js";
export * from "./actions/liquidate.js";
export * from "./actions/submitAdlCandidate.js";
export * from "./actions/executeAdl.js";
export * from "./actions/rotateAdl.js";
export * from "./actions/requestPnlReduction.js";
export * from "./actions/sweepInsuranceFees.js";
export {
  DEFAULT_SLIPPAGE_BPS,
  type TradeOptions,
  type TradeExecutionResult,
} from "./actions/internal/trade.js";
export type { ApprovalMode } from "./actions/internal/approve.js";

// Events.
export * from "./events/watchTrades.js";
export * from "./events/watchFunding.js";
export * from "./events/getTradeHistory.js";
export * from "./events/getFundingHistory.js";
export * from "./events/watchLiquidations.js";
export * from "./events/watchAdl.js";
export * from "./events/getLiquidationHistory.js";
export * from "./events/getAdlHistory.js";
export { DEFAULT_PAGE_SIZE, type BlockRangeParameters } from "./events/paging.js";
export { toAdlEvent, toLiquidationEvent } from "./events/types.js";
export type {
  AdlCandidateSubmittedEvent,
  AdlEvent,
  AdlExecutedEvent,
  AdlRequestedEvent,
  AdlResolvedEvent,
  AdlRotatedEvent,
  AdlShortfallRepaidEvent,
  AdlWrittenOffEvent,
  PnlReductionExecutedEvent,
  PnlReductionRequestedEvent,
  BadDebtCoveredByFundEvent,
  EventLocation,
  FundingAccruedEvent,
  FundingEvent,
  FundingSettledEvent,
  KeeperRewardCreditedEvent,
  LiquidatedEvent,
  LiquidationEvent,
  LossAbsorbedByCollateralEvent,
  ShortfallForAdlEvent,
  TradeEvent,
} from "./events/types.js";

// Read models.
export {
  DANGER_UTILISATION,
  symbolToString,
  toAccount,
  toInsuranceFund,
  toLiquidationConfig,
  toLiquidationPreview,
  toLiquidityVault,
  toMarket,
  toPendingAdl,
  type Account,
  type AdlCandidate,
  type AdlRequest,
  type CircuitBreaker,
  type InsuranceFundInfo,
  type LiquidityVaultInfo,
  type Market,
  type MarketParams,
  type MarketState,
  type PendingAdl,
  type Position,
  type Tier,
} from "./types.js";

// Errors.
export * from "./errors/index.js";

// Pure math (no RPC) and formatting.
export * from "./math/index.js";
export * from "./format.js";

// Generated ABIs (`as const`).
export * from "./abis/index.js";
