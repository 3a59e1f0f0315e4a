import { decodeErrorResult, type Hex } from "viem";

import { perpErrorsAbi } from "../abis/errors.js";
import { PerpError, walkCause } from "./base.js";
import { contractErrorMessages } from "./messages.js";
import type { PerpContractErrorArgs, PerpContractErrorName, PerpErrorCategory } from "./types.js";

export type { PerpContractErrorArgs, PerpContractErrorName, PerpErrorCategory } from "./types.js";

/**
 * A contract custom error, decoded: `errorName` and `args` (named, typed from the ABI), a readable
 * `shortMessage`, a `category`, and the raw revert `data`. Narrow to one error with {@link PerpContractError.is}.
 *
 * @example
 * try {
 *   await perp.openPosition({ marketId: 0n, side: "long", size: parseSize("10"), acceptablePrice: 1n, validate: false });
 * } catch (e) {
 *   if (e instanceof PerpContractError && e.is("SlippageExceeded")) {
 *     console.log(e.args.fillPrice, e.args.acceptablePrice); // bigint, bigint
 *   }
 * }
 */
export class PerpContractError<N extends PerpContractErrorName = PerpContractErrorName> extends PerpError {
  override name = "PerpContractError";
  /** The Solidity error's name, e.g. `"InsufficientMargin"`. */
  readonly errorName: N;
  /** Its arguments by parameter name. */
  readonly args: PerpContractErrorArgs<N>;
  readonly category: PerpErrorCategory;
  /** The raw revert data. */
  readonly data: Hex;

  constructor(params: { errorName: N; args: PerpContractErrorArgs<N>; data: Hex; cause?: unknown }) {
    const entry = contractErrorMessages[params.errorName] as {
      category: PerpErrorCategory;
      message: (args: PerpContractErrorArgs<N>) => string;
    };
    const argLines = Object.entries(params.args as Record<string, unknown>).map(
      ([key, value]) => `  ${key}: ${String(value)}`,
    );
    super(entry.message(params.args), {
      cause: params.cause,
      metaMessages:
        argLines.length > 0 ? [`${params.errorName}(`, ...argLines, ")"] : [`${params.errorName}()`],
    });
    this.errorName = params.errorName;
    this.args = params.args;
    this.category = entry.category;
    this.data = params.data;
  }

  /** Whether this is the contract error `name` (narrows `args`). */
  is<M extends PerpContractErrorName>(name: M): this is PerpContractError<M> {
    return (this.errorName as string) === name;
  }
}

/** Whether `err` is a {@link PerpContractError}, optionally of one name (narrows its `args`). */
export function isPerpContractError<M extends PerpContractErrorName>(
  err: unknown,
  name?: M,
): err is PerpContractError<M> {
  return err instanceof PerpContractError && (name === undefined || err.errorName === name);
}

/**
 * Decodes revert data into a {@link PerpContractError}; undefined when it is not one of the protocol's custom
 * errors (a string reason, a panic, an unknown selector, empty data).
 */
export function decodePerpContractError(data: Hex, cause?: unknown): PerpContractError | undefined {
  if (data.length < 10) return undefined;
  try {
    const decoded = decodeErrorResult({ abi: perpErrorsAbi, data });
    const item = decoded.abiItem as { inputs: readonly { name: string }[] };
    const values = (decoded.args ?? []) as readonly unknown[];
    const args = Object.fromEntries(item.inputs.map((input, i) => [input.name, values[i]]));
    return new PerpContractError({
      errorName: decoded.errorName as PerpContractErrorName,
      args: args as PerpContractErrorArgs<PerpContractErrorName>,
      data,
      cause,
    });
  } catch {
    return undefined;
  }
}

const isHexData = (x: unknown): x is Hex => typeof x === "string" && /^0x[0-9a-fA-F]*$/.test(x);

/**
 * The revert data carried anywhere in an error's `cause` chain (viem's `ContractFunctionRevertedError.raw`,
 * `RawContractError.data`, or an RPC error's `data`), if any.
 */
export function findRevertData(err: unknown): Hex | undefined {
  let found: Hex | undefined;
  walkCause(err, (e) => {
    if (e === null || typeof e !== "object") return false;
    const { raw, data } = e as { raw?: unknown; data?: unknown };
    if (isHexData(raw) && raw.length >= 10) found = raw;
    else if (isHexData(data) && data.length >= 10) found = data;
    else if (data !== null && typeof data === "object" && isHexData((data as { data?: unknown }).data))
      found = (data as { data: Hex }).data;
    return found !== undefined;
  });
  return found;
}
