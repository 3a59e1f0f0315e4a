import { getAddress, parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { getBlock, readContract, simulateContract } from "viem/actions";

import { collateralVaultAbi } from "../../abis/collateralVault.js";
import type { PerpClientBase } from "../../clientBase.js";
import {
  InvalidOperatorExpiryError,
  InvalidOperatorPriceBoundError,
  PerpError,
  toPerpError,
  type PerpRequestErrorType,
  type PerpSendErrorType,
  type PerpSimulateErrorType,
} from "../../errors/index.js";
import { UnknownSubAccountError } from "../../errors/subAccounts.js";
import { MAX_UINT40 } from "../../math/int256.js";
import { MAX_PRICE_DEVIATION } from "../../math/tradePreview.js";
import { toOperatorScopeState, type OperatorScopeState } from "../public/getOperator.js";
import { emittedBy } from "../internal/logs.js";
import { sendRequest, simulateWith, type PerpWriteRequest } from "../internal/simulate.js";
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
  /** Let it trade and close the account's positions (the engine's `trade`, `closePosition`). */
  trade?: OperatorScopeInput;
  /** Let it withdraw the account's collateral (`withdrawFrom`) and move it between sub-accounts. */
  withdraw?: OperatorScopeInput;
  /**
   * A price bound on the trade scope: the most the operator's fills may deviate from the oracle price against the
   * account, an 18-decimal fraction of the oracle price (`10n ** 15n` = 0.1 %; at most `10n ** 18n`; 0 or left out:
   * none). The engine refuses the operator's buy above oracle × (1 + bound) and sell below oracle × (1 − bound)
   * (`OperatorPriceBoundExceeded`). Needs the trade scope.
   */
  maxPriceDeviation?: bigint;
  /**
   * Which of the wallet's accounts the approval covers: left out or `0n`, its own address (sub-account 0);
   * `n ≥ 1`, its sub-account `n` alone (`approveSubAccountOperator`; `UnknownSubAccountError` if not created);
   * `"all"`, every sub-account of the wallet, 0 and those created later included (`approveOperatorForAllSubAccounts`).
   * Approvals add up: an operator may act on an account when either its own or the all-sub-accounts approval grants
   * the scope live.
   */
  subAccountId?: bigint | "all";
}

/** Parameters of {@link simulateApproveOperator}: the approval's. */
export type SimulateApproveOperatorParameters = ApproveOperatorParameters;

/** The simulated approval: the request that sets it, the account it covers and each scope as it would be stored. */
export interface SimulateApproveOperatorReturnType {
  request:
    | PerpWriteRequest<typeof collateralVaultAbi, "approveOperator">
    | PerpWriteRequest<typeof collateralVaultAbi, "approveOperatorWithPriceBound">
    | PerpWriteRequest<typeof collateralVaultAbi, "approveSubAccountOperator">
    | PerpWriteRequest<typeof collateralVaultAbi, "approveOperatorForAllSubAccounts">;
  /** The account covered: the wallet's own or its sub-account; the wallet's own for `"all"`. */
  account: Address;
  /** Whether it is the approval for all the wallet's sub-accounts. */
  allSubAccounts: boolean;
  operator: Address;
  /** The trade scope: granted or not, and its expiry (undefined: none). */
  trade: { granted: boolean; expiry: bigint | undefined };
  /** The withdraw scope. */
  withdraw: { granted: boolean; expiry: bigint | undefined };
  /** The trade scope's price bound (undefined: none). */
  maxPriceDeviation: bigint | undefined;
}

/**
 * Errors {@link simulateApproveOperator} can throw: `InvalidOperatorExpiryError` (an expiry at or before the latest
 * block, or beyond 40 bits), `InvalidOperatorPriceBoundError`, `UnknownSubAccountError`, a failed read, a wallet
 * missing, the simulation's decoded revert (`ZeroAddress`, `SelfOperator`), RPC errors.
 */
export type SimulateApproveOperatorErrorType =
  | InvalidOperatorExpiryError
  | InvalidOperatorPriceBoundError
  | UnknownSubAccountError
  | PerpRequestErrorType
  | PerpSimulateErrorType;

/**
 * The approval's hash, receipt and the approval as the decoded event states it (`OperatorApproved` and, for a bounded
 * trade scope, `OperatorPriceBoundSet`; `AllSubAccountsOperatorApproved` for all sub-accounts).
 */
export interface ApproveOperatorReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  account: Address;
  allSubAccounts: boolean;
  operator: Address;
  trade: OperatorScopeState;
  withdraw: OperatorScopeState;
  /** The trade scope's price bound as stored (undefined: none). */
  maxPriceDeviation: bigint | undefined;
}

/** Errors {@link approveOperator} can throw: those of {@link simulateApproveOperator}, then a failed send. */
export type ApproveOperatorErrorType = SimulateApproveOperatorErrorType | PerpSendErrorType | PerpError;

function scopeOf(input: OperatorScopeInput | undefined): { granted: boolean; expiry: bigint | undefined } {
  if (input === undefined || input === false) return { granted: false, expiry: undefined };
  if (input === true) return { granted: true, expiry: undefined };
  return { granted: true, expiry: input.expiry };
}

/**
 * Simulates an operator approval from the wallet's account without sending it, with the checks
 * {@link approveOperator} makes first: each expiry after the latest block's timestamp and within 40 bits, the bound
 * within [0, 10^18] and only with the trade scope, a sub-account that exists.
 *
 * @example
 * const now = (await publicClient.getBlock()).timestamp;
 * const { trade } = await perp.simulateApproveOperator({ operator: sessionKey, trade: { expiry: now + 86_400n } });
 */
export async function simulateApproveOperator(
  client: PerpClientBase,
  parameters: SimulateApproveOperatorParameters,
): Promise<SimulateApproveOperatorReturnType> {
  const { account: wallet } = requireWallet(client, "approveOperator");
  const owner = getAddress(wallet.address);
  const vault = client.deployment.contracts.collateralVault;
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
  const target = parameters.subAccountId ?? 0n;
  const scopes = [
    parameters.operator,
    trade.granted,
    Number(trade.expiry ?? 0n),
    withdraw.granted,
    Number(withdraw.expiry ?? 0n),
  ] as const;
  const stated = {
    operator: parameters.operator,
    trade,
    withdraw,
    maxPriceDeviation: bound === 0n ? undefined : bound,
  };
  if (target === "all") {
    const { request } = await simulateWith(client, "approveOperator", (from) =>
      simulateContract(client.publicClient, {
        address: vault,
        abi: collateralVaultAbi,
        functionName: "approveOperatorForAllSubAccounts",
        args: [...scopes, bound],
        account: from,
      }),
    );
    return { request, account: owner, allSubAccounts: true, ...stated };
  }
  if (target !== 0n) {
    let sub: readonly [Address, boolean];
    try {
      sub = await readContract(client.publicClient, {
        address: vault,
        abi: collateralVaultAbi,
        functionName: "subAccount",
        args: [owner, target],
      });
    } catch (err) {
      throw toPerpError(err, "approveOperator (sub-account)");
    }
    if (!sub[1]) throw new UnknownSubAccountError(owner, target);
    const { request } = await simulateWith(client, "approveOperator", (from) =>
      simulateContract(client.publicClient, {
        address: vault,
        abi: collateralVaultAbi,
        functionName: "approveSubAccountOperator",
        args: [target, ...scopes, bound],
        account: from,
      }),
    );
    return { request, account: sub[0], allSubAccounts: false, ...stated };
  }
  // Without a bound, the same call (and events) as before bounds existed.
  const { request } =
    bound === 0n
      ? await simulateWith(client, "approveOperator", (from) =>
          simulateContract(client.publicClient, {
            address: vault,
            abi: collateralVaultAbi,
            functionName: "approveOperator",
            args: scopes,
            account: from,
          }),
        )
      : await simulateWith(client, "approveOperator", (from) =>
          simulateContract(client.publicClient, {
            address: vault,
            abi: collateralVaultAbi,
            functionName: "approveOperatorWithPriceBound",
            args: [...scopes, bound],
            account: from,
          }),
        );
  return { request, account: owner, allSubAccounts: false, ...stated };
}

/**
 * Sets an approval of `operator` to exactly the scopes given, each with its own optional expiry, and optionally a
 * price bound on the trade scope: for the wallet's own account (`CollateralVault.approveOperator`, or
 * `approveOperatorWithPriceBound` with a bound), for one of its sub-accounts (`subAccountId: n`,
 * `approveSubAccountOperator`) or for all of them (`subAccountId: "all"`, `approveOperatorForAllSubAccounts`). It
 * replaces the previous approval of the same kind: a scope left out is revoked, a bound left out is removed, and
 * `approveOperator({ operator })` revokes everything. A trade-only approval with an expiry is an agent (API) wallet or
 * a session key: it may trade the account but never withdraw or move collateral between sub-accounts. It can still
 * trade the account at bad prices into accounts of its own: the price bound caps how far from the oracle price each
 * of its fills may go against the account (what one of its trades can cost beyond the oracle is at most the bound ×
 * its notional, plus fees), not how often it trades. Give the scope only to a key you control.
 *
 * Checks each expiry against the latest block, the bound against its range and the sub-account's existence before
 * sending ({@link simulateApproveOperator}), then sends exactly the simulated request.
 *
 * @example
 * const now = (await publicClient.getBlock()).timestamp;
 * await perp.approveOperator({ operator: sessionKey, trade: { expiry: now + 86_400n } }); // trade-only, one day
 * // Trade-only for a day, each fill within 0.5 % of the oracle price.
 * await perp.approveOperator({ operator: bot, trade: { expiry: now + 86_400n }, maxPriceDeviation: 5n * 10n ** 15n });
 * // A bot for every sub-account, trade-only, fills within 1 %.
 * await perp.approveOperator({ operator: bot, trade: true, maxPriceDeviation: 10n ** 16n, subAccountId: "all" });
 */
export async function approveOperator(
  client: PerpClientBase,
  parameters: ApproveOperatorParameters,
): Promise<ApproveOperatorReturnType> {
  const simulated = await simulateApproveOperator(client, parameters);
  const { hash, receipt } = await sendRequest(client, "approveOperator", simulated.request);
  const vault = client.deployment.contracts.collateralVault;
  const logs = emittedBy(parseEventLogs({ abi: collateralVaultAbi, logs: receipt.logs }), vault);
  if (simulated.allSubAccounts) {
    const all = logs.find((l) => l.eventName === "AllSubAccountsOperatorApproved");
    if (all?.eventName !== "AllSubAccountsOperatorApproved")
      throw new PerpError(
        `approveOperator: transaction ${hash} emitted no AllSubAccountsOperatorApproved event.`,
      );
    const { owner, operator, canTrade, tradeExpiry, canWithdraw, withdrawExpiry, maxPriceDeviation } =
      all.args;
    return {
      hash,
      receipt,
      account: owner,
      allSubAccounts: true,
      operator,
      trade: toOperatorScopeState(canTrade, tradeExpiry),
      withdraw: toOperatorScopeState(canWithdraw, withdrawExpiry),
      maxPriceDeviation: maxPriceDeviation === 0n ? undefined : maxPriceDeviation,
    };
  }
  const event = logs.find((l) => l.eventName === "OperatorApproved");
  const bounded = logs.find((l) => l.eventName === "OperatorPriceBoundSet");
  if (event?.eventName !== "OperatorApproved")
    throw new PerpError(`approveOperator: transaction ${hash} emitted no OperatorApproved event.`);
  const { account, operator, canTrade, tradeExpiry, canWithdraw, withdrawExpiry } = event.args;
  return {
    hash,
    receipt,
    account,
    allSubAccounts: false,
    operator,
    trade: toOperatorScopeState(canTrade, tradeExpiry),
    withdraw: toOperatorScopeState(canWithdraw, withdrawExpiry),
    maxPriceDeviation:
      bounded?.eventName === "OperatorPriceBoundSet" && bounded.args.maxPriceDeviation !== 0n
        ? bounded.args.maxPriceDeviation
        : undefined,
  };
}
