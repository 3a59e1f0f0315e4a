import { expect } from "chai";
import { network } from "hardhat";

import CollateralVaultModule from "../../deploy/modules/CollateralVault.js";
import LocalCollateralVaultModule from "../../deploy/modules/LocalCollateralVault.js";

const { ethers, ignition } = await network.create();

describe("deploy modules", function () {
  it("local module deploys mock USDC and a vault bound to it, owned by the deployer", async function () {
    const [deployer] = await ethers.getSigners();
    const { usdc, vault } = await ignition.deploy(LocalCollateralVaultModule);
    expect(await vault.token()).to.equal(await usdc.getAddress());
    expect(await vault.owner()).to.equal(deployer.address);
    expect(await usdc.decimals()).to.equal(6n);
  });

  it("network module binds the vault to the given USDC and owner", async function () {
    const [, admin] = await ethers.getSigners();
    const usdc = await ethers.deployContract("MockUSDC");
    const { vault } = await ignition.deploy(CollateralVaultModule, {
      parameters: { CollateralVault: { usdc: await usdc.getAddress(), owner: admin.address } },
    });
    expect(await vault.token()).to.equal(await usdc.getAddress());
    expect(await vault.owner()).to.equal(admin.address);
  });
});
