import {
  executeAdl,
  type ExecuteAdlParameters,
  type ExecuteAdlReturnType,
} from "../actions/keeper/executeAdl.js";
import {
  liquidate,
  type LiquidateParameters,
  type LiquidateReturnType,
} from "../actions/keeper/liquidate.js";
import {
  requestPnlReduction,
  type RequestPnlReductionParameters,
  type RequestPnlReductionReturnType,
} from "../actions/keeper/requestPnlReduction.js";
import {
  rotateAdl,
  type RotateAdlParameters,
  type RotateAdlReturnType,
} from "../actions/keeper/rotateAdl.js";
import {
  submitAdlCandidate,
  type SubmitAdlCandidateParameters,
  type SubmitAdlCandidateReturnType,
} from "../actions/keeper/submitAdlCandidate.js";
import {
  sweepInsuranceFees,
  type SweepInsuranceFeesParameters,
  type SweepInsuranceFeesReturnType,
} from "../actions/keeper/sweepInsuranceFees.js";
import type { PerpClientBase } from "../clientBase.js";

/**
 * A keeper's writes, all permissionless: liquidation, auto-deleveraging (candidates, execution, rotation of a stuck
 * request), pnl-factor reductions and the insurance-fee sweep. Each needs the client's wallet.
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
  };
}
