import { getBlockNumber } from "viem/actions";

import type { PerpClientBase } from "../clientBase.js";
import { toPerpError, type PerpError } from "../errors/index.js";

/**
 * Starts a viem watcher from `fromBlock`, or from the block after the current one so that only new events are
 * delivered (some nodes' filters also return the current block's logs). The returned function unsubscribes, also
 * before the watcher has started.
 */
export function startWatch(
  client: PerpClientBase,
  params: { fromBlock?: bigint; onError?: (error: PerpError) => void; action: string },
  watch: (fromBlock: bigint | undefined) => () => void,
): () => void {
  let unwatch: (() => void) | undefined;
  let stopped = false;
  const start = (fromBlock: bigint | undefined) => {
    if (!stopped) unwatch = watch(fromBlock);
  };
  if (params.fromBlock !== undefined) start(params.fromBlock);
  else
    getBlockNumber(client.publicClient, { cacheTime: 0 }).then(
      (block) => start(block + 1n),
      (err: unknown) => {
        params.onError?.(toPerpError(err, params.action));
        start(undefined);
      },
    );
  return () => {
    stopped = true;
    unwatch?.();
  };
}
