import type {
  Abi,
  Account,
  Chain,
  ContractFunctionArgs,
  ContractFunctionName,
  SimulateContractReturnType,
  WriteContractParameters,
} from "viem";
import { writeContract } from "viem/actions";

import type { PerpClientBase } from "../../clientBase.js";
import { toPerpError } from "../../errors/transaction.js";
import { sendTransaction, type SentTransaction } from "./send.js";
import { requireWallet } from "./wallet.js";

/**
 * A contract write whose simulation passed, ready to send: viem's `simulateContract` request (address, the function's
 * ABI item, arguments and the wallet's account). Every `simulate…` action returns one; its write sends exactly it.
 */
export type PerpWriteRequest<
  abi extends Abi,
  functionName extends ContractFunctionName<abi, "nonpayable" | "payable">,
> = SimulateContractReturnType<
  abi,
  functionName,
  ContractFunctionArgs<abi, "nonpayable" | "payable", functionName>,
  Chain | undefined,
  Account,
  Chain | undefined,
  Account
>["request"];

/**
 * Runs a write's simulation (viem's `simulateContract` from the wallet's account, against the latest block) and turns
 * a revert into the decoded contract error (`PerpContractError`) before anything is sent.
 */
export async function simulateWith<T>(
  client: PerpClientBase,
  action: string,
  simulate: (account: Account) => Promise<T>,
): Promise<T> {
  const { account } = requireWallet(client, action);
  try {
    return await simulate(account);
  } catch (err) {
    throw toPerpError(err, `${action} (simulation)`);
  }
}

/** Sends a simulated request with the client's wallet and waits for its receipt (see `sendTransaction`). */
export function sendRequest(
  client: PerpClientBase,
  action: string,
  request: {
    address: `0x${string}`;
    abi: Abi;
    functionName: string;
    args?: readonly unknown[];
    account: Account;
  },
): Promise<SentTransaction> {
  return sendTransaction(client, action, (wallet) =>
    writeContract(wallet, { ...request, chain: wallet.chain } as WriteContractParameters),
  );
}
