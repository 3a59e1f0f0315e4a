import { expect } from "chai";
import { network } from "hardhat";

import type { CollateralVault, MockUSDC } from "../../types/ethers-contracts/index.js";

const { ethers, networkHelpers } = await network.create();

const USDC = (whole: bigint) => whole * 1_000_000n;
const USD = (whole: bigint) => whole * 10n ** 18n;

async function deployVault() {
  const [owner, alice, bob, router] = await ethers.getSigners();
  const usdc: MockUSDC = await ethers.deployContract("MockUSDC");
  const vault: CollateralVault = await ethers.deployContract("CollateralVault", [
    await usdc.getAddress(),
    owner.address,
  ]);
  await usdc.mint(alice.address, USDC(1_000n));
  await usdc.connect(alice).approve(await vault.getAddress(), ethers.MaxUint256);
  return { owner, alice, bob, router, usdc, vault };
}

describe("CollateralVault (ethers + TypeChain)", function () {
  it("credits 18-decimal USD for a 6-decimal deposit and emits Deposited", async function () {
    const { alice, usdc, vault } = await networkHelpers.loadFixture(deployVault);
    await expect(vault.connect(alice).deposit(USDC(250n) + 1n))
      .to.emit(vault, "Deposited")
      .withArgs(alice.address, alice.address, USDC(250n) + 1n, USD(250n) + 10n ** 12n);
    expect(await vault.collateralOf(alice.address)).to.equal(250_000_001_000_000_000_000n);
    expect(await vault.totalCollateral()).to.equal(250_000_001_000_000_000_000n);
    expect(await usdc.balanceOf(alice.address)).to.equal(749_999_999n);
  });

  it("lets an approved operator withdraw for the account, and nobody else", async function () {
    const { alice, bob, router, usdc, vault } = await networkHelpers.loadFixture(deployVault);
    await vault.connect(alice).deposit(USDC(100n));
    await expect(vault.connect(router).withdrawFrom(alice.address, USDC(1n), router.address))
      .to.be.revertedWithCustomError(vault, "NotAccountOrOperator")
      .withArgs(router.address, alice.address);

    await expect(vault.connect(alice).setOperator(router.address, true))
      .to.emit(vault, "OperatorSet")
      .withArgs(alice.address, router.address, true);
    await expect(vault.connect(router).withdrawFrom(alice.address, USDC(30n), bob.address))
      .to.emit(vault, "Withdrawn")
      .withArgs(router.address, alice.address, bob.address, USDC(30n), USD(30n));
    expect(await usdc.balanceOf(bob.address)).to.equal(USDC(30n));
    expect(await vault.collateralOf(alice.address)).to.equal(USD(70n));
  });

  it("refuses a withdrawal one unit above the balance, then allows the exact balance", async function () {
    const { alice, vault } = await networkHelpers.loadFixture(deployVault);
    await vault.connect(alice).deposit(USDC(5n));
    await expect(vault.connect(alice).withdraw(USDC(5n) + 1n, alice.address))
      .to.be.revertedWithCustomError(vault, "InsufficientWithdrawable")
      .withArgs(USD(5n) + 10n ** 12n, USD(5n));
    await vault.connect(alice).withdraw(USDC(5n), alice.address);
    expect(await vault.collateralOf(alice.address)).to.equal(0n);
    expect(await vault.maxWithdraw(alice.address)).to.equal(0n);
  });

  it("refuses a fee-on-transfer token deposit without crediting anything", async function () {
    const [owner, alice] = await ethers.getSigners();
    const fot = await ethers.deployContract("MockFeeOnTransferUSDC", [50n]); // 0.5 %
    const vault = await ethers.deployContract("CollateralVault", [await fot.getAddress(), owner.address]);
    await fot.mint(alice.address, USDC(200n));
    await fot.connect(alice).approve(await vault.getAddress(), ethers.MaxUint256);
    await expect(vault.connect(alice).deposit(USDC(200n)))
      .to.be.revertedWithCustomError(vault, "UnsupportedTokenBehaviour")
      .withArgs(USDC(200n), USDC(199n));
    expect(await vault.collateralOf(alice.address)).to.equal(0n);
    expect(await fot.balanceOf(alice.address)).to.equal(USDC(200n));
  });
});
