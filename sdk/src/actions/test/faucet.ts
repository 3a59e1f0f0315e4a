import {
  BaseError,
  ContractFunctionRevertedError,
  parseEventLogs,
  zeroAddress,
  type Address,
  type Hash,
  type TransactionReceipt,
} from "viem";
import { simulateContract } from "viem/actions";

import { mockUsdcAbi } from "../../abis/mockUsdc.js";
import type { PerpClientBase } from "../../clientBase.js";
import {
  EventNotFoundError,
  FaucetUnavailableError,
  toPerpError,
  ZeroAmountError,
  type PerpRequestErrorType,
  type PerpSendErrorType,
  type WalletRequiredError,
} from "../../errors/index.js";
import { emittedBy } from "../internal/logs.js";
import { sendRequest, type PerpWriteRequest } from "../internal/simulate.js";
import { requireWallet } from "../internal/wallet.js";

/** Parameters of {@link faucet}. */
export interface FaucetParameters {
  /** Who receives the USDC (default: the wallet's account). */
  account?: Address;
  /** USDC units (6 decimals) to mint, > 0: `parseUsdc("1000")`. */
  amountUsdc: bigint;
}

/** Parameters of {@link simulateFaucet}: the faucet's. */
export type SimulateFaucetParameters = FaucetParameters;

/** The simulated mint: the request `faucet` sends. */
export interface SimulateFaucetReturnType {
  request: PerpWriteRequest<typeof mockUsdcAbi, "mint">;
  account: Address;
  amountUsdc: bigint;
}

/**
 * Errors {@link simulateFaucet} can throw: `ZeroAmountError`, `WalletRequiredError`, `FaucetUnavailableError` (the
 * collateral token refused the mint: it is not the local mock USDC), RPC errors.
 */
export type SimulateFaucetErrorType =
  | ZeroAmountError
  | WalletRequiredError
  | FaucetUnavailableError
  | PerpRequestErrorType;

/** The mint's hash, receipt and the amount received (from the token's `Transfer` event). */
export interface FaucetReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  account: Address;
  /** USDC units minted to `account`. */
  amountUsdc: bigint;
}

/**
 * Errors {@link faucet} can throw: those of {@link simulateFaucet} (nothing is sent then), a failed send, a mined
 * revert, a receipt without the `Transfer` event.
 */
export type FaucetErrorType = SimulateFaucetErrorType | PerpSendErrorType | EventNotFoundError;

/**
 * Simulates minting the deployment's collateral token to `account` without sending it. Only the local mock USDC
 * (`MockUSDC`, deployed by the local deploy and the tests) mints to anyone: any other token's refusal (a real USDC's
 * minter check, a token without `mint`) becomes a {@link FaucetUnavailableError}.
 *
 * @example
 * await perp.simulateFaucet({ amountUsdc: parseUsdc("1000") }); // FaucetUnavailableError on a live network
 */
export async function simulateFaucet(
  client: PerpClientBase,
  parameters: SimulateFaucetParameters,
): Promise<SimulateFaucetReturnType> {
  if (parameters.amountUsdc <= 0n) throw new ZeroAmountError("faucet amount");
  const { account: sender } = requireWallet(client, "faucet");
  const token = client.deployment.contracts.collateralToken;
  const account = parameters.account ?? sender.address;
  try {
    const { request } = await simulateContract(client.publicClient, {
      address: token,
      abi: mockUsdcAbi,
      functionName: "mint",
      args: [account, parameters.amountUsdc],
      account: sender,
    });
    return { request, account, amountUsdc: parameters.amountUsdc };
  } catch (err) {
    // A revert (a minter check, no such function): not the mock. Anything else (transport, node down) is an RPC error.
    if (err instanceof BaseError && err.walk((e) => e instanceof ContractFunctionRevertedError) !== null)
      throw new FaucetUnavailableError(token, { cause: err });
    throw toPerpError(err, "faucet (simulation)");
  }
}

/**
 * A local faucet: mints the local mock USDC (the deployment's collateral token) to a wallet, so a local trader or
 * liquidity provider can deposit without writing a `mint` call by hand. Simulated first ({@link simulateFaucet}): on a
 * deployment whose collateral is not the mock it throws {@link FaucetUnavailableError} and sends nothing.
 * `npm run faucet -- <address> <amount>` runs it from the command line against a local node.
 *
 * @example
 * await perp.faucet({ amountUsdc: parseUsdc("10000") });
 * await perp.deposit({ amountUsdc: parseUsdc("10000") });
 */
export async function faucet(
  client: PerpClientBase,
  parameters: FaucetParameters,
): Promise<FaucetReturnType> {
  const { request, account } = await simulateFaucet(client, parameters);
  const { hash, receipt } = await sendRequest(client, "faucet", request);
  const token = client.deployment.contracts.collateralToken;
  const minted = emittedBy(
    parseEventLogs({ abi: mockUsdcAbi, logs: receipt.logs, eventName: "Transfer" }),
    token,
  ).find((l) => l.args.from === zeroAddress && l.args.to.toLowerCase() === account.toLowerCase());
  if (minted === undefined) throw new EventNotFoundError(hash, "Transfer", "faucet");
  return { hash, receipt, account: minted.args.to, amountUsdc: minted.args.value };
}
