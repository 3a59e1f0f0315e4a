// The lens reads the parity tests compare the SDK's math with: one account, one market, at the latest block or at
// `blockNumber`, decoded by the SDK's own converters.

import type { Address, PublicClient } from "viem";

import * as sdk from "../../../sdk/src/index.js";

/** `PerpLens.getAccount(account)`, as the SDK's `Account`. */
export async function readLensAccount(
  client: PublicClient,
  lens: Address,
  account: Address,
  blockNumber?: bigint,
) {
  return sdk.toAccount(
    await client.readContract({
      address: lens,
      abi: sdk.perpLensAbi,
      functionName: "getAccount",
      args: [account],
      blockNumber,
    }),
  );
}

/** `PerpLens.getMarket(marketId)`, as the SDK's `Market`. */
export async function readLensMarket(
  client: PublicClient,
  lens: Address,
  marketId: bigint,
  blockNumber?: bigint,
) {
  return sdk.toMarket(
    await client.readContract({
      address: lens,
      abi: sdk.perpLensAbi,
      functionName: "getMarket",
      args: [marketId],
      blockNumber,
    }),
  );
}
