import type { Address } from "viem";

import type { PerpClientBase } from "../../clientBase.js";
import type {
  AccountRequiredError,
  InvalidSlippageError,
  PerpRequestErrorType,
  UnknownMarketError,
} from "../../errors/index.js";
import type { TradePreview } from "../../math/tradePreview.js";
import type { Account, Market } from "../../types.js";
import { boundFor, loadTradeContext } from "../internal/trade.js";
import { resolveAccount } from "../internal/wallet.js";

/** Parameters of {@link quoteTrade}. */
export interface QuoteTradeParameters {
  marketId: bigint;
  /** Signed size: positive buys, negative sells. */
  sizeDelta: bigint;
  /** The margin account (default: the wallet's account). */
  account?: Address;
  /** Slippage tolerance for the returned `acceptablePrice`, basis points (default 50). */
  slippageBps?: bigint;
}

/** The preview of the trade at the latest block, with the account and market it was computed on. */
export type QuoteTradeReturnType = TradePreview & {
  /** The acceptable price the trading actions would send with `slippageBps`. */
  acceptablePrice: bigint;
  account: Account;
  market: Market;
};

/** Errors {@link quoteTrade} can throw. */
export type QuoteTradeErrorType =
  | AccountRequiredError
  | UnknownMarketError
  | InvalidSlippageError
  | PerpRequestErrorType;

/**
 * Previews a trade without sending it: reads the account and the market (one call each at most) and runs the
 * SDK's exact mirror of `PerpEngine.trade` on them: fill price, fee, funding settled, realised PnL, the new
 * position, collateral and margin, and the first engine check it would fail (`failure`), if any.
 *
 * @example
 * const q = await perp.quoteTrade({ marketId: 0n, sizeDelta: parseSize("2") });
 * if (q.failure) console.log("would revert with", q.failure.error);
 * else console.log(`fill ${formatUsd(q.fillPrice)}, fee ${formatUsd(q.feeUsd)}, equity after ${formatUsd(q.marginAfter.equityUsd)}`);
 */
export async function quoteTrade(
  client: PerpClientBase,
  parameters: QuoteTradeParameters,
): Promise<QuoteTradeReturnType> {
  const owner = resolveAccount(client, parameters.account, "quoteTrade");
  const { account, market, preview } = await loadTradeContext(client, {
    marketId: parameters.marketId,
    sizeDelta: parameters.sizeDelta,
    account: owner,
  });
  const acceptablePrice = boundFor(preview.fillPrice, parameters.sizeDelta > 0n, parameters.slippageBps);
  return { ...preview, acceptablePrice, account, market };
}
