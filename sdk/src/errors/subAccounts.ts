/**
 * Errors of the sub-account actions thrown before anything is sent (an unknown or foreign sub-account), and the
 * error of an isolated open that failed after its collateral was moved.
 */
import type { Address, Hash } from "viem";

import { PerpError, type PerpErrorParameters } from "./base.js";
import { PerpValidationError } from "./validation.js";

/** A sub-account id its owner has not created (`UnknownSubAccount` on chain). */
export class UnknownSubAccountError extends PerpValidationError {
  override name = "UnknownSubAccountError";
  constructor(
    readonly owner: Address,
    readonly id: bigint,
    args: PerpErrorParameters = {},
  ) {
    super(`${owner} has no sub-account ${id}: create it first (createSubAccount).`, args);
  }
}

/**
 * An account that does not belong to the owner the action acts for (`ForeignSubAccount` on chain): collateral moves
 * only between one owner's own sub-accounts, and the isolated-position actions only close and sweep the wallet's own.
 */
export class ForeignSubAccountError extends PerpValidationError {
  override name = "ForeignSubAccountError";
  constructor(
    readonly account: Address,
    readonly owner: Address,
    readonly actualOwner: Address,
    args: PerpErrorParameters = {},
  ) {
    super(`${account} is not a sub-account of ${owner} (its owner is ${actualOwner}).`, args);
  }
}

/**
 * An isolated open whose collateral was moved into the sub-account but whose trade then failed. `swept` tells
 * whether the collateral was moved back (`sweepHash`); if not, it waits in `subAccount` (move it with
 * `transferBetweenSubAccounts` or retry the open on the same sub-account). `cause` is the trade's failure. A
 * sub-account that holds a position all the same (a trade mined although the SDK saw it fail, e.g. a lost receipt) is
 * never swept: check it with `getAccount` before retrying.
 */
export class IsolatedOpenFailedError extends PerpError {
  override name = "IsolatedOpenFailedError";
  constructor(
    readonly subAccount: Address,
    readonly collateralUsd: bigint,
    readonly swept: boolean,
    readonly sweepHash: Hash | undefined,
    args: PerpErrorParameters = {},
  ) {
    super(
      swept
        ? `The isolated open on ${subAccount} failed; its collateral was moved back.`
        : `The isolated open on ${subAccount} failed and its collateral (${collateralUsd} USD, 18 decimals) could not be moved back: it waits in the sub-account.`,
      args,
    );
  }
}

/**
 * The source of an isolated position's collateral may not move that much now: `withdrawableUsd` (initial margin at
 * exit prices) is below the collateral the position needs.
 */
export class InsufficientFreeCollateralError extends PerpValidationError {
  override name = "InsufficientFreeCollateralError";
  constructor(
    readonly account: Address,
    readonly neededUsd: bigint,
    readonly withdrawableUsd: bigint,
  ) {
    super(
      `${account} can move ${withdrawableUsd} USD (18 decimals) now, less than the ${neededUsd} the isolated position needs.`,
    );
  }
}

/** `closeIsolatedPosition` on the owner's own account (sub-account 0): it is the cross-margin account, not isolated. */
export class NotIsolatedSubAccountError extends PerpValidationError {
  override name = "NotIsolatedSubAccountError";
  constructor(readonly account: Address) {
    super(`${account} is the owner's own cross-margin account (sub-account 0), not an isolated sub-account.`);
  }
}

/**
 * The sub-account an isolated open picked is no longer free when its collateral is about to move (another open of the
 * same owner funded or used it meanwhile): nothing was moved; retry the open.
 */
export class SubAccountNotFreeError extends PerpValidationError {
  override name = "SubAccountNotFreeError";
  constructor(
    readonly account: Address,
    readonly id: bigint,
  ) {
    super(
      `Sub-account ${id} (${account}) is no longer free (collateral or a position arrived): retry the open.`,
    );
  }
}

/** `closeIsolatedPosition` asked to sweep a sub-account into itself. */
export class InvalidSweepTargetError extends PerpValidationError {
  override name = "InvalidSweepTargetError";
  constructor(readonly account: Address) {
    super(
      `The collateral of ${account} cannot be swept into ${account} itself: give another account of the owner as \`to\`.`,
    );
  }
}
