import {
  approveOperator,
  type ApproveOperatorParameters,
  type ApproveOperatorReturnType,
  simulateApproveOperator,
  type SimulateApproveOperatorParameters,
  type SimulateApproveOperatorReturnType,
} from "../actions/wallet/approveOperator.js";
import {
  closePosition,
  type ClosePositionParameters,
  type ClosePositionReturnType,
  simulateClosePosition,
  type SimulateClosePositionParameters,
  type SimulateClosePositionReturnType,
} from "../actions/wallet/closePosition.js";
import {
  deposit,
  type DepositParameters,
  type DepositReturnType,
  simulateDeposit,
  type SimulateDepositParameters,
  type SimulateDepositReturnType,
} from "../actions/wallet/deposit.js";
import {
  depositLiquidity,
  type DepositLiquidityParameters,
  type DepositLiquidityReturnType,
  simulateDepositLiquidity,
  type SimulateDepositLiquidityParameters,
  type SimulateDepositLiquidityReturnType,
} from "../actions/wallet/depositLiquidity.js";
import {
  openPosition,
  type OpenPositionParameters,
  type OpenPositionReturnType,
  simulateOpenPosition,
  type SimulateOpenPositionParameters,
  type SimulateOpenPositionReturnType,
} from "../actions/wallet/openPosition.js";
import {
  reducePosition,
  type ReducePositionParameters,
  type ReducePositionReturnType,
  simulateReducePosition,
  type SimulateReducePositionParameters,
  type SimulateReducePositionReturnType,
} from "../actions/wallet/reducePosition.js";
import {
  trade,
  type TradeParameters,
  type TradeReturnType,
  simulateTrade,
  type SimulateTradeParameters,
  type SimulateTradeReturnType,
} from "../actions/wallet/trade.js";
import {
  withdraw,
  type WithdrawParameters,
  type WithdrawReturnType,
  simulateWithdraw,
  type SimulateWithdrawParameters,
  type SimulateWithdrawReturnType,
} from "../actions/wallet/withdraw.js";
import {
  withdrawLiquidity,
  type WithdrawLiquidityParameters,
  type WithdrawLiquidityReturnType,
  simulateWithdrawLiquidity,
  type SimulateWithdrawLiquidityParameters,
  type SimulateWithdrawLiquidityReturnType,
} from "../actions/wallet/withdrawLiquidity.js";
import {
  closeIsolatedPosition,
  type CloseIsolatedPositionParameters,
  type CloseIsolatedPositionReturnType,
  simulateCloseIsolatedPosition,
  type SimulateCloseIsolatedPositionParameters,
  type SimulateCloseIsolatedPositionReturnType,
} from "../actions/wallet/closeIsolatedPosition.js";
import {
  createSubAccount,
  type CreateSubAccountReturnType,
  simulateCreateSubAccount,
  type SimulateCreateSubAccountReturnType,
} from "../actions/wallet/createSubAccount.js";
import {
  openIsolatedPosition,
  type OpenIsolatedPositionParameters,
  type OpenIsolatedPositionReturnType,
  simulateOpenIsolatedPosition,
  type SimulateOpenIsolatedPositionParameters,
  type SimulateOpenIsolatedPositionReturnType,
} from "../actions/wallet/openIsolatedPosition.js";
import {
  simulateTransferBetweenSubAccounts,
  type SimulateTransferBetweenSubAccountsParameters,
  type SimulateTransferBetweenSubAccountsReturnType,
  transferBetweenSubAccounts,
  type TransferBetweenSubAccountsParameters,
  type TransferBetweenSubAccountsReturnType,
} from "../actions/wallet/transferBetweenSubAccounts.js";
import type { PerpClientBase } from "../clientBase.js";

/**
 * A trader's and a liquidity provider's writes: collateral, sub-accounts and isolated positions, operator approvals, trading, liquidity, each with its
 * `simulate…` step (the request and the decoded result, nothing sent). Each needs the client's wallet.
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
  /** See {@link createSubAccount}. */
  createSubAccount: () => Promise<CreateSubAccountReturnType>;
  /** See {@link transferBetweenSubAccounts}. */
  transferBetweenSubAccounts: (
    parameters: TransferBetweenSubAccountsParameters,
  ) => Promise<TransferBetweenSubAccountsReturnType>;
  /** See {@link openIsolatedPosition}. */
  openIsolatedPosition: (
    parameters: OpenIsolatedPositionParameters,
  ) => Promise<OpenIsolatedPositionReturnType>;
  /** See {@link closeIsolatedPosition}. */
  closeIsolatedPosition: (
    parameters: CloseIsolatedPositionParameters,
  ) => Promise<CloseIsolatedPositionReturnType>;
  /** See {@link simulateCreateSubAccount}. */
  simulateCreateSubAccount: () => Promise<SimulateCreateSubAccountReturnType>;
  /** See {@link simulateTransferBetweenSubAccounts}. */
  simulateTransferBetweenSubAccounts: (
    parameters: SimulateTransferBetweenSubAccountsParameters,
  ) => Promise<SimulateTransferBetweenSubAccountsReturnType>;
  /** See {@link simulateOpenIsolatedPosition}. */
  simulateOpenIsolatedPosition: (
    parameters: SimulateOpenIsolatedPositionParameters,
  ) => Promise<SimulateOpenIsolatedPositionReturnType>;
  /** See {@link simulateCloseIsolatedPosition}. */
  simulateCloseIsolatedPosition: (
    parameters: SimulateCloseIsolatedPositionParameters,
  ) => Promise<SimulateCloseIsolatedPositionReturnType>;
  /** See {@link simulateDeposit}. */
  simulateDeposit: (parameters: SimulateDepositParameters) => Promise<SimulateDepositReturnType>;
  /** See {@link simulateWithdraw}. */
  simulateWithdraw: (parameters: SimulateWithdrawParameters) => Promise<SimulateWithdrawReturnType>;
  /** See {@link simulateApproveOperator}. */
  simulateApproveOperator: (
    parameters: SimulateApproveOperatorParameters,
  ) => Promise<SimulateApproveOperatorReturnType>;
  /** See {@link simulateTrade}. */
  simulateTrade: (parameters: SimulateTradeParameters) => Promise<SimulateTradeReturnType>;
  /** See {@link simulateOpenPosition}. */
  simulateOpenPosition: (
    parameters: SimulateOpenPositionParameters,
  ) => Promise<SimulateOpenPositionReturnType>;
  /** See {@link simulateReducePosition}. */
  simulateReducePosition: (
    parameters: SimulateReducePositionParameters,
  ) => Promise<SimulateReducePositionReturnType>;
  /** See {@link simulateClosePosition}. */
  simulateClosePosition: (
    parameters: SimulateClosePositionParameters,
  ) => Promise<SimulateClosePositionReturnType>;
  /** See {@link simulateDepositLiquidity}. */
  simulateDepositLiquidity: (
    parameters: SimulateDepositLiquidityParameters,
  ) => Promise<SimulateDepositLiquidityReturnType>;
  /** See {@link simulateWithdrawLiquidity}. */
  simulateWithdrawLiquidity: (
    parameters: SimulateWithdrawLiquidityParameters,
  ) => Promise<SimulateWithdrawLiquidityReturnType>;
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
    createSubAccount: () => createSubAccount(client),
    transferBetweenSubAccounts: (p) => transferBetweenSubAccounts(client, p),
    openIsolatedPosition: (p) => openIsolatedPosition(client, p),
    closeIsolatedPosition: (p) => closeIsolatedPosition(client, p),
    simulateCreateSubAccount: () => simulateCreateSubAccount(client),
    simulateTransferBetweenSubAccounts: (p) => simulateTransferBetweenSubAccounts(client, p),
    simulateOpenIsolatedPosition: (p) => simulateOpenIsolatedPosition(client, p),
    simulateCloseIsolatedPosition: (p) => simulateCloseIsolatedPosition(client, p),
    simulateDeposit: (p) => simulateDeposit(client, p),
    simulateWithdraw: (p) => simulateWithdraw(client, p),
    simulateApproveOperator: (p) => simulateApproveOperator(client, p),
    simulateTrade: (p) => simulateTrade(client, p),
    simulateOpenPosition: (p) => simulateOpenPosition(client, p),
    simulateReducePosition: (p) => simulateReducePosition(client, p),
    simulateClosePosition: (p) => simulateClosePosition(client, p),
    simulateDepositLiquidity: (p) => simulateDepositLiquidity(client, p),
    simulateWithdrawLiquidity: (p) => simulateWithdrawLiquidity(client, p),
  };
}
