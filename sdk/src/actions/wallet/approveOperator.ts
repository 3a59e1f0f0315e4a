import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { getBlock, simulateContract, writeContract } from "viem/actions";

import { collateralVaultAbi } from "../../abis/collateralVault.js";
import type { PerpClientBase } from "../../clientBase.js";
import { InvalidOperatorExpiryError, toPerpError, type PerpError } from "../../errors/index.js";
import { MAX_UINT40 } from "../../math/int256.js";
import { toOperatorScopeState, type OperatorScopeState } from "../public/getOperator.js";
import { emittedBy } from "../internal/logs.js";
import { sendTransaction } from "../internal/send.js";
import { requireWallet } from "../internal/wallet.js";

/**
 * One scope of an approval: `true` (or `{}`) grants it with no expiry, `{ expiry }` grants it until that second
 * (unix time; the scope is dead from `expiry` on), `false` or left out does not grant it.
 */
export type OperatorScopeInput = boolean | { expiry?: bigint };

/** Parameters of {@link approveOperator}. */
export interface ApproveOperatorParameters {
  /** The operator (an agent wallet, a session key, a router); not zero and not the wallet's own account. */
  operator: Address;
  /** Let it trade and close the wallet account's positions (the engine's `trade`, `closePosition`). */
  trade?: OperatorScopeInput;
  /** Let it withdraw the wallet account's collateral (`withdrawFrom`). */
  withdraw?: OperatorScopeInput;
}

/** The approval's hash, receipt and the approval as the decoded `OperatorApproved` event states it. */
export interface ApproveOperatorReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  account: Address;
  operator: Address;
  trade: OperatorScopeState;
  withdraw: OperatorScopeState;
}

/**
 * Errors {@link approveOperator} can throw: `InvalidOperatorExpiryError`, `WalletRequiredError`, contract errors
 * (`ZeroAddress`, `SelfOperator`) from the simulation before anything is sent, RPC errors.
 */
export type ApproveOperatorErrorType = PerpError;

function scopeOf(input: OperatorScopeInput | undefined): { granted: boolean; expiry: bigint | undefined } {
  if (input === undefined || input === false) return { granted: false, expiry: undefined };
  if (input === true) return { granted: true, expiry: undefined };
  return { granted: true, expiry: input.expiry };
}

/**
 * Sets the wallet account's approval of `operator` to exactly the scopes given, each with its own optional expiry
 * (`CollateralVault.approveOperator`). It replaces the previous approval: a scope left out is revoked, and
 * `approveOperator({ operator })` revokes everything. A trade-only approval with an expiry is an agent (API) wallet
 * or a session key: it may trade the account but never withdraw. It can still trade the account at bad prices into
 * accounts of its own, so give it only to a key you control.
 *
 * Checks each expiry against the latest block before sending (an expiry at or before its timestamp would never be
 * live), then simulates the call and sends it.
 *
 * @example
 * const now = (await publicClient.getBlock()).timestamp;
 * await perp.approveOperator({ operator: sessionKey, trade: { expiry: now + 86_400n } }); // trade-only, one day
 */
export async function approveOperator(
  client: PerpClientBase,
  parameters: ApproveOperatorParameters,
): Promise<ApproveOperatorReturnType> {
  requireWallet(client, "approveOperator");
  const { collateralVault } = client.deployment.contracts;
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
  const { hash, receipt } = await sendTransaction(client, "approveOperator", async (wallet, from) => {
    const { request } = await simulateContract(client.publicClient, {
      address: collateralVault,
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
    });
    return writeContract(wallet, { ...request, chain: wallet.chain });
  });
  const [event] = emittedBy(
    parseEventLogs({ abi: collateralVaultAbi, logs: receipt.logs, eventName: "OperatorApproved" }),
    collateralVault,
  );
  const { account, operator, canTrade, tradeExpiry, canWithdraw, withdrawExpiry } = event.args;
  return {
    hash,
    receipt,
    account,
    operator,
    trade: toOperatorScopeState(canTrade, tradeExpiry),
    withdraw: toOperatorScopeState(canWithdraw, withdrawExpiry),
  };
}
