/**
 * Errors the SDK throws before it sends anything: bad input, a missing wallet, a trade its own math says the engine
 * would refuse. Each carries the values it checked.
 */
import type { Address } from "viem";

import { formatRate, formatSize, formatUsd, formatUsdc } from "../format.js";
import { MAX_UINT40 } from "../math/int256.js";
import type { TradeCheckFailure } from "../math/tradePreview.js";
import { PerpError, type PerpErrorParameters } from "./base.js";

/** Base class of the errors thrown before a transaction is sent. */
export class PerpValidationError extends PerpError {
  override name = "PerpValidationError";
}

/** A trade size of zero, or a reduce larger than the position. */
export class InvalidSizeError extends PerpValidationError {
  override name = "InvalidSizeError";
  constructor(
    readonly size: bigint,
    reason = "A trade needs a non-zero size.",
  ) {
    super(reason, { metaMessages: [`size: ${size}`] });
  }
}

/** A slippage tolerance outside [0, 10,000) basis points. */
export class InvalidSlippageError extends PerpValidationError {
  override name = "InvalidSlippageError";
  constructor(readonly slippageBps: bigint) {
    super(`slippageBps must be in [0, 10000): got ${slippageBps}.`);
  }
}

/**
 * An `openPosition` by leverage that cannot be sized: both or neither of `size` and `leverage` given, a leverage
 * ≤ 0, no equity to lever (credited equity ≤ 0), or a size that rounds down to zero.
 */
export class InvalidLeverageError extends PerpValidationError {
  override name = "InvalidLeverageError";
  constructor(
    readonly leverage: bigint | undefined,
    reason: string,
  ) {
    super(reason, leverage === undefined ? {} : { metaMessages: [`leverage: ${formatUsd(leverage)}x`] });
  }
}

/**
 * The deployment's collateral token has no open `mint` (it is not the local mock USDC): the faucet only works on a
 * local deployment. `cause` holds the simulation's failure.
 */
export class FaucetUnavailableError extends PerpValidationError {
  override name = "FaucetUnavailableError";
  constructor(
    readonly token: Address,
    args: PerpErrorParameters = {},
  ) {
    super(
      `The collateral token ${token} cannot be minted by this wallet: the faucet only works with the local mock USDC (a local deployment).`,
      args,
    );
  }
}

/** An amount of zero (deposit, withdrawal, liquidity). */
export class ZeroAmountError extends PerpValidationError {
  override name = "ZeroAmountError";
  constructor(readonly what: string) {
    super(`The ${what} must be greater than zero.`);
  }
}

/** The zero address where an account is needed (a deposit's `account`: the vault's `ZeroAddress`). */
export class ZeroAddressError extends PerpValidationError {
  override name = "ZeroAddressError";
  constructor(readonly what: string) {
    super(`The ${what} must not be the zero address.`);
  }
}

/**
 * The wallet holds less of the token than the write would pull from it (a deposit of more USDC than the wallet has:
 * the token's `ERC20InsufficientBalance`). `balanceUsdc` and `amountUsdc` are token units.
 */
export class InsufficientBalanceError extends PerpValidationError {
  override name = "InsufficientBalanceError";
  constructor(readonly params: { token: Address; holder: Address; balanceUsdc: bigint; amountUsdc: bigint }) {
    super(
      `${params.holder} holds ${formatUsdc(params.balanceUsdc)} USDC, less than the ${formatUsdc(params.amountUsdc)} USDC needed.`,
      { metaMessages: [`token: ${params.token}`] },
    );
  }
}

/** A market id that is not listed. */
export class UnknownMarketError extends PerpValidationError {
  override name = "UnknownMarketError";
  constructor(
    readonly marketId: bigint,
    args: PerpErrorParameters = {},
  ) {
    super(`No market has id ${marketId}.`, args);
  }
}

/** Reduce or close without a position in the market. */
export class NoPositionError extends PerpValidationError {
  override name = "NoPositionError";
  constructor(readonly marketId: bigint) {
    super(`The account has no position in market ${marketId}.`);
  }
}

/**
 * The trade would leave equity below the initial margin the tiers require (SPEC §5): the account's leverage would
 * be above what the position's tier allows. `maxLeverage` is that tier's, 18 decimals.
 */
export class LeverageAboveTierError extends PerpValidationError {
  override name = "LeverageAboveTierError";
  constructor(
    readonly params: {
      marketId: bigint;
      equityUsd: bigint;
      initialMarginUsd: bigint;
      notionalUsd: bigint;
      maxLeverage: bigint;
    },
  ) {
    super(
      `Leverage above the tier: the account would need ${formatUsd(params.initialMarginUsd)} USD of initial margin but its equity after the trade would be ${formatUsd(params.equityUsd)} USD.`,
      {
        metaMessages: [
          `position notional after the trade: ${formatUsd(params.notionalUsd)} USD`,
          `tier max leverage: ${formatUsd(params.maxLeverage)}x`,
        ],
      },
    );
  }
}

/** The position's notional would be above the market's largest tier. */
export class NotionalAboveMaxTierError extends PerpValidationError {
  override name = "NotionalAboveMaxTierError";
  constructor(readonly params: { marketId: bigint; notionalUsd: bigint; maxNotionalUsd: bigint }) {
    super(
      `The position's notional ${formatUsd(params.notionalUsd)} USD would be above market ${params.marketId}'s largest tier (${formatUsd(params.maxNotionalUsd)} USD).`,
    );
  }
}

/**
 * A partial reduction would leave a position whose initial margin (at the oracle price) is below the market's
 * minimum position margin: close it in full instead, with `fullCloseDelta` (the engine's
 * `PartialCloseBelowMinimumMargin`).
 */
export class PartialCloseBelowMinimumMarginError extends PerpValidationError {
  override name = "PartialCloseBelowMinimumMarginError";
  constructor(
    readonly params: {
      marketId: bigint;
      remainingMarginUsd: bigint;
      minPositionMarginUsd: bigint;
      fullCloseDelta: bigint;
    },
  ) {
    super(
      `Reducing would leave a position in market ${params.marketId} with an initial margin of ${formatUsd(params.remainingMarginUsd)} USD, below the minimum of ${formatUsd(params.minPositionMarginUsd)} USD: close it in full instead (size ${formatSize(params.fullCloseDelta)}).`,
      { metaMessages: [`full-close size delta: ${params.fullCloseDelta}`] },
    );
  }
}

/**
 * Any other engine check the SDK's preview says the trade would fail (reduce-only market, circuit breaker, caps, the
 * open-interest-to-cash limit, minimum margin, a reduction that would leave the account bankrupt, an explicit
 * acceptable price already crossed); `failure` names it like the contract error.
 */
export class TradeRejectedError extends PerpValidationError {
  override name = "TradeRejectedError";
  constructor(readonly failure: TradeCheckFailure) {
    super(`The engine would reject this trade: ${failure.error}.`, {
      metaMessages: Object.entries(failure)
        .filter(([key]) => key !== "error")
        .map(([key, value]) => `${key}: ${String(value)}`),
    });
  }
}

/**
 * A liquidity deposit or withdrawal whose preview (the vault's own, fee included, at the block the SDK read) is
 * worse than the caller's bound: fewer shares than `minShares`, more shares burnt than `maxShares`, or fewer assets
 * than `minAssetsUsdc`.
 */
export class LiquiditySlippageError extends PerpValidationError {
  override name = "LiquiditySlippageError";
  constructor(
    readonly params: { bound: "minShares" | "maxShares" | "minAssetsUsdc"; limit: bigint; previewed: bigint },
  ) {
    super(
      `The liquidity vault would ${params.bound === "minAssetsUsdc" ? "pay" : params.bound === "minShares" ? "mint" : "burn"} ${params.previewed}, beyond the bound ${params.bound} = ${params.limit}.`,
    );
  }
}

/** A write was called on a client created without a wallet client (or one without an account). */
export class WalletRequiredError extends PerpValidationError {
  override name = "WalletRequiredError";
  constructor(action: string) {
    super(`${action} needs a walletClient with an account: pass one to createPerpClient.`);
  }
}

/** A read that needs an account got none and the client has no wallet account to default to. */
export class AccountRequiredError extends PerpValidationError {
  override name = "AccountRequiredError";
  constructor(action: string) {
    super(`${action} needs an account: pass \`account\` or a walletClient with an account.`);
  }
}

/** The clients are on another chain than the deployment. */
export class ChainMismatchError extends PerpValidationError {
  override name = "ChainMismatchError";
  constructor(readonly params: { expected: number; actual: number }) {
    super(`The deployment is for chain ${params.expected} but the client is on chain ${params.actual}.`);
  }
}

/** An address book that is missing a contract or holds an invalid address. */
export class InvalidDeploymentError extends PerpValidationError {
  override name = "InvalidDeploymentError";
}

/**
 * An operator approval's expiry that would grant nothing or does not fit the contract's `uint40`: a scope is live
 * while the block's timestamp is below its expiry, so an expiry at or before the latest block's timestamp is
 * already dead (leave `expiry` out for a scope that never expires).
 */
export class InvalidOperatorExpiryError extends PerpValidationError {
  override name = "InvalidOperatorExpiryError";
  constructor(readonly params: { scope: "trade" | "withdraw"; expiry: bigint; latestTimestamp: bigint }) {
    super(
      params.expiry > MAX_UINT40
        ? `The ${params.scope} scope's expiry ${params.expiry} does not fit in 40 bits (max ${MAX_UINT40}).`
        : `The ${params.scope} scope's expiry ${params.expiry} is not after the latest block's timestamp ${params.latestTimestamp}: it would never be live.`,
    );
  }
}

/**
 * An operator approval's price bound the collateral vault would refuse or drop: outside [0, 10^18] (an 18-decimal
 * fraction of the oracle price, at most 100 %), or given without the trade scope it bounds.
 */
export class InvalidOperatorPriceBoundError extends PerpValidationError {
  override name = "InvalidOperatorPriceBoundError";
  constructor(readonly params: { maxPriceDeviation: bigint; max: bigint }) {
    super(
      params.maxPriceDeviation < 0n || params.maxPriceDeviation > params.max
        ? `The price bound ${params.maxPriceDeviation} is not within [0, ${params.max}] (${formatRate(params.max)}).`
        : `The price bound ${params.maxPriceDeviation} bounds the trade scope, which the approval does not grant.`,
    );
  }
}
