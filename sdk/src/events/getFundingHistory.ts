import { getContractEvents } from "viem/actions";

import { perpEngineAbi } from "../abis/perpEngine.js";
import type { PerpClientBase } from "../clientBase.js";
import { toPerpError, type PerpRequestErrorType } from "../errors/index.js";
import { fetchPaged, type BlockRangeParameters } from "./paging.js";
import { toFundingAccruedEvent, type FundingAccruedEvent } from "./types.js";

/** Parameters of {@link getFundingHistory}. */
export type GetFundingHistoryParameters = BlockRangeParameters & {
  /** Only this market's accruals. */
  marketId?: bigint;
};

/** The accruals, oldest first. */
export type GetFundingHistoryReturnType = FundingAccruedEvent[];

/** Errors {@link getFundingHistory} can throw. */
export type GetFundingHistoryErrorType = PerpRequestErrorType;

/**
 * Past `FundingAccrued` events (rate, index, elapsed seconds per accrual), fetched in pages of `pageSize` blocks.
 *
 * @example
 * const accruals = await perp.getFundingHistory({ marketId: 0n });
 * const last = accruals.at(-1);
 * if (last) console.log(`rate ${formatRate(last.rate)}/h over ${last.elapsed} s`);
 */
export async function getFundingHistory(
  client: PerpClientBase,
  parameters: GetFundingHistoryParameters = {},
): Promise<GetFundingHistoryReturnType> {
  try {
    return await fetchPaged(client, parameters, async (fromBlock, toBlock) => {
      const logs = await getContractEvents(client.publicClient, {
        address: client.deployment.contracts.perpEngine,
        abi: perpEngineAbi,
        eventName: "FundingAccrued",
        args: { marketId: parameters.marketId },
        fromBlock,
        toBlock,
        strict: true,
      });
      return logs.map(toFundingAccruedEvent);
    });
  } catch (err) {
    throw toPerpError(err, "getFundingHistory");
  }
}
