import { readContract } from "viem/actions";

import { perpLensAbi } from "../../abis/perpLens.js";
import type { PerpClientBase } from "../../clientBase.js";
import { toPerpError, type PerpRequestErrorType } from "../../errors/index.js";
import { toInsuranceFund, type InsuranceFundInfo } from "../../types.js";

/** Parameters of {@link getInsuranceFund}. */
export interface GetInsuranceFundParameters {
  /** Read at this block (default: latest). */
  blockNumber?: bigint;
}

/** The fund's balance and totals. */
export type GetInsuranceFundReturnType = InsuranceFundInfo;

/** Errors {@link getInsuranceFund} can throw. */
export type GetInsuranceFundErrorType = PerpRequestErrorType;

/**
 * Reads the insurance fund in one call (`PerpLens.getInsuranceFund`): its balance, everything it paid for bad debt
 * and as keeper-reward top-ups, and the engine's share of trading fees accrued for it and not swept yet.
 *
 * @example
 * const fund = await perp.getInsuranceFund();
 * console.log(`fund ${formatUsd(fund.balanceUsd)} USD (+${formatUsd(fund.pendingFeesUsd)} to sweep)`);
 * console.log(`bad debt covered ${formatUsd(fund.totalBadDebtCoveredUsd)}, top-ups ${formatUsd(fund.totalKeeperRewardsPaidUsd)}`);
 */
export async function getInsuranceFund(
  client: PerpClientBase,
  parameters: GetInsuranceFundParameters = {},
): Promise<GetInsuranceFundReturnType> {
  try {
    const view = await readContract(client.publicClient, {
      address: client.deployment.contracts.perpLens,
      abi: perpLensAbi,
      functionName: "getInsuranceFund",
      args: [client.deployment.contracts.insuranceFund],
      blockNumber: parameters.blockNumber,
    });
    return toInsuranceFund(view);
  } catch (err) {
    throw toPerpError(err, "getInsuranceFund");
  }
}
