import {
  approveOperator,
  type ApproveOperatorParameters,
  type ApproveOperatorReturnType,
} from "../actions/wallet/approveOperator.js";
import {
  closePosition,
  type ClosePositionParameters,
  type ClosePositionReturnType,
} from "../actions/wallet/closePosition.js";
import { deposit, type DepositParameters, type DepositReturnType } from "../actions/wallet/deposit.js";
import {
  depositLiquidity,
  type DepositLiquidityParameters,
  type DepositLiquidityReturnType,
} from "../actions/wallet/depositLiquidity.js";
import {
  openPosition,
  type OpenPositionParameters,
  type OpenPositionReturnType,
} from "../actions/wallet/openPosition.js";
import {
  reducePosition,
  type ReducePositionParameters,
  type ReducePositionReturnType,
} from "../actions/wallet/reducePosition.js";
import { trade, type TradeParameters, type TradeReturnType } from "../actions/wallet/trade.js";
import { withdraw, type WithdrawParameters, type WithdrawReturnType } from "../actions/wallet/withdraw.js";
import {
  withdrawLiquidity,
  type WithdrawLiquidityParameters,
  type WithdrawLiquidityReturnType,
} from "../actions/wallet/withdrawLiquidity.js";
import type { PerpClientBase } from "../clientBase.js";

/**
 * A trader's and a liquidity provider's writes: collateral, operator approvals, trading, liquidity. Each needs the
 * client's wallet.
 */
export interface PerpWalletActions {
  /** See {@link deposit}. */
  deposit: (parameters: DepositParameters) => Promise<DepositReturnType>;
  /** See {@link withdraw}. */
  withdraw: (parameters: WithdrawParameters) => Promise<WithdrawReturnType>;
  /** See {@link approveOperator}. */
  approveOperator: (parameters: ApproveOperatorParameters) => Promise<ApproveOperatorReturnType>;
  /** See {@link trade}. */
  trade: (parameters: TradeParameters) => Promise<TradeReturnType>;
  /** See {@link openPosition}. */
  openPosition: (parameters: OpenPositionParameters) => Promise<OpenPositionReturnType>;
  /** See {@link reducePosition}. */
  reducePosition: (parameters: ReducePositionParameters) => Promise<ReducePositionReturnType>;
  /** See {@link closePosition}. */
  closePosition: (parameters: ClosePositionParameters) => Promise<ClosePositionReturnType>;
  /** See {@link depositLiquidity}. */
  depositLiquidity: (parameters: DepositLiquidityParameters) => Promise<DepositLiquidityReturnType>;
  /** See {@link withdrawLiquidity}. */
  withdrawLiquidity: (parameters: WithdrawLiquidityParameters) => Promise<WithdrawLiquidityReturnType>;
}

/**
 * The decorator of the wallet actions (`client.extend(perpWalletActions)`), as viem's `walletActions`: a trader's and
 * a liquidity provider's writes, each simulated before it is sent.
 */
export function perpWalletActions(client: PerpClientBase): PerpWalletActions {
  return {
    deposit: (p) => deposit(client, p),
    withdraw: (p) => withdraw(client, p),
    approveOperator: (p) => approveOperator(client, p),
    trade: (p) => trade(client, p),
    openPosition: (p) => openPosition(client, p),
    reducePosition: (p) => reducePosition(client, p),
    closePosition: (p) => closePosition(client, p),
    depositLiquidity: (p) => depositLiquidity(client, p),
    withdrawLiquidity: (p) => withdrawLiquidity(client, p),
  };
}
