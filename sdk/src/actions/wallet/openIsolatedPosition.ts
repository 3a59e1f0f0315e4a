import { getAddress, isAddressEqual, type Address, type Hash } from "viem";
import { readContract } from "viem/actions";

import { collateralVaultAbi } from "../../abis/collateralVault.js";
import { perpEngineAbi } from "../../abis/perpEngine.js";
import { perpLensAbi } from "../../abis/perpLens.js";
import type { PerpClientBase } from "../../clientBase.js";
import {
  PerpError,
  toPerpError,
  type EventNotFoundError,
  type PerpSendErrorType,
  type PerpValidationError,
} from "../../errors/index.js";
import {
  ForeignSubAccountError,
  InsufficientFreeCollateralError,
  IsolatedOpenFailedError,
  SubAccountNotFreeError,
} from "../../errors/subAccounts.js";
import type { IsolatedSizing } from "../../math/isolatedMargin.js";
import { sendTrade, validationErrorFor, type TradeExecutionResult } from "../internal/trade.js";
import { requireWallet } from "../internal/wallet.js";
import { getNextFreeSubAccount, getSubAccount } from "../public/getSubAccounts.js";
import {
  previewIsolatedPosition,
  type PreviewIsolatedPositionErrorType,
  type PreviewIsolatedPositionReturnType,
} from "../public/previewIsolatedPosition.js";
import type { SimulateOpenPositionErrorType } from "./openPosition.js";
import { simulateOpenPosition } from "./openPosition.js";
import { createSubAccount } from "./createSubAccount.js";
import { transferBetweenSubAccounts } from "./transferBetweenSubAccounts.js";

/**
 * Parameters of {@link openIsolatedPosition}: the market, the side, exactly two of `size`, `leverage` and
 * `collateralUsdc` (see `IsolatedSizing`), where the collateral comes from, and the trade's slippage options.
 */
export type OpenIsolatedPositionParameters = {
  marketId: bigint;
  side: "long" | "short";
  /** The wallet's sub-account the collateral moves from (default: its own account, sub-account 0). */
  from?: Address;
  /** Slippage tolerance around the SDK's fill quote, basis points (default 50). */
  slippageBps?: bigint;
  /** The worst fill accepted; overrides `slippageBps`. */
  acceptablePrice?: bigint;
  /** Refuse, before sending anything, an open the engine would refuse (default true). */
  validate?: boolean;
} & IsolatedSizing;

/** Parameters of {@link simulateOpenIsolatedPosition}: the open's. */
export type SimulateOpenIsolatedPositionParameters = OpenIsolatedPositionParameters;

/**
 * What {@link openIsolatedPosition} would do now: the sub-account it takes (created first when `exists` is false),
 * the collateral it moves from `from`, and the preview of the open there (size, fill, fee, liquidation price).
 */
export interface SimulateOpenIsolatedPositionReturnType {
  owner: Address;
  from: Address;
  subAccount: { id: bigint; address: Address; exists: boolean };
  preview: PreviewIsolatedPositionReturnType;
}

/**
 * Errors {@link simulateOpenIsolatedPosition} can throw: those of `previewIsolatedPosition`, the engine's refusals
 * as the SDK's mirror sees them (`LeverageAboveTierError`, `NotionalAboveMaxTierError`, `TradeRejectedError`…),
 * {@link ForeignSubAccountError} (`from` is not the wallet's), {@link InsufficientFreeCollateralError}, RPC errors.
 */
export type SimulateOpenIsolatedPositionErrorType =
  | PreviewIsolatedPositionErrorType
  | PerpValidationError
  | ForeignSubAccountError
  | InsufficientFreeCollateralError;

/** The sub-account the position lives in, the transactions sent, the fill and the liquidation price after it. */
export interface OpenIsolatedPositionReturnType {
  subAccount: { id: bigint; address: Address };
  /** Whether the sub-account was created by this call. */
  created: boolean;
  /** The collateral moved in, 18-decimal USD. */
  collateralUsd: bigint;
  createHash: Hash | undefined;
  transferHash: Hash;
  /** The open (hash, receipt, decoded fill). */
  open: TradeExecutionResult;
  /** The sub-account's liquidation price in the market at the open's block (`PerpLens.liquidationPrice`). */
  liquidationPrice: bigint;
  /** What the SDK previewed before sending. */
  preview: PreviewIsolatedPositionReturnType;
}

/**
 * Errors {@link openIsolatedPosition} can throw: those of the simulation (nothing sent), a failed creation or
 * transfer, and {@link IsolatedOpenFailedError} when the open itself fails after the collateral moved (it says
 * whether the collateral was moved back).
 */
export type OpenIsolatedPositionErrorType =
  | SimulateOpenIsolatedPositionErrorType
  | SubAccountNotFreeError
  | SimulateOpenPositionErrorType
  | IsolatedOpenFailedError
  | PerpSendErrorType
  | EventNotFoundError;

/**
 * Plans an isolated position without sending anything: previews it on a fresh sub-account (refusing what the engine
 * would refuse), checks that `from` is the wallet's and may move the collateral now, and picks the sub-account
 * (`getNextFreeSubAccount`).
 *
 * @example
 * const plan = await perp.simulateOpenIsolatedPosition({ marketId: watch, side: "long", size: parseSize("10"), collateralUsdc: parseUsdc("300000") });
 * console.log(plan.subAccount.id, formatUsd(plan.preview.liquidationPrice));
 */
export async function simulateOpenIsolatedPosition(
  client: PerpClientBase,
  parameters: SimulateOpenIsolatedPositionParameters,
): Promise<SimulateOpenIsolatedPositionReturnType> {
  const { account: wallet } = requireWallet(client, "openIsolatedPosition");
  const owner = getAddress(wallet.address);
  const from = parameters.from ?? owner;
  // The preview takes the market, the side and the sizing; the open's own options are not its.
  const preview = await previewIsolatedPosition(client, { ...parameters, blockNumber: undefined });
  if ((parameters.validate ?? true) && preview.preview.failure !== undefined)
    throw validationErrorFor(preview.preview.failure, preview.preview, parameters.marketId);
  const vault = client.deployment.contracts.collateralVault;
  let fromOwner: Address, withdrawableUsd: bigint;
  try {
    [fromOwner, withdrawableUsd] = await Promise.all([
      readContract(client.publicClient, {
        address: vault,
        abi: collateralVaultAbi,
        functionName: "subAccountOwner",
        args: [from],
        blockNumber: preview.blockNumber,
      }),
      readContract(client.publicClient, {
        address: vault,
        abi: collateralVaultAbi,
        functionName: "withdrawableUsd",
        args: [from],
        blockNumber: preview.blockNumber,
      }),
    ]);
  } catch (err) {
    throw toPerpError(err, "openIsolatedPosition (source)");
  }
  if (!isAddressEqual(fromOwner, owner)) throw new ForeignSubAccountError(from, owner, fromOwner);
  if (withdrawableUsd < preview.collateralUsd)
    throw new InsufficientFreeCollateralError(from, preview.collateralUsd, withdrawableUsd);
  const subAccount = await getNextFreeSubAccount(client, { owner, blockNumber: preview.blockNumber });
  return { owner, from, subAccount, preview };
}

/**
 * Opens an isolated position, the RWA-style "position with its own collateral": the position lives alone in a free
 * sub-account of the wallet (flat, collateral exactly zero; a bankrupt one is never reused), created when none is
 * free, funded with exactly its collateral moved from `from` (default the wallet's own account), so its loss is capped
 * at that collateral and its liquidation never touches the owner's other accounts. Up to three transactions:
 * `createSubAccount` (when needed), `transferBetweenSubAccounts`, then the trade, each simulated first; the whole open
 * is checked with the SDK's mirror before the first is sent ({@link simulateOpenIsolatedPosition}). If the trade
 * fails after the collateral moved, the collateral is moved back and {@link IsolatedOpenFailedError} is thrown; if the
 * sub-account holds a position all the same (the trade was mined although the SDK saw it fail), nothing is moved back.
 * A sub-account taken by another open between the pick and the transfer is refused ({@link SubAccountNotFreeError},
 * after a creation, before any collateral moves). A reused sub-account keeps the operator approvals it was given for
 * itself (and every sub-account is covered by an approval for all of them): revoke those you do not want on it.
 * Cross margin stays the default: `openPosition` trades the wallet's own account.
 *
 * @example
 * const { subAccount, liquidationPrice } = await perp.openIsolatedPosition({
 *   marketId: watch, side: "long", size: parseSize("10"), leverage: 5n * 10n ** 18n,
 * });
 * await perp.closeIsolatedPosition({ account: subAccount.address }); // close, sweep the collateral back
 */
export async function openIsolatedPosition(
  client: PerpClientBase,
  parameters: OpenIsolatedPositionParameters,
): Promise<OpenIsolatedPositionReturnType> {
  const plan = await simulateOpenIsolatedPosition(client, parameters);
  let { id, address } = plan.subAccount;
  let createHash: Hash | undefined;
  if (!plan.subAccount.exists) {
    const created = await createSubAccount(client);
    ({ id, address } = created);
    createHash = created.hash;
  }
  const { collateralUsd, size } = plan.preview;
  // Another open of the same owner (a second tab, a bot) may have taken the sub-account since it was picked: check it
  // is still free right before funding it, so that two isolated positions never share one margin account.
  const now = await getSubAccount(client, { owner: plan.owner, id });
  if (!now.free) throw new SubAccountNotFreeError(address, id);
  const transfer = await transferBetweenSubAccounts(client, {
    from: plan.from,
    to: address,
    amountUsd: collateralUsd,
  });
  let open: TradeExecutionResult;
  try {
    const simulation = await simulateOpenPosition(client, {
      account: address,
      marketId: parameters.marketId,
      side: parameters.side,
      size,
      slippageBps: parameters.slippageBps,
      acceptablePrice: parameters.acceptablePrice,
      validate: parameters.validate,
    });
    open = await sendTrade(client, "openIsolatedPosition", simulation);
  } catch (cause) {
    let sweepHash: Hash | undefined;
    // A trade the SDK saw fail may still have been mined (a lost receipt or log, a broadcast that timed out but went
    // through). The sub-account was flat, so a position there now is this open's: sweeping its free collateral would
    // leave it at its tier's initial margin. Only a flat sub-account is swept (unsure: not swept).
    const flat = await readContract(client.publicClient, {
      address: client.deployment.contracts.perpEngine,
      abi: perpEngineAbi,
      functionName: "accountMarkets",
      args: [address],
    }).then(
      (markets) => markets.length === 0,
      () => false,
    );
    if (flat)
      try {
        sweepHash = (
          await transferBetweenSubAccounts(client, { from: address, to: plan.from, amountUsd: "max" })
        ).hash;
      } catch {
        // The collateral stays in the sub-account; the error says so.
      }
    throw new IsolatedOpenFailedError(address, collateralUsd, sweepHash !== undefined, sweepHash, {
      cause: cause instanceof Error ? cause : new PerpError(String(cause)),
    });
  }
  let liquidationPrice: bigint;
  try {
    liquidationPrice = await readContract(client.publicClient, {
      address: client.deployment.contracts.perpLens,
      abi: perpLensAbi,
      functionName: "liquidationPrice",
      args: [address, parameters.marketId],
      blockNumber: open.receipt.blockNumber,
    });
  } catch (err) {
    throw toPerpError(err, "openIsolatedPosition (liquidation price)");
  }
  return {
    subAccount: { id, address },
    created: createHash !== undefined,
    collateralUsd,
    createHash,
    transferHash: transfer.hash,
    open,
    liquidationPrice,
    preview: plan.preview,
  };
}
