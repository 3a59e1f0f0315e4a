import type { Account, Chain, Client, Hash, TransactionReceipt, Transport } from "viem";
import { waitForTransactionReceipt } from "viem/actions";

import type { PerpClientBase } from "../../clientBase.js";
import { toPerpError, TransactionRevertedError } from "../../errors/transaction.js";
import { requireWallet } from "./wallet.js";

/** A sent and mined transaction. */
export interface SentTransaction {
  hash: Hash;
  receipt: TransactionReceipt;
}

/**
 * Sends one transaction with the client's wallet (`write` calls viem's `writeContract`), waits for its receipt on
 * the public client, and turns any failure into an SDK error: a revert during gas estimation becomes the decoded
 * contract error before anything is broadcast; a mined revert becomes {@link TransactionRevertedError}.
 */
export async function sendTransaction(
  client: PerpClientBase,
  action: string,
  write: (wallet: Client<Transport, Chain | undefined, Account>, account: Account) => Promise<Hash>,
): Promise<SentTransaction> {
  const { wallet, account } = requireWallet(client, action);
  let hash: Hash;
  try {
    hash = await write(wallet, account);
  } catch (err) {
    throw toPerpError(err, action);
  }
  let receipt: TransactionReceipt;
  try {
    receipt = await waitForTransactionReceipt(client.publicClient, { hash });
  } catch (err) {
    throw toPerpError(err, action);
  }
  if (receipt.status !== "success") throw new TransactionRevertedError(hash, receipt, action);
  return { hash, receipt };
}
