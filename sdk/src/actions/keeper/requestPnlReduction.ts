import { parseEventLogs, type Hash, type TransactionReceipt } from "viem";
import { writeContract } from "viem/actions";

import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import type { PerpClientBase } from "../../clientBase.js";
import { PerpError } from "../../errors/index.js";
import { emittedBy } from "../internal/logs.js";
import { sendTransaction } from "../internal/send.js";

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
  traderProfit: bigint;
  /** The vault's cash when queued, USD. */
  cash: bigint;
}

/**
 * Errors {@link requestPnlReduction} can throw: `PnlFactorWithinLimit`, `PnlReductionPending`, `NoWinningSide`
 * (decoded before sending)…
 */
export type RequestPnlReductionErrorType = PerpError;

/**
 * Queues a pnl-factor reduction (`requestPnlReduction()`, permissionless): allowed while traders' unrealised profit
 * against the liquidity vault is above `maxPnlFactor` of the vault's cash (`getPendingAdl().pnlFactorExceeded`), one
 * at a time. The contract picks the market: the one whose `counterpartyPnlOf` is the most negative (the SDK's
 * `pnlReductionTarget`), and reduces the side of its net skew. Candidates are then submitted as for ADL
 * (`submitAdlCandidate`); once the ranking window is over each `executeAdl` closes the highest-ranked candidate's
 * whole position at the bounded market fill, paying the trading fee (the caller earns the keeper share of the
 * vault's part of it), until the factor is back within the limit or no candidate ranks (then the request resolves
 * and a new one may be queued). A request the contract would refuse fails during gas estimation with the decoded
 * error and nothing is sent.
 *
 * @example
 * const adl = await keeper.getPendingAdl();
 * if (adl.pnlFactorExceeded) await keeper.requestPnlReduction();
 */
export async function requestPnlReduction(
  client: PerpClientBase,
  _parameters: RequestPnlReductionParameters = {},
): Promise<RequestPnlReductionReturnType> {
  const { liquidationEngine } = client.deployment.contracts;
  const { hash, receipt } = await sendTransaction(client, "requestPnlReduction", (wallet, from) =>
    writeContract(wallet, {
      address: liquidationEngine,
      abi: liquidationEngineAbi,
      functionName: "requestPnlReduction",
      account: from,
      chain: wallet.chain,
    }),
  );
  const [event] = emittedBy(
    parseEventLogs({ abi: liquidationEngineAbi, logs: receipt.logs, eventName: "PnlReductionRequested" }),
    liquidationEngine,
  );
  if (event === undefined)
    throw new PerpError(`requestPnlReduction: transaction ${hash} emitted no PnlReductionRequested event.`);
  const { requestId, marketId, victimsLong, traderProfit, cash } = event.args;
  return { hash, receipt, requestId, marketId, victimsLong, traderProfit, cash };
}
