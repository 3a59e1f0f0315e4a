// The address book a deployment writes to deployments/<chainId>.json: the SDK's `PerpDeployment` (chain id, start
// block, the contracts `createPerpClient` needs) plus what keepers and operators need besides (liquidation engine,
// insurance fund, each market's adapter and feed) and where it came from (the chain instance's genesis hash, the
// Ignition deployment). `defineDeployment` from the SDK accepts it as is and ignores the extra fields.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { getAddress, isAddress, type Address, type Hex } from "viem";

export interface AddressBookMarket {
  marketId: number;
  symbol: string;
  /** The market's `ChainlinkOracleAdapter`. */
  oracle: Address;
  /** The Chainlink feed behind it. */
  feed: Address;
  /** True when the feed is a `MockV3Aggregator` deployed for this chain (local networks). */
  mockFeed: boolean;
}

export interface PerpAddressBook {
  chainId: number;
  /** The block of the deployment's first transaction: event scans (SDK history, keeper discovery) start there. */
  startBlock: number;
  contracts: {
    perpEngine: Address;
    collateralVault: Address;
    liquidityVault: Address;
    perpLens: Address;
    collateralToken: Address;
    liquidationEngine: Address;
    insuranceFund: Address;
  };
  markets: AddressBookMarket[];
  deployment: {
    /** The deploy config's name. */
    config: string;
    /** Hash of block 0: tells a restarted local node (same chain id, new chain) from the one deployed to. */
    genesisHash: Hex;
    deployer: Address;
    /** The Ignition deployment (journal directory name). */
    ignitionDeploymentId: string;
    /** Whether USDC is a `MockUSDC` deployed for this chain. */
    mockCollateral: boolean;
  };
}

const CONTRACT_KEYS = [
  "perpEngine",
  "collateralVault",
  "liquidityVault",
  "perpLens",
  "collateralToken",
  "liquidationEngine",
  "insuranceFund",
] as const;

export class AddressBookError extends Error {
  override name = "AddressBookError";
}

/** Where the address book of `chainId` lives under `dir`. */
export const addressBookPath = (dir: string, chainId: number) => join(dir, `${chainId}.json`);

/** Checks a parsed address book (addresses checksummed). */
export function parseAddressBook(input: unknown, source = "address book"): PerpAddressBook {
  const book = input as Partial<PerpAddressBook> | null;
  const fail = (message: string): never => {
    throw new AddressBookError(`${source}: ${message}`);
  };
  if (book === null || typeof book !== "object") return fail("not an object");
  if (typeof book.chainId !== "number" || !Number.isSafeInteger(book.chainId) || book.chainId <= 0)
    fail("invalid chainId");
  if (typeof book.startBlock !== "number" || !Number.isSafeInteger(book.startBlock) || book.startBlock < 0)
    fail("invalid startBlock");
  const contracts = (book.contracts ?? {}) as Record<string, unknown>;
  const checked = {} as PerpAddressBook["contracts"];
  for (const key of CONTRACT_KEYS) {
    const value = contracts[key];
    if (typeof value !== "string" || !isAddress(value, { strict: false })) fail(`invalid contracts.${key}`);
    checked[key] = getAddress(value as string);
  }
  if (!Array.isArray(book.markets)) fail("invalid markets");
  if (book.deployment === undefined || typeof book.deployment.genesisHash !== "string")
    fail("invalid deployment");
  return { ...(book as PerpAddressBook), contracts: checked };
}

/** Reads and checks an address book; undefined when the file does not exist. */
export function readAddressBook(path: string): PerpAddressBook | undefined {
  if (!existsSync(path)) return undefined;
  return parseAddressBook(JSON.parse(readFileSync(path, "utf8")), path);
}

export const serializeAddressBook = (book: PerpAddressBook) => `${JSON.stringify(book, null, 2)}\n`;

/**
 * Writes the book (through a temporary file and a rename, so a reader never sees half a file) unless the file
 * already holds exactly this content. Returns whether it wrote.
 */
export function writeAddressBook(path: string, book: PerpAddressBook): boolean {
  const text = serializeAddressBook(book);
  if (existsSync(path) && readFileSync(path, "utf8") === text) return false;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
  return true;
}
