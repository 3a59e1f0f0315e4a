import type { Address, Hash, TransactionReceipt } from "viem";
import { parseEventLogs } from "viem";
import { readContract, simulateContract } from "viem/actions";

import { collateralVaultAbi } from "../../abis/collateralVault.js";
import { perpEngineAbi } from "../../abis/perpEngine.js";
import type { PerpClientBase } from "../../clientBase.js";
import { EventNotFoundError, toPerpError } from "../../errors/transaction.js";
import {
  InvalidSizeError,
  InvalidSlippageError,
  LeverageAboveTierError,
  NotionalAboveMaxTierError,
  PartialCloseBelowMinimumMarginError,
  TradeRejectedError,
  type PerpValidationError,
} from "../../errors/validation.js";
import {
  acceptablePriceFor,
  BPS,
  previewTrade,
  type TradeCheckFailure,
  type TradeContext,
  type TradePreview,
} from "../../math/tradePreview.js";
import type { Account, Market } from "../../types.js";
import { getAccount } from "../public/getAccount.js";
import { getMarket } from "../public/getMarket.js";
import { emittedBy } from "./logs.js";
import { sendRequest, simulateWith, type PerpWriteRequest } from "./simulate.js";
import { requireWallet, resolveAccount } from "./wallet.js";

/** Default slippage tolerance: 50 basis points (0.5 %). */
export const DEFAULT_SLIPPAGE_BPS = 50n;

/** Options shared by every trading action. */
export interface TradeOptions {
  /**
   * Slippage tolerance in basis points around the SDK's own fill-price quote (default 50 = 0.5 %): the acceptable
   * price is quote × (1 ± bps / 10⁴), rounded against the trader.
   */
  slippageBps?: bigint;
  /** The worst fill price accepted (a maximum for a buy, a minimum for a sell); overrides `slippageBps`. */
  acceptablePrice?: bigint;
  /**
   * Check the trade with the SDK's exact math before sending (default true): a trade the engine would refuse
   * (leverage above the tier, caps, reduce-only market…) throws a validation error and nothing is sent.
   */
  validate?: boolean;
  /**
   * The margin account (default: the wallet's account; another account must have approved the wallet with a live
   * trade scope, `approveOperator`, and a fill beyond that approval's price bound is refused before sending).
   */
  account?: Address;
}

/** What a trading action returns: the hash, the receipt and the decoded `Trade` event. */
export interface TradeExecutionResult {
  hash: Hash;
  receipt: TransactionReceipt;
  account: Address;
  marketId: bigint;
  sizeDelta: bigint;
  fillPrice: bigint;
  /** Trading fee charged, USD. */
  feeUsd: bigint;
  /** PnL realised by the reducing part, USD. */
  realisedPnlUsd: bigint;
  /** Funding settled into collateral by the trade (positive: the account paid), USD. */
  fundingSettledUsd: bigint;
  newSize: bigint;
  newOpenNotionalUsd: bigint;
  /** The bound sent with the trade. */
  acceptablePrice: bigint;
  /** What the SDK expected before sending (at the block it read). */
  preview: TradePreview;
}

/**
 * What the engine's post-trade checks read besides the account and the market, at `blockNumber`: the liquidity
 * vault's collateral and the total debt (its cash, for the open-interest-to-cash limit), the open-interest-to-cash
 * ratio and the position limit; and, when `operator` trades for `account`, the price bound of its approval
 * (`tradeScope`, one more read; the account's own trades read none).
 */
export async function readTradeContext(
  client: PerpClientBase,
  blockNumber: bigint,
  trader?: { account: Address; operator: Address },
): Promise<TradeContext> {
  const { perpEngine, collateralVault, liquidityVault } = client.deployment.contracts;
  const operatorScope =
    trader === undefined || trader.operator.toLowerCase() === trader.account.toLowerCase()
      ? undefined
      : readContract(client.publicClient, {
          address: collateralVault,
          abi: collateralVaultAbi,
          functionName: "tradeScope",
          args: [trader.account, trader.operator],
          blockNumber,
        });
  const [[liquidityVaultCollateral, totalDebt], openInterestCashRatio, maxPositionsPerAccount, scope] =
    await Promise.all([
      readContract(client.publicClient, {
        address: collateralVault,
        abi: collateralVaultAbi,
        functionName: "collateralAndDebt",
        args: [liquidityVault],
        blockNumber,
      }),
      readContract(client.publicClient, {
        address: perpEngine,
        abi: perpEngineAbi,
        functionName: "openInterestCashRatio",
        blockNumber,
      }),
      readContract(client.publicClient, {
        address: perpEngine,
        abi: perpEngineAbi,
        functionName: "maxPositionsPerAccount",
        blockNumber,
      }),
      operatorScope,
    ]);
  const context: TradeContext = {
    liquidityVaultCollateralUsd: liquidityVaultCollateral,
    totalDebtUsd: totalDebt,
    openInterestCashRatio,
    maxPositionsPerAccount,
  };
  if (scope !== undefined) context.operatorPriceBound = scope[1];
  return context;
}

/** The account and the market's state at one block, and the preview of `sizeDelta` on them. */
export async function loadTradeContext(
  client: PerpClientBase,
  params: {
    marketId: bigint;
    sizeDelta: bigint;
    account: Address;
    acceptablePrice?: bigint;
    snapshot?: Account;
    /** The market at the snapshot's block, when the caller read it already. */
    market?: Market;
    /** Who sends the trade, when it is not the account (its approval's price bound is then checked too). */
    operator?: Address;
  },
): Promise<{ account: Account; market: Market; preview: TradePreview; context: TradeContext }> {
  const account = params.snapshot ?? (await getAccount(client, { account: params.account }));
  const held = account.positions.find((p) => p.marketId === params.marketId);
  // The market and the vault's cash at the account's block, so that the preview sees one consistent state.
  const [market, context] = await Promise.all([
    params.market ??
      held?.market ??
      getMarket(client, { marketId: params.marketId, blockNumber: account.blockNumber }),
    readTradeContext(
      client,
      account.blockNumber,
      params.operator === undefined ? undefined : { account: params.account, operator: params.operator },
    ).catch((err: unknown) => {
      throw toPerpError(err, "readTradeContext");
    }),
  ]);
  const preview = previewTrade(
    account,
    market,
    params.sizeDelta,
    account.timestamp,
    params.acceptablePrice,
    context,
  );
  return { account, market, preview, context };
}

/** The SDK validation error for a failed preview check. */
export function validationErrorFor(
  failure: TradeCheckFailure,
  preview: TradePreview,
  marketId: bigint,
): PerpValidationError {
  switch (failure.error) {
    case "ZeroSizeDelta":
      return new InvalidSizeError(0n);
    case "InsufficientMargin":
      return new LeverageAboveTierError({
        marketId,
        equityUsd: failure.equity,
        initialMarginUsd: failure.initialMargin,
        notionalUsd: preview.notionalAfterUsd,
        maxLeverage: preview.tierAfter.maxLeverage,
      });
    case "NotionalAboveMaxTier":
      return new NotionalAboveMaxTierError({
        marketId,
        notionalUsd: failure.notional,
        maxNotionalUsd: failure.maxNotional,
      });
    case "PartialCloseBelowMinimumMargin":
      return new PartialCloseBelowMinimumMarginError({
        marketId: failure.marketId,
        remainingMarginUsd: failure.remainingMargin,
        minPositionMarginUsd: failure.minPositionMargin,
        fullCloseDelta: failure.fullCloseDelta,
      });
    default:
      return new TradeRejectedError(failure);
  }
}

/** What the trading actions take besides their own options: the signed size, a full close, a snapshot read already. */
export type TradeRequestParameters = TradeOptions & {
  marketId: bigint;
  sizeDelta: bigint;
  close?: boolean;
  snapshot?: Account;
  market?: Market;
};

/**
 * A simulated trade (what `simulateTrade`, `simulateOpenPosition`, `simulateReducePosition` and
 * `simulateClosePosition` return): the request the trading action sends, the engine's fill in the simulation, the
 * bound sent with it and the SDK's preview it was validated with.
 */
export interface TradeSimulation {
  /** `PerpEngine.trade`, or `closePosition` for a full close. */
  request:
    | PerpWriteRequest<typeof perpEngineAbi, "trade">
    | PerpWriteRequest<typeof perpEngineAbi, "closePosition">;
  account: Address;
  marketId: bigint;
  /** The signed size traded (the whole position, negated, for a close). */
  sizeDelta: bigint;
  /** The fill price the engine returned in the simulation (latest block). */
  fillPrice: bigint;
  /** The bound sent with the trade. */
  acceptablePrice: bigint;
  /** What the SDK's exact mirror of the engine expects (at the block it read), and validated before simulating. */
  preview: TradePreview;
}

/** The acceptable price for a quoted fill, or an {@link InvalidSlippageError} for a tolerance out of range. */
export function boundFor(fill: bigint, isBuy: boolean, slippageBps: bigint | undefined): bigint {
  const bps = slippageBps ?? DEFAULT_SLIPPAGE_BPS;
  if (bps < 0n || bps >= BPS) throw new InvalidSlippageError(bps);
  return acceptablePriceFor(fill, isBuy, bps);
}

/**
 * Previews and validates one trade with the SDK's mirror of the engine, then simulates it (`trade`, or
 * `closePosition` for a full close) from the wallet's account: a revert is decoded before anything is sent.
 */
export async function simulateTradeRequest(
  client: PerpClientBase,
  action: string,
  params: TradeRequestParameters,
): Promise<TradeSimulation> {
  const account = resolveAccount(client, params.account, action);
  if (params.sizeDelta === 0n) throw new InvalidSizeError(0n);
  requireWallet(client, action);
  const { market, preview } = await loadTradeContext(client, {
    marketId: params.marketId,
    sizeDelta: params.sizeDelta,
    account,
    acceptablePrice: params.acceptablePrice,
    snapshot: params.snapshot,
    market: params.market,
    operator: client.walletClient?.account?.address,
  });
  const acceptablePrice =
    params.acceptablePrice ?? boundFor(preview.fillPrice, params.sizeDelta > 0n, params.slippageBps);
  // The traded market must be priced (otherwise the engine's own revert decides); a failing oracle in another market
  // of the account is valued at its fallback, by the preview as by the engine.
  const priced = market.oracleValid;
  if ((params.validate ?? true) && priced && preview.failure !== undefined)
    throw validationErrorFor(preview.failure, preview, params.marketId);

  const engine = client.deployment.contracts.perpEngine;
  const { request, result } = params.close
    ? await simulateWith(client, action, (from) =>
        simulateContract(client.publicClient, {
          address: engine,
          abi: perpEngineAbi,
          functionName: "closePosition",
          args: [account, params.marketId, acceptablePrice],
          account: from,
        }),
      )
    : await simulateWith(client, action, (from) =>
        simulateContract(client.publicClient, {
          address: engine,
          abi: perpEngineAbi,
          functionName: "trade",
          args: [account, params.marketId, params.sizeDelta, acceptablePrice],
          account: from,
        }),
      );
  return {
    request,
    account,
    marketId: params.marketId,
    sizeDelta: params.sizeDelta,
    fillPrice: result,
    acceptablePrice,
    preview,
  };
}

/** Sends a simulated trade and decodes its `Trade` and `FundingSettled` events. */
export async function sendTrade(
  client: PerpClientBase,
  action: string,
  simulation: TradeSimulation,
): Promise<TradeExecutionResult> {
  const { account, marketId } = simulation;
  const { hash, receipt } = await sendRequest(client, action, simulation.request);
  const engine = client.deployment.contracts.perpEngine;
  const logs = emittedBy(parseEventLogs({ abi: perpEngineAbi, logs: receipt.logs }), engine);
  const mine = <T extends { args: { account: Address; marketId: bigint } }>(log: T) =>
    log.args.account.toLowerCase() === account.toLowerCase() && log.args.marketId === marketId;
  const tradeLog = logs.find((l) => l.eventName === "Trade" && mine(l));
  const fundingLog = logs.find((l) => l.eventName === "FundingSettled" && mine(l));
  if (tradeLog?.eventName !== "Trade") throw new EventNotFoundError(hash, "Trade", action);
  return {
    hash,
    receipt,
    account,
    marketId,
    sizeDelta: tradeLog.args.sizeDelta,
    fillPrice: tradeLog.args.fillPrice,
    feeUsd: tradeLog.args.fee,
    realisedPnlUsd: tradeLog.args.realisedPnl,
    fundingSettledUsd: fundingLog?.eventName === "FundingSettled" ? fundingLog.args.amount : 0n,
    newSize: tradeLog.args.newSize,
    newOpenNotionalUsd: tradeLog.args.newOpenNotional,
    acceptablePrice: simulation.acceptablePrice,
    preview: simulation.preview,
  };
}

/**
 * Validates, simulates and sends one trade ({@link simulateTradeRequest}, then {@link sendTrade}). Shared by the
 * trading actions.
 */
export async function executeTrade(
  client: PerpClientBase,
  action: string,
  params: TradeRequestParameters,
): Promise<TradeExecutionResult> {
  return sendTrade(client, action, await simulateTradeRequest(client, action, params));
}
