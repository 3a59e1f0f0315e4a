import {
  approveOperator,
  type ApproveOperatorParameters,
  type ApproveOperatorReturnType,
} from "../actions/approveOperator.js";
import {
  closePosition,
  type ClosePositionParameters,
  type ClosePositionReturnType,
} from "../actions/closePosition.js";
import { deposit, type DepositParameters, type DepositReturnType } from "../actions/deposit.js";
import {
  depositLiquidity,
  type DepositLiquidityParameters,
  type DepositLiquidityReturnType,
} from "../actions/depositLiquidity.js";
import { executeAdl, type ExecuteAdlParameters, type ExecuteAdlReturnType } from "../actions/executeAdl.js";
import {
  getInsuranceFund,
  type GetInsuranceFundParameters,
  type GetInsuranceFundReturnType,
} from "../actions/getInsuranceFund.js";
import {
  getLiquidationConfig,
  type GetLiquidationConfigParameters,
  type GetLiquidationConfigReturnType,
} from "../actions/getLiquidationConfig.js";
import {
  getPendingAdl,
  type GetPendingAdlParameters,
  type GetPendingAdlReturnType,
} from "../actions/getPendingAdl.js";
import {
  getTotalShortfall,
  type GetTotalShortfallParameters,
  type GetTotalShortfallReturnType,
} from "../actions/getTotalShortfall.js";
import { liquidate, type LiquidateParameters, type LiquidateReturnType } from "../actions/liquidate.js";
import {
  previewLiquidation,
  type PreviewLiquidationParameters,
  type PreviewLiquidationReturnType,
} from "../actions/previewLiquidation.js";
import {
  submitAdlCandidate,
  type SubmitAdlCandidateParameters,
  type SubmitAdlCandidateReturnType,
} from "../actions/submitAdlCandidate.js";
import {
  sweepInsuranceFees,
  type SweepInsuranceFeesParameters,
  type SweepInsuranceFeesReturnType,
} from "../actions/sweepInsuranceFees.js";
import { getAccount, type GetAccountParameters, type GetAccountReturnType } from "../actions/getAccount.js";
import {
  getLiquidityVault,
  type GetLiquidityVaultParameters,
  type GetLiquidityVaultReturnType,
} from "../actions/getLiquidityVault.js";
import {
  getOperator,
  type GetOperatorParameters,
  type GetOperatorReturnType,
} from "../actions/getOperator.js";
import { getMarket, type GetMarketParameters, type GetMarketReturnType } from "../actions/getMarket.js";
import { getMarkets, type GetMarketsParameters, type GetMarketsReturnType } from "../actions/getMarkets.js";
import {
  openPosition,
  type OpenPositionParameters,
  type OpenPositionReturnType,
} from "../actions/openPosition.js";
import { quoteTrade, type QuoteTradeParameters, type QuoteTradeReturnType } from "../actions/quoteTrade.js";
import {
  quoteLiquidity,
  type QuoteLiquidityParameters,
  type QuoteLiquidityReturnType,
} from "../actions/quoteLiquidity.js";
import {
  requestPnlReduction,
  type RequestPnlReductionParameters,
  type RequestPnlReductionReturnType,
} from "../actions/requestPnlReduction.js";
import { rotateAdl, type RotateAdlParameters, type RotateAdlReturnType } from "../actions/rotateAdl.js";
import {
  reducePosition,
  type ReducePositionParameters,
  type ReducePositionReturnType,
} from "../actions/reducePosition.js";
import { trade, type TradeParameters, type TradeReturnType } from "../actions/trade.js";
import { withdraw, type WithdrawParameters, type WithdrawReturnType } from "../actions/withdraw.js";
import {
  withdrawLiquidity,
  type WithdrawLiquidityParameters,
  type WithdrawLiquidityReturnType,
} from "../actions/withdrawLiquidity.js";
import type { PerpClientBase } from "../clientBase.js";
import {
  getAdlHistory,
  type GetAdlHistoryParameters,
  type GetAdlHistoryReturnType,
} from "../events/getAdlHistory.js";
import {
  getFundingHistory,
  type GetFundingHistoryParameters,
  type GetFundingHistoryReturnType,
} from "../events/getFundingHistory.js";
import {
  getLiquidationHistory,
  type GetLiquidationHistoryParameters,
  type GetLiquidationHistoryReturnType,
} from "../events/getLiquidationHistory.js";
import {
  getTradeHistory,
  type GetTradeHistoryParameters,
  type GetTradeHistoryReturnType,
} from "../events/getTradeHistory.js";
import { watchAdl, type WatchAdlParameters, type WatchAdlReturnType } from "../events/watchAdl.js";
import {
  watchFunding,
  type WatchFundingParameters,
  type WatchFundingReturnType,
} from "../events/watchFunding.js";
import {
  watchLiquidations,
  type WatchLiquidationsParameters,
  type WatchLiquidationsReturnType,
} from "../events/watchLiquidations.js";
import {
  watchTrades,
  type WatchTradesParameters,
  type WatchTradesReturnType,
} from "../events/watchTrades.js";

/**
 * Reads: markets, accounts, operator approvals, the liquidity vault, trade and liquidity quotes; the insurance fund, the liquidation config and
 * preview, pending auto-deleveraging and the total shortfall.
 */
export interface PerpReadActions {
  /** See {@link getMarkets}. */
  getMarkets: (parameters?: GetMarketsParameters) => Promise<GetMarketsReturnType>;
  /** See {@link getMarket}. */
  getMarket: (parameters: GetMarketParameters) => Promise<GetMarketReturnType>;
  /** See {@link getAccount}. */
  getAccount: (parameters?: GetAccountParameters) => Promise<GetAccountReturnType>;
  /** See {@link getOperator}. */
  getOperator: (parameters: GetOperatorParameters) => Promise<GetOperatorReturnType>;
  /** See {@link getLiquidityVault}. */
  getLiquidityVault: (parameters?: GetLiquidityVaultParameters) => Promise<GetLiquidityVaultReturnType>;
  /** See {@link quoteTrade}. */
  quoteTrade: (parameters: QuoteTradeParameters) => Promise<QuoteTradeReturnType>;
  /** See {@link quoteLiquidity}. */
  quoteLiquidity: (parameters: QuoteLiquidityParameters) => Promise<QuoteLiquidityReturnType>;
  /** See {@link getInsuranceFund}. */
  getInsuranceFund: (parameters?: GetInsuranceFundParameters) => Promise<GetInsuranceFundReturnType>;
  /** See {@link getLiquidationConfig}. */
  getLiquidationConfig: (
    parameters?: GetLiquidationConfigParameters,
  ) => Promise<GetLiquidationConfigReturnType>;
  /** See {@link previewLiquidation}. */
  previewLiquidation: (parameters?: PreviewLiquidationParameters) => Promise<PreviewLiquidationReturnType>;
  /** See {@link getPendingAdl}. */
  getPendingAdl: (parameters?: GetPendingAdlParameters) => Promise<GetPendingAdlReturnType>;
  /** See {@link getTotalShortfall}. */
  getTotalShortfall: (parameters?: GetTotalShortfallParameters) => Promise<GetTotalShortfallReturnType>;
}

/**
 * Writes: collateral, operator approvals, trading, liquidity; keeper actions (liquidation, ADL and its rotation, pnl-factor reductions,
 * fee sweep). Each needs the client's
 * wallet.
 */
export interface PerpWriteActions {
  /** See {@link deposit}. */
  deposit: (parameters: DepositParameters) => Promise<DepositReturnType>;
  /** See {@link withdraw}. */
  withdraw: (parameters: WithdrawParameters) => Promise<WithdrawReturnType>;
  /** See {@link approveOperator}. */
  approveOperator: (parameters: ApproveOperatorParameters) => Promise<ApproveOperatorReturnType>;
  /** See {@link trade}. */
  trade: (parameters: TradeParameters) => Promise<TradeReturnType>;
  /** See {@link openPosition}. */
  openPosition: (parameters: OpenPositionParameters) => Promise<OpenPositionReturnType>;
  /** See {@link reducePosition}. */
  reducePosition: (parameters: ReducePositionParameters) => Promise<ReducePositionReturnType>;
  /** See {@link closePosition}. */
  closePosition: (parameters: ClosePositionParameters) => Promise<ClosePositionReturnType>;
  /** See {@link depositLiquidity}. */
  depositLiquidity: (parameters: DepositLiquidityParameters) => Promise<DepositLiquidityReturnType>;
  /** See {@link withdrawLiquidity}. */
  withdrawLiquidity: (parameters: WithdrawLiquidityParameters) => Promise<WithdrawLiquidityReturnType>;
  /** See {@link liquidate}. */
  liquidate: (parameters: LiquidateParameters) => Promise<LiquidateReturnType>;
  /** See {@link submitAdlCandidate}. */
  submitAdlCandidate: (parameters: SubmitAdlCandidateParameters) => Promise<SubmitAdlCandidateReturnType>;
  /** See {@link executeAdl}. */
  executeAdl: (parameters?: ExecuteAdlParameters) => Promise<ExecuteAdlReturnType>;
  /** See {@link rotateAdl}. */
  rotateAdl: (parameters?: RotateAdlParameters) => Promise<RotateAdlReturnType>;
  /** See {@link requestPnlReduction}. */
  requestPnlReduction: (parameters?: RequestPnlReductionParameters) => Promise<RequestPnlReductionReturnType>;
  /** See {@link sweepInsuranceFees}. */
  sweepInsuranceFees: (parameters?: SweepInsuranceFeesParameters) => Promise<SweepInsuranceFeesReturnType>;
}

/** Events: watchers and paged history. */
export interface PerpEventActions {
  /** See {@link watchTrades}. */
  watchTrades: (parameters: WatchTradesParameters) => WatchTradesReturnType;
  /** See {@link watchFunding}. */
  watchFunding: (parameters: WatchFundingParameters) => WatchFundingReturnType;
  /** See {@link getTradeHistory}. */
  getTradeHistory: (parameters?: GetTradeHistoryParameters) => Promise<GetTradeHistoryReturnType>;
  /** See {@link getFundingHistory}. */
  getFundingHistory: (parameters?: GetFundingHistoryParameters) => Promise<GetFundingHistoryReturnType>;
  /** See {@link watchLiquidations}. */
  watchLiquidations: (parameters: WatchLiquidationsParameters) => WatchLiquidationsReturnType;
  /** See {@link watchAdl}. */
  watchAdl: (parameters: WatchAdlParameters) => WatchAdlReturnType;
  /** See {@link getLiquidationHistory}. */
  getLiquidationHistory: (
    parameters?: GetLiquidationHistoryParameters,
  ) => Promise<GetLiquidationHistoryReturnType>;
  /** See {@link getAdlHistory}. */
  getAdlHistory: (parameters?: GetAdlHistoryParameters) => Promise<GetAdlHistoryReturnType>;
}

/** Every action of the SDK, bound to a client. */
export type PerpActions = PerpReadActions & PerpWriteActions & PerpEventActions;

/**
 * The decorator that binds every action to a client (`client.extend(perpActions)`); `createPerpClient` applies it.
 * Each action is also exported as a plain function taking the client first, for tree-shaking.
 */
export function perpActions(client: PerpClientBase): PerpActions {
  return {
    getMarkets: (p) => getMarkets(client, p),
    getMarket: (p) => getMarket(client, p),
    getAccount: (p) => getAccount(client, p),
    getOperator: (p) => getOperator(client, p),
    getLiquidityVault: (p) => getLiquidityVault(client, p),
    quoteTrade: (p) => quoteTrade(client, p),
    quoteLiquidity: (p) => quoteLiquidity(client, p),
    getInsuranceFund: (p) => getInsuranceFund(client, p),
    getLiquidationConfig: (p) => getLiquidationConfig(client, p),
    previewLiquidation: (p) => previewLiquidation(client, p),
    getPendingAdl: (p) => getPendingAdl(client, p),
    getTotalShortfall: (p) => getTotalShortfall(client, p),
    deposit: (p) => deposit(client, p),
    withdraw: (p) => withdraw(client, p),
    approveOperator: (p) => approveOperator(client, p),
    trade: (p) => trade(client, p),
    openPosition: (p) => openPosition(client, p),
    reducePosition: (p) => reducePosition(client, p),
    closePosition: (p) => closePosition(client, p),
    depositLiquidity: (p) => depositLiquidity(client, p),
    withdrawLiquidity: (p) => withdrawLiquidity(client, p),
    liquidate: (p) => liquidate(client, p),
    submitAdlCandidate: (p) => submitAdlCandidate(client, p),
    executeAdl: (p) => executeAdl(client, p),
    rotateAdl: (p) => rotateAdl(client, p),
    requestPnlReduction: (p) => requestPnlReduction(client, p),
    sweepInsuranceFees: (p) => sweepInsuranceFees(client, p),
    watchTrades: (p) => watchTrades(client, p),
    watchFunding: (p) => watchFunding(client, p),
    getTradeHistory: (p) => getTradeHistory(client, p),
    getFundingHistory: (p) => getFundingHistory(client, p),
    watchLiquidations: (p) => watchLiquidations(client, p),
    watchAdl: (p) => watchAdl(client, p),
    getLiquidationHistory: (p) => getLiquidationHistory(client, p),
    getAdlHistory: (p) => getAdlHistory(client, p),
  };
}
