import {
  executeAdl,
  type ExecuteAdlParameters,
  type ExecuteAdlReturnType,
  simulateExecuteAdl,
  type SimulateExecuteAdlParameters,
  type SimulateExecuteAdlReturnType,
} from "../actions/keeper/executeAdl.js";
import {
  estimateLiquidateGas,
  type EstimateLiquidateGasParameters,
  type EstimateLiquidateGasReturnType,
  liquidate,
  type LiquidateParameters,
  type LiquidateReturnType,
  simulateLiquidate,
  type SimulateLiquidateParameters,
  type SimulateLiquidateReturnType,
} from "../actions/keeper/liquidate.js";
import {
  requestPnlReduction,
  type RequestPnlReductionParameters,
  type RequestPnlReductionReturnType,
  simulateRequestPnlReduction,
  type SimulateRequestPnlReductionParameters,
  type SimulateRequestPnlReductionReturnType,
} from "../actions/keeper/requestPnlReduction.js";
import {
  rotateAdl,
  type RotateAdlParameters,
  type RotateAdlReturnType,
  simulateRotateAdl,
  type SimulateRotateAdlParameters,
  type SimulateRotateAdlReturnType,
} from "../actions/keeper/rotateAdl.js";
import {
  submitAdlCandidate,
  type SubmitAdlCandidateParameters,
  type SubmitAdlCandidateReturnType,
  simulateSubmitAdlCandidate,
  type SimulateSubmitAdlCandidateParameters,
  type SimulateSubmitAdlCandidateReturnType,
} from "../actions/keeper/submitAdlCandidate.js";
import {
  sweepInsuranceFees,
  type SweepInsuranceFeesParameters,
  type SweepInsuranceFeesReturnType,
  simulateSweepInsuranceFees,
  type SimulateSweepInsuranceFeesParameters,
  type SimulateSweepInsuranceFeesReturnType,
} from "../actions/keeper/sweepInsuranceFees.js";
import type { PerpClientBase } from "../clientBase.js";

/**
 * A keeper's writes, all permissionless: liquidation, auto-deleveraging (candidates, execution, rotation of a stuck
 * request), pnl-factor reductions and the insurance-fee sweep, each with its `simulate…` step, and the liquidation's
 * gas estimate. Each needs the client's wallet (`estimateLiquidateGas` only without `from`).
 */
export interface PerpKeeperActions {
  /** See {@link liquidate}. */
  liquidate: (parameters: LiquidateParameters) => Promise<LiquidateReturnType>;
  /** See {@link submitAdlCandidate}. */
  submitAdlCandidate: (parameters: SubmitAdlCandidateParameters) => Promise<SubmitAdlCandidateReturnType>;
  /** See {@link executeAdl}. */
  executeAdl: (parameters?: ExecuteAdlParameters) => Promise<ExecuteAdlReturnType>;
  /** See {@link rotateAdl}. */
  rotateAdl: (parameters?: RotateAdlParameters) => Promise<RotateAdlReturnType>;
  /** See {@link requestPnlReduction}. */
  requestPnlReduction: (parameters?: RequestPnlReductionParameters) => Promise<RequestPnlReductionReturnType>;
  /** See {@link sweepInsuranceFees}. */
  sweepInsuranceFees: (parameters?: SweepInsuranceFeesParameters) => Promise<SweepInsuranceFeesReturnType>;
  /** See {@link simulateLiquidate}. */
  simulateLiquidate: (parameters: SimulateLiquidateParameters) => Promise<SimulateLiquidateReturnType>;
  /** See {@link estimateLiquidateGas}. */
  estimateLiquidateGas: (
    parameters: EstimateLiquidateGasParameters,
  ) => Promise<EstimateLiquidateGasReturnType>;
  /** See {@link simulateSubmitAdlCandidate}. */
  simulateSubmitAdlCandidate: (
    parameters: SimulateSubmitAdlCandidateParameters,
  ) => Promise<SimulateSubmitAdlCandidateReturnType>;
  /** See {@link simulateExecuteAdl}. */
  simulateExecuteAdl: (parameters?: SimulateExecuteAdlParameters) => Promise<SimulateExecuteAdlReturnType>;
  /** See {@link simulateRotateAdl}. */
  simulateRotateAdl: (parameters?: SimulateRotateAdlParameters) => Promise<SimulateRotateAdlReturnType>;
  /** See {@link simulateRequestPnlReduction}. */
  simulateRequestPnlReduction: (
    parameters?: SimulateRequestPnlReductionParameters,
  ) => Promise<SimulateRequestPnlReductionReturnType>;
  /** See {@link simulateSweepInsuranceFees}. */
  simulateSweepInsuranceFees: (
    parameters?: SimulateSweepInsuranceFeesParameters,
  ) => Promise<SimulateSweepInsuranceFeesReturnType>;
}

/**
 * The decorator of the keeper actions (`client.extend(perpKeeperActions)`): liquidation, ADL, rotation, pnl-factor
 * reductions and the fee sweep, each simulated before it is sent.
 */
export function perpKeeperActions(client: PerpClientBase): PerpKeeperActions {
  return {
    liquidate: (p) => liquidate(client, p),
    submitAdlCandidate: (p) => submitAdlCandidate(client, p),
    executeAdl: (p) => executeAdl(client, p),
    rotateAdl: (p) => rotateAdl(client, p),
    requestPnlReduction: (p) => requestPnlReduction(client, p),
    sweepInsuranceFees: (p) => sweepInsuranceFees(client, p),
    simulateLiquidate: (p) => simulateLiquidate(client, p),
    estimateLiquidateGas: (p) => estimateLiquidateGas(client, p),
    simulateSubmitAdlCandidate: (p) => simulateSubmitAdlCandidate(client, p),
    simulateExecuteAdl: (p) => simulateExecuteAdl(client, p),
    simulateRotateAdl: (p) => simulateRotateAdl(client, p),
    simulateRequestPnlReduction: (p) => simulateRequestPnlReduction(client, p),
    simulateSweepInsuranceFees: (p) => simulateSweepInsuranceFees(client, p),
  };
}
