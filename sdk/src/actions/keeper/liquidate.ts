import { isAddressEqual, parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { estimateContractGas, simulateContract } from "viem/actions";

import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import { perpEngineAbi } from "../../abis/perpEngine.js";
import type { PerpClientBase } from "../../clientBase.js";
import {
  EventNotFoundError,
  toPerpError,
  WalletRequiredError,
  type PerpSendErrorType,
  type PerpSimulateErrorType,
} from "../../errors/index.js";
import {
  toAdlEvent,
  toLiquidationEvent,
  type AdlRequestedEvent,
  type LiquidatedEvent,
} from "../../events/types.js";
import { emittedBy } from "../internal/logs.js";
import { sendRequest, simulateWith, type PerpWriteRequest } from "../internal/simulate.js";

/** Parameters of {@link liquidate}. */
export interface LiquidateParameters {
  /** The account to liquidate (maintenance margin at fair prices below zero). */
  account: Address;
}

/** One position closed (or sliced) by the liquidation, from the engine's `Trade` event. */
export interface LiquidationFill {
  marketId: bigint;
  sizeDelta: bigint;
  fillPrice: bigint;
  /** PnL realised by the close, USD. */
  realisedPnlUsd: bigint;
  /** Funding settled by the close (positive: the account paid), USD. */
  fundingSettledUsd: bigint;
  newSize: bigint;
}

/**
 * The liquidation's hash, receipt and decoded summary: the `Liquidated` event's amounts, each position's fill, and
 * what each layer of the loss waterfall took (every amount 18-decimal USD, 0 when the layer was not reached).
 */
export interface LiquidateReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  account: Address;
  /** The caller, who received the reward. */
  keeper: Address;
  /** Σ notional closed. */
  notionalClosedUsd: bigint;
  /** The liquidation fee charged (≥ the keeper reward). */
  feeUsd: bigint;
  /** Paid to the keeper (whole USDC units; out of the account, topped up by the fund when it could not pay). */
  keeperRewardUsd: bigint;
  /** Paid to the insurance fund out of the account's collateral. */
  insuranceFeeUsd: bigint;
  /** Some position was only sliced: the cooldown started. */
  partialOnly: boolean;
  /** The closes, in the order they happened (a close cut to nothing by its bound has no fill). */
  fills: LiquidationFill[];
  /**
   * The closes its forced-close bound changed (`ForcedCloseBounded`): cut, the rest of each waits for a later
   * liquidation; or, when the cut would have left a position below the minimum position margin, the whole position
   * closed at the live fill (`filled` = −size, possibly more than a slice asked). The keeper reward had no floor.
   * A position whose market's oracle fails is skipped (no event): it waits, and the reward has no floor either.
   */
  bounded: { marketId: bigint; requested: bigint; filled: bigint }[];
  /** Layer 1: losses and fee absorbed by the account's own collateral. */
  lossAbsorbedByCollateralUsd: bigint;
  /** Layer 2: bad debt the insurance fund covered. */
  badDebtCoveredByFundUsd: bigint;
  /** Layer 3: bad debt left for auto-deleveraging. */
  shortfallForAdlUsd: bigint;
  /** The ADL request the shortfall opened, if any. */
  adlRequest: AdlRequestedEvent | undefined;
  /** The reward credited to the keeper's collateral because its USDC transfer failed (0 normally). */
  keeperRewardCreditedUsd: bigint;
}

/** Parameters of {@link simulateLiquidate}: the liquidation's. */
export type SimulateLiquidateParameters = LiquidateParameters;

/** The simulated liquidation: the request `liquidate` sends and what the engine returned in the simulation. */
export interface SimulateLiquidateReturnType {
  request: PerpWriteRequest<typeof liquidationEngineAbi, "liquidate">;
  account: Address;
  /** Σ notional the liquidation would close (the contract's return value, latest block), USD. */
  notionalClosedUsd: bigint;
  /** The keeper reward it would pay the caller, USD (whole USDC units). */
  keeperRewardUsd: bigint;
}

/**
 * Errors {@link simulateLiquidate} can throw: a wallet missing, the simulation's decoded revert (`NotLiquidatable`,
 * `NothingToLiquidate`, `LiquidationCooldown`, `LiquidationBeyondBound`: nothing fits its forced-close bound now,
 * retry in a later block), RPC errors.
 */
export type SimulateLiquidateErrorType = PerpSimulateErrorType;

/**
 * Errors {@link liquidate} can throw: those of {@link simulateLiquidate} (nothing is sent then), a failed send, a
 * mined revert, a receipt without the `Liquidated` event.
 */
export type LiquidateErrorType = SimulateLiquidateErrorType | PerpSendErrorType | EventNotFoundError;

/**
 * Simulates a liquidation (`LiquidationEngine.liquidate`) from the wallet's account without sending it: the notional
 * it would close and the reward it would pay, or the decoded reason it would revert.
 *
 * @example
 * const { keeperRewardUsd } = await keeper.simulateLiquidate({ account: victim });
 */
export async function simulateLiquidate(
  client: PerpClientBase,
  parameters: SimulateLiquidateParameters,
): Promise<SimulateLiquidateReturnType> {
  const { account } = parameters;
  const { request, result } = await simulateWith(client, "liquidate", (from) =>
    simulateContract(client.publicClient, {
      address: client.deployment.contracts.liquidationEngine,
      abi: liquidationEngineAbi,
      functionName: "liquidate",
      args: [account],
      account: from,
    }),
  );
  const [notionalClosedUsd, keeperRewardUsd] = result;
  return { request, account, notionalClosedUsd, keeperRewardUsd };
}

/** Parameters of {@link estimateLiquidateGas}: the liquidation's, and who would send it. */
export interface EstimateLiquidateGasParameters extends LiquidateParameters {
  /** The address the estimate runs from (default: the wallet's account); a client without a wallet must give it. */
  from?: Address;
}

/** The gas `liquidate(account)` would use from `from` now (viem's `estimateContractGas`, no headroom added). */
export type EstimateLiquidateGasReturnType = bigint;

/**
 * Errors {@link estimateLiquidateGas} can throw: no `from` and no wallet, the estimate's decoded revert (those of
 * {@link simulateLiquidate}), RPC errors.
 */
export type EstimateLiquidateGasErrorType = PerpSimulateErrorType;

/**
 * Estimates the gas of a liquidation (`LiquidationEngine.liquidate`) from `from` (default: the wallet's account)
 * without sending it; a liquidation that would revert throws the decoded contract error, as {@link simulateLiquidate}
 * does. For a keeper that prices the gas before sending (or sends with its own nonce count) and for a dry run
 * without a wallet; `simulateLiquidate` gives the request and the contract's return value instead.
 *
 * @example
 * const gas = await keeper.estimateLiquidateGas({ account: victim });
 */
export async function estimateLiquidateGas(
  client: PerpClientBase,
  parameters: EstimateLiquidateGasParameters,
): Promise<EstimateLiquidateGasReturnType> {
  const from = parameters.from ?? client.walletClient?.account?.address;
  if (from === undefined) throw new WalletRequiredError("estimateLiquidateGas without `from`");
  try {
    return await estimateContractGas(client.publicClient, {
      address: client.deployment.contracts.liquidationEngine,
      abi: liquidationEngineAbi,
      functionName: "liquidate",
      args: [parameters.account],
      account: from,
    });
  } catch (err) {
    throw toPerpError(err, "liquidate (gas estimate)");
  }
}

/**
 * Liquidates an account (`LiquidationEngine.liquidate`, permissionless): positions close through the market on the
 * live skew (slices for positions above the partial threshold, everything when the account is bankrupt, i.e.
 * equity ≤ 0 at fair prices) until maintenance margin is back at zero or above, each close only as far as its fill
 * stays within the account's own close impact from the fair premium (`bounded` lists the ones cut; the rest waits).
 * The caller receives the keeper reward in USDC (no floor when a close was cut; the fund tops the floor up only for
 * notional ≥ minKeeperReward / feeRate). Simulated first ({@link simulateLiquidate}): an account that is not
 * liquidatable, cooling down, or with nothing that fits its bound fails with the decoded error and nothing is sent.
 *
 * @example
 * const preview = await keeper.previewLiquidation({ account: victim });
 * if (preview.liquidatable) {
 *   const r = await keeper.liquidate({ account: victim });
 *   console.log(`closed ${formatUsd(r.notionalClosedUsd)}, earned ${formatUsd(r.keeperRewardUsd)} USD`);
 * }
 */
export async function liquidate(
  client: PerpClientBase,
  parameters: LiquidateParameters,
): Promise<LiquidateReturnType> {
  const { liquidationEngine, perpEngine } = client.deployment.contracts;
  const { account } = parameters;
  const { request } = await simulateLiquidate(client, parameters);
  const { hash, receipt } = await sendRequest(client, "liquidate", request);
  const logs = emittedBy(
    parseEventLogs({ abi: liquidationEngineAbi, logs: receipt.logs }),
    liquidationEngine,
  );
  const events = logs.map(toLiquidationEvent);
  const mine = (a: Address) => isAddressEqual(a, account);
  const liquidated = events.find((e): e is LiquidatedEvent => e?.type === "liquidated" && mine(e.account));
  if (liquidated === undefined) throw new EventNotFoundError(hash, "Liquidated", "liquidate");
  const amountOf = (type: "lossAbsorbedByCollateral" | "badDebtCoveredByFund" | "shortfallForAdl") => {
    const e = events.find((x) => x?.type === type && mine(x.account));
    return e !== undefined && "amountUsd" in e ? e.amountUsd : 0n;
  };
  const credited = events.find((e) => e?.type === "keeperRewardCredited");
  const adlRequest = logs
    .map(toAdlEvent)
    .find((e): e is AdlRequestedEvent => e?.type === "requested" && mine(e.account));

  const engineLogs = emittedBy(parseEventLogs({ abi: perpEngineAbi, logs: receipt.logs }), perpEngine);
  const funding = new Map<bigint, bigint>();
  for (const l of engineLogs)
    if (l.eventName === "FundingSettled" && mine(l.args.account))
      funding.set(l.args.marketId, (funding.get(l.args.marketId) ?? 0n) + l.args.amount);
  const bounded = engineLogs.flatMap((l) =>
    l.eventName === "ForcedCloseBounded" && mine(l.args.account)
      ? [{ marketId: l.args.marketId, requested: l.args.requested, filled: l.args.filled }]
      : [],
  );
  const fills: LiquidationFill[] = [];
  for (const l of engineLogs)
    if (l.eventName === "Trade" && mine(l.args.account))
      fills.push({
        marketId: l.args.marketId,
        sizeDelta: l.args.sizeDelta,
        fillPrice: l.args.fillPrice,
        realisedPnlUsd: l.args.realisedPnl,
        fundingSettledUsd: funding.get(l.args.marketId) ?? 0n,
        newSize: l.args.newSize,
      });

  return {
    hash,
    receipt,
    account: liquidated.account,
    keeper: liquidated.keeper,
    notionalClosedUsd: liquidated.notionalClosedUsd,
    feeUsd: liquidated.feeUsd,
    keeperRewardUsd: liquidated.keeperRewardUsd,
    insuranceFeeUsd: liquidated.insuranceFeeUsd,
    partialOnly: liquidated.partialOnly,
    fills,
    bounded,
    lossAbsorbedByCollateralUsd: amountOf("lossAbsorbedByCollateral"),
    badDebtCoveredByFundUsd: amountOf("badDebtCoveredByFund"),
    shortfallForAdlUsd: amountOf("shortfallForAdl"),
    adlRequest,
    keeperRewardCreditedUsd: credited?.type === "keeperRewardCredited" ? credited.amountUsd : 0n,
  };
}
