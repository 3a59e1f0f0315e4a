/**
 * The address book of one deployment: which contracts the SDK talks to on which chain. Plain JSON (numbers and
 * address strings), so deploy scripts can write it to a file and dApps can import it.
 */
import { getAddress, isAddress, type Address } from "viem";

import { InvalidDeploymentError } from "./errors/validation.js";

/** The contracts of one deployment. */
export interface PerpContracts {
  /** `PerpEngine`: trading, markets, margin views. */
  perpEngine: Address;
  /** `CollateralVault`: USDC deposits and withdrawals of margin accounts. */
  collateralVault: Address;
  /** `LiquidityVault`: the ERC-4626 LP vault. */
  liquidityVault: Address;
  /** `LiquidationEngine`: liquidations, the liquidation config and preview, auto-deleveraging. */
  liquidationEngine: Address;
  /** `InsuranceFund`: the second layer of the loss waterfall (balance, bad debt covered, keeper top-ups). */
  insuranceFund: Address;
  /** `PerpLens`: one-call reads of markets, accounts, the LP vault, the insurance fund and pending ADL. */
  perpLens: Address;
  /** The collateral token (USDC, 6 decimals). */
  collateralToken: Address;
}

/** An address book for one chain, as the deploy scripts write it. */
export interface PerpDeployment {
  chainId: number;
  contracts: PerpContracts;
  /** The block the protocol was deployed at: event-history queries start there by default. */
  startBlock?: number;
}

const CONTRACT_KEYS = [
  "perpEngine",
  "collateralVault",
  "liquidityVault",
  "liquidationEngine",
  "insuranceFund",
  "perpLens",
  "collateralToken",
] as const satisfies readonly (keyof PerpContracts)[];

/**
 * Checks an address book (e.g. parsed from JSON) and returns it typed, addresses checksummed.
 * @throws InvalidDeploymentError if the chain id, a contract address or the start block is missing or invalid.
 *
 * @example
 * import book from "./deployments/31337.json" with { type: "json" };
 * const deployment = defineDeployment(book);
 */
export function defineDeployment(input: unknown): PerpDeployment {
  const book = input as Partial<PerpDeployment> | null;
  if (book === null || typeof book !== "object")
    throw new InvalidDeploymentError("The deployment must be an object.");
  if (typeof book.chainId !== "number" || !Number.isSafeInteger(book.chainId) || book.chainId <= 0)
    throw new InvalidDeploymentError(`Invalid chainId: ${String(book.chainId)}.`);
  const contracts = (book.contracts ?? {}) as Partial<Record<keyof PerpContracts, unknown>>;
  const checked = {} as PerpContracts;
  for (const key of CONTRACT_KEYS) {
    const value = contracts[key];
    if (typeof value !== "string" || !isAddress(value, { strict: false }))
      throw new InvalidDeploymentError(`Invalid or missing address for ${key}: ${String(value)}.`);
    checked[key] = getAddress(value);
  }
  if (book.startBlock !== undefined && (!Number.isSafeInteger(book.startBlock) || book.startBlock < 0))
    throw new InvalidDeploymentError(`Invalid startBlock: ${String(book.startBlock)}.`);
  return {
    chainId: book.chainId,
    contracts: checked,
    ...(book.startBlock === undefined ? {} : { startBlock: book.startBlock }),
  };
}

/** Anything with an address, such as an ethers v6 contract. */
export interface Addressable {
  getAddress(): Promise<string>;
}

/** The shape of `deployLocalProtocol`'s result (deploy/local-protocol.ts) that an address book needs. */
export interface LocalProtocolLike {
  usdc: Addressable;
  vault: Addressable;
  engine: Addressable;
  liquidityVault: Addressable;
  liquidationEngine: Addressable;
  insuranceFund: Addressable;
  lens: Addressable;
}

/**
 * The address book of a protocol deployed by `deployLocalProtocol` (deploy/local-protocol.ts).
 *
 * @example
 * const protocol = await deployLocalProtocol(ethers);
 * const deployment = await deploymentFromLocalProtocol(protocol, { chainId: 31337 });
 */
export async function deploymentFromLocalProtocol(
  protocol: LocalProtocolLike,
  options: { chainId: number; startBlock?: number },
): Promise<PerpDeployment> {
  return defineDeployment({
    chainId: options.chainId,
    startBlock: options.startBlock,
    contracts: {
      perpEngine: await protocol.engine.getAddress(),
      collateralVault: await protocol.vault.getAddress(),
      liquidityVault: await protocol.liquidityVault.getAddress(),
      liquidationEngine: await protocol.liquidationEngine.getAddress(),
      insuranceFund: await protocol.insuranceFund.getAddress(),
      perpLens: await protocol.lens.getAddress(),
      collateralToken: await protocol.usdc.getAddress(),
    },
  });
}
