import { readContract } from "viem/actions";

import { perpLensAbi } from "../../abis/perpLens.js";
import type { PerpClientBase } from "../../clientBase.js";
import { toPerpError, type PerpRequestErrorType } from "../../errors/index.js";
import { toPendingAdl, type PendingAdl } from "../../types.js";

/** Parameters of {@link getPendingAdl}. */
export interface GetPendingAdlParameters {
  /** Read at this block (default: latest). */
  blockNumber?: bigint;
}

/** The pending request (if any), its candidates and the total shortfall. */
export type GetPendingAdlReturnType = PendingAdl;

/** Errors {@link getPendingAdl} can throw. */
export type GetPendingAdlErrorType = PerpRequestErrorType;

/**
 * Reads auto-deleveraging in one call (`PerpLens.getAdl`): the pending request (bankrupt account, market, side,
 * bankruptcy price, remaining shortfall, when it becomes executable), every candidate with the rank `executeAdl`
 * computes for it now, the one it would reduce next, and the total shortfall left for ADL.
 *
 * @example
 * const adl = await perp.getPendingAdl();
 * if (adl.request) console.log(`ADL #${adl.request.requestId}: ${formatUsd(adl.request.remainingUsd)} USD to cover`);
 * if (adl.executable) await perp.executeAdl();
 */
export async function getPendingAdl(
  client: PerpClientBase,
  parameters: GetPendingAdlParameters = {},
): Promise<GetPendingAdlReturnType> {
  try {
    const view = await readContract(client.publicClient, {
      address: client.deployment.contracts.perpLens,
      abi: perpLensAbi,
      functionName: "getAdl",
      blockNumber: parameters.blockNumber,
    });
    return toPendingAdl(view);
  } catch (err) {
    throw toPerpError(err, "getPendingAdl");
  }
}
