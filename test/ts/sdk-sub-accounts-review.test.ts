// Adversarial review of the SDK's isolated positions. `openIsolatedPosition` moves the collateral back when its trade
// "fails" after the collateral moved; a trade can be mined although the SDK saw it fail (an RPC that loses the
// receipt or its logs, a broadcast that timed out but went through). Here the public client's RPC strips the logs of
// the engine's receipts: the open is mined, `sendTrade` throws `EventNotFoundError`, and the SDK must not then sweep
// the open position's margin away. Before the fix it swept `withdrawableUsd`, leaving the position at its tier's
// initial margin (20x instead of the 2x asked for) and reported the open as failed with its collateral "moved back".
// Then: `closeIsolatedPosition` sweeps to no foreign account.
import { expect } from "chai";
import { network } from "hardhat";
import {
  createPublicClient,
  custom,
  decodeAbiParameters,
  encodeAbiParameters,
  getAddress,
  isAddressEqual,
  keccak256,
  toFunctionSelector,
  type Address,
  type EIP1193RequestFn,
} from "viem";

import { deployLocalProtocol, type LocalProtocol } from "../../deploy/local-protocol.js";
import {
  createPerpClient,
  deploymentFromLocalProtocol,
  EventNotFoundError,
  ForeignSubAccountError,
  InvalidSweepTargetError,
  IsolatedOpenFailedError,
  parseSize,
  parseUsdc,
  SubAccountNotFreeError,
  type PerpClient,
} from "../../sdk/src/index.js";
import { nothingSentCheck } from "./helpers/sdk-clients.js";

const { viem, ethers } = await network.create();

const E18 = 10n ** 18n;
const ETH = 0n;

describe("SDK isolated positions: adversarial review", function () {
  let protocol: LocalProtocol;
  let alice: PerpClient;
  let lossyAlice: PerpClient;
  let aliceAddress: Address;
  let bobAddress: Address;
  let sub: Address;
  let expectNothingSent: ReturnType<typeof nothingSentCheck>;

  before(async function () {
    protocol = await deployLocalProtocol(ethers);
    const publicClient = await viem.getPublicClient();
    const [, lpWallet, aliceWallet, bobWallet] = await viem.getWalletClients();
    expectNothingSent = nothingSentCheck(publicClient);
    bobAddress = getAddress(bobWallet.account.address);
    const deployment = await deploymentFromLocalProtocol(protocol, {
      chainId: await publicClient.getChainId(),
    });
    const lp = createPerpClient({ publicClient, walletClient: lpWallet, deployment });
    alice = createPerpClient({ publicClient, walletClient: aliceWallet, deployment });
    aliceAddress = getAddress(aliceWallet.account.address);
    for (const w of [lpWallet, aliceWallet])
      await (await protocol.usdc.mint(w.account.address, parseUsdc("10000000"))).wait();
    await lp.depositLiquidity({ assetsUsdc: parseUsdc("1000000") });
    await alice.deposit({ amountUsdc: parseUsdc("100000") });
    ({ address: sub } = await alice.createSubAccount());

    // The same chain through an RPC that returns the engine's receipts without their logs.
    const engine = deployment.contracts.perpEngine;
    const request = (async ({ method, params }: { method: string; params?: unknown }) => {
      const result = (await publicClient.request({ method, params } as never)) as Record<
        string,
        unknown
      > | null;
      if (method === "eth_getTransactionReceipt" && result !== null && typeof result.to === "string")
        if (isAddressEqual(result.to as Address, engine)) return { ...result, logs: [] };
      return result;
    }) as EIP1193RequestFn;
    const lossyPublic = createPublicClient({ chain: publicClient.chain, transport: custom({ request }) });
    lossyAlice = createPerpClient({ publicClient: lossyPublic, walletClient: aliceWallet, deployment });
  });

  // 10 ETH long from skew 0 at 3,000: fill 3,000 × (1 + 5 / 1,000,000) = 3,000.015, notional 30,000.15, collateral at
  // 2x 15,000.075 USDC, taker fee 5 bp = 15.000075: the sub-account holds 14,985.074925 after the open.
  it("never sweeps the margin of a position that opened although the SDK saw the trade fail", async function () {
    const crossBefore = await protocol.vault.collateralOf(aliceAddress);
    const err = await lossyAlice
      .openIsolatedPosition({ marketId: ETH, side: "long", size: parseSize("10"), leverage: 2n * E18 })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(IsolatedOpenFailedError);
    const failed = err as IsolatedOpenFailedError;
    expect(failed.subAccount).to.equal(sub);
    expect(failed.collateralUsd).to.equal(15_000_075n * 10n ** 15n);
    expect(failed.cause).to.be.instanceOf(EventNotFoundError);
    // The trade was mined: the position is open on the sub-account.
    expect((await protocol.engine.position(sub, ETH)).size).to.equal(10n * E18);
    // It keeps all its collateral (nothing swept), so it stays at the 2x asked for, and the error says so.
    expect(failed.swept).to.equal(false);
    expect(failed.sweepHash).to.equal(undefined);
    expect(await protocol.vault.collateralOf(sub)).to.equal(14_985_074_925n * 10n ** 12n);
    expect(await protocol.vault.collateralOf(aliceAddress)).to.equal(crossBefore - 15_000_075n * 10n ** 15n);
    // The owner can close it as usual.
    const closed = await alice.closeIsolatedPosition({ account: sub });
    expect(closed.closes.map((c) => c.newSize)).to.deep.equal([0n]);
    expect(await protocol.vault.collateralOf(sub)).to.equal(0n);
  });

  // The sweep goes only to an account of the same owner: not another owner's, and not the address of a sub-account the
  // owner has not created yet (its owner is itself until then). Refused before anything is sent.
  it("refuses, before sending, a sweep to a foreign account or to a sub-account not created yet", async function () {
    await alice.openIsolatedPosition({
      marketId: ETH,
      side: "long",
      size: parseSize("1"),
      leverage: 2n * E18,
    });
    const notCreated = getAddress(
      `0x${keccak256(encodeAbiParameters([{ type: "address" }, { type: "uint256" }], [aliceAddress, 9n])).slice(26)}`,
    );
    for (const to of [bobAddress, notCreated]) {
      const err = await expectNothingSent(aliceAddress, () =>
        alice.closeIsolatedPosition({ account: sub, to }),
      );
      expect(err).to.be.instanceOf(ForeignSubAccountError);
      expect((err as ForeignSubAccountError).actualOwner).to.equal(to);
    }
    expect((await protocol.engine.position(sub, ETH)).size).to.equal(E18);
  });

  it("refuses, before sending, a sweep of a sub-account into itself", async function () {
    const err = await expectNothingSent(aliceAddress, () =>
      alice.closeIsolatedPosition({ account: sub, to: sub }),
    );
    expect(err).to.be.instanceOf(InvalidSweepTargetError);
    expect((err as InvalidSweepTargetError).account).to.equal(sub);
  });

  // Two opens of one owner racing for the same free sub-account: the second one's pick is taken by the time it would
  // fund it. Here a deposit into the picked sub-account is mined right after the SDK reads the lens's pick (through an
  // RPC that runs it then): the open refuses before moving any collateral.
  it("refuses to fund a sub-account taken between its pick and its transfer", async function () {
    await alice.closeIsolatedPosition({ account: sub });
    const publicClient = await viem.getPublicClient();
    const [, , aliceWallet, bobWallet] = await viem.getWalletClients();
    const lens = await protocol.lens.getAddress();
    const pick = toFunctionSelector("function nextFreeSubAccount(address)");
    let injected = false;
    const request = (async ({ method, params }: { method: string; params?: unknown }) => {
      const result = await publicClient.request({ method, params } as never);
      const call = (params as [{ to?: string; data?: string }] | undefined)?.[0];
      if (
        !injected &&
        method === "eth_call" &&
        call?.to !== undefined &&
        isAddressEqual(call.to as Address, lens as Address) &&
        call.data?.startsWith(pick)
      ) {
        injected = true;
        const [, picked] = decodeAbiParameters(
          [{ type: "uint256" }, { type: "address" }, { type: "bool" }],
          result as `0x${string}`,
        );
        await (await protocol.usdc.mint(bobAddress, 1n)).wait();
        const bob = await ethers.getSigner(bobWallet.account.address);
        await (await protocol.usdc.connect(bob).approve(await protocol.vault.getAddress(), 1n)).wait();
        await (await protocol.vault.connect(bob).depositFor(picked, 1n)).wait();
      }
      return result;
    }) as EIP1193RequestFn;
    const racing = createPerpClient({
      publicClient: createPublicClient({ chain: publicClient.chain, transport: custom({ request }) }),
      walletClient: aliceWallet,
      deployment: alice.deployment,
    });
    const crossBefore = await protocol.vault.collateralOf(aliceAddress);
    const err = await racing
      .openIsolatedPosition({ marketId: ETH, side: "long", size: parseSize("1"), leverage: 2n * E18 })
      .catch((e: unknown) => e);
    expect(injected).to.equal(true);
    expect(err).to.be.instanceOf(SubAccountNotFreeError);
    expect((err as SubAccountNotFreeError).account).to.equal(sub);
    expect(await protocol.vault.collateralOf(aliceAddress)).to.equal(crossBefore);
    expect(await protocol.vault.collateralOf(sub)).to.equal(10n ** 12n); // the dust alone
  });
});
