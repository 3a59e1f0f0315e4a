/**
 * A readable message and a category for every custom error in the generated `perpErrorsAbi`. The table's type is
 * a mapped type over the ABI's error names, so a contract error without a message here fails to compile.
 */
import { hexToString, type Hex } from "viem";

import { formatAdlRank, formatRate, formatSize, formatUsd, formatUsdc } from "../format.js";
import type { PerpContractErrorArgs, PerpContractErrorName, PerpErrorCategory } from "./types.js";

type MessageTable = {
  [N in PerpContractErrorName]: {
    category: PerpErrorCategory;
    message: (args: PerpContractErrorArgs<N>) => string;
  };
};

/** A bytes32 holding a short ASCII name (`"oracleMove"`, `"fairTau"`). */
const text = (value: Hex) => hexToString(value, { size: 32 }).replace(/\0+$/, "");
const usd = (value: bigint) => `${formatUsd(value)} USD`;
const usdc = (value: bigint) => `${formatUsdc(value)} USDC`;
const time = (seconds: bigint) => `${seconds.toString()} s`;

/** The message and category of each contract error. */
export const contractErrorMessages: MessageTable = {
  // ---------------------------------------------------------------- engine: trading
  ZeroSizeDelta: { category: "input", message: () => "A trade needs a non-zero size." },
  SlippageExceeded: {
    category: "slippage",
    message: (a) =>
      `The fill price ${formatUsd(a.fillPrice)} is worse than the acceptable price ${formatUsd(a.acceptablePrice)}.`,
  },
  MarketReduceOnly: {
    category: "marketClosed",
    message: (a) => `Market ${a.marketId} is paused: only trades that reduce a position are allowed.`,
  },
  CircuitBreakerTripped: {
    category: "marketClosed",
    message: (a) =>
      text(a.reason) === "funding"
        ? `The trade would take market ${a.marketId}'s skew to where the hourly funding rate exceeds its breaker band: only trades that do not increase |skew| pass.`
        : `Market ${a.marketId}'s oracle moved beyond its circuit-breaker band: only trades that reduce your own position pass until it clears.`,
  },
  SizeDeltaTooLarge: {
    category: "input",
    message: (a) =>
      `A trade of ${formatSize(a.sizeDelta)} is larger than any position can be (at most ${formatSize(a.max)} per trade).`,
  },
  OpenInterestAboveCashLimit: {
    category: "limit",
    message: (a) =>
      `The trade would take one side of market ${a.marketId}'s open interest to ${usd(a.openInterestNotional)} of notional, above its limit of ${usd(a.limit)} (a share of the liquidity vault's cash): trade a smaller size, or wait for more liquidity.`,
  },
  PartialCloseBelowMinimumMargin: {
    category: "limit",
    message: (a) =>
      `Reducing would leave a position in market ${a.marketId} with an initial margin of ${usd(a.remainingMargin)}, below the minimum of ${usd(a.minPositionMargin)}: close it in full instead (size ${formatSize(a.fullCloseDelta)}).`,
  },
  OpenInterestCapExceeded: {
    category: "limit",
    message: (a) =>
      `The trade would take market ${a.marketId}'s open interest to ${formatSize(a.openInterest)}, above its cap of ${formatSize(a.cap)}.`,
  },
  MaxSkewExceeded: {
    category: "limit",
    message: (a) =>
      `The trade would take market ${a.marketId}'s skew to ${formatSize(a.absSkew)}, above its maximum of ${formatSize(a.maxSkew)}.`,
  },
  PositionBelowMinimumMargin: {
    category: "limit",
    message: (a) =>
      `The position's initial margin ${usd(a.initialMargin)} is below the market's minimum of ${usd(a.minPositionMargin)}.`,
  },
  NotionalAboveMaxTier: {
    category: "margin",
    message: (a) =>
      `The position's notional ${usd(a.notional)} is above the market's largest tier (${usd(a.maxNotional)}).`,
  },
  InsufficientMargin: {
    category: "margin",
    message: (a) =>
      `Equity after the trade (${usd(a.equity)}) would be below the initial margin it requires (${usd(a.initialMargin)}): the leverage is above what the tiers allow.`,
  },
  TooManyPositions: {
    category: "limit",
    message: (a) => `The account already holds positions in the maximum of ${a.maxPositions} markets.`,
  },
  NotAccountOrOperator: {
    category: "authorization",
    message: (a) =>
      `${a.caller} may not act for account ${a.account}: it is neither the account nor an operator with a live scope for this (trade, or withdraw).`,
  },
  OperatorPriceBoundExceeded: {
    category: "slippage",
    message: (a) =>
      `Operator ${a.operator}'s trade would fill at ${formatUsd(a.fillPrice)}, beyond its approval's price bound of ${formatUsd(a.limitPrice)}.`,
  },
  UnknownMarket: { category: "input", message: (a) => `No market has id ${a.marketId}.` },
  LiquidityVaultNotSet: {
    category: "admin",
    message: () => "Trading is not open yet: the engine's liquidity vault is not set.",
  },
  LiquidityVaultAlreadySet: { category: "admin", message: () => "The liquidity vault is already set." },
  LiquidationEngineAlreadySet: { category: "admin", message: () => "The liquidation engine is already set." },
  NotLiquidationEngine: {
    category: "authorization",
    message: (a) =>
      `${a.caller} is not the liquidation engine: only it may close positions for liquidation or ADL.`,
  },
  NotAReduction: {
    category: "input",
    message: (a) =>
      `A liquidation close must reduce the position in market ${a.marketId}: size ${a.size}, change ${a.sizeDelta}.`,
  },
  // ---------------------------------------------------------------- liquidation engine
  NothingToLiquidate: {
    category: "liquidation",
    message: (a) =>
      `Account ${a.account} holds no position: there is nothing to liquidate (bad debt goes to ADL).`,
  },
  BankruptCloseNeedsLiquidation: {
    category: "liquidation",
    message: (a) =>
      `The reduction would leave account ${a.account} with ${usd(a.collateral)} of collateral and no equity at fair prices (or no position): it is bankrupt and must be liquidated.`,
  },
  NotLiquidatable: {
    category: "liquidation",
    message: (a) =>
      `Account ${a.account} is not liquidatable: its maintenance margin at fair prices is ${usd(a.maintenanceMargin)} (liquidation needs it below zero).`,
  },
  LiquidationBeyondBound: {
    category: "liquidation",
    message: (a) =>
      `Nothing of account ${a.account}'s positions can be closed now within the forced-close bound (the live skew would fill them worse than their own close impact from the fair premium): retry in a later block.`,
  },
  LiquidationCooldown: {
    category: "liquidation",
    message: (a) =>
      `Account ${a.account} was partially liquidated moments ago: it can be liquidated again from ${a.readyAt} (unix time), or at once if it becomes bankrupt.`,
  },
  // ---------------------------------------------------------------- auto-deleveraging
  NoAdlPending: { category: "adl", message: () => "No auto-deleveraging request is pending." },
  AdlRankingWindowOpen: {
    category: "adl",
    message: (a) =>
      `ADL candidates are still being collected: executeAdl may run from ${a.executableAt} (unix time).`,
  },
  NotAdlCandidate: {
    category: "adl",
    message: (a) =>
      `${a.account} holds no profitable position on the deleveraged side of market ${a.marketId}: it cannot be an ADL candidate.`,
  },
  AlreadyAdlCandidate: {
    category: "adl",
    message: (a) => `${a.account} is already an ADL candidate of the pending request.`,
  },
  AdlRankTooLow: {
    category: "adl",
    message: (a) =>
      `The ADL candidate set is full and its lowest rank ${formatAdlRank(a.lowestRank)} is not below this account's ${formatAdlRank(a.rank)}.`,
  },
  NoAdlCandidates: {
    category: "adl",
    message: () => "No eligible ADL candidate is left for the pending request: submit candidates first.",
  },
  AdlNotStuck: {
    category: "adl",
    message: (a) =>
      `The pending ADL request cannot be rotated: it may be from ${a.readyAt} (unix time), and only while no candidate can cover it.`,
  },
  PnlFactorWithinLimit: {
    category: "adl",
    message: (a) =>
      `Traders' profit against the liquidity vault (${usd(a.traderProfit)}) is within its limit (${usd(a.limit)}): no pnl-factor reduction is needed.`,
  },
  PnlReductionPending: {
    category: "adl",
    message: () =>
      "A pnl-factor reduction is already queued: work it with executeAdl before requesting another.",
  },
  NoWinningSide: {
    category: "adl",
    message: () => "No market has traders winning against the liquidity vault: there is no side to reduce.",
  },
  // ---------------------------------------------------------------- insurance fund
  NotPayer: {
    category: "authorization",
    message: (a) => `${a.caller} may not draw on the insurance fund.`,
  },
  // ---------------------------------------------------------------- engine: admin
  ParameterOutOfBounds: {
    category: "admin",
    message: (a) => `Parameter ${text(a.parameter)} = ${a.value} is outside its bounds [${a.min}, ${a.max}].`,
  },
  InvalidTier: {
    category: "admin",
    message: (a) => `Tier ${a.index} is invalid (empty list, too many or not increasing).`,
  },
  TooManyMarkets: { category: "admin", message: (a) => `The market count reached its cap of ${a.max}.` },
  LiquidationImpactAboveMaintenance: {
    category: "admin",
    message: (a) =>
      `A close could move the fill ${formatRate(a.maxImpact)} from the mark, more than the lowest maintenance margin rate ${formatRate(a.minMmr)}: lower maxPremium or maxOpenInterest / skewScale, or raise the tiers' mmr.`,
  },
  ZeroOracle: { category: "admin", message: () => "A market needs an oracle adapter." },
  OracleKindNotListable: {
    category: "admin",
    message: (a) =>
      `Oracle adapters of kind ${a.kind} (market hours) cannot be listed: their index jumps at each session open.`,
  },
  FundingBandBelowMaxSkewRate: {
    category: "admin",
    message: (a) =>
      `The funding breaker band ${formatRate(a.band)} per hour is below the funding rate at ±maxSkew (${formatRate(a.rateAtMaxSkew)} per hour): raise the band or lower maxSkew.`,
  },
  LiquidityFeeTooHigh: {
    category: "admin",
    message: (a) => `A liquidity fee of ${formatRate(a.fee)} is above the maximum of ${formatRate(a.max)}.`,
  },
  OwnableInvalidOwner: { category: "admin", message: (a) => `${a.owner} cannot be the owner.` },
  OwnableUnauthorizedAccount: {
    category: "authorization",
    message: (a) => `${a.account} is not the owner of the contract.`,
  },
  // ---------------------------------------------------------------- collateral vault
  ZeroAmount: { category: "input", message: () => "The amount must be greater than zero." },
  ZeroAddress: { category: "input", message: () => "The zero address is not allowed here." },
  InsufficientWithdrawable: {
    category: "margin",
    message: (a) =>
      `Cannot withdraw ${usd(a.requested)}: only ${usd(a.available)} is free (equity minus initial margin, at most the collateral).`,
  },
  InsufficientBalance: {
    category: "margin",
    message: (a) =>
      `Account ${a.account} holds ${usd(a.available)}, less than the ${usd(a.requested)} to move.`,
  },
  InsufficientVaultBalance: {
    category: "margin",
    message: (a) =>
      `The vault holds ${usd(a.held)}, less than the ${usd(a.requested)} asked for: bad debt awaiting auto-deleveraging backs part of the balances.`,
  },
  UnsupportedTokenBehaviour: {
    category: "token",
    message: (a) =>
      `The token moved ${a.actual} units instead of ${a.expected} (fee-on-transfer or rebasing).`,
  },
  UnsupportedTokenDecimals: {
    category: "token",
    message: (a) => `The collateral token has ${a.decimals} decimals; 6 are required.`,
  },
  NotBalanceManager: {
    category: "authorization",
    message: (a) => `${a.caller} is not allowed to move collateral between accounts.`,
  },
  SelfOperator: { category: "input", message: () => "An account cannot be its own operator." },
  // ---------------------------------------------------------------- collateral vault: sub-accounts
  UnknownSubAccount: {
    category: "input",
    message: (a) => `${a.owner} has no sub-account ${a.id} (create it first).`,
  },
  ForeignSubAccount: {
    category: "authorization",
    message: (a) => `Account ${a.account} is not a sub-account of ${a.owner}.`,
  },
  SubAccountAddressTaken: {
    category: "internal",
    message: (a) =>
      `The address derived for the new sub-account, ${a.account}, already belongs to a sub-account.`,
  },
  PriceDeviationTooLarge: {
    category: "input",
    message: (a) =>
      `An operator's price bound of ${formatRate(a.maxPriceDeviation)} is above its cap of ${formatRate(a.max)}.`,
  },
  SafeERC20FailedOperation: {
    category: "token",
    message: (a) => `The token ${a.token} refused the transfer.`,
  },
  // ---------------------------------------------------------------- liquidity vault (ERC-4626, ERC-20)
  ERC4626ExceededMaxDeposit: {
    category: "limit",
    message: (a) =>
      `Cannot deposit ${usdc(a.assets)}: at most ${usdc(a.max)} may be deposited now (cap, pause, a market's oracle failing, or an ADL shortfall not yet covered).`,
  },
  ERC4626ExceededMaxMint: {
    category: "limit",
    message: (a) => `Cannot mint ${formatSize(a.shares)} shares: at most ${formatSize(a.max)} now.`,
  },
  ERC4626ExceededMaxWithdraw: {
    category: "limit",
    message: (a) =>
      `Cannot withdraw ${usdc(a.assets)}: at most ${usdc(a.max)} now (the vault keeps the backing its open interest requires).`,
  },
  ERC4626ExceededMaxRedeem: {
    category: "limit",
    message: (a) => `Cannot redeem ${formatSize(a.shares)} shares: at most ${formatSize(a.max)} now.`,
  },
  ERC20InsufficientAllowance: {
    category: "token",
    message: (a) => `Allowance of ${a.spender} is ${a.allowance}, below the ${a.needed} needed.`,
  },
  ERC20InsufficientBalance: {
    category: "token",
    message: (a) => `${a.sender} holds ${a.balance} token units, below the ${a.needed} needed.`,
  },
  ERC20InvalidApprover: { category: "token", message: (a) => `Invalid approver ${a.approver}.` },
  ERC20InvalidReceiver: { category: "token", message: (a) => `Invalid receiver ${a.receiver}.` },
  ERC20InvalidSender: { category: "token", message: (a) => `Invalid sender ${a.sender}.` },
  ERC20InvalidSpender: { category: "token", message: (a) => `Invalid spender ${a.spender}.` },
  // ---------------------------------------------------------------- oracle adapter
  StalePrice: {
    category: "oracle",
    message: (a) =>
      `The oracle price is stale: updated ${time(a.currentTime - a.updatedAt)} ago, heartbeat ${time(a.heartbeat)}.`,
  },
  ZeroUpdatedAt: { category: "oracle", message: () => "The oracle round is incomplete (updatedAt = 0)." },
  UpdatedAtInFuture: {
    category: "oracle",
    message: (a) => `The oracle's timestamp ${a.updatedAt} is in the future (now ${a.currentTime}).`,
  },
  NonPositiveAnswer: {
    category: "oracle",
    message: (a) => `The oracle answered ${a.answer}, not a positive price.`,
  },
  PriceOutOfBounds: {
    category: "oracle",
    message: (a) =>
      `The oracle price ${formatUsd(a.price)} is outside its bounds [${formatUsd(a.minPrice)}, ${formatUsd(a.maxPrice)}].`,
  },
  PriceDeviationTooHigh: {
    category: "oracle",
    message: (a) =>
      `The oracle (${formatUsd(a.primary)}) deviates ${formatRate(a.deviation, 2)} from the second source (${formatUsd(a.secondary)}), beyond ${formatRate(a.maxDeviation, 2)}.`,
  },
  SequencerDown: { category: "oracle", message: () => "The L2 sequencer is down: prices cannot be trusted." },
  SequencerGracePeriodNotOver: {
    category: "oracle",
    message: (a) =>
      `The L2 sequencer restarted at ${a.startedAt}; prices are refused for ${time(a.gracePeriod)}.`,
  },
  SequencerStatusInvalid: {
    category: "oracle",
    message: () => "The L2 sequencer uptime feed gave an invalid round.",
  },
  SecondaryStalePrice: {
    category: "oracle",
    message: (a) =>
      `The second price source is stale: updated ${time(a.currentTime - a.updatedAt)} ago, heartbeat ${time(a.heartbeat)}.`,
  },
  SecondaryZeroUpdatedAt: {
    category: "oracle",
    message: () => "The second price source's round is incomplete.",
  },
  SecondaryUpdatedAtInFuture: {
    category: "oracle",
    message: (a) => `The second source's timestamp ${a.updatedAt} is in the future (now ${a.currentTime}).`,
  },
  SecondaryNonPositiveAnswer: {
    category: "oracle",
    message: (a) => `The second price source answered ${a.answer}, not a positive price.`,
  },
  InvalidHeartbeat: {
    category: "admin",
    message: (a) => `Heartbeat ${time(a.heartbeat)} is outside its bounds.`,
  },
  InvalidGracePeriod: {
    category: "admin",
    message: (a) => `Grace period ${time(a.gracePeriod)} is too long.`,
  },
  InvalidMaxDeviation: {
    category: "admin",
    message: (a) => `Deviation band ${formatRate(a.maxDeviation, 2)} is outside (0, 50 %].`,
  },
  InvalidPriceBounds: {
    category: "admin",
    message: (a) => `Price bounds [${formatUsd(a.minPrice)}, ${formatUsd(a.maxPrice)}] are invalid.`,
  },
  UnsupportedFeedDecimals: {
    category: "admin",
    message: (a) => `Feed ${a.feed} has ${a.decimals} decimals; at most 36 are supported.`,
  },
  // ---------------------------------------------------------------- OpenZeppelin internals
  ReentrancyGuardReentrantCall: { category: "internal", message: () => "Reentrant call refused." },
  SafeCastOverflowedIntDowncast: {
    category: "internal",
    message: (a) => `The value ${a.value} does not fit int${a.bits}.`,
  },
  SafeCastOverflowedIntToUint: { category: "internal", message: (a) => `The value ${a.value} is negative.` },
  SafeCastOverflowedUintDowncast: {
    category: "internal",
    message: (a) => `The value ${a.value} does not fit uint${a.bits}.`,
  },
  SafeCastOverflowedUintToInt: {
    category: "internal",
    message: (a) => `The value ${a.value} does not fit int256.`,
  },
};
