import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { simulateContract } from "viem/actions";

import { perpEngineAbi } from "../../abis/perpEngine.js";
import type { PerpClientBase } from "../../clientBase.js";
import type { PerpSendErrorType, PerpSimulateErrorType } from "../../errors/index.js";
import { emittedBy } from "../internal/logs.js";
import { sendRequest, simulateWith, type PerpWriteRequest } from "../internal/simulate.js";

/** Parameters of {@link sweepInsuranceFees}: none. */
export type SweepInsuranceFeesParameters = Record<string, never>;

/** The sweep's hash, receipt and decoded `InsuranceFeesSwept` event. */
export interface SweepInsuranceFeesReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  /** The fund credited (undefined when nothing was pending). */
  fund: Address | undefined;
  /** What moved from the liquidity vault's account to the fund, USD (0 when nothing was pending). */
  amountUsd: bigint;
}

/** Parameters of {@link simulateSweepInsuranceFees}: none. */
export type SimulateSweepInsuranceFeesParameters = SweepInsuranceFeesParameters;

/** The simulated sweep: the request `sweepInsuranceFees` sends and the amount it would move. */
export interface SimulateSweepInsuranceFeesReturnType {
  request: PerpWriteRequest<typeof perpEngineAbi, "sweepInsuranceFees">;
  /** What would move to the fund (the contract's return value, latest block), USD. */
  amountUsd: bigint;
}

/** Errors {@link simulateSweepInsuranceFees} can throw: a wallet missing, a decoded revert, RPC errors. */
export type SimulateSweepInsuranceFeesErrorType = PerpSimulateErrorType;

/** Errors {@link sweepInsuranceFees} can throw: those of {@link simulateSweepInsuranceFees}, then a failed send. */
export type SweepInsuranceFeesErrorType = SimulateSweepInsuranceFeesErrorType | PerpSendErrorType;

/**
 * Simulates the insurance-fee sweep (`PerpEngine.sweepInsuranceFees`) without sending it.
 *
 * @example
 * const { amountUsd } = await perp.simulateSweepInsuranceFees();
 */
export async function simulateSweepInsuranceFees(
  client: PerpClientBase,
  _parameters: SimulateSweepInsuranceFeesParameters = {},
): Promise<SimulateSweepInsuranceFeesReturnType> {
  const { request, result } = await simulateWith(client, "sweepInsuranceFees", (from) =>
    simulateContract(client.publicClient, {
      address: client.deployment.contracts.perpEngine,
      abi: perpEngineAbi,
      functionName: "sweepInsuranceFees",
      account: from,
    }),
  );
  return { request, amountUsd: result };
}

/**
 * Moves the insurance fund's accrued share of trading fees from the liquidity vault's account into the fund
 * (`PerpEngine.sweepInsuranceFees`, anyone may call; the liquidation engine also does before drawing on the
 * fund). `getInsuranceFund().pendingFeesUsd` shows what is waiting.
 *
 * @example
 * if ((await perp.getInsuranceFund()).pendingFeesUsd > 0n) await perp.sweepInsuranceFees();
 */
export async function sweepInsuranceFees(
  client: PerpClientBase,
  parameters: SweepInsuranceFeesParameters = {},
): Promise<SweepInsuranceFeesReturnType> {
  const { perpEngine } = client.deployment.contracts;
  const { request } = await simulateSweepInsuranceFees(client, parameters);
  const { hash, receipt } = await sendRequest(client, "sweepInsuranceFees", request);
  const [event] = emittedBy(
    parseEventLogs({ abi: perpEngineAbi, logs: receipt.logs, eventName: "InsuranceFeesSwept" }),
    perpEngine,
  );
  return { hash, receipt, fund: event?.args.fund, amountUsd: event?.args.amount ?? 0n };
}
