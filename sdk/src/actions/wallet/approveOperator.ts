import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { getBlock, simulateContract, writeContract } from "viem/actions";

import { collateralVaultAbi } from "../../abis/collateralVault.js";
import type { PerpClientBase } from "../../clientBase.js";
import {
  InvalidOperatorExpiryError,
  InvalidOperatorPriceBoundError,
  PerpError,
  toPerpError,
} from "../../errors/index.js";
import { MAX_UINT40 } from "../../math/int256.js";
import { MAX_PRICE_DEVIATION } from "../../math/tradePreview.js";
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
  /**
   * A price bound on the trade scope: the most the operator's fills may deviate from the oracle price against the
   * account, an 18-decimal fraction of the oracle price (`10n ** 15n` = 0.1 %; at most `10n ** 18n`; 0 or left out:
   * none). The engine refuses the operator's buy above oracle × (1 + bound) and sell below oracle × (1 − bound)
   * (`OperatorPriceBoundExceeded`). Needs the trade scope.
   */
  maxPriceDeviation?: bigint;
}

/**
 * The approval's hash, receipt and the approval as the decoded `OperatorApproved` event (and, for a bounded trade
 * scope, `OperatorPriceBoundSet`) states it.
 */
export interface ApproveOperatorReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  account: Address;
  operator: Address;
  trade: OperatorScopeState;
  withdraw: OperatorScopeState;
  /** The trade scope's price bound as stored (undefined: none). */
  maxPriceDeviation: bigint | undefined;
}

/**
 * Errors {@link approveOperator} can throw: `InvalidOperatorExpiryError`, `InvalidOperatorPriceBoundError`,
 * `WalletRequiredError`, contract errors (`ZeroAddress`, `SelfOperator`) from the simulation before anything is
 * sent, RPC errors.
 */
export type ApproveOperatorErrorType = PerpError;

function scopeOf(input: OperatorScopeInput | undefined): { granted: boolean; expiry: bigint | undefined } {
  if (input === undefined || input === false) return { granted: false, expiry: undefined };
  if (input === true) return { granted: true, expiry: undefined };
  return { granted: true, expiry: input.expiry };
}

/**
 * Sets the wallet account's approval of `operator` to exactly the scopes given, each with its own optional expiry
 * (`CollateralVault.approveOperator`), and optionally a price bound on the trade scope
 * (`approveOperatorWithPriceBound`). It replaces the previous approval: a scope left out is revoked, a bound left out
 * is removed, and `approveOperator({ operator })` revokes everything. A trade-only approval with an expiry is an agent
 * (API) wallet or a session key: it may trade the account but never withdraw. It can still trade the account at bad
 * prices into accounts of its own: the price bound caps how far from the oracle price each of its fills may go against
 * the account (what one of its trades can cost beyond the oracle is at most the bound × its notional, plus fees), not
 * how often it trades. Give the scope only to a key you control.
 *
 * Checks each expiry against the latest block (an expiry at or before its timestamp would never be live) and the
 * bound against its range before sending, then simulates the call and sends it.
 *
 * @example
 * const now = (await publicClient.getBlock()).timestamp;
 * await perp.approveOperator({ operator: sessionKey, trade: { expiry: now + 86_400n } }); // trade-only, one day
 * // Trade-only for a day, each fill within 0.5 % of the oracle price.
 * await perp.approveOperator({ operator: bot, trade: { expiry: now + 86_400n }, maxPriceDeviation: 5n * 10n ** 15n });
 */
export async function approveOperator(
  client: PerpClientBase,
  parameters: ApproveOperatorParameters,
): Promise<ApproveOperatorReturnType> {
  requireWallet(client, "approveOperator");
  const { collateralVault } = client.deployment.contracts;
  const trade = scopeOf(parameters.trade);
  const withdraw = scopeOf(parameters.withdraw);
  const bound = parameters.maxPriceDeviation ?? 0n;
  if (bound < 0n || bound > MAX_PRICE_DEVIATION || (bound !== 0n && !trade.granted))
    throw new InvalidOperatorPriceBoundError({ maxPriceDeviation: bound, max: MAX_PRICE_DEVIATION });
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
    const scopes = [
      parameters.operator,
      trade.granted,
      Number(trade.expiry ?? 0n),
      withdraw.granted,
      Number(withdraw.expiry ?? 0n),
    ] as const;
    // Without a bound, the same call (and events) as before bounds existed.
    if (bound === 0n) {
      const { request } = await simulateContract(client.publicClient, {
        address: collateralVault,
        abi: collateralVaultAbi,
        functionName: "approveOperator",
        args: scopes,
        account: from,
      });
      return writeContract(wallet, { ...request, chain: wallet.chain });
    }
    const { request } = await simulateContract(client.publicClient, {
      address: collateralVault,
      abi: collateralVaultAbi,
      functionName: "approveOperatorWithPriceBound",
      args: [...scopes, bound],
      account: from,
    });
    return writeContract(wallet, { ...request, chain: wallet.chain });
  });
  const logs = emittedBy(parseEventLogs({ abi: collateralVaultAbi, logs: receipt.logs }), collateralVault);
  const event = logs.find((l) => l.eventName === "OperatorApproved");
  const bounded = logs.find((l) => l.eventName === "OperatorPriceBoundSet");
  if (event?.eventName !== "OperatorApproved")
    throw new PerpError(`approveOperator: transaction ${hash} emitted no OperatorApproved event.`);
  const { account, operator, canTrade, tradeExpiry, canWithdraw, withdrawExpiry } = event.args;
  return {
    hash,
    receipt,
    account,
    operator,
    trade: toOperatorScopeState(canTrade, tradeExpiry),
    withdraw: toOperatorScopeState(canWithdraw, withdrawExpiry),
    maxPriceDeviation:
      bounded?.eventName === "OperatorPriceBoundSet" && bounded.args.maxPriceDeviation !== 0n
        ? bounded.args.maxPriceDeviation
        : undefined,
  };
}
