// Sends the keeper's transactions with its own nonce bookkeeping: the nonce is read once from the node (pending
// count) and then counted locally, so several transactions go out back to back without waiting for each other;
// it is re-read after a nonce error or when a send's fate is unknown. With a local account each transaction is
// signed once and the same bytes are re-sent on transport errors, so a retry can never create a second
// transaction: "already known" or "nonce too low" for our own hash counts as sent.
import {
  keccak256,
  type Account,
  type Chain,
  type Client,
  type Hash,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
} from "viem";
import {
  getTransaction,
  getTransactionCount,
  prepareTransactionRequest,
  sendRawTransaction,
  sendTransaction,
  signTransaction,
  waitForTransactionReceipt,
} from "viem/actions";

import type { Logger } from "./logger.js";
import { withRetry, type RetryOptions } from "./retry.js";

export type KeeperWalletClient = Client<Transport, Chain | undefined, Account>;

export interface TransactionRequest {
  to: Hex;
  data: Hex;
  /** Gas limit (the caller's estimate with headroom). */
  gas: bigint;
  /** What it is, for the logs. */
  label: string;
}

const NONCE_ERROR =
  /nonce too low|nonce has already been used|already known|replacement transaction underpriced|known transaction|nonce too high|invalid nonce/i;

function messageOf(error: unknown): string {
  const parts: string[] = [];
  for (
    let e = error as { message?: unknown; details?: unknown; cause?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (typeof e.message === "string") parts.push(e.message);
    if (typeof e.details === "string") parts.push(e.details);
    if (parts.length > 8) break;
  }
  return parts.join(" | ");
}

export const isNonceError = (error: unknown) => NONCE_ERROR.test(messageOf(error));

export class TransactionSender {
  readonly #publicClient: PublicClient;
  readonly #wallet: KeeperWalletClient;
  readonly #logger: Logger;
  readonly #retry: RetryOptions;
  #nonce: number | undefined;

  constructor(params: {
    publicClient: PublicClient;
    walletClient: KeeperWalletClient;
    logger: Logger;
    retry?: RetryOptions;
  }) {
    this.#publicClient = params.publicClient;
    this.#wallet = params.walletClient;
    this.#logger = params.logger;
    this.#retry = params.retry ?? {};
  }

  get address() {
    return this.#wallet.account.address;
  }

  /** Forgets the local nonce: the next send reads the pending count from the node. */
  resync() {
    this.#nonce = undefined;
  }

  async #nextNonce(): Promise<number> {
    if (this.#nonce === undefined) {
      this.#nonce = await withRetry(
        () => getTransactionCount(this.#publicClient, { address: this.address, blockTag: "pending" }),
        this.#retry,
      );
      this.#logger.debug("nonce-synced", { nonce: this.#nonce });
    }
    return this.#nonce;
  }

  /** Broadcasts one transaction (not waiting for it to be mined) and returns its hash. */
  async send(request: TransactionRequest): Promise<Hash> {
    for (let attempt = 1; ; attempt++) {
      const nonce = await this.#nextNonce();
      try {
        const hash =
          this.#wallet.account.type === "local"
            ? await this.#sendSigned(request, nonce)
            : await withRetry(
                () =>
                  sendTransaction(this.#wallet, {
                    account: this.#wallet.account,
                    chain: this.#wallet.chain,
                    to: request.to,
                    data: request.data,
                    gas: request.gas,
                    nonce,
                  }),
                { ...this.#retry, retries: 0 },
              );
        this.#nonce = nonce + 1;
        this.#logger.debug("tx-sent", { label: request.label, hash, nonce });
        return hash;
      } catch (error) {
        this.resync();
        if (attempt === 1 && isNonceError(error)) {
          this.#logger.warn("nonce-resync", { label: request.label, nonce, error });
          continue;
        }
        throw error;
      }
    }
  }

  async #sendSigned(request: TransactionRequest, nonce: number): Promise<Hash> {
    const prepared = await withRetry(
      () =>
        prepareTransactionRequest(this.#wallet, {
          account: this.#wallet.account,
          chain: this.#wallet.chain,
          to: request.to,
          data: request.data,
          gas: request.gas,
          nonce,
          parameters: ["fees", "chainId", "type"],
        }),
      this.#retry,
    );
    const serializedTransaction = await signTransaction(this.#wallet, prepared as never);
    const hash = keccak256(serializedTransaction);
    await withRetry(async () => {
      try {
        await sendRawTransaction(this.#publicClient, { serializedTransaction });
      } catch (error) {
        // A previous attempt may have reached the node although its answer was lost.
        if (
          isNonceError(error) &&
          (await getTransaction(this.#publicClient, { hash }).catch(() => null)) !== null
        )
          return;
        throw error;
      }
    }, this.#retry);
    return hash;
  }

  /** Waits for a transaction's receipt (retrying transport errors). */
  async wait(hash: Hash, timeoutMs = 120_000): Promise<TransactionReceipt> {
    return await withRetry(
      () => waitForTransactionReceipt(this.#publicClient, { hash, timeout: timeoutMs }),
      this.#retry,
    );
  }
}
