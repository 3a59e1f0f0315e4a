/** Parameters shared by every SDK error. */
export interface PerpErrorParameters {
  /** The error this one wraps (a viem error, an RPC error…). */
  cause?: unknown;
  /** Technical details; defaults to the cause's message. */
  details?: string;
  /** Extra lines shown between the short message and the details (values, hints). */
  metaMessages?: string[];
}

/**
 * Base class of every error the SDK throws, shaped like viem's `BaseError`: a one-line `shortMessage`, optional
 * `metaMessages` and `details`, the original error as `cause`; `message` joins them.
 *
 * @example
 * try {
 *   await perp.openPosition({ marketId: 0n, side: "long", size: parseSize("1") });
 * } catch (e) {
 *   if (e instanceof PerpError) console.error(e.shortMessage);
 * }
 */
export class PerpError extends Error {
  override name = "PerpError";
  /** One line saying what went wrong. */
  readonly shortMessage: string;
  /** Technical details (often the cause's message). */
  readonly details: string;
  readonly metaMessages: string[] | undefined;

  constructor(shortMessage: string, args: PerpErrorParameters = {}) {
    const details =
      args.details ??
      (args.cause instanceof PerpError
        ? args.cause.details
        : args.cause instanceof Error
          ? ((args.cause as { shortMessage?: string }).shortMessage ?? args.cause.message)
          : "");
    const message = [
      shortMessage,
      ...(args.metaMessages?.length ? ["", ...args.metaMessages] : []),
      ...(details ? ["", `Details: ${details}`] : []),
    ].join("\n");
    super(message, args.cause === undefined ? undefined : { cause: args.cause });
    this.shortMessage = shortMessage;
    this.details = details;
    this.metaMessages = args.metaMessages;
  }

  /** The deepest error in the `cause` chain, or the first one for which `fn` returns true (null if none). */
  walk(): unknown;
  walk(fn: (err: unknown) => boolean): unknown;
  walk(fn?: (err: unknown) => boolean): unknown {
    return walkCause(this, fn);
  }
}

/** Walks `err`'s `cause` chain (see {@link PerpError.walk}). */
export function walkCause(err: unknown, fn?: (err: unknown) => boolean): unknown {
  let current: unknown = err;
  for (let depth = 0; depth < 32; depth++) {
    if (fn?.(current)) return current;
    const next = (current as { cause?: unknown } | null)?.cause;
    if (next === undefined || next === null || next === current) return fn ? null : current;
    current = next;
  }
  return fn ? null : current;
}
