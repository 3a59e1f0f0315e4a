// Who an account belongs to, for the keeper's reports and logs. The engine keys everything by address, so a
// sub-account (`CollateralVault.subAccount(owner, id)`, id ≥ 1) is an account like any other to the keeper; the vault
// records its owner at creation (`subAccountOwner(account)`: the owner, or the account itself when it is no
// sub-account). The keeper names both: `account`, `owner` and `subAccountId` (a plain account is its own owner's
// sub-account 0).
//
// Reads. The owners of the accounts a job is about to report on (underwater accounts, ADL's bankrupt account and
// candidates) are read together: one `eth_call` through Multicall3 (the chain's, else viem's deployless multicall,
// which needs nothing deployed), `OWNERS_PER_CALL` accounts per call. What was read stays true, so each account is read
// once per keeper process and kept: a sub-account's owner is recorded once, at its creation, before it can trade
// (nobody holds its key; only its owner and operators act for it), and an address that traded as a plain account would
// become a sub-account only through a 160-bit preimage of the derivation.
//
// The id is only for display. It is not read: a sub-account's address is the low 160 bits of
// keccak256(abi.encode(owner, id)) and ids are consecutive from 1, so it is found by deriving the owner's addresses
// from id 1 up (`LOCAL_SEARCH` of them, a few milliseconds); only an owner with more sub-accounts than that costs one
// more read, `subAccountCount(owner)`, the bound of the search.
import { getAddress, type Address, type PublicClient } from "viem";
import { multicall, readContract } from "viem/actions";

import { collateralVaultAbi, subAccountAddress, type PerpClient } from "../../../sdk/src/index.js";
import type { Logger } from "./logger.js";

/** What the directory reads through: the part of the keeper's context it uses (the context holds the directory). */
export interface DirectoryContext {
  readonly perp: PerpClient;
  readonly publicClient: PublicClient;
  readonly log: Logger;
  retry<T>(what: string, fn: () => Promise<T>): Promise<T>;
}

/** An account's owner and its id among the owner's sub-accounts (0: the owner's own address). */
export interface AccountOwner {
  owner: Address;
  subAccountId: bigint;
}

/** Owners read per `eth_call`. */
export const OWNERS_PER_CALL = 500;
/** Sub-account ids derived locally before the owner's count is read. */
export const LOCAL_SEARCH = 1024n;

/** The owners of the accounts the keeper reports on, read once each and kept. */
export class SubAccountDirectory {
  readonly #known = new Map<Address, AccountOwner>();
  /** Per owner: its sub-accounts derived so far (address → id) and the last id derived. */
  readonly #derived = new Map<Address, { upTo: bigint; ids: Map<Address, bigint> }>();
  readonly #localSearch: bigint;

  /** `localSearch`: ids derived before the owner's count is read (default {@link LOCAL_SEARCH}). */
  constructor(options: { localSearch?: bigint } = {}) {
    this.#localSearch = options.localSearch ?? LOCAL_SEARCH;
  }

  /** The owner and id of `account`, if {@link resolve} has read it. */
  get(account: Address): AccountOwner | undefined {
    return this.#known.get(getAddress(account));
  }

  /** `account` with its owner and id; throws if {@link resolve} has not read it (the jobs resolve first). */
  owned(account: Address): { account: Address } & AccountOwner {
    const o = this.get(account);
    if (o === undefined) throw new Error(`the owner of ${account} was not read`);
    return { account, ...o };
  }

  /**
   * `account`, its owner and its id as log or report fields (`prefix` names them after another role:
   * `victim`, `victimOwner`, `victimSubAccountId`). An account not resolved yet gets the address alone.
   */
  fields(account: Address, prefix?: string): Record<string, unknown> {
    const o = this.get(account);
    const name = (field: string) =>
      prefix === undefined ? field : `${prefix}${field[0].toUpperCase()}${field.slice(1)}`;
    return {
      [prefix ?? "account"]: account,
      ...(o === undefined ? {} : { [name("owner")]: o.owner, [name("subAccountId")]: o.subAccountId }),
    };
  }

  /**
   * Reads the owner of each of `accounts` not known yet (one multicall per {@link OWNERS_PER_CALL}, retried on
   * transport failures) and derives each sub-account's id. Throws when the node cannot answer.
   */
  async resolve(ctx: DirectoryContext, accounts: Iterable<Address>): Promise<void> {
    const missing = [...new Set([...accounts].map((a) => getAddress(a)))].filter((a) => !this.#known.has(a));
    if (missing.length === 0) return;
    const vault = ctx.perp.deployment.contracts.collateralVault;
    const deployless = ctx.publicClient.chain?.contracts?.multicall3 === undefined;
    for (let i = 0; i < missing.length; i += OWNERS_PER_CALL) {
      const chunk = missing.slice(i, i + OWNERS_PER_CALL);
      const owners = await ctx.retry("subAccountOwner", () =>
        multicall(ctx.publicClient, {
          contracts: chunk.map((account) => ({
            address: vault,
            abi: collateralVaultAbi,
            functionName: "subAccountOwner" as const,
            args: [account] as const,
          })),
          allowFailure: false,
          batchSize: 0,
          deployless,
        }),
      );
      for (const [j, account] of chunk.entries()) {
        const owner = getAddress(owners[j]);
        const subAccountId = owner === account ? 0n : await this.#idOf(ctx, owner, account);
        this.#known.set(account, { owner, subAccountId });
      }
    }
    ctx.log.debug("owners-read", { accounts: missing.length, known: this.#known.size });
  }

  /** The id of `account` among `owner`'s sub-accounts (the vault says it is one). */
  async #idOf(ctx: DirectoryContext, owner: Address, account: Address): Promise<bigint> {
    let d = this.#derived.get(owner);
    if (d === undefined) this.#derived.set(owner, (d = { upTo: 0n, ids: new Map() }));
    const search = (to: bigint) => {
      for (; d.upTo < to && !d.ids.has(account); ) {
        d.upTo++;
        d.ids.set(subAccountAddress(owner, d.upTo), d.upTo);
      }
      return d.ids.get(account);
    };
    const found = search(d.upTo > this.#localSearch ? d.upTo : this.#localSearch);
    if (found !== undefined) return found;
    const count = await ctx.retry("subAccountCount", () =>
      readContract(ctx.publicClient, {
        address: ctx.perp.deployment.contracts.collateralVault,
        abi: collateralVaultAbi,
        functionName: "subAccountCount",
        args: [owner],
      }),
    );
    const id = search(count);
    if (id === undefined)
      throw new Error(`${account}: the vault names ${owner} its owner but none of its ${count} sub-accounts`);
    return id;
  }
}
