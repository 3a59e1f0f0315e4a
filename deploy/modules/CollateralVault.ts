import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The collateral vault on a network that has USDC: pass its address as the `usdc` parameter
 * (and optionally the admin as `owner`, default the deploying account).
 */
export default buildModule("CollateralVault", (m) => {
  const owner = m.getParameter("owner", m.getAccount(0));
  const usdc = m.getParameter<string>("usdc");
  const vault = m.contract("CollateralVault", [usdc, owner]);
  return { vault };
});
