export { PerpError, walkCause, type PerpErrorParameters } from "./base.js";
export {
  decodePerpContractError,
  findRevertData,
  isPerpContractError,
  PerpContractError,
  type PerpContractErrorArgs,
  type PerpContractErrorName,
  type PerpErrorCategory,
} from "./contract.js";
export { contractErrorMessages } from "./messages.js";
export { PerpRpcError, toPerpError, TransactionRevertedError } from "./transaction.js";
export {
  AccountRequiredError,
  ChainMismatchError,
  InvalidDeploymentError,
  InvalidOperatorExpiryError,
  InvalidOperatorPriceBoundError,
  InvalidSizeError,
  LeverageAboveTierError,
  LiquiditySlippageError,
  NoPositionError,
  NotionalAboveMaxTierError,
  PartialCloseBelowMinimumMarginError,
  PerpValidationError,
  TradeRejectedError,
  UnknownMarketError,
  WalletRequiredError,
  ZeroAmountError,
} from "./validation.js";
