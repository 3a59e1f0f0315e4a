import { readContract } from "viem/actions";

import { perpLensAbi } from "../../abis/perpLens.js";
import type { PerpClientBase } from "../../clientBase.js";
import { toPerpError, type PerpRequestErrorType } from "../../errors/index.js";
import { toMarket, type Market } from "../../types.js";

/** Parameters of {@link getMarkets}. */
export interface GetMarketsParameters {
  /** Read at this block (default: latest). */
  blockNumber?: bigint;
}

/** Every listed market, by id. */
export type GetMarketsReturnType = Market[];

/** Errors {@link getMarkets} can throw. */
export type GetMarketsErrorType = PerpRequestErrorType;

/**
 * Reads every listed market in one call (`PerpLens.getMarkets`): the four prices, premium, funding rate per hour
 * and annualised, the next hour's funding per unit, open interest, skew, caps, tiers and circuit-breaker status.
 * A market whose oracle reverts is returned with `oracleValid: false` and zero prices.
 *
 * @example
 * const markets = await perp.getMarkets();
 * for (const m of markets) console.log(m.symbol, formatUsd(m.markPrice), formatRate(m.fundingRatePerHour));
 */
export async function getMarkets(
  client: PerpClientBase,
  parameters: GetMarketsParameters = {},
): Promise<GetMarketsReturnType> {
  try {
    const views = await readContract(client.publicClient, {
      address: client.deployment.contracts.perpLens,
      abi: perpLensAbi,
      functionName: "getMarkets",
      blockNumber: parameters.blockNumber,
    });
    return views.map(toMarket);
  } catch (err) {
    throw toPerpError(err, "getMarkets");
  }
}
