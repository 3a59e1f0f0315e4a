import type { Account, Chain, Client, Transport } from "viem";

import { perpActions, type PerpActions } from "./decorators/perpActions.js";
import { defineDeployment, type PerpDeployment } from "./deployment.js";
import { ChainMismatchError } from "./errors/validation.js";
import type { PerpClientBase } from "./clientBase.js";

export type { PerpClientBase } from "./clientBase.js";

/** The client `createPerpClient` returns: the base plus every read, write and event action. */
export type PerpClient = PerpClientBase & PerpActions;

/** Parameters of {@link createPerpClient}. */
export interface CreatePerpClientParameters {
  /** A viem public client for the deployment's chain. */
  publicClient: Client<Transport, Chain | undefined>;
  /** A viem wallet client with an account, for writes (optional: without it the client is read-only). */
  walletClient?: Client<Transport, Chain | undefined, Account | undefined>;
  /** The address book written by the deploy scripts for this chain (checked by `defineDeployment`). */
  deployment: PerpDeployment;
}

function withExtend<T extends object>(base: T): T & { extend: PerpClientBase["extend"] } {
  const extend = (decorator: (client: never) => object) => {
    const self = withExtend(base);
    return withExtend({ ...base, ...decorator(self as never) });
  };
  return { ...base, extend } as T & { extend: PerpClientBase["extend"] };
}

/**
 * Creates the SDK client: markets, accounts and the liquidity vault in one call each, trades with slippage
 * computed from the SDK's own fill-price math, collateral and liquidity moves with approvals, typed event
 * watchers and history queries, and contract errors decoded into typed errors.
 *
 * @throws ChainMismatchError if a client's chain is not the deployment's.
 *
 * @example
 * import { createPublicClient, createWalletClient, http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { hardhat } from "viem/chains";
 * import { createPerpClient, defineDeployment, parseSize } from "@perp/sdk";
 *
 * const transport = http("http://127.0.0.1:8545");
 * const perp = createPerpClient({
 *   publicClient: createPublicClient({ chain: hardhat, transport }),
 *   walletClient: createWalletClient({ chain: hardhat, transport, account: privateKeyToAccount(key) }),
 *   deployment: defineDeployment(addressBook),
 * });
 * const markets = await perp.getMarkets();
 * await perp.openPosition({ marketId: markets[0].marketId, side: "long", size: parseSize("1") });
 */
export function createPerpClient(parameters: CreatePerpClientParameters): PerpClient {
  const deployment = defineDeployment(parameters.deployment);
  for (const client of [parameters.publicClient, parameters.walletClient]) {
    const id = client?.chain?.id;
    if (id !== undefined && id !== deployment.chainId)
      throw new ChainMismatchError({ expected: deployment.chainId, actual: id });
  }
  const base = withExtend({
    publicClient: parameters.publicClient,
    walletClient: parameters.walletClient,
    deployment,
  }) as PerpClientBase;
  return base.extend(perpActions);
}
