// Entry for ethers v6 users ("@perp/sdk/ethers"): the TypeChain-generated typed contracts and factories of the
// protocol's contracts. TypeChain writes them to types/ethers-contracts on `hardhat build`; the package build
// compiles the ones re-exported here into dist (see sdk/README.md). Requires `ethers` v6 as a peer dependency.
export type { CollateralVault } from "../../types/ethers-contracts/contracts/CollateralVault.js";
export type { LiquidityVault } from "../../types/ethers-contracts/contracts/LiquidityVault.js";
export type { LiquidationEngine } from "../../types/ethers-contracts/contracts/LiquidationEngine.js";
export type { InsuranceFund } from "../../types/ethers-contracts/contracts/InsuranceFund.js";
export type { PerpEngine } from "../../types/ethers-contracts/contracts/PerpEngine.js";
export type { PerpLens } from "../../types/ethers-contracts/contracts/lens/PerpLens.js";
export type { ChainlinkOracleAdapter } from "../../types/ethers-contracts/contracts/oracles/ChainlinkOracleAdapter.js";
export type { ICollateralVault } from "../../types/ethers-contracts/contracts/interfaces/ICollateralVault.js";
export type { ILiquidityVault } from "../../types/ethers-contracts/contracts/interfaces/ILiquidityVault.js";
export type { IOracleAdapter } from "../../types/ethers-contracts/contracts/interfaces/IOracleAdapter.js";
export type { IPerpEngine } from "../../types/ethers-contracts/contracts/interfaces/IPerpEngine.js";
export type { ILiquidationEngine } from "../../types/ethers-contracts/contracts/interfaces/ILiquidationEngine.sol/ILiquidationEngine.js";
export type { IAutoDeleveraging } from "../../types/ethers-contracts/contracts/interfaces/IAutoDeleveraging.js";
export type { IInsuranceFund } from "../../types/ethers-contracts/contracts/interfaces/IInsuranceFund.js";
export { CollateralVault__factory } from "../../types/ethers-contracts/factories/contracts/CollateralVault__factory.js";
export { LiquidityVault__factory } from "../../types/ethers-contracts/factories/contracts/LiquidityVault__factory.js";
export { LiquidationEngine__factory } from "../../types/ethers-contracts/factories/contracts/LiquidationEngine__factory.js";
export { InsuranceFund__factory } from "../../types/ethers-contracts/factories/contracts/InsuranceFund__factory.js";
export { PerpEngine__factory } from "../../types/ethers-contracts/factories/contracts/PerpEngine__factory.js";
export { PerpLens__factory } from "../../types/ethers-contracts/factories/contracts/lens/PerpLens__factory.js";
export { ChainlinkOracleAdapter__factory } from "../../types/ethers-contracts/factories/contracts/oracles/ChainlinkOracleAdapter__factory.js";
export { ICollateralVault__factory } from "../../types/ethers-contracts/factories/contracts/interfaces/ICollateralVault__factory.js";
export { ILiquidityVault__factory } from "../../types/ethers-contracts/factories/contracts/interfaces/ILiquidityVault__factory.js";
export { IOracleAdapter__factory } from "../../types/ethers-contracts/factories/contracts/interfaces/IOracleAdapter__factory.js";
export { IPerpEngine__factory } from "../../types/ethers-contracts/factories/contracts/interfaces/IPerpEngine__factory.js";
export { ILiquidationEngine__factory } from "../../types/ethers-contracts/factories/contracts/interfaces/ILiquidationEngine.sol/ILiquidationEngine__factory.js";
export { IAutoDeleveraging__factory } from "../../types/ethers-contracts/factories/contracts/interfaces/IAutoDeleveraging__factory.js";
export { IInsuranceFund__factory } from "../../types/ethers-contracts/factories/contracts/interfaces/IInsuranceFund__factory.js";
export type {
  TypedContractEvent,
  TypedDeferredTopicFilter,
  TypedEventLog,
  TypedListener,
} from "../../types/ethers-contracts/common.js";
