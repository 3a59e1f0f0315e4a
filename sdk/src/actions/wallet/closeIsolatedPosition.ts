import { getAddress, isAddressEqual, type Address, type Hash } from "viem";
import { readContract } from "viem/actions";

import { collateralVaultAbi } from "../../abis/collateralVault.js";
import type { PerpClientBase } from "../../clientBase.js";
import {
  toPerpError,
  type EventNotFoundError,
  type PerpRequestErrorType,
  type PerpSendErrorType,
} from "../../errors/index.js";
import {
  ForeignSubAccountError,
  InvalidSweepTargetError,
  NotIsolatedSubAccountError,
} from "../../errors/subAccounts.js";
import {
  sendTrade,
  type TradeExecutionResult,
  type TradeOptions,
  type TradeSimulation,
} from "../internal/trade.js";
import { requireWallet } from "../internal/wallet.js";
import { getAccount } from "../public/getAccount.js";
import { getSubAccountOwner } from "../public/getSubAccounts.js";
import { simulateClosePosition, type SimulateClosePositionErrorType } from "./closePosition.js";
import { transferBetweenSubAccounts } from "./transferBetweenSubAccounts.js";

/** Parameters of {@link closeIsolatedPosition}. */
export type CloseIsolatedPositionParameters = Omit<TradeOptions, "account"> & {
  /** The isolated sub-account (what `openIsolatedPosition` returned as `subAccount.address`). */
  account: Address;
  /** Where the collateral is swept to: a sub-account of the same owner (default: the owner's own account). */
  to?: Address;
};

/** Parameters of {@link simulateCloseIsolatedPosition}: the close's. */
export type SimulateCloseIsolatedPositionParameters = CloseIsolatedPositionParameters;

/** What {@link closeIsolatedPosition} would do now: the markets it closes and the collateral it would sweep. */
export interface SimulateCloseIsolatedPositionReturnType {
  owner: Address;
  account: Address;
  to: Address;
  /** The markets of the positions it closes, in order. */
  marketIds: bigint[];
  /**
   * The collateral left once every position is closed, as the SDK previews the first close (exact for one position,
   * the isolated case), 18-decimal USD; swept when positive.
   */
  expectedSweepUsd: bigint;
}

/**
 * Errors {@link simulateCloseIsolatedPosition} can throw: {@link ForeignSubAccountError} (not the wallet's
 * sub-account, or `to` another owner's), {@link NotIsolatedSubAccountError} (the owner's own account), those of
 * `simulateClosePosition`, RPC errors.
 */
export type SimulateCloseIsolatedPositionErrorType =
  | ForeignSubAccountError
  | InvalidSweepTargetError
  | NotIsolatedSubAccountError
  | SimulateClosePositionErrorType
  | PerpRequestErrorType;

/** The closes sent and the sweep. */
export interface CloseIsolatedPositionReturnType {
  account: Address;
  closes: TradeExecutionResult[];
  /** Collateral moved back, 18-decimal USD (0: none left, e.g. after a loss beyond it). */
  sweptUsd: bigint;
  sweepHash: Hash | undefined;
}

/** Errors {@link closeIsolatedPosition} can throw: those of the simulation, then a failed send. */
export type CloseIsolatedPositionErrorType =
  | SimulateCloseIsolatedPositionErrorType
  | PerpSendErrorType
  | EventNotFoundError;

/**
 * Checks an isolated close without sending it: the sub-account is the wallet's and not its own account, `to` has the
 * same owner, and the first close simulates.
 *
 * @example
 * const { expectedSweepUsd } = await perp.simulateCloseIsolatedPosition({ account: isolated });
 */
export async function simulateCloseIsolatedPosition(
  client: PerpClientBase,
  parameters: SimulateCloseIsolatedPositionParameters,
): Promise<SimulateCloseIsolatedPositionReturnType> {
  const { plan, first } = await planClose(client, parameters);
  const expectedSweepUsd = first?.preview.collateralAfterUsd ?? plan.expectedSweepUsd;
  return { ...plan, expectedSweepUsd: expectedSweepUsd > 0n ? expectedSweepUsd : 0n };
}

/**
 * The checks of an isolated close (the wallet's sub-account, not its own account, a destination of the same owner),
 * the markets to close, and the first close simulated (the only one whose state is known before sending).
 */
async function planClose(
  client: PerpClientBase,
  parameters: SimulateCloseIsolatedPositionParameters,
): Promise<{ plan: SimulateCloseIsolatedPositionReturnType; first: TradeSimulation | undefined }> {
  const { account: wallet } = requireWallet(client, "closeIsolatedPosition");
  const owner = await getSubAccountOwner(client, { account: parameters.account });
  if (!isAddressEqual(owner, wallet.address))
    throw new ForeignSubAccountError(parameters.account, getAddress(wallet.address), owner);
  if (isAddressEqual(parameters.account, owner)) throw new NotIsolatedSubAccountError(parameters.account);
  const to = parameters.to ?? owner;
  if (isAddressEqual(to, parameters.account)) throw new InvalidSweepTargetError(to);
  const toOwner = await getSubAccountOwner(client, { account: to });
  if (!isAddressEqual(toOwner, owner)) throw new ForeignSubAccountError(to, owner, toOwner);
  const snapshot = await getAccount(client, { account: parameters.account });
  const marketIds = snapshot.positions.map((p) => p.marketId);
  const first =
    marketIds.length === 0
      ? undefined
      : await simulateClosePosition(client, {
          ...parameters,
          account: parameters.account,
          marketId: marketIds[0],
        });
  return {
    plan: { owner, account: parameters.account, to, marketIds, expectedSweepUsd: snapshot.collateralUsd },
    first,
  };
}

/**
 * Closes an isolated position and sweeps its sub-account's collateral back: every position of the sub-account is
 * closed (`closePosition`, each simulated first), then all it may move (`withdrawableUsd`, its whole collateral once
 * flat) goes to `to` (default the owner's own account). A sub-account left with nothing (a loss that took all its
 * collateral) is swept of nothing; one left in debt is never offered again as free.
 *
 * @example
 * const { sweptUsd } = await perp.closeIsolatedPosition({ account: isolated.subAccount.address });
 */
export async function closeIsolatedPosition(
  client: PerpClientBase,
  parameters: CloseIsolatedPositionParameters,
): Promise<CloseIsolatedPositionReturnType> {
  const { plan, first } = await planClose(client, parameters);
  const closes: TradeExecutionResult[] = [];
  for (const [i, marketId] of plan.marketIds.entries()) {
    // The first close was simulated by the plan; each later one at the state the previous close left.
    const simulation =
      i === 0 && first !== undefined
        ? first
        : await simulateClosePosition(client, { ...parameters, account: plan.account, marketId });
    closes.push(await sendTrade(client, "closeIsolatedPosition", simulation));
  }
  let free: bigint;
  try {
    free = await readContract(client.publicClient, {
      address: client.deployment.contracts.collateralVault,
      abi: collateralVaultAbi,
      functionName: "withdrawableUsd",
      args: [plan.account],
    });
  } catch (err) {
    throw toPerpError(err, "closeIsolatedPosition (withdrawable)");
  }
  if (free === 0n) return { account: plan.account, closes, sweptUsd: 0n, sweepHash: undefined };
  const sweep = await transferBetweenSubAccounts(client, {
    from: plan.account,
    to: plan.to,
    amountUsd: free,
  });
  return { account: plan.account, closes, sweptUsd: sweep.amountUsd, sweepHash: sweep.hash };
}
