// What the keeper's steps share: the SDK client (reads through the lens and the engines, writes signed by the
// keeper's wallet), the logger, the retry policy, the nonce-managed sender, the abort signal and the owners of the
// accounts reported on (sub-accounts, kept across passes). Also the helpers
// every job uses: reads in concurrent batches and the name of the contract error an error carries.
import type { Address, PublicClient } from "viem";

import {
  createPerpClient,
  decodePerpContractError,
  findRevertData,
  PerpContractError,
  type PerpClient,
  type PerpDeployment,
} from "../../../sdk/src/index.js";
import { createJsonLogger, type Logger } from "./logger.js";
import { withRetry, type RetryOptions } from "./retry.js";
import { TransactionSender, type KeeperWalletClient } from "./sender.js";
import { SubAccountDirectory } from "./subAccounts.js";

/** Simulations without a wallet (dry run) are made from this address. */
export const DRY_RUN_FROM: Address = "0x000000000000000000000000000000000000dEaD";

export interface KeeperContext {
  /** The SDK client; it carries the keeper's wallet unless this is a dry run. */
  readonly perp: PerpClient;
  readonly publicClient: PublicClient;
  readonly log: Logger;
  /** Find and evaluate, send nothing. */
  readonly dryRun: boolean;
  /** The address rewards go to (the wallet's), or the dry-run placeholder. */
  readonly keeperAddress: Address;
  /** Sends transactions back to back with the keeper's own nonce count (undefined in a dry run). */
  readonly sender: TransactionSender | undefined;
  /** Accounts read concurrently (one JSON-RPC batch on a batching transport). */
  readonly batchSize: number;
  /** Aborting stops a job before its next transaction (those already sent are still awaited). */
  readonly signal: AbortSignal | undefined;
  /** Each reported account's owner and sub-account id, read once per account (see subAccounts.ts). */
  readonly subAccounts: SubAccountDirectory;
  /** Runs a read, retrying transport failures with backoff (each retry logged as `rpc-retry`). */
  retry<T>(what: string, fn: () => Promise<T>): Promise<T>;
}

export interface KeeperContextParameters {
  publicClient: PublicClient;
  /** Signs the keeper's transactions; without one the keeper only reports (dry run). */
  walletClient?: KeeperWalletClient;
  /** The SDK's address book. */
  deployment: PerpDeployment;
  logger?: Logger;
  /** Find and evaluate, send nothing (default false; always so without a wallet). */
  dryRun?: boolean;
  /** Accounts read concurrently, one JSON-RPC batch on a batching transport (default 25). */
  batchSize?: number;
  retry?: RetryOptions;
  /** Aborting stops the pass before its next transaction (transactions already sent are still awaited). */
  signal?: AbortSignal;
}

export function createKeeperContext(params: KeeperContextParameters): KeeperContext {
  const log = params.logger ?? createJsonLogger();
  const dryRun = params.dryRun === true || params.walletClient === undefined;
  const retryOptions = (what: string): RetryOptions => ({
    ...params.retry,
    signal: params.signal,
    onRetry: ({ attempt, delayMs, error }) => log.warn("rpc-retry", { what, attempt, delayMs, error }),
  });
  const wallet = dryRun ? undefined : params.walletClient;
  return {
    perp: createPerpClient({
      publicClient: params.publicClient,
      walletClient: wallet,
      deployment: params.deployment,
    }),
    publicClient: params.publicClient,
    log,
    dryRun,
    keeperAddress: params.walletClient?.account.address ?? DRY_RUN_FROM,
    sender:
      wallet === undefined
        ? undefined
        : new TransactionSender({
            publicClient: params.publicClient,
            walletClient: wallet,
            logger: log,
            retry: retryOptions("send"),
          }),
    batchSize: Math.max(1, params.batchSize ?? 25),
    signal: params.signal,
    subAccounts: new SubAccountDirectory(),
    retry: (what, fn) => withRetry(fn, retryOptions(what)),
  };
}

/**
 * Runs `fn` over `items` in concurrent batches of `size` (on a batching transport each batch is one JSON-RPC
 * request); the outcomes come back in the order of `items`.
 */
export async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  fn: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.allSettled(items.slice(i, i + size).map(fn))));
  return out;
}

/** A protocol contract error's name and arguments (decoded by the SDK), or undefined for other failures. */
export function revertOf(error: unknown): { name: string; args: Record<string, unknown> } | undefined {
  const decoded =
    error instanceof PerpContractError
      ? error
      : (() => {
          const data = findRevertData(error);
          return data === undefined ? undefined : decodePerpContractError(data, error);
        })();
  if (decoded === undefined) return undefined;
  return { name: decoded.errorName, args: { ...(decoded.args as Record<string, unknown>) } };
}
