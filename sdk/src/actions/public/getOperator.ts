import type { Address } from "viem";
import { getBlock, readContract } from "viem/actions";

import { collateralVaultAbi } from "../../abis/collateralVault.js";
import type { PerpClientBase } from "../../clientBase.js";
import { toPerpError, type PerpError } from "../../errors/index.js";
import { resolveAccount } from "../internal/wallet.js";

/** One scope (trade or withdraw) of an operator approval as stored. */
export interface OperatorScopeState {
  /** Whether the stored approval grants the scope (expired or not). */
  granted: boolean;
  /**
   * The first second (unix time) at which the scope is dead: it is live while the block's timestamp is below it.
   * Undefined when the scope never expires or is not granted.
   */
  expiry: bigint | undefined;
}

/** One scope of an operator approval, and whether it is live at the block read. */
export interface OperatorScope extends OperatorScopeState {
  /** Granted and not expired at the block read (the vault's own `canTrade` / `canWithdraw` there). */
  live: boolean;
}

/** Parameters of {@link getOperator}. */
export interface GetOperatorParameters {
  /** The operator. */
  operator: Address;
  /** The approving account (default: the wallet's account). */
  account?: Address;
  /** Read at this block (default: latest). */
  blockNumber?: bigint;
}

/** What `account` lets `operator` do, at one block. */
export interface GetOperatorReturnType {
  account: Address;
  operator: Address;
  /** Trade and close positions for the account (the engine's check). */
  trade: OperatorScope;
  /** Withdraw the account's collateral (`withdrawFrom`). */
  withdraw: OperatorScope;
  /**
   * The trade scope's price bound: the most the operator's fills may deviate from the oracle price against the
   * account, an 18-decimal fraction of the oracle price (`10n ** 15n` = 0.1 %); the engine refuses a buy above
   * oracle × (1 + bound) and a sell below oracle × (1 − bound) (`OperatorPriceBoundExceeded`). Undefined: none.
   */
  maxPriceDeviation: bigint | undefined;
  /** The block read and its timestamp (what `live` was judged at). */
  blockNumber: bigint;
  timestamp: bigint;
}

/** Errors {@link getOperator} can throw: `AccountRequiredError`, RPC errors. */
export type GetOperatorErrorType = PerpError;

/** A stored scope as the SDK shows it: the contract's expiry 0 (none) becomes undefined. */
export function toOperatorScopeState(granted: boolean, expiry: number | bigint): OperatorScopeState {
  const e = BigInt(expiry);
  return { granted, expiry: e === 0n ? undefined : e };
}

/**
 * Reads an operator approval (`CollateralVault.operatorApproval`, `tradeScope`, `canWithdraw`) at one block: each
 * scope, its expiry and whether it is live there, and the trade scope's price bound.
 *
 * @example
 * const { trade, withdraw, maxPriceDeviation } = await perp.getOperator({ operator: botAddress });
 * if (trade.live && !withdraw.granted) console.log(`trade-only agent until ${trade.expiry ?? "revoked"}`);
 * if (maxPriceDeviation !== undefined) console.log(`its fills stay within ${formatRate(maxPriceDeviation)} of the oracle`);
 */
export async function getOperator(
  client: PerpClientBase,
  parameters: GetOperatorParameters,
): Promise<GetOperatorReturnType> {
  const account = resolveAccount(client, parameters.account, "getOperator");
  const { operator } = parameters;
  const address = client.deployment.contracts.collateralVault;
  try {
    const block = await getBlock(
      client.publicClient,
      parameters.blockNumber === undefined ? {} : { blockNumber: parameters.blockNumber },
    );
    const blockNumber = block.number;
    const [approval, [canTrade, maxPriceDeviation], canWithdraw] = await Promise.all([
      readContract(client.publicClient, {
        address,
        abi: collateralVaultAbi,
        functionName: "operatorApproval",
        args: [account, operator],
        blockNumber,
      }),
      readContract(client.publicClient, {
        address,
        abi: collateralVaultAbi,
        functionName: "tradeScope",
        args: [account, operator],
        blockNumber,
      }),
      readContract(client.publicClient, {
        address,
        abi: collateralVaultAbi,
        functionName: "canWithdraw",
        args: [account, operator],
        blockNumber,
      }),
    ]);
    return {
      account,
      operator,
      trade: { ...toOperatorScopeState(approval.canTrade, approval.tradeExpiry), live: canTrade },
      withdraw: { ...toOperatorScopeState(approval.canWithdraw, approval.withdrawExpiry), live: canWithdraw },
      maxPriceDeviation: maxPriceDeviation === 0n ? undefined : maxPriceDeviation,
      blockNumber,
      timestamp: block.timestamp,
    };
  } catch (err) {
    throw toPerpError(err, "getOperator");
  }
}
