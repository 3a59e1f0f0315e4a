// The SDK's `deposit` sends nothing, its approval included, unless the deposit would go through: its own checks
// (amount, account, the wallet's USDC balance), then the deposit simulated as if the approval were mined (a state
// override of the token's allowance slot, found by asking the token), then the approval and the deposit. Each refusal
// is an exact typed error and the wallet's nonce is unchanged; a node without state overrides falls back to approving
// first.
import { expect } from "chai";
import { network } from "hardhat";
import {
  createPublicClient,
  custom,
  encodeAbiParameters,
  getAddress,
  keccak256,
  zeroAddress,
  type Address,
  type PublicClient,
} from "viem";
import { hardhat } from "viem/chains";

import type { LocalProtocol } from "../../deploy/local-protocol.js";
import { findAllowanceSlot } from "../../sdk/src/actions/internal/allowanceSlot.js";
import {
  createPerpClient,
  InsufficientBalanceError,
  PerpContractError,
  ZeroAddressError,
  ZeroAmountError,
  type PerpClient,
  type PerpDeployment,
} from "../../sdk/src/index.js";
import { localProtocolWithClients } from "./helpers/sdk-clients.js";

const connection = await network.create();
const { viem, ethers, networkHelpers } = connection;

const USDC = (whole: bigint) => whole * 1_000_000n;
/** The largest collateral a sub-account's record holds, int95 (18-decimal USD): 2^94 − 1. */
const SUB_ACCOUNT_MAX_USD = 2n ** 94n - 1n;
/** The largest deposit into an empty sub-account, USDC units: ⌊(2^94 − 1) / 10^12⌋. */
const SUB_ACCOUNT_MAX_USDC = SUB_ACCOUNT_MAX_USD / 10n ** 12n;

type Setup = {
  protocol: LocalProtocol;
  deployment: PerpDeployment;
  publicClient: PublicClient;
  alice: Address;
  aliceClient: PerpClient;
};

/** The local protocol; alice (signer #2) holds 1,000 USDC and has approved nothing. */
async function aliceWithUsdc(): Promise<Setup> {
  const { protocol, deployment, publicClient, clients, addresses } = await localProtocolWithClients(
    connection,
    {
      wallets: { alice: 2 },
      mint: { to: ["alice"], amountUsdc: USDC(1_000n) },
    },
  );
  return {
    protocol,
    deployment,
    publicClient: publicClient as PublicClient,
    alice: addresses.alice,
    aliceClient: clients.alice,
  };
}

describe("SDK deposit: nothing is sent unless the deposit would go through", function () {
  this.timeout(120_000);

  /** Runs `run`, expects it to throw, and checks that alice sent nothing (nonce) and approved nothing. */
  async function refused(s: Setup, run: () => Promise<unknown>, token?: string): Promise<unknown> {
    const nonce = await s.publicClient.getTransactionCount({ address: s.alice });
    const usdc = token ?? s.deployment.contracts.collateralToken;
    const allowanceOf = () =>
      s.publicClient.readContract({
        address: usdc as Address,
        abi: [
          {
            type: "function",
            name: "allowance",
            stateMutability: "view",
            inputs: [{ type: "address" }, { type: "address" }],
            outputs: [{ type: "uint256" }],
          },
        ] as const,
        functionName: "allowance",
        args: [s.alice, s.deployment.contracts.collateralVault],
      });
    const allowance = await allowanceOf();
    let caught: unknown;
    try {
      await run();
    } catch (e) {
      caught = e;
    }
    expect(caught, "expected the deposit to throw").to.not.equal(undefined);
    expect(await s.publicClient.getTransactionCount({ address: s.alice }), "nothing sent").to.equal(nonce);
    expect(await allowanceOf(), "nothing approved").to.equal(allowance);
    return caught;
  }

  it("refuses a zero amount, the zero address and more USDC than the wallet holds (±1), with typed errors", async function () {
    const s = await networkHelpers.loadFixture(aliceWithUsdc);
    const zero = await refused(s, () => s.aliceClient.deposit({ amountUsdc: 0n }));
    expect(zero).to.be.instanceOf(ZeroAmountError);
    expect((zero as ZeroAmountError).what).to.equal("deposit amount");

    const nobody = await refused(s, () => s.aliceClient.deposit({ amountUsdc: 1n, account: zeroAddress }));
    expect(nobody).to.be.instanceOf(ZeroAddressError);
    expect((nobody as ZeroAddressError).what).to.equal("deposit account");

    for (const run of [
      () => s.aliceClient.deposit({ amountUsdc: USDC(1_000n) + 1n }),
      () => s.aliceClient.simulateDeposit({ amountUsdc: USDC(1_000n) + 1n }),
    ]) {
      const short = await refused(s, run);
      expect(short).to.be.instanceOf(InsufficientBalanceError);
      expect((short as InsufficientBalanceError).params).to.deep.equal({
        token: s.deployment.contracts.collateralToken,
        holder: s.alice,
        balanceUsdc: USDC(1_000n),
        amountUsdc: USDC(1_000n) + 1n,
      });
    }

    // Exactly the balance: the approval, then the deposit.
    const nonce = await s.publicClient.getTransactionCount({ address: s.alice });
    const done = await s.aliceClient.deposit({ amountUsdc: USDC(1_000n) });
    expect([done.amountUsdc, done.approvalHash === undefined]).to.deep.equal([USDC(1_000n), false]);
    expect(await s.publicClient.getTransactionCount({ address: s.alice })).to.equal(nonce + 2);
    expect(await s.protocol.vault.collateralOf(s.alice)).to.equal(USDC(1_000n) * 10n ** 12n);
  });

  it("finds the token's allowance slot (OpenZeppelin's ERC20: the mapping at slot 1), and none on a contract without one", async function () {
    const s = await networkHelpers.loadFixture(aliceWithUsdc);
    const { collateralToken, collateralVault } = s.deployment.contracts;
    const inner = keccak256(encodeAbiParameters([{ type: "address" }, { type: "uint256" }], [s.alice, 1n]));
    const slot = keccak256(
      encodeAbiParameters([{ type: "address" }, { type: "bytes32" }], [collateralVault, inner]),
    );
    expect(
      await findAllowanceSlot(s.aliceClient, {
        token: collateralToken,
        owner: s.alice,
        spender: collateralVault,
      }),
    ).to.equal(slot);
    expect(
      await findAllowanceSlot(s.aliceClient, {
        token: collateralVault,
        owner: s.alice,
        spender: collateralVault,
      }),
    ).to.equal(undefined);
  });

  it("decodes the vault's refusal before approving: a sub-account's collateral above int95 (±1)", async function () {
    const s = await networkHelpers.loadFixture(aliceWithUsdc);
    const signer = await ethers.getSigner(s.alice);
    await (await s.protocol.vault.connect(signer).createSubAccount()).wait();
    const [sub] = await s.protocol.vault.subAccount(s.alice, 1n);
    await (await s.protocol.usdc.mint(s.alice, SUB_ACCOUNT_MAX_USDC + 1n)).wait();

    const over = await refused(s, () =>
      s.aliceClient.deposit({ amountUsdc: SUB_ACCOUNT_MAX_USDC + 1n, account: sub as Address }),
    );
    expect(over).to.be.instanceOf(PerpContractError);
    expect((over as PerpContractError<"SafeCastOverflowedIntDowncast">).errorName).to.equal(
      "SafeCastOverflowedIntDowncast",
    );
    expect((over as PerpContractError<"SafeCastOverflowedIntDowncast">).args).to.deep.equal({
      bits: 95,
      value: (SUB_ACCOUNT_MAX_USDC + 1n) * 10n ** 12n,
    });

    // One unit less fits: approved and deposited. One more unit after it does not, and costs nothing either.
    const done = await s.aliceClient.deposit({ amountUsdc: SUB_ACCOUNT_MAX_USDC, account: sub as Address });
    expect(done.amountUsd).to.equal(SUB_ACCOUNT_MAX_USDC * 10n ** 12n);
    const again = await refused(s, () => s.aliceClient.deposit({ amountUsdc: 1n, account: sub as Address }));
    expect((again as PerpContractError<"SafeCastOverflowedIntDowncast">).args).to.deep.equal({
      bits: 95,
      value: (SUB_ACCOUNT_MAX_USDC + 1n) * 10n ** 12n,
    });
  });

  it("decodes the vault's refusal of a fee-on-transfer token before approving; a node without state overrides approves first", async function () {
    const s = await networkHelpers.loadFixture(aliceWithUsdc);
    const [owner] = await ethers.getSigners();
    const fot = await ethers.deployContract("MockFeeOnTransferUSDC", [50n]); // 0.5 %
    const vault = await ethers.deployContract("CollateralVault", [await fot.getAddress(), owner.address]);
    await (await fot.mint(s.alice, USDC(200n))).wait();
    const deployment: PerpDeployment = {
      ...s.deployment,
      contracts: {
        ...s.deployment.contracts,
        collateralVault: getAddress(await vault.getAddress()),
        collateralToken: getAddress(await fot.getAddress()),
      },
    };
    const [, , wallet] = await viem.getWalletClients();
    const client = createPerpClient({ publicClient: s.publicClient, walletClient: wallet, deployment });
    const setup = { ...s, deployment };
    const error = await refused(setup, () => client.deposit({ amountUsdc: USDC(200n) }));
    expect(error).to.be.instanceOf(PerpContractError);
    expect((error as PerpContractError<"UnsupportedTokenBehaviour">).errorName).to.equal(
      "UnsupportedTokenBehaviour",
    );
    expect((error as PerpContractError<"UnsupportedTokenBehaviour">).args).to.deep.equal({
      expected: USDC(200n),
      actual: USDC(199n),
    });

    // A node that refuses state overrides: the checks, then the approval (sent), then the simulation's refusal.
    const noOverrides = createPublicClient({
      chain: hardhat,
      transport: custom({
        request: async (args: { method: string; params?: readonly unknown[] }) => {
          if (args.method === "eth_call" && (args.params?.length ?? 0) > 2)
            throw Object.assign(new Error("state overrides are not supported"), { code: -32602 });
          return await connection.provider.request(args);
        },
      }),
    }) as PublicClient;
    const fallback = createPerpClient({ publicClient: noOverrides, walletClient: wallet, deployment });
    const nonce = await s.publicClient.getTransactionCount({ address: s.alice });
    let late: unknown;
    try {
      await fallback.deposit({ amountUsdc: USDC(200n) });
    } catch (e) {
      late = e;
    }
    expect((late as PerpContractError).errorName).to.equal("UnsupportedTokenBehaviour");
    expect(await s.publicClient.getTransactionCount({ address: s.alice })).to.equal(nonce + 1);
    expect(await fot.allowance(s.alice, await vault.getAddress())).to.equal(USDC(200n));
  });
});
