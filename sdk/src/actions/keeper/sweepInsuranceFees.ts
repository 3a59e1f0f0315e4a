import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from "viem";
import { writeContract } from "viem/actions";

import { perpEngineAbi } from "../../abis/perpEngine.js";
import type { PerpClientBase } from "../../clientBase.js";
import type { PerpError } from "../../errors/index.js";
import { emittedBy } from "../internal/logs.js";
import { sendTransaction } from "../internal/send.js";

/** Parameters of {@link sweepInsuranceFees}: none. */
export type SweepInsuranceFeesParameters = Record<string, never>;

/** The sweep's hash, receipt and decoded `InsuranceFeesSwept` event. */
export interface SweepInsuranceFeesReturnType {
  hash: Hash;
  receipt: TransactionReceipt;
  /** The fund credited (undefined when nothing was pending). */
  fund: Address | undefined;
  /** What moved from the liquidity vault's account to the fund, USD (0 when nothing was pending). */
  amount: bigint;
}

/** Errors {@link sweepInsuranceFees} can throw. */
export type SweepInsuranceFeesErrorType = PerpError;

/**
 * Moves the insurance fund's accrued share of trading fees from the liquidity vault's account into the fund
 * (`PerpEngine.sweepInsuranceFees`, anyone may call; the liquidation engine also does before drawing on the
 * fund). `getInsuranceFund().pendingFees` shows what is waiting.
 *
 * @example
 * if ((await perp.getInsuranceFund()).pendingFees > 0n) await perp.sweepInsuranceFees();
 */
export async function sweepInsuranceFees(
  client: PerpClientBase,
  _parameters: SweepInsuranceFeesParameters = {},
): Promise<SweepInsuranceFeesReturnType> {
  const { perpEngine } = client.deployment.contracts;
  const { hash, receipt } = await sendTransaction(client, "sweepInsuranceFees", (wallet, from) =>
    writeContract(wallet, {
      address: perpEngine,
      abi: perpEngineAbi,
      functionName: "sweepInsuranceFees",
      account: from,
      chain: wallet.chain,
    }),
  );
  const [event] = emittedBy(
    parseEventLogs({ abi: perpEngineAbi, logs: receipt.logs, eventName: "InsuranceFeesSwept" }),
    perpEngine,
  );
  return { hash, receipt, fund: event?.args.fund, amount: event?.args.amount ?? 0n };
}
