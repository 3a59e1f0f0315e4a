import { getAddress, type Address } from "viem";
import { readContract } from "viem/actions";

import { collateralVaultAbi } from "../../abis/collateralVault.js";
import { perpLensAbi } from "../../abis/perpLens.js";
import type { PerpClientBase } from "../../clientBase.js";
import { isPerpContractError, toPerpError, type PerpRequestErrorType } from "../../errors/index.js";
import { UnknownSubAccountError } from "../../errors/subAccounts.js";
import { resolveAccount } from "../internal/wallet.js";

/** One position of a sub-account as stored (`Position`). */
export interface SubAccountPosition {
  marketId: bigint;
  /** Signed size, 18 decimals (positive: long). */
  size: bigint;
  /** Signed notional paid at entry, USD. */
  openNotionalUsd: bigint;
  lastFundingIndex: bigint;
}

/**
 * One sub-account of an owner, in brief (`PerpLens.SubAccountView`); `getAccount({ account: address })` reads the
 * whole account (margin, prices, liquidation prices).
 */
export interface SubAccount {
  owner: Address;
  /** Its number: 0 is the owner's own address (today's account), 1, 2, … are created by `createSubAccount`. */
  id: bigint;
  /** Its address: every action that takes an `account` accepts it. */
  address: Address;
  /** Collateral in the vault, 18-decimal USD (negative: debt awaiting repayment). */
  collateralUsd: bigint;
  /** False when an oracle of one of its markets failed (equity and withdrawable then read 0). */
  valuationValid: boolean;
  /** Credited equity (`accountMargin`), USD. */
  equityUsd: bigint;
  /** What may be withdrawn or moved to another sub-account now, USD. */
  withdrawableUsd: bigint;
  positions: readonly SubAccountPosition[];
  /**
   * Whether an isolated position may take it: id ≥ 1, flat, collateral exactly zero (so no debt: a bankrupt
   * sub-account is never reused).
   */
  free: boolean;
}

type SubAccountView = {
  id: bigint;
  account: Address;
  collateral: bigint;
  valuationValid: boolean;
  equity: bigint;
  withdrawableUsd: bigint;
  positions: readonly { size: bigint; openNotional: bigint; lastFundingIndex: bigint }[];
  markets: readonly bigint[];
  free: boolean;
};

function toSubAccount(owner: Address, v: SubAccountView): SubAccount {
  return {
    owner,
    id: v.id,
    address: v.account,
    collateralUsd: v.collateral,
    valuationValid: v.valuationValid,
    equityUsd: v.equity,
    withdrawableUsd: v.withdrawableUsd,
    positions: v.positions.map((p, i) => ({
      marketId: v.markets[i],
      size: p.size,
      openNotionalUsd: p.openNotional,
      lastFundingIndex: p.lastFundingIndex,
    })),
    free: v.free,
  };
}

/** Parameters of {@link getSubAccounts}. */
export interface GetSubAccountsParameters {
  /** The owner (default: the wallet's account). */
  owner?: Address;
  /** Read at this block (default: latest). */
  blockNumber?: bigint;
}

/** Every sub-account of the owner, by id (0 first). */
export type GetSubAccountsReturnType = SubAccount[];

/** Errors {@link getSubAccounts} can throw: `AccountRequiredError`, RPC errors. */
export type GetSubAccountsErrorType = PerpRequestErrorType;

/**
 * Lists an owner's sub-accounts with their collateral, equity and positions in one call (`PerpLens.getSubAccounts`);
 * sub-account 0 is the owner's own address.
 *
 * @example
 * for (const s of await perp.getSubAccounts()) console.log(s.id, s.address, formatUsd(s.equityUsd), s.positions.length);
 */
export async function getSubAccounts(
  client: PerpClientBase,
  parameters: GetSubAccountsParameters = {},
): Promise<GetSubAccountsReturnType> {
  const owner = getAddress(resolveAccount(client, parameters.owner, "getSubAccounts"));
  try {
    const views = await readContract(client.publicClient, {
      address: client.deployment.contracts.perpLens,
      abi: perpLensAbi,
      functionName: "getSubAccounts",
      args: [owner],
      blockNumber: parameters.blockNumber,
    });
    return views.map((v) => toSubAccount(owner, v));
  } catch (err) {
    throw toPerpError(err, "getSubAccounts");
  }
}

/** Parameters of {@link getSubAccount}. */
export interface GetSubAccountParameters {
  /** The sub-account's number (0: the owner's own address). */
  id: bigint;
  /** The owner (default: the wallet's account). */
  owner?: Address;
  /** Read at this block (default: latest). */
  blockNumber?: bigint;
}

/** The sub-account. */
export type GetSubAccountReturnType = SubAccount;

/** Errors {@link getSubAccount} can throw: {@link UnknownSubAccountError} for an id not created, RPC errors. */
export type GetSubAccountErrorType = UnknownSubAccountError | PerpRequestErrorType;

/**
 * Reads one sub-account of an owner (`PerpLens.getSubAccount`).
 *
 * @example
 * const s = await perp.getSubAccount({ id: 1n });
 * console.log(s.address, formatUsd(s.collateralUsd), s.free ? "free" : "in use");
 */
export async function getSubAccount(
  client: PerpClientBase,
  parameters: GetSubAccountParameters,
): Promise<GetSubAccountReturnType> {
  const owner = getAddress(resolveAccount(client, parameters.owner, "getSubAccount"));
  try {
    const view = await readContract(client.publicClient, {
      address: client.deployment.contracts.perpLens,
      abi: perpLensAbi,
      functionName: "getSubAccount",
      args: [owner, parameters.id],
      blockNumber: parameters.blockNumber,
    });
    return toSubAccount(owner, view);
  } catch (err) {
    const error = toPerpError(err, "getSubAccount");
    if (isPerpContractError(error, "UnknownSubAccount"))
      throw new UnknownSubAccountError(owner, parameters.id, { cause: error });
    throw error;
  }
}

/** Parameters of {@link getSubAccountOwner}. */
export interface GetSubAccountOwnerParameters {
  account: Address;
  /** Read at this block (default: latest). */
  blockNumber?: bigint;
}

/** The owner: the account itself when it is no sub-account. */
export type GetSubAccountOwnerReturnType = Address;

/** Errors {@link getSubAccountOwner} can throw. */
export type GetSubAccountOwnerErrorType = PerpRequestErrorType;

/**
 * The owner of an account (`CollateralVault.subAccountOwner`): the owner recorded for a sub-account, else the account
 * itself (sub-account 0 of its own).
 *
 * @example
 * const owner = await perp.getSubAccountOwner({ account: liquidated });
 */
export async function getSubAccountOwner(
  client: PerpClientBase,
  parameters: GetSubAccountOwnerParameters,
): Promise<GetSubAccountOwnerReturnType> {
  try {
    return await readContract(client.publicClient, {
      address: client.deployment.contracts.collateralVault,
      abi: collateralVaultAbi,
      functionName: "subAccountOwner",
      args: [parameters.account],
      blockNumber: parameters.blockNumber,
    });
  } catch (err) {
    throw toPerpError(err, "getSubAccountOwner");
  }
}

/** Parameters of {@link getNextFreeSubAccount}. */
export interface GetNextFreeSubAccountParameters {
  /** The owner (default: the wallet's account). */
  owner?: Address;
  /** Read at this block (default: latest). */
  blockNumber?: bigint;
}

/** The sub-account an isolated position should use. */
export interface GetNextFreeSubAccountReturnType {
  id: bigint;
  address: Address;
  /** False: it is the next one to create (`createSubAccount` makes it at `address`). */
  exists: boolean;
}

/** Errors {@link getNextFreeSubAccount} can throw. */
export type GetNextFreeSubAccountErrorType = PerpRequestErrorType;

/**
 * The sub-account an isolated position of the owner should take (`PerpLens.nextFreeSubAccount`): the lowest id ≥ 1
 * that is flat with collateral exactly zero, else the next one to create.
 *
 * @example
 * const { id, address, exists } = await perp.getNextFreeSubAccount();
 */
export async function getNextFreeSubAccount(
  client: PerpClientBase,
  parameters: GetNextFreeSubAccountParameters = {},
): Promise<GetNextFreeSubAccountReturnType> {
  const owner = getAddress(resolveAccount(client, parameters.owner, "getNextFreeSubAccount"));
  try {
    const [id, address, exists] = await readContract(client.publicClient, {
      address: client.deployment.contracts.perpLens,
      abi: perpLensAbi,
      functionName: "nextFreeSubAccount",
      args: [owner],
      blockNumber: parameters.blockNumber,
    });
    return { id, address, exists };
  } catch (err) {
    throw toPerpError(err, "getNextFreeSubAccount");
  }
}
