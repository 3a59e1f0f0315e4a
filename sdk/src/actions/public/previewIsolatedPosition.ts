import { getBlock } from "viem/actions";

import type { PerpClientBase } from "../../clientBase.js";
import {
  InvalidLeverageError,
  toPerpError,
  type PerpRequestErrorType,
  type UnknownMarketError,
} from "../../errors/index.js";
import {
  previewIsolatedPosition as previewIsolated,
  type IsolatedPositionPreview,
  type IsolatedSizing,
} from "../../math/isolatedMargin.js";
import { readTradeContext } from "../internal/trade.js";
import { getMarket } from "./getMarket.js";

/**
 * Parameters of {@link previewIsolatedPosition}: the market, the side, and exactly two of `size` (units, 18
 * decimals), `leverage` (18 decimals: 5x = `5n * 10n ** 18n`) and `collateralUsdc` (6 decimals).
 */
export type PreviewIsolatedPositionParameters = {
  marketId: bigint;
  side: "long" | "short";
  /** Read at this block (default: latest). */
  blockNumber?: bigint;
} & IsolatedSizing;

/** The preview (see `IsolatedPositionPreview`) and the block it was computed at. */
export type PreviewIsolatedPositionReturnType = IsolatedPositionPreview & {
  blockNumber: bigint;
  timestamp: bigint;
};

/**
 * Errors {@link previewIsolatedPosition} can throw: `InvalidLeverageError` (not exactly two of size, leverage and
 * collateral, a value ≤ 0, a leverage that buys no size, no oracle price), `UnknownMarketError`, RPC errors.
 */
export type PreviewIsolatedPositionErrorType =
  | InvalidLeverageError
  | UnknownMarketError
  | PerpRequestErrorType;

/**
 * Previews an isolated position before anything is sent: the size and collateral it opens with, its fill and fee,
 * and its liquidation price, computed with the SDK's exact mirror of the engine on a fresh sub-account holding only
 * that collateral (so nothing else the owner holds moves it). The preview's `failure` is set when the engine would
 * refuse the open (e.g. a leverage above the tier).
 *
 * @example
 * const p = await perp.previewIsolatedPosition({ marketId: watch, side: "long", size: parseSize("10"), leverage: 5n * 10n ** 18n });
 * console.log(`${formatUsdc(p.collateralUsdc)} USDC, liquidated at ${formatUsd(p.liquidationPrice)}`);
 */
export async function previewIsolatedPosition(
  client: PerpClientBase,
  parameters: PreviewIsolatedPositionParameters,
): Promise<PreviewIsolatedPositionReturnType> {
  let block: { number: bigint; timestamp: bigint };
  try {
    block = await getBlock(client.publicClient, { blockNumber: parameters.blockNumber });
  } catch (err) {
    throw toPerpError(err, "previewIsolatedPosition (block)");
  }
  const market = await getMarket(client, { marketId: parameters.marketId, blockNumber: block.number });
  if (!market.oracleValid)
    throw new InvalidLeverageError(
      parameters.leverage,
      `Market ${market.marketId}'s oracle fails: no price to preview an isolated position at.`,
    );
  const context = await readTradeContext(client, block.number).catch((err: unknown) => {
    throw toPerpError(err, "previewIsolatedPosition (context)");
  });
  let preview: IsolatedPositionPreview;
  try {
    preview = previewIsolated(market, parameters.side, parameters, block.timestamp, context);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new InvalidLeverageError(parameters.leverage, err.message);
  }
  return { ...preview, blockNumber: block.number, timestamp: block.timestamp };
}
