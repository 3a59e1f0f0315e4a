import { isAddressEqual, parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { writeContract } from "viem/actions";

import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import { perpEngineAbi } from "../../abis/perpEngine.js";
import type { PerpClientBase } from "../../clientBase.js";
import { PerpError } from "../../errors/index.js";
import {
  toAdlEvent,
  toLiquidationEvent,
  type AdlRequestedEvent,
  type LiquidatedEvent,
} from "../../events/types.js";
import { emittedBy } from "../internal/logs.js";
import { sendTransaction } from "../internal/send.js";

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
  realisedPnl: bigint;
  /** Funding settled by the close (positive: the account paid), USD. */
  fundingSettled: bigint;
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
  notionalClosed: bigint;
  /** The liquidation fee charged (≥ the keeper reward). */
  fee: bigint;
  /** Paid to the keeper (whole USDC units; out of the account, topped up by the fund when it could not pay). */
  keeperReward: bigint;
  /** Paid to the insurance fund out of the account's collateral. */
  insuranceFee: bigint;
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
  lossAbsorbedByCollateral: bigint;
  /** Layer 2: bad debt the insurance fund covered. */
  badDebtCoveredByFund: bigint;
  /** Layer 3: bad debt left for auto-deleveraging. */
  shortfallForAdl: bigint;
  /** The ADL request the shortfall opened, if any. */
  adlRequest: AdlRequestedEvent | undefined;
  /** The reward credited to the keeper's collateral because its USDC transfer failed (0 normally). */
  keeperRewardCredited: bigint;
}

/**
 * Errors {@link liquidate} can throw: `NotLiquidatable`, `NothingToLiquidate`, `LiquidationCooldown`,
 * `LiquidationBeyondBound` (nothing fits its forced-close bound now: retry in a later block), decoded before
 * sending…
 */
export type LiquidateErrorType = PerpError;

/**
 * Liquidates an account (`LiquidationEngine.liquidate`, permissionless): positions close through the market on the
 * live skew (slices for positions above the partial threshold, everything when the account is bankrupt, i.e.
 * equity ≤ 0 at fair prices) until maintenance margin is back at zero or above, each close only as far as its fill
 * stays within the account's own close impact from the fair premium (`bounded` lists the ones cut; the rest waits).
 * The caller receives the keeper reward in USDC (no floor when a close was cut; the fund tops the floor up only for
 * notional ≥ minKeeperReward / feeRate). An account that is not liquidatable, cooling down, or with nothing that fits
 * its bound fails during gas estimation with the decoded error and nothing is sent.
 *
 * @example
 * const preview = await keeper.previewLiquidation({ account: victim });
 * if (preview.liquidatable) {
 *   const r = await keeper.liquidate({ account: victim });
 *   console.log(`closed ${formatUsd(r.notionalClosed)}, earned ${formatUsd(r.keeperReward)} USD`);
 * }
 */
export async function liquidate(
  client: PerpClientBase,
  parameters: LiquidateParameters,
): Promise<LiquidateReturnType> {
  const { liquidationEngine, perpEngine } = client.deployment.contracts;
  const { account } = parameters;
  const { hash, receipt } = await sendTransaction(client, "liquidate", (wallet, from) =>
    writeContract(wallet, {
      address: liquidationEngine,
      abi: liquidationEngineAbi,
      functionName: "liquidate",
      args: [account],
      account: from,
      chain: wallet.chain,
    }),
  );
  const logs = emittedBy(
    parseEventLogs({ abi: liquidationEngineAbi, logs: receipt.logs }),
    liquidationEngine,
  );
  const events = logs.map(toLiquidationEvent);
  const mine = (a: Address) => isAddressEqual(a, account);
  const liquidated = events.find((e): e is LiquidatedEvent => e?.type === "liquidated" && mine(e.account));
  if (liquidated === undefined)
    throw new PerpError(`liquidate: transaction ${hash} emitted no Liquidated event.`);
  const amountOf = (type: "lossAbsorbedByCollateral" | "badDebtCoveredByFund" | "shortfallForAdl") => {
    const e = events.find((x) => x?.type === type && mine(x.account));
    return e !== undefined && "amount" in e ? e.amount : 0n;
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
        realisedPnl: l.args.realisedPnl,
        fundingSettled: funding.get(l.args.marketId) ?? 0n,
        newSize: l.args.newSize,
      });

  return {
    hash,
    receipt,
    account: liquidated.account,
    keeper: liquidated.keeper,
    notionalClosed: liquidated.notionalClosed,
    fee: liquidated.fee,
    keeperReward: liquidated.keeperReward,
    insuranceFee: liquidated.insuranceFee,
    partialOnly: liquidated.partialOnly,
    fills,
    bounded,
    lossAbsorbedByCollateral: amountOf("lossAbsorbedByCollateral"),
    badDebtCoveredByFund: amountOf("badDebtCoveredByFund"),
    shortfallForAdl: amountOf("shortfallForAdl"),
    adlRequest,
    keeperRewardCredited: credited?.type === "keeperRewardCredited" ? credited.amount : 0n,
  };
}
