import {
  getAccount,
  type GetAccountParameters,
  type GetAccountReturnType,
} from "../actions/public/getAccount.js";
import {
  getInsuranceFund,
  type GetInsuranceFundParameters,
  type GetInsuranceFundReturnType,
} from "../actions/public/getInsuranceFund.js";
import {
  getLiquidationConfig,
  type GetLiquidationConfigParameters,
  type GetLiquidationConfigReturnType,
} from "../actions/public/getLiquidationConfig.js";
import {
  getLiquidityVault,
  type GetLiquidityVaultParameters,
  type GetLiquidityVaultReturnType,
} from "../actions/public/getLiquidityVault.js";
import {
  getNextFreeSubAccount,
  type GetNextFreeSubAccountParameters,
  type GetNextFreeSubAccountReturnType,
  getSubAccount,
  type GetSubAccountParameters,
  type GetSubAccountReturnType,
  getSubAccountOwner,
  type GetSubAccountOwnerParameters,
  type GetSubAccountOwnerReturnType,
  getSubAccounts,
  type GetSubAccountsParameters,
  type GetSubAccountsReturnType,
} from "../actions/public/getSubAccounts.js";
import {
  previewIsolatedPosition,
  type PreviewIsolatedPositionParameters,
  type PreviewIsolatedPositionReturnType,
} from "../actions/public/previewIsolatedPosition.js";
import {
  getMarket,
  type GetMarketParameters,
  type GetMarketReturnType,
} from "../actions/public/getMarket.js";
import {
  getMarkets,
  type GetMarketsParameters,
  type GetMarketsReturnType,
} from "../actions/public/getMarkets.js";
import {
  getOperator,
  type GetOperatorParameters,
  type GetOperatorReturnType,
} from "../actions/public/getOperator.js";
import {
  getPendingAdl,
  type GetPendingAdlParameters,
  type GetPendingAdlReturnType,
} from "../actions/public/getPendingAdl.js";
import {
  getTotalShortfall,
  type GetTotalShortfallParameters,
  type GetTotalShortfallReturnType,
} from "../actions/public/getTotalShortfall.js";
import {
  previewLiquidation,
  type PreviewLiquidationParameters,
  type PreviewLiquidationReturnType,
} from "../actions/public/previewLiquidation.js";
import {
  quoteLiquidity,
  type QuoteLiquidityParameters,
  type QuoteLiquidityReturnType,
} from "../actions/public/quoteLiquidity.js";
import {
  quoteTrade,
  type QuoteTradeParameters,
  type QuoteTradeReturnType,
} from "../actions/public/quoteTrade.js";
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
 * Reads: markets, accounts, sub-accounts and isolated-position previews, operator approvals, the liquidity vault, trade and liquidity quotes; the insurance fund,
 * the liquidation config and preview, pending auto-deleveraging and the total shortfall. None needs a wallet.
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
  /** See {@link getSubAccounts}. */
  getSubAccounts: (parameters?: GetSubAccountsParameters) => Promise<GetSubAccountsReturnType>;
  /** See {@link getSubAccount}. */
  getSubAccount: (parameters: GetSubAccountParameters) => Promise<GetSubAccountReturnType>;
  /** See {@link getSubAccountOwner}. */
  getSubAccountOwner: (parameters: GetSubAccountOwnerParameters) => Promise<GetSubAccountOwnerReturnType>;
  /** See {@link getNextFreeSubAccount}. */
  getNextFreeSubAccount: (
    parameters?: GetNextFreeSubAccountParameters,
  ) => Promise<GetNextFreeSubAccountReturnType>;
  /** See {@link previewIsolatedPosition}. */
  previewIsolatedPosition: (
    parameters: PreviewIsolatedPositionParameters,
  ) => Promise<PreviewIsolatedPositionReturnType>;
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

/** What anyone can call without a wallet: every read, quote and preview, and the event watchers and history. */
export interface PerpPublicActions extends PerpReadActions, PerpEventActions {}

/**
 * The decorator of the public actions (`client.extend(perpPublicActions)`), as viem's `publicActions`: reads,
 * quotes, previews, watchers and history, none of which needs a wallet.
 */
export function perpPublicActions(client: PerpClientBase): PerpPublicActions {
  return {
    getMarkets: (p) => getMarkets(client, p),
    getMarket: (p) => getMarket(client, p),
    getAccount: (p) => getAccount(client, p),
    getOperator: (p) => getOperator(client, p),
    getSubAccounts: (p) => getSubAccounts(client, p),
    getSubAccount: (p) => getSubAccount(client, p),
    getSubAccountOwner: (p) => getSubAccountOwner(client, p),
    getNextFreeSubAccount: (p) => getNextFreeSubAccount(client, p),
    previewIsolatedPosition: (p) => previewIsolatedPosition(client, p),
    getLiquidityVault: (p) => getLiquidityVault(client, p),
    quoteTrade: (p) => quoteTrade(client, p),
    quoteLiquidity: (p) => quoteLiquidity(client, p),
    getInsuranceFund: (p) => getInsuranceFund(client, p),
    getLiquidationConfig: (p) => getLiquidationConfig(client, p),
    previewLiquidation: (p) => previewLiquidation(client, p),
    getPendingAdl: (p) => getPendingAdl(client, p),
    getTotalShortfall: (p) => getTotalShortfall(client, p),
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
