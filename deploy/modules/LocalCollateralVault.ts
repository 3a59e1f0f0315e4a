import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/** The collateral vault on a local network, with a mock USDC deployed beside it. */
export default buildModule("LocalCollateralVault", (m) => {
  const owner = m.getParameter("owner", m.getAccount(0));
  const usdc = m.contract("MockUSDC");
  const vault = m.contract("CollateralVault", [usdc, owner]);
  return { usdc, vault };
});
