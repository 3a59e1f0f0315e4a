import type { PerpClientBase } from "../clientBase.js";
import { perpKeeperActions, type PerpKeeperActions } from "./keeperActions.js";
import { perpPublicActions, type PerpPublicActions } from "./publicActions.js";
import { perpTestActions, type PerpTestActions } from "./testActions.js";
import { perpWalletActions, type PerpWalletActions } from "./walletActions.js";

export type { PerpEventActions, PerpReadActions } from "./publicActions.js";

/** Every write: a trader's and a liquidity provider's ({@link PerpWalletActions}) and a keeper's ({@link PerpKeeperActions}). */
export interface PerpWriteActions extends PerpWalletActions, PerpKeeperActions {}

/** Every action of the SDK, bound to a client. */
export type PerpActions = PerpPublicActions & PerpWalletActions & PerpKeeperActions & PerpTestActions;

/**
 * The decorator that binds every action to a client (`client.extend(perpActions)`); `createPerpClient` applies it.
 * It is the public, wallet, keeper and test (faucet) decorators together; each action is also exported as a plain
 * function taking the client first, for tree-shaking.
 */
export function perpActions(client: PerpClientBase): PerpActions {
  return {
    ...perpPublicActions(client),
    ...perpWalletActions(client),
    ...perpKeeperActions(client),
    ...perpTestActions(client),
  };
}
