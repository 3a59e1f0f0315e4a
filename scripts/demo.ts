// The main job: a full local run on Hardhat's in-process network (no node to start).
// It deploys the protocol with mock USDC, moves collateral through the vault and prints a report.
import { network } from "hardhat";

import { formatUsd, formatUsdc } from "./lib/format.js";

const { ethers } = await network.create();
const [deployer, alice, bob, router] = await ethers.getSigners();
const USDC = (whole: bigint) => whole * 1_000_000n;

let step = 0;
const progress = (text: string) => console.log(`[${++step}] ${text}`);

progress("Deploying mock USDC and the collateral vault");
const usdc = await ethers.deployContract("MockUSDC");
const vault = await ethers.deployContract("CollateralVault", [await usdc.getAddress(), deployer.address]);
const vaultAddress = await vault.getAddress();

progress("Funding traders with mock USDC");
for (const trader of [alice, bob]) {
  await (await usdc.mint(trader.address, USDC(10_000n))).wait();
  await (await usdc.connect(trader).approve(vaultAddress, ethers.MaxUint256)).wait();
}

progress("Alice deposits 2,500 USDC; Bob deposits 1,000.000001 USDC for himself and 400 for Alice");
await (await vault.connect(alice).deposit(USDC(2_500n))).wait();
await (await vault.connect(bob).deposit(USDC(1_000n) + 1n)).wait();
await (await vault.connect(bob).depositFor(alice.address, USDC(400n))).wait();

progress("Alice approves a router as operator; the router withdraws 150 USDC for her");
await (await vault.connect(alice).setOperator(router.address, true)).wait();
await (await vault.connect(router).withdrawFrom(alice.address, USDC(150n), alice.address)).wait();

progress("Bob withdraws everything he can");
await (await vault.connect(bob).withdraw(await vault.maxWithdraw(bob.address), bob.address)).wait();

console.log("\nReport");
console.log("account  collateral (USD, 18 dec)        withdrawable (USDC)  wallet (USDC)");
for (const [name, signer] of [
  ["alice", alice],
  ["bob", bob],
] as const) {
  const collateral = await vault.collateralOf(signer.address);
  const max = await vault.maxWithdraw(signer.address);
  const wallet = await usdc.balanceOf(signer.address);
  console.log(
    `${name.padEnd(8)} ${formatUsd(collateral).padStart(30)}  ${formatUsdc(max).padStart(19)}  ${formatUsdc(wallet).padStart(13)}`,
  );
}
console.log(`vault total collateral: ${formatUsd(await vault.totalCollateral())} USD`);
console.log(`vault USDC held:        ${formatUsdc(await usdc.balanceOf(vaultAddress))} USDC`);
console.log("\nDemo finished.");
