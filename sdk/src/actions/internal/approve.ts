import { erc20Abi, maxUint256, type Address, type Hash } from "viem";
import { readContract, simulateContract } from "viem/actions";

import type { PerpClientBase } from "../../clientBase.js";
import { toPerpError } from "../../errors/transaction.js";
import { sendRequest, simulateWith } from "./simulate.js";

/** How a write that pulls tokens handles the allowance: approve exactly the amount, approve the maximum, or never. */
export type ApprovalMode = "exact" | "max" | false;

/** The allowance an approval in `mode` sets for `amount`. */
export const approvalValue = (mode: "exact" | "max", amount: bigint): bigint =>
  mode === "max" ? maxUint256 : amount;

/**
 * Approves `spender` for `amount` of `token` from the wallet's account when the current allowance is lower
 * (mode "exact": the amount; "max": 2^256 − 1; false: never), simulated first. Returns the approval's hash, if one
 * was sent. `allowance`: the current allowance when the caller has just read it (else it is read here).
 */
export async function ensureAllowance(
  client: PerpClientBase,
  action: string,
  params: {
    token: Address;
    owner: Address;
    spender: Address;
    amount: bigint;
    mode: ApprovalMode;
    allowance?: bigint;
  },
): Promise<Hash | undefined> {
  if (params.mode === false) return undefined;
  let allowance: bigint;
  try {
    allowance =
      params.allowance ??
      (await readContract(client.publicClient, {
        address: params.token,
        abi: erc20Abi,
        functionName: "allowance",
        args: [params.owner, params.spender],
      }));
  } catch (err) {
    throw toPerpError(err, `${action} (allowance)`);
  }
  if (allowance >= params.amount) return undefined;
  const value = approvalValue(params.mode, params.amount);
  const { request } = await simulateWith(client, `${action} (approve)`, (account) =>
    simulateContract(client.publicClient, {
      address: params.token,
      abi: erc20Abi,
      functionName: "approve",
      args: [params.spender, value],
      account,
    }),
  );
  const { hash } = await sendRequest(client, `${action} (approve)`, request);
  return hash;
}
