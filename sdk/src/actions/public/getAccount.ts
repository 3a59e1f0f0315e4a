import type { Address } from "viem";
import { readContract } from "viem/actions";

import { perpLensAbi } from "../../abis/perpLens.js";
import type { PerpClientBase } from "../../clientBase.js";
import { toPerpError, type AccountRequiredError, type PerpRequestErrorType } from "../../errors/index.js";
import { toAccount, type Account } from "../../types.js";
import { resolveAccount } from "../internal/wallet.js";

/** Parameters of {@link getAccount}. */
export interface GetAccountParameters {
  /** The margin account (default: the wallet client's account). */
  account?: Address;
  /** Read at this block (default: latest). */
  blockNumber?: bigint;
}

/** The account snapshot. */
export type GetAccountReturnType = Account;

/** Errors {@link getAccount} can throw. */
export type GetAccountErrorType = AccountRequiredError | PerpRequestErrorType;

/**
 * Reads a margin account with every position in one call (`PerpLens.getAccount`): collateral, equity, margin
 * utilisation, withdrawable, maintenance margin, and per position its size, entry price, PnL, accrued funding,
 * liquidation price and margin breakdown, with each position's market. The result is also valid input for the
 * SDK's pure math (`accountMargin`, `liquidationPrice`, `previewTrade`) at `timestamp`.
 *
 * @example
 * const account = await perp.getAccount();
 * console.log(formatUsd(account.equityUsd), formatRate(account.marginUtilisation), account.atRisk);
 * for (const p of account.positions) console.log(p.symbol, formatSize(p.size), formatUsd(p.liquidationPrice));
 */
export async function getAccount(
  client: PerpClientBase,
  parameters: GetAccountParameters = {},
): Promise<GetAccountReturnType> {
  const account = resolveAccount(client, parameters.account, "getAccount");
  try {
    const view = await readContract(client.publicClient, {
      address: client.deployment.contracts.perpLens,
      abi: perpLensAbi,
      functionName: "getAccount",
      args: [account],
      blockNumber: parameters.blockNumber,
    });
    return toAccount(view);
  } catch (err) {
    throw toPerpError(err, "getAccount");
  }
}
