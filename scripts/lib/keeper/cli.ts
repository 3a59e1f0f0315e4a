// The keeper process once its command line is checked (options.ts): connects, reads the address book, and runs
// passes in a loop (or once) until SIGINT/SIGTERM. An unreachable node or a missing address book is logged as one
// JSON line (exit code 1); an address book that is invalid or for another chain is a usage error (exit code 2).
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createPublicClient, createWalletClient, defineChain, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { defineDeployment, PerpError, type PerpDeployment } from "../../../sdk/src/index.js";
import { createKeeper } from "./keeper.js";
import { createJsonLogger } from "./logger.js";
import { UsageError, type KeeperCliOptions } from "./options.js";
import { backoffDelay, sleep } from "./retry.js";

/** Runs the keeper; resolves with the process's exit code. `root` is the repository (for `deployments/`). */
export async function runKeeperCli(opts: KeeperCliOptions, root: string): Promise<number> {
  const log = createJsonLogger({ level: opts.logLevel });

  // One transport: JSON-RPC batching for the concurrent reads; retries are the keeper's own (logged, with backoff).
  const transport = http(opts.rpc, {
    batch: { batchSize: opts.batchSize, wait: 0 },
    retryCount: 0,
    timeout: 30_000,
  });
  let chainId: number;
  try {
    chainId = await createPublicClient({ transport }).getChainId();
  } catch (error) {
    log.error("rpc-unreachable", { rpc: opts.rpc, error });
    return 1;
  }
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [opts.rpc] } },
  });

  const deploymentsDir = process.env.PERP_DEPLOYMENTS_DIR ?? join(root, "deployments");
  const bookFile = resolve(opts.deployment ?? join(deploymentsDir, `${chainId}.json`));
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(bookFile, "utf8"));
  } catch (error) {
    log.error("address-book-unreadable", {
      file: bookFile,
      error,
      hint: "deploy first: npm run deploy -- --network <name>",
    });
    return 1;
  }
  let deployment: PerpDeployment;
  try {
    deployment = defineDeployment(raw);
  } catch (error) {
    throw new UsageError(`${bookFile}: ${error instanceof PerpError ? error.shortMessage : String(error)}`);
  }
  if (deployment.chainId !== chainId)
    throw new UsageError(`${bookFile} is for chain ${deployment.chainId}, the RPC is chain ${chainId}`);

  const publicClient = createPublicClient({ chain, transport, pollingInterval: 500 }) as PublicClient;
  const walletClient =
    opts.dryRun || opts.privateKey === undefined
      ? undefined
      : createWalletClient({ chain, transport, account: privateKeyToAccount(opts.privateKey) });

  const controller = new AbortController();
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn("forced-exit", { signal });
      process.exit(130);
    }
    stopping = true;
    log.info("shutdown", { signal, note: "finishing the transactions in flight" });
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const keeper = createKeeper({
    publicClient,
    walletClient,
    deployment,
    logger: log,
    dryRun: opts.dryRun,
    batchSize: opts.batchSize,
    maxLiquidationsPerPass: opts.maxLiquidations,
    minProfitUsd: opts.minProfitUsd,
    nativePriceUsd: opts.nativePriceUsd,
    nativeSymbol: opts.nativeSymbol,
    adl: opts.adl,
    adlWaitMs: opts.adlWaitMs,
    maxAdlStepsPerPass: opts.maxAdlSteps,
    fromBlock: opts.fromBlock,
    pageSize: opts.pageSize,
    retry: { retries: opts.retries },
    signal: controller.signal,
  });

  log.info("keeper-start", {
    rpc: opts.rpc,
    chainId,
    deployment: bookFile,
    keeper: keeper.keeperAddress,
    dryRun: opts.dryRun || walletClient === undefined,
    once: opts.once,
    intervalMs: opts.intervalMs,
  });

  let exitCode = 0;
  let failures = 0;
  let passes = 0;
  for (;;) {
    try {
      await keeper.runPass();
      passes++;
      failures = 0;
    } catch (error) {
      if (controller.signal.aborted) break;
      failures++;
      log.error("pass-failed", { failures, error });
      if (opts.once) {
        exitCode = 1;
        break;
      }
    }
    if (opts.once || controller.signal.aborted) break;
    const delay =
      failures === 0
        ? opts.intervalMs
        : backoffDelay(failures, { baseDelayMs: opts.intervalMs, maxDelayMs: 300_000 });
    try {
      await sleep(delay, controller.signal);
    } catch {
      break;
    }
  }
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  log.info("keeper-stopped", { passes, accounts: keeper.accounts.size });
  return exitCode;
}
