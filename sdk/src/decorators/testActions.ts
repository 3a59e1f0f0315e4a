import {
  faucet,
  simulateFaucet,
  type FaucetParameters,
  type FaucetReturnType,
  type SimulateFaucetParameters,
  type SimulateFaucetReturnType,
} from "../actions/test/faucet.js";
import type { PerpClientBase } from "../clientBase.js";

/** Local development helpers, as viem's test actions: the mock USDC faucet. */
export interface PerpTestActions {
  /** See {@link faucet}. */
  faucet: (parameters: FaucetParameters) => Promise<FaucetReturnType>;
  /** See {@link simulateFaucet}. */
  simulateFaucet: (parameters: SimulateFaucetParameters) => Promise<SimulateFaucetReturnType>;
}

/**
 * The decorator of the local development actions (`client.extend(perpTestActions)`): the faucet, which only works
 * when the deployment's collateral is the local mock USDC (`FaucetUnavailableError` otherwise).
 */
export function perpTestActions(client: PerpClientBase): PerpTestActions {
  return {
    faucet: (p) => faucet(client, p),
    simulateFaucet: (p) => simulateFaucet(client, p),
  };
}
