// The SDK's integration tests' set-up: the local protocol on a test file's connection, its address book, one
// `PerpClient` per named wallet (Hardhat's accounts, by index) with its address, mock USDC for some of them; and the
// check that an action refused before sending sent nothing.
import { expect } from "chai";
import type { network } from "hardhat";
import { getAddress, type Address } from "viem";

import { deployLocalProtocol, type LocalProtocol } from "../../../deploy/local-protocol.js";
import {
  createPerpClient,
  deploymentFromLocalProtocol,
  type PerpClient,
  type PerpDeployment,
} from "../../../sdk/src/index.js";

type Connection = Awaited<ReturnType<typeof network.create>>;
export type TestPublicClient = Awaited<ReturnType<Connection["viem"]["getPublicClient"]>>;

export interface ProtocolWithClients<Name extends string> {
  protocol: LocalProtocol;
  publicClient: TestPublicClient;
  deployment: PerpDeployment;
  /** A client per name, with that wallet. */
  clients: Record<Name, PerpClient>;
  /** Each wallet's address, checksummed. */
  addresses: Record<Name, Address>;
}

/**
 * Deploys the local protocol and creates a client for each of `wallets` (name → index among Hardhat's accounts);
 * `startBlock` goes into the address book; each wallet in `mint.to` receives `mint.amountUsdc` of the mock USDC.
 */
export async function localProtocolWithClients<Name extends string>(
  connection: Connection,
  options: {
    wallets: Record<Name, number>;
    startBlock?: number;
    mint?: { to: readonly NoInfer<Name>[]; amountUsdc: bigint };
  },
): Promise<ProtocolWithClients<Name>> {
  const protocol = await deployLocalProtocol(connection.ethers);
  const publicClient = await connection.viem.getPublicClient();
  const walletClients = await connection.viem.getWalletClients();
  const deployment = await deploymentFromLocalProtocol(protocol, {
    chainId: await publicClient.getChainId(),
    startBlock: options.startBlock,
  });
  const names = Object.keys(options.wallets) as Name[];
  const wallet = (name: Name) => walletClients[options.wallets[name]];
  const clients = Object.fromEntries(
    names.map((name) => [name, createPerpClient({ publicClient, walletClient: wallet(name), deployment })]),
  ) as Record<Name, PerpClient>;
  const addresses = Object.fromEntries(
    names.map((name) => [name, getAddress(wallet(name).account.address)]),
  ) as Record<Name, Address>;
  for (const name of options.mint?.to ?? [])
    await (await protocol.usdc.mint(addresses[name], options.mint!.amountUsdc)).wait();
  return { protocol, publicClient, deployment, clients, addresses };
}

/**
 * `expectNothingSent(address, run)`: runs `run`, expects it to throw, checks that `address` sent no transaction and
 * no block was mined meanwhile, and returns what was thrown.
 */
export function nothingSentCheck(publicClient: TestPublicClient) {
  return async function expectNothingSent(address: Address, run: () => Promise<unknown>): Promise<unknown> {
    const nonce = await publicClient.getTransactionCount({ address });
    const block = await publicClient.getBlockNumber();
    let caught: unknown;
    try {
      await run();
    } catch (e) {
      caught = e;
    }
    expect(caught, "expected the action to throw").to.not.equal(undefined);
    expect(await publicClient.getTransactionCount({ address })).to.equal(nonce);
    expect(await publicClient.getBlockNumber()).to.equal(block);
    return caught;
  };
}
