/**
 * The error unions the actions' `…ErrorType` are built from: what a failed read and a failed write can throw. Each
 * action's own type adds the validation errors it checks before anything is sent.
 */
import type { PerpContractError } from "./contract.js";
import type { PerpRpcError, TransactionRevertedError } from "./transaction.js";
import type { WalletRequiredError } from "./validation.js";

/** A contract call or RPC request that failed: a decoded protocol error, or a transport / unknown revert. */
export type PerpRequestErrorType = PerpContractError | PerpRpcError;

/**
 * What simulating a write can throw besides its validation errors: no wallet, or the simulation reverted (decoded)
 * or failed.
 */
export type PerpSimulateErrorType = WalletRequiredError | PerpRequestErrorType;

/** What sending a simulated write can throw: a failed send or receipt, or a mined revert. */
export type PerpSendErrorType = WalletRequiredError | PerpRequestErrorType | TransactionRevertedError;
