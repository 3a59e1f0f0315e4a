import type { Account, Chain, Client, Transport } from "viem";

import type { PerpDeployment } from "./deployment.js";

/** What every action receives: the viem clients and the address book. */
export interface PerpClientBase {
  /** Reads, event queries and receipts go through this client. */
  readonly publicClient: Client<Transport, Chain | undefined>;
  /** Writes are signed and sent by this client (its `account`); undefined for a read-only client. */
  readonly walletClient: Client<Transport, Chain | undefined, Account | undefined> | undefined;
  readonly deployment: PerpDeployment;
  /**
   * Returns a new client with the decorator's actions added, as viem's `client.extend`.
   * @example
   * const perp = createPerpClient({ publicClient, deployment }).extend((c) => ({
   *   ethMarket: () => getMarket(c, { marketId: 0n }),
   * }));
   */
  extend<const T extends object>(decorator: (client: this) => T): this & T;
}
