import type { Address } from "viem";
import { getBlock, simulateContract } from "viem/actions";

import { collateralVaultAbi } from "../../abis/collateralVault.js";
import type { PerpClientBase } from "../../clientBase.js";
import {
  InvalidOperatorExpiryError,
  toPerpError,
  type PerpRequestErrorType,
  type PerpSimulateErrorType,
} from "../../errors/index.js";
import { MAX_UINT40 } from "../../math/int256.js";
import { simulateWith, type PerpWriteRequest } from "../internal/simulate.js";
import type { ApproveOperatorParameters, OperatorScopeInput } from "./approveOperator.js";

/** Parameters of {@link simulateApproveOperator}: the approval's. */
export type SimulateApproveOperatorParameters = ApproveOperatorParameters;

/** The simulated approval: the request that sets it, and each scope as it would be stored. */
export interface SimulateApproveOperatorReturnType {
  request: PerpWriteRequest<typeof collateralVaultAbi, "approveOperator">;
  operator: Address;
  /** The trade scope: granted or not, and its expiry (undefined: none). */
  trade: { granted: boolean; expiry: bigint | undefined };
  /** The withdraw scope. */
  withdraw: { granted: boolean; expiry: bigint | undefined };
}

/**
 * Errors {@link simulateApproveOperator} can throw: `InvalidOperatorExpiryError` (an expiry at or before the latest
 * block, or beyond 40 bits), a failed read of the latest block, a wallet missing, the simulation's decoded revert
 * (`ZeroAddress`, `SelfOperator`), RPC errors.
 */
export type SimulateApproveOperatorErrorType =
  | InvalidOperatorExpiryError
  | PerpRequestErrorType
  | PerpSimulateErrorType;

function scopeOf(input: OperatorScopeInput | undefined): { granted: boolean; expiry: bigint | undefined } {
  if (input === undefined || input === false) return { granted: false, expiry: undefined };
  if (input === true) return { granted: true, expiry: undefined };
  return { granted: true, expiry: input.expiry };
}

/**
 * Simulates an operator approval (`CollateralVault.approveOperator`) from the wallet's account without sending it,
 * with the checks `approveOperator` makes first: each expiry must be after the latest block's timestamp and fit 40
 * bits.
 *
 * @example
 * const now = (await publicClient.getBlock()).timestamp;
 * const { trade } = await perp.simulateApproveOperator({ operator: sessionKey, trade: { expiry: now + 86_400n } });
 */
export async function simulateApproveOperator(
  client: PerpClientBase,
  parameters: SimulateApproveOperatorParameters,
): Promise<SimulateApproveOperatorReturnType> {
  const trade = scopeOf(parameters.trade);
  const withdraw = scopeOf(parameters.withdraw);
  if (trade.expiry !== undefined || withdraw.expiry !== undefined) {
    let latestTimestamp: bigint;
    try {
      latestTimestamp = (await getBlock(client.publicClient)).timestamp;
    } catch (err) {
      throw toPerpError(err, "approveOperator (latest block)");
    }
    for (const [scope, { expiry }] of [
      ["trade", trade],
      ["withdraw", withdraw],
    ] as const) {
      if (expiry !== undefined && (expiry <= latestTimestamp || expiry > MAX_UINT40))
        throw new InvalidOperatorExpiryError({ scope, expiry, latestTimestamp });
    }
  }
  const { request } = await simulateWith(client, "approveOperator", (from) =>
    simulateContract(client.publicClient, {
      address: client.deployment.contracts.collateralVault,
      abi: collateralVaultAbi,
      functionName: "approveOperator",
      args: [
        parameters.operator,
        trade.granted,
        Number(trade.expiry ?? 0n),
        withdraw.granted,
        Number(withdraw.expiry ?? 0n),
      ],
      account: from,
    }),
  );
  return { request, operator: parameters.operator, trade, withdraw };
}
