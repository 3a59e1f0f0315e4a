// Retry with exponential backoff for RPC calls. Only transport-level failures are retried (connection refused or
// reset, HTTP errors, timeouts, rate limits, an unavailable node); a contract revert or a rejected transaction is
// an answer, not a failure, and is returned to the caller at once.
import {
  HttpRequestError,
  LimitExceededRpcError,
  ResourceUnavailableRpcError,
  SocketClosedError,
  TimeoutError,
  WebSocketRequestError,
} from "viem";

export interface RetryOptions {
  /** Attempts after the first (default 5). */
  retries?: number;
  /** First delay, ms (default 250); doubles each attempt, with ±50 % jitter. */
  baseDelayMs?: number;
  /** Longest delay, ms (default 10 s). */
  maxDelayMs?: number;
  /** Which errors to retry (default {@link isTransientRpcError}). */
  retryable?: (error: unknown) => boolean;
  /** Called before each wait. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Stops waiting (the last error is thrown). */
  signal?: AbortSignal;
  /** Randomness for the jitter (tests). */
  random?: () => number;
}

const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
]);
const TRANSIENT_TEXT =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up|fetch failed|network error|rate limit|too many requests/i;

/** The error and its `cause` chain. */
function* chain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  let current = error;
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

/** A failure to reach the node or get an answer from it, as opposed to an answer (a revert, a rejected tx). */
export function isTransientRpcError(error: unknown): boolean {
  for (const e of chain(error)) {
    if (
      e instanceof HttpRequestError ||
      e instanceof TimeoutError ||
      e instanceof SocketClosedError ||
      e instanceof WebSocketRequestError ||
      e instanceof LimitExceededRpcError ||
      e instanceof ResourceUnavailableRpcError
    )
      return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && TRANSIENT_CODES.has(code)) return true;
    if (code === 429 || code === -32005) return true;
    if (
      e instanceof Error &&
      !(e as { shortMessage?: unknown }).shortMessage &&
      TRANSIENT_TEXT.test(e.message)
    )
      return true;
  }
  return false;
}

/** Resolves after `ms`, or at once (rejecting) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The delay before attempt `attempt` (1-based). */
export function backoffDelay(attempt: number, options: RetryOptions = {}): number {
  const base = options.baseDelayMs ?? 250;
  const max = options.maxDelayMs ?? 10_000;
  const jitter = 0.5 + (options.random ?? Math.random)();
  return Math.min(max, Math.round(base * 2 ** (attempt - 1) * jitter));
}

/** Runs `fn`, retrying transient RPC failures with exponential backoff. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? 5;
  const retryable = options.retryable ?? isTransientRpcError;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt > retries || !retryable(error) || options.signal?.aborted) throw error;
      const delayMs = backoffDelay(attempt, options);
      options.onRetry?.({ attempt, delayMs, error });
      try {
        await sleep(delayMs, options.signal);
      } catch {
        throw error;
      }
    }
  }
}
