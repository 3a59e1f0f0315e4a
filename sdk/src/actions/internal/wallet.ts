import type { Account, Address, Chain, Client, Transport } from "viem";

import type { PerpClientBase } from "../../clientBase.js";
import { AccountRequiredError, WalletRequiredError } from "../../errors/validation.js";

/** The wallet client and its account, or a {@link WalletRequiredError}. */
export function requireWallet(
  client: PerpClientBase,
  action: string,
): { wallet: Client<Transport, Chain | undefined, Account>; account: Account } {
  const wallet = client.walletClient;
  if (wallet?.account === undefined) throw new WalletRequiredError(action);
  return { wallet: wallet as Client<Transport, Chain | undefined, Account>, account: wallet.account };
}

/** `account`, else the wallet's account address, else an {@link AccountRequiredError}. */
export function resolveAccount(
  client: PerpClientBase,
  account: Address | undefined,
  action: string,
): Address {
  const resolved = account ?? client.walletClient?.account?.address;
  if (resolved === undefined) throw new AccountRequiredError(action);
  return resolved;
}
