import { readContract } from "viem/actions";

import { perpLensAbi } from "../../abis/perpLens.js";
import type { PerpClientBase } from "../../clientBase.js";
import {
  isPerpContractError,
  toPerpError,
  UnknownMarketError,
  type PerpRequestErrorType,
} from "../../errors/index.js";
import { toMarket, type Market } from "../../types.js";

/** Parameters of {@link getMarket}. */
export interface GetMarketParameters {
  marketId: bigint;
  /** Read at this block (default: latest). */
  blockNumber?: bigint;
}

/** The market. */
export type GetMarketReturnType = Market;

/** Errors {@link getMarket} can throw: {@link UnknownMarketError} for an id that is not listed. */
export type GetMarketErrorType = UnknownMarketError | PerpRequestErrorType;

/**
 * Reads one market in one call (`PerpLens.getMarket`); see {@link getMarkets} for the fields.
 *
 * @example
 * const eth = await perp.getMarket({ marketId: 0n });
 * console.log(eth.symbol, formatUsd(eth.oraclePrice), formatUsd(eth.markPrice), formatUsd(eth.fairPrice));
 */
export async function getMarket(
  client: PerpClientBase,
  parameters: GetMarketParameters,
): Promise<GetMarketReturnType> {
  try {
    const view = await readContract(client.publicClient, {
      address: client.deployment.contracts.perpLens,
      abi: perpLensAbi,
      functionName: "getMarket",
      args: [parameters.marketId],
      blockNumber: parameters.blockNumber,
    });
    return toMarket(view);
  } catch (err) {
    const error = toPerpError(err, "getMarket");
    if (isPerpContractError(error, "UnknownMarket"))
      throw new UnknownMarketError(parameters.marketId, { cause: error });
    throw error;
  }
}
