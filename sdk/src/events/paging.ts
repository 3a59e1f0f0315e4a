import { getBlockNumber } from "viem/actions";

import type { PerpClientBase } from "../clientBase.js";

/** Block-range options of the history queries. */
export interface BlockRangeParameters {
  /** First block (default: the deployment's `startBlock`, else 0). */
  fromBlock?: bigint;
  /** Last block (default: the latest). */
  toBlock?: bigint;
  /** Blocks per `eth_getLogs` request (default 10,000; many providers cap the range). */
  pageSize?: bigint;
}

/** Default blocks per `eth_getLogs` page. */
export const DEFAULT_PAGE_SIZE = 10_000n;

/**
 * Runs `fetch` over [fromBlock, toBlock] in consecutive pages of `pageSize` blocks and concatenates the results in
 * block order.
 */
export async function fetchPaged<T>(
  client: PerpClientBase,
  range: BlockRangeParameters,
  fetch: (fromBlock: bigint, toBlock: bigint) => Promise<T[]>,
): Promise<T[]> {
  const fromBlock = range.fromBlock ?? BigInt(client.deployment.startBlock ?? 0);
  const toBlock = range.toBlock ?? (await getBlockNumber(client.publicClient, { cacheTime: 0 }));
  const pageSize = range.pageSize ?? DEFAULT_PAGE_SIZE;
  if (pageSize <= 0n) throw new RangeError("pageSize must be positive");
  const out: T[] = [];
  for (let start = fromBlock; start <= toBlock; start += pageSize) {
    const end = start + pageSize - 1n < toBlock ? start + pageSize - 1n : toBlock;
    out.push(...(await fetch(start, end)));
  }
  return out;
}
