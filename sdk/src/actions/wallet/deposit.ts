import {
  erc20Abi,
  parseEventLogs,
  zeroAddress,
  type Account,
  type Address,
  type Hash,
  type StateOverride,
  type TransactionReceipt,
} from "viem";
import { readContract, simulateContract } from "viem/actions";

import { collateralVaultAbi } from "../../abis/collateralVault.js";
import type { PerpClientBase } from "../../clientBase.js";
import {
  EventNotFoundError,
  InsufficientBalanceError,
  toPerpError,
  ZeroAddressError,
  ZeroAmountError,
  type PerpSendErrorType,
  type PerpSimulateErrorType,
} from "../../errors/index.js";
import { toUsd } from "../../math/tokenUnits.js";
import { allowanceOverride, findAllowanceSlot } from "../internal/allowanceSlot.js";
import { approvalValue, ensureAllowance, type ApprovalMode } from "../internal/approve.js";
import { emittedBy } from "../internal/logs.js";
import { sendRequest, simulateWith, type PerpWriteRequest } from "../internal/simulate.js";
import { requireWallet } from "../internal/wallet.js";

/** Parameters of {@link deposit}. */
export interface DepositParameters {
  /** USDC units (6 decimals), > 0. */
  amountUsdc: bigint;
  /** The margin account credited (default: the wallet's account; another one uses `depositFor`). */
  account?: Address;
  /** Allowance handling when it is below `amountUsdc`: approve the amount (default), the maximum, or never. */
  approve?: ApprovalMode;
}

/** Parameters of {@link simulateDeposit}: the deposit's, without the allowance handling. */
export type SimulateDepositParameters = Omit<DepositParameters, "approve">;

/** The simulated deposit: the request `deposit` sends and what it credits. */
export interface SimulateDepositReturnType {
  request:
    | PerpWriteRequest<typeof collateralVaultAbi, "deposit">
    | PerpWriteRequest<typeof collateralVaultAbi, "depositFor">;
  account: Address;
  amountUsdc: bigint;
  /** The collateral it credits, 18-decimal USD (`amountUsdc` × 10^12). */
  amountUsd: bigint;
}

/**
 * Errors {@link simulateDeposit} can throw: a zero amount, the zero address as the account, a wallet holding less
 * USDC than the amount (each before anything is simulated), a wallet missing, the simulation's decoded revert (the
 * token's `ERC20InsufficientAllowance`, the vault's `UnsupportedTokenBehaviour` or `SafeCastOverflowedIntDowncast`…),
 * RPC errors.
 */
export type SimulateDepositErrorType =
  | ZeroAmountError
  | ZeroAddressError
  | InsufficientBalanceError
  | PerpSimulateErrorType;

/** The deposit's hash, receipt and decoded `Deposited` event. */
export interface DepositReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  /** The approval sent first, if the allowance was too low. */
  approvalHash: Hash | undefined;
  account: Address;
  /** USDC units received. */
  amountUsdc: bigint;
  /** Collateral credited, 18-decimal USD. */
  amountUsd: bigint;
}

/**
 * Errors {@link deposit} can throw: those of {@link simulateDeposit} (nothing is sent then, the approval included), a
 * failed approval or deposit, a mined revert, a receipt without the `Deposited` event.
 */
export type DepositErrorType = SimulateDepositErrorType | PerpSendErrorType | EventNotFoundError;

/**
 * What the vault and the token would refuse before anything is simulated: a zero amount (`ZeroAmount`), the zero
 * address (`ZeroAddress`), a wallet with less USDC than the amount (`ERC20InsufficientBalance`). Reads the wallet's
 * balance and, for `deposit`, its allowance for the vault, in parallel.
 */
async function checkDeposit(
  client: PerpClientBase,
  parameters: SimulateDepositParameters,
  withAllowance: boolean,
): Promise<{ sender: Account; account: Address; allowance: bigint }> {
  const { amountUsdc } = parameters;
  if (amountUsdc <= 0n) throw new ZeroAmountError("deposit amount");
  const { account: sender } = requireWallet(client, "deposit");
  const account = parameters.account ?? sender.address;
  if (account.toLowerCase() === zeroAddress) throw new ZeroAddressError("deposit account");
  const { collateralVault, collateralToken } = client.deployment.contracts;
  const token = { address: collateralToken, abi: erc20Abi } as const;
  let balance: bigint;
  let allowance = 0n;
  try {
    [balance, allowance] = await Promise.all([
      readContract(client.publicClient, { ...token, functionName: "balanceOf", args: [sender.address] }),
      withAllowance
        ? readContract(client.publicClient, {
            ...token,
            functionName: "allowance",
            args: [sender.address, collateralVault],
          })
        : allowance,
    ]);
  } catch (err) {
    throw toPerpError(err, "deposit (balance)");
  }
  if (balance < amountUsdc)
    throw new InsufficientBalanceError({
      token: collateralToken,
      holder: sender.address,
      balanceUsdc: balance,
      amountUsdc,
    });
  return { sender, account, allowance };
}

/** The vault's `deposit` (or `depositFor` another account) simulated from `sender`, optionally over a state override. */
async function simulateDepositCall(
  client: PerpClientBase,
  sender: Account,
  account: Address,
  amountUsdc: bigint,
  stateOverride?: StateOverride,
): Promise<SimulateDepositReturnType["request"]> {
  const { collateralVault } = client.deployment.contracts;
  const action = stateOverride === undefined ? "deposit" : "deposit (before approving)";
  const { request } =
    account.toLowerCase() === sender.address.toLowerCase()
      ? await simulateWith(client, action, () =>
          simulateContract(client.publicClient, {
            address: collateralVault,
            abi: collateralVaultAbi,
            functionName: "deposit",
            args: [amountUsdc],
            account: sender,
            ...(stateOverride === undefined ? {} : { stateOverride }),
          }),
        )
      : await simulateWith(client, action, () =>
          simulateContract(client.publicClient, {
            address: collateralVault,
            abi: collateralVaultAbi,
            functionName: "depositFor",
            args: [account, amountUsdc],
            account: sender,
            ...(stateOverride === undefined ? {} : { stateOverride }),
          }),
        );
  return request;
}

/**
 * Simulates a deposit (`CollateralVault.deposit`, or `depositFor` for another account) from the wallet's account
 * without sending it, as the chain stands, after the SDK's own checks (amount, account, the wallet's USDC balance):
 * the vault's allowance must already cover the amount (`deposit` approves first when it does not), otherwise the
 * token's `ERC20InsufficientAllowance` is thrown.
 *
 * @example
 * const { request, amountUsd } = await perp.simulateDeposit({ amountUsdc: parseUsdc("1000") });
 */
export async function simulateDeposit(
  client: PerpClientBase,
  parameters: SimulateDepositParameters,
): Promise<SimulateDepositReturnType> {
  const { sender, account } = await checkDeposit(client, parameters, false);
  const request = await simulateDepositCall(client, sender, account, parameters.amountUsdc);
  return { request, account, amountUsdc: parameters.amountUsdc, amountUsd: toUsd(parameters.amountUsdc) };
}

/**
 * Deposits USDC into a margin account of the collateral vault. Nothing is sent, the approval included, unless the
 * deposit would go through: the SDK's checks first (amount, account, the wallet's USDC balance); then, when the
 * allowance is short, the deposit is simulated as if the approval were mined (a state override of the token's
 * allowance slot, found by asking the token, see `findAllowanceSlot`), so the vault's or the token's refusal is
 * decoded before the approval costs anything; then the approval (simulated too) and the deposit's own simulation
 * ({@link simulateDeposit}) and the deposit. A token whose allowance slot is not found, or a node without state
 * overrides, gets the checks, the approval, then the simulation.
 *
 * @example
 * const { amountUsd } = await perp.deposit({ amountUsdc: parseUsdc("1000") }); // 1000e18 USD of collateral
 */
export async function deposit(
  client: PerpClientBase,
  parameters: DepositParameters,
): Promise<DepositReturnType> {
  const { amountUsdc } = parameters;
  const { sender, account, allowance } = await checkDeposit(client, parameters, true);
  const { collateralVault, collateralToken } = client.deployment.contracts;
  const mode = parameters.approve ?? "exact";
  let approvalHash: Hash | undefined;
  if (allowance < amountUsdc && mode !== false) {
    const slot = await findAllowanceSlot(client, {
      token: collateralToken,
      owner: sender.address,
      spender: collateralVault,
    });
    if (slot !== undefined)
      await simulateDepositCall(
        client,
        sender,
        account,
        amountUsdc,
        allowanceOverride(collateralToken, slot, approvalValue(mode, amountUsdc)),
      );
    approvalHash = await ensureAllowance(client, "deposit", {
      token: collateralToken,
      owner: sender.address,
      spender: collateralVault,
      amount: amountUsdc,
      mode,
      allowance,
    });
  }
  const request = await simulateDepositCall(client, sender, account, amountUsdc);
  const { hash, receipt } = await sendRequest(client, "deposit", request);
  const [event] = emittedBy(
    parseEventLogs({ abi: collateralVaultAbi, logs: receipt.logs, eventName: "Deposited" }),
    collateralVault,
  );
  if (event === undefined) throw new EventNotFoundError(hash, "Deposited", "deposit");
  return {
    hash,
    receipt,
    approvalHash,
    account,
    amountUsdc: event.args.tokenAmount,
    amountUsd: event.args.usdAmount,
  };
}
