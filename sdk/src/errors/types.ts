import type { AbiParameterToPrimitiveType } from "viem";

import type { perpErrorsAbi } from "../abis/errors.js";

type PerpErrorsAbi = typeof perpErrorsAbi;
type ErrorItem<N extends string> = Extract<PerpErrorsAbi[number], { name: N }>;

/** The name of any custom error the protocol's contracts can revert with (from the generated ABIs). */
export type PerpContractErrorName = PerpErrorsAbi[number]["name"];

/** A contract error's arguments as an object keyed by the Solidity parameter names, typed from the ABI. */
export type PerpContractErrorArgs<N extends PerpContractErrorName> = {
  [P in ErrorItem<N>["inputs"][number] as P["name"]]: AbiParameterToPrimitiveType<P>;
};

/** What kind of failure a contract error is, for callers that handle groups of errors alike. */
export type PerpErrorCategory =
  | "margin"
  | "slippage"
  | "marketClosed"
  | "limit"
  | "oracle"
  | "liquidation"
  | "adl"
  | "authorization"
  | "input"
  | "token"
  | "admin"
  | "internal";
