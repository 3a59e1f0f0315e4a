import { expect } from "chai";
import { network } from "hardhat";

import { toTokenDown, toTokenUp, toUsd } from "../../sdk/src/index.js";

const { ethers } = await network.create();

describe("sdk/math/tokenUnits", function () {
  it("converts exactly and rounds in the named direction at ±1 wei", function () {
    expect(toUsd(1n)).to.equal(10n ** 12n);
    expect(toTokenDown(10n ** 12n - 1n)).to.equal(0n);
    expect(toTokenDown(10n ** 12n)).to.equal(1n);
    expect(toTokenUp(10n ** 12n + 1n)).to.equal(2n);
    expect(toTokenUp(10n ** 12n)).to.equal(1n);
    expect(toTokenUp(0n)).to.equal(0n);
    expect(() => toUsd(-1n)).to.throw(RangeError);
  });

  it("matches the vault's maxWithdraw for balances that are not whole token units", async function () {
    const [owner, alice, bob] = await ethers.getSigners();
    const usdc = await ethers.deployContract("MockUSDC");
    const vault = await ethers.deployContract("CollateralVault", [await usdc.getAddress(), owner.address]);
    await vault.setBalanceManager(owner.address, true);
    await usdc.mint(alice.address, 10_000_000n);
    await usdc.connect(alice).approve(await vault.getAddress(), 10_000_000n);
    await vault.connect(alice).deposit(10_000_000n);
    for (const moved of [1n, 999_999_999_999n, 1_000_000_000_001n, 3_141_592_653_589_793n]) {
      await vault.transferBalance(alice.address, bob.address, moved);
      const bobUsd = await vault.collateralOf(bob.address);
      expect(await vault.maxWithdraw(bob.address)).to.equal(toTokenDown(bobUsd));
      expect(await vault.maxWithdraw(alice.address)).to.equal(
        toTokenDown(await vault.collateralOf(alice.address)),
      );
    }
  });
});
