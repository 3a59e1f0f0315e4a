import type { Address, Hash, TransactionReceipt } from "viem";
import { parseEventLogs } from "viem";
import { readContract, writeContract } from "viem/actions";

import { collateralVaultAbi } from "../../abis/collateralVault.js";
import { perpEngineAbi } from "../../abis/perpEngine.js";
import type { PerpClientBase } from "../../clientBase.js";
import { PerpError } from "../../errors/base.js";
import { toPerpError } from "../../errors/transaction.js";
import {
  InvalidSizeError,
  LeverageAboveTierError,
  NotionalAboveMaxTierError,
  PartialCloseBelowMinimumMarginError,
  TradeRejectedError,
  type PerpValidationError,
} from "../../errors/validation.js";
import {
  acceptablePriceFor,
  previewTrade,
  type TradeCheckFailure,
  type TradeContext,
  type TradePreview,
} from "../../math/tradePreview.js";
import type { Account, Market } from "../../types.js";
import { getAccount } from "../getAccount.js";
import { getMarket } from "../getMarket.js";
import { emittedBy } from "./logs.js";
import { sendTransaction } from "./send.js";
import { resolveAccount } from "./wallet.js";

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
  fee: bigint;
  /** PnL realised by the reducing part, USD. */
  realisedPnl: bigint;
  /** Funding settled into collateral by the trade (positive: the account paid), USD. */
  fundingSettled: bigint;
  newSize: bigint;
  newOpenNotional: bigint;
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
    liquidityVaultCollateral,
    totalDebt,
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
    /** Who sends the trade, when it is not the account (its approval's price bound is then checked too). */
    operator?: Address;
  },
): Promise<{ account: Account; market: Market; preview: TradePreview; context: TradeContext }> {
  const account = params.snapshot ?? (await getAccount(client, { account: params.account }));
  const held = account.positions.find((p) => p.marketId === params.marketId);
  // The market and the vault's cash at the account's block, so that the preview sees one consistent state.
  const [market, context] = await Promise.all([
    held?.market ?? getMarket(client, { marketId: params.marketId, blockNumber: account.blockNumber }),
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
        equity: failure.equity,
        initialMargin: failure.initialMargin,
        notional: preview.notionalAfter,
        maxLeverage: preview.tierAfter.maxLeverage,
      });
    case "NotionalAboveMaxTier":
      return new NotionalAboveMaxTierError({
        marketId,
        notional: failure.notional,
        maxNotional: failure.maxNotional,
      });
    case "PartialCloseBelowMinimumMargin":
      return new PartialCloseBelowMinimumMarginError({
        marketId: failure.marketId,
        remainingMargin: failure.remainingMargin,
        minPositionMargin: failure.minPositionMargin,
        fullCloseDelta: failure.fullCloseDelta,
      });
    default:
      return new TradeRejectedError(failure);
  }
}

/**
 * Previews, validates and sends one trade (`trade`, or `closePosition` for a full close), then decodes its
 * `Trade` and `FundingSettled` events. Shared by the trading actions.
 */
export async function executeTrade(
  client: PerpClientBase,
  action: string,
  params: TradeOptions & { marketId: bigint; sizeDelta: bigint; close?: boolean; snapshot?: Account },
): Promise<TradeExecutionResult> {
  const account = resolveAccount(client, params.account, action);
  if (params.sizeDelta === 0n) throw new InvalidSizeError(0n);
  const { market, preview } = await loadTradeContext(client, {
    marketId: params.marketId,
    sizeDelta: params.sizeDelta,
    account,
    acceptablePrice: params.acceptablePrice,
    snapshot: params.snapshot,
    operator: client.walletClient?.account?.address,
  });
  const isBuy = params.sizeDelta > 0n;
  const acceptablePrice =
    params.acceptablePrice ??
    acceptablePriceFor(preview.fillPrice, isBuy, params.slippageBps ?? DEFAULT_SLIPPAGE_BPS);
  // The traded market must be priced (otherwise the engine's own revert decides); a failing oracle in another market
  // of the account is valued at its fallback, by the preview as by the engine.
  const priced = market.oracleValid;
  if ((params.validate ?? true) && priced && preview.failure !== undefined)
    throw validationErrorFor(preview.failure, preview, params.marketId);

  const engine = client.deployment.contracts.perpEngine;
  const { hash, receipt } = await sendTransaction(client, action, (wallet, sender) =>
    params.close
      ? writeContract(wallet, {
          address: engine,
          abi: perpEngineAbi,
          functionName: "closePosition",
          args: [account, params.marketId, acceptablePrice],
          account: sender,
          chain: wallet.chain,
        })
      : writeContract(wallet, {
          address: engine,
          abi: perpEngineAbi,
          functionName: "trade",
          args: [account, params.marketId, params.sizeDelta, acceptablePrice],
          account: sender,
          chain: wallet.chain,
        }),
  );
  const logs = emittedBy(parseEventLogs({ abi: perpEngineAbi, logs: receipt.logs }), engine);
  const mine = <T extends { args: { account: Address; marketId: bigint } }>(log: T) =>
    log.args.account.toLowerCase() === account.toLowerCase() && log.args.marketId === params.marketId;
  const tradeLog = logs.find((l) => l.eventName === "Trade" && mine(l));
  const fundingLog = logs.find((l) => l.eventName === "FundingSettled" && mine(l));
  if (tradeLog?.eventName !== "Trade")
    throw new PerpError(`${action}: transaction ${hash} emitted no Trade event.`);
  return {
    hash,
    receipt,
    account,
    marketId: params.marketId,
    sizeDelta: tradeLog.args.sizeDelta,
    fillPrice: tradeLog.args.fillPrice,
    fee: tradeLog.args.fee,
    realisedPnl: tradeLog.args.realisedPnl,
    fundingSettled: fundingLog?.eventName === "FundingSettled" ? fundingLog.args.amount : 0n,
    newSize: tradeLog.args.newSize,
    newOpenNotional: tradeLog.args.newOpenNotional,
    acceptablePrice,
    preview,
  };
}
