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
export { perpPublicActions, type PerpPublicActions } from "./decorators/publicActions.js";
export { perpWalletActions, type PerpWalletActions } from "./decorators/walletActions.js";
export { perpKeeperActions, type PerpKeeperActions } from "./decorators/keeperActions.js";
export { perpTestActions, type PerpTestActions } from "./decorators/testActions.js";

// Actions, one per file, each also usable as a plain function `action(client, parameters)`, grouped by audience as
// viem groups its own: public (reads, quotes, previews), wallet (a trader's and an LP's writes), keeper.
// Public: reads, quotes, previews.
export * from "./actions/public/getMarkets.js";
export * from "./actions/public/getMarket.js";
export * from "./actions/public/getAccount.js";
export * from "./actions/public/getLiquidityVault.js";
export * from "./actions/public/quoteTrade.js";
export * from "./actions/public/quoteLiquidity.js";
export * from "./actions/public/getOperator.js";
export * from "./actions/public/getInsuranceFund.js";
export * from "./actions/public/getLiquidationConfig.js";
export * from "./actions/public/previewLiquidation.js";
export * from "./actions/public/getPendingAdl.js";
export * from "./actions/public/getTotalShortfall.js";
export * from "./actions/public/getSubAccounts.js";
export * from "./actions/public/previewIsolatedPosition.js";
// Wallet: a trader's and a liquidity provider's writes.
export * from "./actions/wallet/deposit.js";
export * from "./actions/wallet/withdraw.js";
export * from "./actions/wallet/approveOperator.js";
export * from "./actions/wallet/trade.js";
export * from "./actions/wallet/openPosition.js";
export * from "./actions/wallet/reducePosition.js";
export * from "./actions/wallet/closePosition.js";
export * from "./actions/wallet/depositLiquidity.js";
export * from "./actions/wallet/withdrawLiquidity.js";
export * from "./actions/wallet/createSubAccount.js";
export * from "./actions/wallet/transferBetweenSubAccounts.js";
export * from "./actions/wallet/openIsolatedPosition.js";
export * from "./actions/wallet/closeIsolatedPosition.js";
// Keeper: liquidation, auto-deleveraging, pnl-factor reductions, the fee sweep.
export * from "./actions/keeper/liquidate.js";
export * from "./actions/keeper/submitAdlCandidate.js";
export * from "./actions/keeper/executeAdl.js";
export * from "./actions/keeper/rotateAdl.js";
export * from "./actions/keeper/requestPnlReduction.js";
export * from "./actions/keeper/sweepInsuranceFees.js";
// Test: local development (the mock USDC faucet).
export * from "./actions/test/faucet.js";
// Orders and leveraged tokens get their own audiences (actions/orders/, actions/leveragedTokens/) when they land.
export {
  DEFAULT_SLIPPAGE_BPS,
  type TradeOptions,
  type TradeExecutionResult,
  type TradeSimulation,
} from "./actions/internal/trade.js";
export type { PerpWriteRequest } from "./actions/internal/simulate.js";
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
  type NotionalTier,
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
