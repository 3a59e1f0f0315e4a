// The local faucet: the SDK's `faucet` action mints the local mock USDC to a wallet (and refuses, typed and before
// sending, a collateral token that is not the mock), and `npm run faucet -- <address> <amount>` (scripts/faucet.ts)
// parses its arguments and prints its help without a stack trace.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import { getAddress, type Address } from "viem";

import { deployLocalProtocol, type LocalProtocol } from "../../deploy/local-protocol.js";
import { FaucetUsageError, parseFaucetArgs, runFaucet } from "../../scripts/lib/faucet.js";
import {
  createPerpClient,
  defineDeployment,
  deploymentFromLocalProtocol,
  FaucetUnavailableError,
  parseUsdc,
  WalletRequiredError,
  ZeroAmountError,
  type PerpClient,
  type PerpDeployment,
} from "../../sdk/src/index.js";

const { viem, ethers } = await network.create();
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "scripts/faucet.ts"), ...args], {
      cwd: root,
      env: { ...process.env, PERP_RPC_URL: "http://127.0.0.1:1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

describe("SDK faucet (local mock USDC)", function () {
  this.timeout(120_000);

  let protocol: LocalProtocol;
  let deployment: PerpDeployment;
  let publicClient: Awaited<ReturnType<typeof viem.getPublicClient>>;
  let alice: PerpClient;
  let aliceAddress: Address;
  let bobAddress: Address;

  before(async function () {
    protocol = await deployLocalProtocol(ethers);
    publicClient = await viem.getPublicClient();
    const [, aliceWallet, bobWallet] = await viem.getWalletClients();
    deployment = await deploymentFromLocalProtocol(protocol, { chainId: await publicClient.getChainId() });
    alice = createPerpClient({ publicClient, walletClient: aliceWallet, deployment });
    aliceAddress = getAddress(aliceWallet.account.address);
    bobAddress = getAddress(bobWallet.account.address);
  });

  it("mints to the wallet's account, or to another one, and the USDC can be deposited", async function () {
    const minted = await alice.faucet({ amountUsdc: parseUsdc("1234.5") });
    expect(minted.account).to.equal(aliceAddress);
    expect(minted.amountUsdc).to.equal(1_234_500_000n);
    expect(await protocol.usdc.balanceOf(aliceAddress)).to.equal(1_234_500_000n);
    const forBob = await alice.faucet({ account: bobAddress, amountUsdc: 1n });
    expect([forBob.account, forBob.amountUsdc]).to.deep.equal([bobAddress, 1n]);
    expect(await protocol.usdc.balanceOf(bobAddress)).to.equal(1n);
    const deposited = await alice.deposit({ amountUsdc: parseUsdc("1234.5") });
    expect(deposited.amountUsd).to.equal(1_234_500_000_000_000_000_000n);
  });

  it("refuses, before sending, a zero amount, a read-only client and a collateral token that is not the mock", async function () {
    const nonce = await publicClient.getTransactionCount({ address: aliceAddress });
    const caught = async (run: () => Promise<unknown>) =>
      run().then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(await caught(() => alice.faucet({ amountUsdc: 0n }))).to.be.instanceOf(ZeroAmountError);
    const readOnly = createPerpClient({ publicClient, deployment });
    expect(await caught(() => readOnly.faucet({ amountUsdc: 1n }))).to.be.instanceOf(WalletRequiredError);
    // A deployment whose collateral is another token (here the liquidity vault's shares, an ERC-20 without an open
    // `mint(address, uint256)`): the simulation reverts, the faucet says why.
    const [, aliceWallet] = await viem.getWalletClients();
    const notMock = createPerpClient({
      publicClient,
      walletClient: aliceWallet,
      deployment: defineDeployment({
        ...deployment,
        contracts: { ...deployment.contracts, collateralToken: deployment.contracts.liquidityVault },
      }),
    });
    const refused = await caught(() => notMock.faucet({ amountUsdc: 1n }));
    expect(refused).to.be.instanceOf(FaucetUnavailableError);
    expect((refused as FaucetUnavailableError).token).to.equal(deployment.contracts.liquidityVault);
    expect((refused as FaucetUnavailableError).shortMessage).to.match(/only works with the local mock USDC/);
    expect(await publicClient.getTransactionCount({ address: aliceAddress })).to.equal(nonce);
  });

  it("parses `npm run faucet -- <address> <amount>` and mints with it", async function () {
    expect(parseFaucetArgs([bobAddress.toLowerCase(), "250.25"])).to.deep.equal({
      help: false,
      to: bobAddress,
      amountUsdc: 250_250_000n,
      rpc: undefined,
      deployment: undefined,
    });
    expect(parseFaucetArgs(["--help"])).to.deep.equal({ help: true });
    expect(parseFaucetArgs([bobAddress, "1", "--rpc", "http://x", "--deployment", "d.json"])).to.deep.include(
      {
        rpc: "http://x",
        deployment: "d.json",
      },
    );
    for (const bad of [
      [],
      [bobAddress],
      ["0x12", "1"],
      [bobAddress, "ten"],
      [bobAddress, "0"],
      [bobAddress, "1", "2"],
    ])
      expect(() => parseFaucetArgs(bad), bad.join(" ")).to.throw(FaucetUsageError);
    const before = await protocol.usdc.balanceOf(bobAddress);
    expect(await runFaucet(alice, bobAddress, parseUsdc("250.25"))).to.match(
      new RegExp(`^minted 250\\.25 USDC to ${bobAddress} \\(transaction 0x[0-9a-f]{64}\\)$`),
    );
    expect(await protocol.usdc.balanceOf(bobAddress)).to.equal(before + 250_250_000n);
  });

  it("prints its help, and a usage error without a stack trace", async function () {
    const help = await runCli(["--help"]);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/^Usage: npm run faucet -- <address> <amount>/);
    const bad = await runCli(["not-an-address", "5"]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/^faucet: "not-an-address" is not an address/);
    expect(bad.stderr).to.not.match(/\n\s+at /);
    const noNode = await runCli([bobAddress, "5"]);
    expect(noNode.code).to.equal(1);
    expect(noNode.stderr).to.match(/^faucet: no JSON-RPC node at http:\/\/127\.0\.0\.1:1/);
  });
});
