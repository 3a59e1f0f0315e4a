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
export { EventNotFoundError, PerpRpcError, toPerpError, TransactionRevertedError } from "./transaction.js";
export type { PerpRequestErrorType, PerpSendErrorType, PerpSimulateErrorType } from "./unions.js";
export {
  AccountRequiredError,
  ChainMismatchError,
  FaucetUnavailableError,
  InsufficientBalanceError,
  InvalidDeploymentError,
  InvalidLeverageError,
  InvalidOperatorExpiryError,
  InvalidOperatorPriceBoundError,
  InvalidSizeError,
  InvalidSlippageError,
  LeverageAboveTierError,
  LiquiditySlippageError,
  NoPositionError,
  NotionalAboveMaxTierError,
  PartialCloseBelowMinimumMarginError,
  PerpValidationError,
  TradeRejectedError,
  UnknownMarketError,
  WalletRequiredError,
  ZeroAddressError,
  ZeroAmountError,
} from "./validation.js";
export {
  ForeignSubAccountError,
  InsufficientFreeCollateralError,
  InvalidSweepTargetError,
  IsolatedOpenFailedError,
  NotIsolatedSubAccountError,
  SubAccountNotFreeError,
  UnknownSubAccountError,
} from "./subAccounts.js";
