// Deploys the protocol described by a deploy config with Hardhat Ignition and writes the address book the SDK and
// the keeper read (deployments/<chainId>.json). Used by scripts/deploy.ts (`npm run deploy -- --network …`) and by
// tests. Idempotent: Ignition's journal (ignition/deployments/chain-<id>/) records every future, so a re-run with
// the same config sends no transaction and leaves the address book byte for byte as it was.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import {
  HardhatArtifactResolver,
  errorDeploymentResultToExceptionMessage,
} from "@nomicfoundation/hardhat-ignition/helpers";
import {
  DeploymentResultType,
  deploy,
  listTransactions,
  type EIP1193Provider,
  type ExecutionEventListener,
} from "@nomicfoundation/ignition-core";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import {
  createPublicClient,
  custom,
  getAddress,
  parseAbi,
  type Address,
  type Hash,
  type Hex,
  type PublicClient,
} from "viem";

import {
  addressBookPath,
  readAddressBook,
  writeAddressBook,
  type AddressBookMarket,
  type PerpAddressBook,
} from "./address-book.js";
import { DEV_CHAIN_IDS } from "./config/local.js";
import { usesMocks, type ProtocolDeployConfig } from "./config/schema.js";
import { buildPerpProtocolModule, PERP_PROTOCOL_MODULE_ID } from "./modules/PerpProtocol.js";

export type DeployLog = (line: string) => void;

export interface DeployProtocolOptions {
  hre: HardhatRuntimeEnvironment;
  connection: NetworkConnection;
  config: ProtocolDeployConfig;
  /** Where address books go (default `<root>/deployments`). Ephemeral in-process networks get none. */
  deploymentsDir?: string;
  /** Where Ignition journals go (default `<root>/ignition/deployments`, Ignition's own location). */
  ignitionDir?: string;
  /** Progress lines (default: console.log). */
  log?: DeployLog;
}

export interface DeployProtocolResult {
  book: PerpAddressBook;
  /** Transactions this run sent (0: nothing to do). */
  transactionsSent: number;
  /** The address book file, when one was written or is up to date; undefined on ephemeral networks. */
  addressBookFile?: string;
  /** Whether the address book file changed. */
  addressBookWritten: boolean;
  /** The Ignition journal directory; undefined on ephemeral networks. */
  journalDir?: string;
  deploymentId: string;
  /** The journal and book belonged to an earlier instance of this dev chain and were discarded. */
  resetStaleDevChain: boolean;
}

export class DeployError extends Error {
  override name = "DeployError";
}

const aggregatorAbi = parseAbi([
  "function decimals() view returns (uint8)",
  "function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)",
]);

/** Marker kept beside Ignition's journal: which chain instance (genesis hash) the journal belongs to. */
const CHAIN_MARKER = "perp-chain.json";

/** Whether a chain id is a local development node's (the local config applies, state may be thrown away). */
export const isDevChain = (chainId: number) => DEV_CHAIN_IDS.includes(chainId);

async function genesisHash(client: PublicClient): Promise<Hex> {
  const block = await client.getBlock({ blockNumber: 0n });
  if (block.hash === null) throw new DeployError("the node returned no hash for block 0");
  return block.hash;
}

async function requireCode(client: PublicClient, address: Address, what: string) {
  const code = await client.getCode({ address });
  if (code === undefined || code === "0x")
    throw new DeployError(`${what} ${address} has no code on this chain`);
}

/** Checks the external contracts a real-network config names: USDC (6 decimals) and each feed's latest answer. */
async function preflight(client: PublicClient, config: ProtocolDeployConfig, log: DeployLog) {
  if ("address" in config.collateral) {
    await requireCode(client, config.collateral.address, "collateral token");
    const decimals = await client.readContract({
      address: config.collateral.address,
      abi: parseAbi(["function decimals() view returns (uint8)"]),
      functionName: "decimals",
    });
    if (decimals !== 6) throw new DeployError(`collateral token has ${decimals} decimals, expected 6 (USDC)`);
  }
  if (config.sequencer !== undefined)
    await requireCode(client, config.sequencer.feed, "sequencer uptime feed");
  for (const m of config.markets) {
    if (!("address" in m.feed)) continue;
    await requireCode(client, m.feed.address, `${m.symbol} feed`);
    const [decimals, round] = await Promise.all([
      client.readContract({ address: m.feed.address, abi: aggregatorAbi, functionName: "decimals" }),
      client.readContract({ address: m.feed.address, abi: aggregatorAbi, functionName: "latestRoundData" }),
    ]);
    const answer = round[1];
    const price =
      decimals <= 18 ? answer * 10n ** BigInt(18 - decimals) : answer / 10n ** BigInt(decimals - 18);
    if (price < m.minPrice || price > m.maxPrice)
      throw new DeployError(`${m.symbol} feed answers ${price} (18 decimals), outside [minPrice, maxPrice]`);
    log(`  ${m.symbol} feed ${m.feed.address}: ${decimals} decimals, answer ${answer}`);
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** An Ignition listener that counts sent transactions and prints each completed future. */
function progressListener(log: DeployLog, sent: Hash[]): ExecutionEventListener {
  const handlers: Partial<Record<keyof ExecutionEventListener, (e: never) => Promise<void>>> = {
    transactionSend: async (e: { hash: string }) => {
      sent.push(e.hash as Hash);
    },
    deploymentExecutionStateComplete: async (e: {
      futureId: string;
      result: { type: string; result?: string };
    }) => {
      log(
        `  deployed ${e.futureId.replace(`${PERP_PROTOCOL_MODULE_ID}#`, "")} ${e.result.result ?? e.result.type}`,
      );
    },
    callExecutionStateComplete: async (e: { futureId: string; result: { type: string } }) => {
      log(
        `  called   ${e.futureId.replace(`${PERP_PROTOCOL_MODULE_ID}#`, "")} ${e.result.type.toLowerCase()}`,
      );
    },
  };
  const noop = async () => {};
  return new Proxy(handlers, {
    get: (target, key) => target[key as keyof ExecutionEventListener] ?? noop,
  }) as ExecutionEventListener;
}

/**
 * Deploys (or completes, or confirms) the protocol of `config` on the connection's chain and writes its address
 * book. Safe to re-run: what Ignition's journal records as done is not sent again.
 *
 * On a development chain (31337, 1337) whose journal belongs to an earlier instance of the node (genesis hash
 * differs, e.g. `hardhat node` was restarted), the journal and address book are discarded and the protocol is
 * deployed afresh; on any other chain that situation is an error.
 */
export async function deployProtocol(options: DeployProtocolOptions): Promise<DeployProtocolResult> {
  const { hre, connection, config } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const provider = connection.provider as unknown as EIP1193Provider;
  const client = createPublicClient({ transport: custom(connection.provider) }) as PublicClient;
  const chainId = await client.getChainId();
  if (config.chainId !== undefined && config.chainId !== chainId)
    throw new DeployError(
      `config "${config.name}" is for chain ${config.chainId}, the network is chain ${chainId}`,
    );
  const dev = isDevChain(chainId);
  if (usesMocks(config) && !dev && config.chainId === undefined)
    throw new DeployError(
      `config "${config.name}" deploys mocks: refusing chain ${chainId} (not a dev chain)`,
    );

  const ephemeral = connection.networkConfig.type === "edr-simulated";
  const deploymentId = `chain-${chainId}`;
  const root = hre.config.paths.root;
  const deploymentsDir = options.deploymentsDir ?? join(root, "deployments");
  const ignitionDir = options.ignitionDir ?? join(hre.config.paths.ignition, "deployments");
  const journalDir = ephemeral ? undefined : join(ignitionDir, deploymentId);
  const bookFile = ephemeral ? undefined : addressBookPath(deploymentsDir, chainId);
  const genesis = await genesisHash(client);

  // A journal (or book) from another instance of this chain id cannot be resumed.
  let resetStaleDevChain = false;
  if (journalDir !== undefined && bookFile !== undefined) {
    const markerFile = join(journalDir, CHAIN_MARKER);
    const marker = existsSync(markerFile)
      ? (JSON.parse(readFileSync(markerFile, "utf8")) as { genesisHash?: string }).genesisHash
      : undefined;
    const previousBook = existsSync(bookFile) ? readAddressBook(bookFile) : undefined;
    const staleJournal = existsSync(journalDir) && marker !== genesis;
    const staleBook = previousBook !== undefined && previousBook.deployment.genesisHash !== genesis;
    if (staleJournal || staleBook) {
      if (!dev)
        throw new DeployError(
          `${staleJournal ? journalDir : bookFile} belongs to another chain instance (genesis hash differs); ` +
            "refusing to touch it on a non-development chain",
        );
      log(
        `Chain ${chainId} was restarted since the last deploy: discarding its old journal and address book`,
      );
      rmSync(journalDir, { recursive: true, force: true });
      rmSync(bookFile, { force: true });
      resetStaleDevChain = true;
    }
    if (marker !== genesis || resetStaleDevChain) {
      mkdirSync(journalDir, { recursive: true });
      writeFileSync(markerFile, `${JSON.stringify({ chainId, genesisHash: genesis }, null, 2)}\n`);
    }
  }

  await preflight(client, config, log);

  const accounts = (await connection.provider.request({ method: "eth_accounts" })) as string[];
  if (accounts.length === 0) throw new DeployError("the network has no account to deploy from");
  const deployer = getAddress(accounts[0]);
  const sent: Hash[] = [];
  const result = await deploy({
    // Only defined values: ignition-core spreads this config last, so an undefined key would erase its default.
    config: definedOnly({
      ...hre.config.ignition,
      maxRetries: connection.networkConfig.ignition.maxRetries,
      retryInterval: connection.networkConfig.ignition.retryInterval,
    }),
    provider,
    deploymentDir: journalDir,
    executionEventListener: progressListener(log, sent),
    artifactResolver: new HardhatArtifactResolver(hre.artifacts),
    ignitionModule: buildPerpProtocolModule(config),
    deploymentParameters: {},
    accounts,
    maxFeePerGasLimit: connection.networkConfig.ignition.maxFeePerGasLimit,
    maxPriorityFeePerGas: connection.networkConfig.ignition.maxPriorityFeePerGas,
  });
  if (result.type !== DeploymentResultType.SUCCESSFUL_DEPLOYMENT)
    throw new DeployError(errorDeploymentResultToExceptionMessage(result));

  const at = (futureName: string): Address => {
    const contract = result.contracts[`${PERP_PROTOCOL_MODULE_ID}#${futureName}`];
    if (contract === undefined) throw new DeployError(`the deployment has no ${futureName}`);
    return getAddress(contract.address);
  };
  const markets: AddressBookMarket[] = config.markets.map((m, marketId) => ({
    marketId,
    symbol: m.symbol,
    oracle: at(`Oracle_${m.symbol}`),
    feed: "mock" in m.feed ? at(`Feed_${m.symbol}`) : m.feed.address,
    mockFeed: "mock" in m.feed,
  }));

  // The deployment's first transaction (from the journal, which also covers earlier interrupted runs).
  const hashes =
    journalDir === undefined
      ? sent
      : (await listTransactions(journalDir, new HardhatArtifactResolver(hre.artifacts))).map(
          (t) => t.txHash as Hash,
        );
  const previous = bookFile === undefined ? undefined : readAddressBook(bookFile);
  let startBlock = previous?.startBlock;
  if (startBlock === undefined) {
    startBlock =
      hashes.length === 0
        ? Number(await client.getBlockNumber())
        : Number((await client.getTransactionReceipt({ hash: hashes[0] })).blockNumber);
  }

  const book: PerpAddressBook = {
    chainId,
    startBlock,
    contracts: {
      perpEngine: at("PerpEngine"),
      collateralVault: at("CollateralVault"),
      liquidityVault: at("LiquidityVault"),
      perpLens: at("PerpLens"),
      collateralToken: "mock" in config.collateral ? at("MockUSDC") : config.collateral.address,
      liquidationEngine: at("LiquidationEngine"),
      insuranceFund: at("InsuranceFund"),
    },
    markets,
    deployment: {
      config: config.name,
      genesisHash: genesis,
      deployer: previous?.deployment.deployer ?? deployer,
      ignitionDeploymentId: deploymentId,
      mockCollateral: "mock" in config.collateral,
    },
  };
  const addressBookWritten = bookFile === undefined ? false : writeAddressBook(bookFile, book);
  return {
    book,
    transactionsSent: sent.length,
    addressBookFile: bookFile,
    addressBookWritten,
    journalDir,
    deploymentId,
    resetStaleDevChain,
  };
}
