// The SDK's sub-account actions against the in-process network: listing and reading sub-accounts, creating them,
// moving collateral between them, and isolated positions in the RWA seed's shape (10 WATCH at 5x: the collateral,
// fill, fee and liquidation price computed by hand from the SPEC's formulas), closed with the collateral swept back
// and the sub-account reused; the typed refusals (unknown or foreign sub-account, leverage above the tier, a source
// that cannot pay) send nothing; an open that fails after its collateral moved gives the collateral back.
import { expect } from "chai";
import { network } from "hardhat";
import { encodeAbiParameters, getAddress, keccak256, type Address } from "viem";

import { deployLocalProtocol, type LocalProtocol } from "../../deploy/local-protocol.js";
import {
  createPerpClient,
  deploymentFromLocalProtocol,
  ForeignSubAccountError,
  InsufficientFreeCollateralError,
  InvalidLeverageError,
  isPerpContractError,
  IsolatedOpenFailedError,
  LeverageAboveTierError,
  NotIsolatedSubAccountError,
  parseSize,
  parseUsdc,
  UnknownSubAccountError,
  ZeroAmountError,
  type PerpClient,
} from "../../sdk/src/index.js";
import { nothingSentCheck } from "./helpers/sdk-clients.js";

const { viem, ethers } = await network.create();

const E18 = 10n ** 18n;
const ETH = 0n;
const WATCH = 4n;

/** Sub-account `id` of `owner`: the low 160 bits of keccak256(abi.encode(owner, id)) (the owner itself for id 0). */
const derive = (owner: Address, id: bigint) =>
  id === 0n
    ? owner
    : getAddress(
        `0x${keccak256(encodeAbiParameters([{ type: "address" }, { type: "uint256" }], [owner, id])).slice(26)}`,
      );

describe("SDK sub-accounts and isolated positions", function () {
  let protocol: LocalProtocol;
  let publicClient: Awaited<ReturnType<typeof viem.getPublicClient>>;
  let alice: PerpClient;
  let bob: PerpClient;
  let agent: PerpClient;
  let agentAddress: Address;
  let aliceAddress: Address;
  let bobAddress: Address;

  let expectNothingSent: ReturnType<typeof nothingSentCheck>;

  const collateral = (account: Address) => protocol.vault.collateralOf(account);

  before(async function () {
    protocol = await deployLocalProtocol(ethers);
    publicClient = await viem.getPublicClient();
    expectNothingSent = nothingSentCheck(publicClient);
    const [, lpWallet, aliceWallet, bobWallet, , agentWallet] = await viem.getWalletClients();
    const deployment = await deploymentFromLocalProtocol(protocol, {
      chainId: await publicClient.getChainId(),
    });
    const lp = createPerpClient({ publicClient, walletClient: lpWallet, deployment });
    alice = createPerpClient({ publicClient, walletClient: aliceWallet, deployment });
    bob = createPerpClient({ publicClient, walletClient: bobWallet, deployment });
    agent = createPerpClient({ publicClient, walletClient: agentWallet, deployment });
    agentAddress = getAddress(agentWallet.account.address);
    aliceAddress = getAddress(aliceWallet.account.address);
    bobAddress = getAddress(bobWallet.account.address);
    for (const w of [lpWallet, aliceWallet, bobWallet])
      await (await protocol.usdc.mint(w.account.address, parseUsdc("10000000"))).wait();
    // The open-interest-to-cash limit (half the vault's cash per side) lets 1.5M USD of WATCH open.
    await lp.depositLiquidity({ assetsUsdc: parseUsdc("4000000") });
    await alice.deposit({ amountUsdc: parseUsdc("1000000") });
    await bob.deposit({ amountUsdc: parseUsdc("1000") });
  });

  it("lists sub-account 0 alone before any is created, and refuses an unknown id", async function () {
    const subs = await alice.getSubAccounts();
    expect(subs.map((s) => [s.id, s.address, s.collateralUsd, s.free])).to.deep.equal([
      [0n, aliceAddress, 1_000_000n * E18, false],
    ]);
    expect(await alice.getNextFreeSubAccount()).to.deep.equal({
      id: 1n,
      address: derive(aliceAddress, 1n),
      exists: false,
    });
    const err = await alice.getSubAccount({ id: 1n }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(UnknownSubAccountError);
    expect((err as UnknownSubAccountError).owner).to.equal(aliceAddress);
    expect((err as UnknownSubAccountError).id).to.equal(1n);
    expect(await alice.getSubAccountOwner({ account: aliceAddress })).to.equal(aliceAddress);
  });

  it("creates sub-account 1 at its derived address, and moves collateral into it and back", async function () {
    const simulated = await alice.simulateCreateSubAccount();
    expect([simulated.id, simulated.address]).to.deep.equal([1n, derive(aliceAddress, 1n)]);
    const created = await alice.createSubAccount();
    expect([created.owner, created.id, created.address]).to.deep.equal([
      aliceAddress,
      1n,
      derive(aliceAddress, 1n),
    ]);
    expect(await alice.getSubAccountOwner({ account: created.address })).to.equal(aliceAddress);

    const moved = await alice.transferBetweenSubAccounts({
      to: created.address,
      amountUsd: 1_234n * E18 + 5n,
    });
    expect([moved.from, moved.to, moved.amountUsd]).to.deep.equal([
      aliceAddress,
      created.address,
      1_234n * E18 + 5n,
    ]);
    expect(await collateral(created.address)).to.equal(1_234n * E18 + 5n);
    expect(await collateral(aliceAddress)).to.equal(1_000_000n * E18 - 1_234n * E18 - 5n);
    // Every account-taking action accepts the sub-account: trade it, then read it.
    await alice.openPosition({ account: created.address, marketId: ETH, side: "long", size: parseSize("1") });
    const sub = await alice.getSubAccount({ id: 1n });
    expect(sub.positions.map((p) => [p.marketId, p.size])).to.deep.equal([[ETH, E18]]);
    expect(sub.free).to.equal(false);
    expect((await alice.getAccount({ account: created.address })).positions.length).to.equal(1);
    await alice.closePosition({ account: created.address, marketId: ETH });

    // "max" moves everything the flat sub-account holds back.
    const left = await collateral(created.address);
    const back = await alice.transferBetweenSubAccounts({
      from: created.address,
      to: aliceAddress,
      amountUsd: "max",
    });
    expect(back.amountUsd).to.equal(left);
    expect(await collateral(created.address)).to.equal(0n);
    expect((await alice.getSubAccount({ id: 1n })).free).to.equal(true);
  });

  it("refuses, before sending, a foreign destination, a zero amount and a foreign source", async function () {
    const mine = derive(aliceAddress, 1n);
    const foreign = await expectNothingSent(aliceAddress, () =>
      alice.transferBetweenSubAccounts({ to: bobAddress, amountUsd: E18 }),
    );
    expect(foreign).to.be.instanceOf(ForeignSubAccountError);
    expect([
      (foreign as ForeignSubAccountError).account,
      (foreign as ForeignSubAccountError).owner,
      (foreign as ForeignSubAccountError).actualOwner,
    ]).to.deep.equal([bobAddress, aliceAddress, bobAddress]);
    expect(
      await expectNothingSent(aliceAddress, () =>
        alice.transferBetweenSubAccounts({ to: mine, amountUsd: 0n }),
      ),
    ).to.be.instanceOf(ZeroAmountError);
    // Bob may not move Alice's collateral: the vault refuses it in the simulation.
    const stolen = await expectNothingSent(bobAddress, () =>
      bob.transferBetweenSubAccounts({ from: aliceAddress, to: mine, amountUsd: E18 }),
    );
    expect(isPerpContractError(stolen, "NotAccountOrOperator")).to.equal(true);
  });

  it("previews the seed's isolated long, 10 WATCH at 5x, to the wei of the SPEC's formulas", async function () {
    const p = await alice.previewIsolatedPosition({
      marketId: WATCH,
      side: "long",
      size: parseSize("10"),
      leverage: 5n * E18,
    });
    // From a zero skew the fill averages the premium over the skew path [0, 10] of a skew scale of 20,000: 5 / 20,000 =
    // 0.025 %, so 150,000 × 1.00025 = 150,037.5. Notional 1,500,375; collateral at 5x ⌈1,500,375 / 5⌉ = 300,075 USDC.
    expect(p.fillPrice).to.equal(150_037_500n * 10n ** 15n);
    expect(p.notionalUsd).to.equal(1_500_375n * E18);
    expect(p.collateralUsdc).to.equal(parseUsdc("300075"));
    expect(p.leverage).to.equal(5n * E18);
    // Taker fee 3 bp of the notional: 450.1125.
    expect(p.feeUsd).to.equal(4_501_125n * 10n ** 14n);
    // Long liquidated when 300,075 − 450.1125 − 1,500,375 + 10 P − 5 % × 10 P < 0 (tier 1 up to 2M of notional):
    // 9.5 P < 1,200,750.1125, P < 126,394.748684210526…: the highest liquidatable price just below it.
    // The MM rounds up and the value down, each by at most a wei of USD: within 10^-15 of the real root.
    expect(p.liquidationPrice).to.be.greaterThan(126_394_748_684_210n * 10n ** 9n);
    expect(p.liquidationPrice).to.be.lessThanOrEqual(126_394_748_684_210_526_315_789n);
    // Sized by collateral instead: the seed's 300,000 USDC for 10 units is 1,500,375 / 300,000 = 5.00125x.
    const seed = await alice.previewIsolatedPosition({
      marketId: WATCH,
      side: "long",
      size: parseSize("10"),
      collateralUsdc: parseUsdc("300000"),
    });
    expect(seed.leverage).to.equal(5_001_250_000_000_000_000n);
    expect(seed.preview.failure).to.equal(undefined);
    // Exactly two of size, leverage and collateral.
    const three = await alice
      .previewIsolatedPosition({
        marketId: WATCH,
        side: "long",
        size: parseSize("10"),
        leverage: 5n * E18,
        collateralUsdc: 1n,
      } as never)
      .catch((e: unknown) => e);
    expect(three).to.be.instanceOf(InvalidLeverageError);
  });

  it("opens the isolated long in the free sub-account 1, leaving the cross account short of the collateral only", async function () {
    const sub = derive(aliceAddress, 1n);
    const crossBefore = await collateral(aliceAddress);
    const opened = await alice.openIsolatedPosition({
      marketId: WATCH,
      side: "long",
      size: parseSize("10"),
      leverage: 5n * E18,
    });
    expect(opened.subAccount).to.deep.equal({ id: 1n, address: sub });
    expect(opened.created).to.equal(false); // sub-account 1 was free: reused
    expect(opened.collateralUsd).to.equal(300_075n * E18);
    expect(await collateral(aliceAddress)).to.equal(crossBefore - 300_075n * E18);
    expect(opened.open.fillPrice).to.equal(150_037_500n * 10n ** 15n);
    expect(opened.open.feeUsd).to.equal(4_501_125n * 10n ** 14n);
    expect(await collateral(sub)).to.equal(300_075n * E18 - 4_501_125n * 10n ** 14n);
    expect(opened.liquidationPrice).to.equal(opened.preview.liquidationPrice);
    expect(opened.liquidationPrice).to.equal(await protocol.lens.liquidationPrice(sub, WATCH));
    expect((await alice.getAccount({ account: sub })).positions[0].liquidationPrice).to.equal(
      opened.liquidationPrice,
    );
    // The next isolated position takes a new sub-account.
    expect(await alice.getNextFreeSubAccount()).to.deep.equal({
      id: 2n,
      address: derive(aliceAddress, 2n),
      exists: false,
    });
  });

  it("refuses, before sending, a leverage above the tier, a source that cannot pay, and another owner's source", async function () {
    const above = await expectNothingSent(aliceAddress, () =>
      alice.openIsolatedPosition({
        marketId: WATCH,
        side: "short",
        size: parseSize("1"),
        leverage: 11n * E18,
      }),
    );
    expect(above).to.be.instanceOf(LeverageAboveTierError);
    const poor = await expectNothingSent(bobAddress, () =>
      bob.openIsolatedPosition({ marketId: WATCH, side: "short", size: parseSize("1"), leverage: 2n * E18 }),
    );
    expect(poor).to.be.instanceOf(InsufficientFreeCollateralError);
    expect((poor as InsufficientFreeCollateralError).withdrawableUsd).to.equal(1_000n * E18);
    const foreign = await expectNothingSent(bobAddress, () =>
      bob.openIsolatedPosition({
        marketId: ETH,
        side: "long",
        size: parseSize("0.1"),
        leverage: 2n * E18,
        from: aliceAddress,
      }),
    );
    expect(foreign).to.be.instanceOf(ForeignSubAccountError);
  });

  it("gives the collateral back when the open fails after the collateral moved", async function () {
    const crossBefore = await collateral(aliceAddress);
    const err = await alice
      .openIsolatedPosition({
        marketId: ETH,
        side: "long",
        size: parseSize("1"),
        leverage: 2n * E18,
        acceptablePrice: 1n, // no buy fills at 1 wei: refused after the sub-account was created and funded
      })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(IsolatedOpenFailedError);
    const failed = err as IsolatedOpenFailedError;
    expect(failed.subAccount).to.equal(derive(aliceAddress, 2n));
    expect(failed.swept).to.equal(true);
    expect(await collateral(aliceAddress)).to.equal(crossBefore);
    expect(await collateral(failed.subAccount)).to.equal(0n);
    expect((await alice.getSubAccount({ id: 2n })).free).to.equal(true);
  });

  it("closes the isolated position and sweeps its collateral back; sub-account 1 is free again", async function () {
    const sub = derive(aliceAddress, 1n);
    const crossBefore = await collateral(aliceAddress);
    const subBefore = await collateral(sub);
    const plan = await alice.simulateCloseIsolatedPosition({ account: sub });
    expect(plan.marketIds).to.deep.equal([WATCH]);
    const closed = await alice.closeIsolatedPosition({ account: sub });
    expect(closed.closes.map((c) => [c.marketId, c.newSize])).to.deep.equal([[WATCH, 0n]]);
    // Swept: the sub-account's collateral after the close's fee, funding and realised PnL, all of it.
    const [c] = closed.closes;
    expect(closed.sweptUsd).to.equal(subBefore - c.feeUsd - c.fundingSettledUsd + c.realisedPnlUsd);
    // The plan previewed it at its own block: the funding of the seconds until the close is mined apart.
    expect(plan.expectedSweepUsd - closed.sweptUsd).to.be.within(0n, E18);
    expect(await collateral(sub)).to.equal(0n);
    expect(await collateral(aliceAddress)).to.equal(crossBefore + closed.sweptUsd);
    expect(await alice.getNextFreeSubAccount()).to.deep.equal({ id: 1n, address: sub, exists: true });
    // Not the cross account, not someone else's.
    expect(
      await expectNothingSent(aliceAddress, () => alice.closeIsolatedPosition({ account: aliceAddress })),
    ).to.be.instanceOf(NotIsolatedSubAccountError);
    expect(
      await expectNothingSent(bobAddress, () => bob.closeIsolatedPosition({ account: sub })),
    ).to.be.instanceOf(ForeignSubAccountError);
  });

  it("deposit and withdraw accept a sub-account: USDC in from the wallet, out to the wallet by the owner", async function () {
    const sub = derive(aliceAddress, 1n);
    const wallet = () => protocol.usdc.balanceOf(aliceAddress);
    const before = await wallet();
    const deposited = await alice.deposit({ account: sub, amountUsdc: parseUsdc("100") });
    expect(deposited.account).to.equal(sub);
    expect(await collateral(sub)).to.equal(100n * E18);
    expect(await wallet()).to.equal(before - parseUsdc("100"));
    const withdrawn = await alice.withdraw({ account: sub, amountUsdc: "max" });
    expect([withdrawn.account, withdrawn.amountUsdc]).to.deep.equal([sub, parseUsdc("100")]);
    expect(await collateral(sub)).to.equal(0n);
    expect(await wallet()).to.equal(before);
  });

  it("reads the trade history of every sub-account of the owner in one query", async function () {
    const accounts = (await alice.getSubAccounts()).map((s) => s.address);
    expect(accounts).to.deep.equal([aliceAddress, derive(aliceAddress, 1n), derive(aliceAddress, 2n)]);
    const all = await alice.getTradeHistory({ account: accounts });
    // Sub-account 1: an ETH open and close, the WATCH isolated open and close; none on 0 or 2 (2's open failed).
    expect(all.map((t) => [t.account, t.marketId, t.sizeDelta])).to.deep.equal([
      [derive(aliceAddress, 1n), ETH, E18],
      [derive(aliceAddress, 1n), ETH, -E18],
      [derive(aliceAddress, 1n), WATCH, 10n * E18],
      [derive(aliceAddress, 1n), WATCH, -10n * E18],
    ]);
    expect(await alice.getTradeHistory({ account: aliceAddress })).to.deep.equal([]);
    expect(await alice.getTradeHistory({ account: derive(aliceAddress, 1n) })).to.deep.equal(all);
  });

  it("approves an operator for one sub-account (with a price bound) or for all of them, and refuses an unknown one", async function () {
    const one = derive(aliceAddress, 1n);
    const two = derive(aliceAddress, 2n);
    const unknown = await expectNothingSent(aliceAddress, () =>
      alice.approveOperator({ operator: agentAddress, trade: true, subAccountId: 9n }),
    );
    expect(unknown).to.be.instanceOf(UnknownSubAccountError);

    // Trade-only on sub-account 1, each fill within 1 % of the oracle.
    const approved = await alice.approveOperator({
      operator: agentAddress,
      trade: true,
      maxPriceDeviation: E18 / 100n,
      subAccountId: 1n,
    });
    expect([approved.account, approved.allSubAccounts, approved.maxPriceDeviation]).to.deep.equal([
      one,
      false,
      E18 / 100n,
    ]);
    const read = await alice.getOperator({ account: one, operator: agentAddress });
    expect([read.trade.live, read.withdraw.live, read.maxPriceDeviation]).to.deep.equal([
      true,
      false,
      E18 / 100n,
    ]);
    expect((await alice.getOperator({ account: two, operator: agentAddress })).trade.live).to.equal(false);

    // The agent trades sub-account 1, and cannot move its collateral or trade sub-account 2.
    await alice.transferBetweenSubAccounts({ to: one, amountUsd: 1_000n * E18 });
    const traded = await agent.openPosition({
      account: one,
      marketId: ETH,
      side: "long",
      size: parseSize("0.1"),
    });
    expect([traded.account, traded.sizeDelta]).to.deep.equal([one, E18 / 10n]);
    const moved = await expectNothingSent(agentAddress, () =>
      agent.transferBetweenSubAccounts({ from: one, to: aliceAddress, amountUsd: E18 }),
    );
    expect(isPerpContractError(moved, "NotAccountOrOperator")).to.equal(true);
    const other = await expectNothingSent(agentAddress, () =>
      agent.openPosition({
        account: two,
        marketId: ETH,
        side: "long",
        size: parseSize("0.1"),
        validate: false,
      }),
    );
    expect(isPerpContractError(other, "NotAccountOrOperator")).to.equal(true);

    // Withdraw scope for all of Alice's sub-accounts: the agent may now move sub-account 1's free collateral home.
    const all = await alice.approveOperator({ operator: agentAddress, withdraw: true, subAccountId: "all" });
    expect([all.account, all.allSubAccounts, all.withdraw.granted, all.trade.granted]).to.deep.equal([
      aliceAddress,
      true,
      true,
      false,
    ]);
    const before = await collateral(aliceAddress);
    await agent.transferBetweenSubAccounts({ from: one, to: aliceAddress, amountUsd: 100n * E18 });
    expect(await collateral(aliceAddress)).to.equal(before + 100n * E18);
  });
});
