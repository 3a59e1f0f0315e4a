import { parseEventLogs, type Hash, type TransactionReceipt } from "viem";
import { simulateContract } from "viem/actions";

import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import type { PerpClientBase } from "../../clientBase.js";
import {
  EventNotFoundError,
  type PerpSendErrorType,
  type PerpSimulateErrorType,
} from "../../errors/index.js";
import { emittedBy } from "../internal/logs.js";
import { sendRequest, simulateWith, type PerpWriteRequest } from "../internal/simulate.js";

/** Parameters of {@link requestPnlReduction}: none (the contract picks the market). */
export type RequestPnlReductionParameters = Record<string, never>;

/** The request's hash, receipt and decoded `PnlReductionRequested` event. */
export interface RequestPnlReductionReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  /** The queued request (it waits behind any earlier request, FIFO). */
  requestId: bigint;
  /** The market it targets: the one where traders win the most against the liquidity vault. */
  marketId: bigint;
  /** True: profitable longs are reduced (the market's traders are net long). */
  victimsLong: boolean;
  /** Traders' unrealised profit against the liquidity vault when queued, USD. */
  traderProfitUsd: bigint;
  /** The vault's cash when queued, USD. */
  cashUsd: bigint;
}

/** Parameters of {@link simulateRequestPnlReduction}: none. */
export type SimulateRequestPnlReductionParameters = RequestPnlReductionParameters;

/** The simulated request: what `requestPnlReduction` sends and the id it would queue. */
export interface SimulateRequestPnlReductionReturnType {
  request: PerpWriteRequest<typeof liquidationEngineAbi, "requestPnlReduction">;
  /** The request id the contract returned in the simulation (latest block). */
  requestId: bigint;
}

/**
 * Errors {@link simulateRequestPnlReduction} can throw: a wallet missing, the simulation's decoded revert
 * (`PnlFactorWithinLimit`, `PnlReductionPending`, `NoWinningSide`…), RPC errors.
 */
export type SimulateRequestPnlReductionErrorType = PerpSimulateErrorType;

/**
 * Errors {@link requestPnlReduction} can throw: those of {@link simulateRequestPnlReduction}, then a failed send, a
 * mined revert or a receipt without `PnlReductionRequested`.
 */
export type RequestPnlReductionErrorType =
  | SimulateRequestPnlReductionErrorType
  | PerpSendErrorType
  | EventNotFoundError;

/**
 * Simulates queueing a pnl-factor reduction (`requestPnlReduction`) without sending it.
 *
 * @example
 * const { requestId } = await keeper.simulateRequestPnlReduction();
 */
export async function simulateRequestPnlReduction(
  client: PerpClientBase,
  _parameters: SimulateRequestPnlReductionParameters = {},
): Promise<SimulateRequestPnlReductionReturnType> {
  const { request, result } = await simulateWith(client, "requestPnlReduction", (from) =>
    simulateContract(client.publicClient, {
      address: client.deployment.contracts.liquidationEngine,
      abi: liquidationEngineAbi,
      functionName: "requestPnlReduction",
      account: from,
    }),
  );
  return { request, requestId: result };
}

/**
 * Queues a pnl-factor reduction (`requestPnlReduction()`, permissionless): allowed while traders' unrealised profit
 * against the liquidity vault is above `maxPnlFactor` of the vault's cash (`getPendingAdl().pnlFactorExceeded`), one
 * at a time. The contract picks the market: the one whose `counterpartyPnlOf` is the most negative (the SDK's
 * `pnlReductionTarget`), and reduces the side of its net skew. Candidates are then submitted as for ADL
 * (`submitAdlCandidate`); once the ranking window is over each `executeAdl` closes the highest-ranked candidate's
 * whole position at the bounded market fill, paying the trading fee (the caller earns the keeper share of the
 * vault's part of it), until the factor is back within the limit or no candidate ranks (then the request resolves
 * and a new one may be queued). A request the contract would refuse fails in its simulation
 * ({@link simulateRequestPnlReduction}) with the decoded error and nothing is sent.
 *
 * @example
 * const adl = await keeper.getPendingAdl();
 * if (adl.pnlFactorExceeded) await keeper.requestPnlReduction();
 */
export async function requestPnlReduction(
  client: PerpClientBase,
  parameters: RequestPnlReductionParameters = {},
): Promise<RequestPnlReductionReturnType> {
  const { liquidationEngine } = client.deployment.contracts;
  const { request } = await simulateRequestPnlReduction(client, parameters);
  const { hash, receipt } = await sendRequest(client, "requestPnlReduction", request);
  const [event] = emittedBy(
    parseEventLogs({ abi: liquidationEngineAbi, logs: receipt.logs, eventName: "PnlReductionRequested" }),
    liquidationEngine,
  );
  if (event === undefined) throw new EventNotFoundError(hash, "PnlReductionRequested", "requestPnlReduction");
  const { requestId, marketId, victimsLong, traderProfit, cash } = event.args;
  return { hash, receipt, requestId, marketId, victimsLong, traderProfitUsd: traderProfit, cashUsd: cash };
}
