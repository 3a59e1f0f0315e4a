// The voluntary-reduction rule (`PerpEngine._checkAfterReduction`, `_fillBeyondBound`) in the SDK's `previewTrade`
// against the engine on the in-process network, to the wei, on the two scenarios of
// test/solidity/adversarial/VoluntaryCloseBadDebt.t.sol, whose numbers that test derives by hand (its closed-form
// model `_equityAfterSell` and the reference fill `RefPricing.fill`):
//   - a partial close into a pushed skew that keeps the collateral positive but leaves the account's equity at fair
//     below zero is refused (`BankruptCloseNeedsLiquidation(account, collateral)` with the collateral ≥ 0): the
//     largest close that passes is q* = 364.879182313922965888, one wei more reverts;
//   - a close within its forced-close bound is not valued (it passes although the account is bankrupt at fair); the
//     same close beyond the bound (a push first) is valued and refused.
// Every block of a scenario has the same timestamp (the network allows it), so, as in the Solidity test, nothing
// accrues between the trades: no funding, no fair-premium drift.
import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, maxUint256, type Address, type PublicClient } from "viem";

import type { MarketConfig } from "../../deploy/config/local-markets.js";
import { deployLocalProtocol, type LocalProtocol } from "../../deploy/local-protocol.js";
import * as sdk from "../../sdk/src/index.js";
import { readLensAccount, readLensMarket } from "./helpers/lens-reads.js";

const { viem, ethers, networkHelpers } = await network.create({
  override: { allowBlocksWithSameTimestamp: true },
});

const E18 = 10n ** 18n;
const THIN = 0n;
const Z = 1n;

type WalletClient = Awaited<ReturnType<typeof viem.getWalletClients>>[number];

/**
 * THIN at 1,000: skewScale 10,000, maxPremium 10 %, maxOI = maxSkew = 998 (⌈998 / 20,000⌉ = 4.99 %, the validator's
 * bound), one tier 20x / mmr 4.99 %. Z exact at 1,000 (maxPremium 0), 20x / mmr 2.5 %. No fees.
 */
const MARKETS: MarketConfig[] = [
  {
    symbol: "THIN",
    price: 1_000n * E18,
    feedDecimals: 18,
    skewScale: 10_000n * E18,
    maxPremium: E18 / 10n,
    maxSkew: 998n * E18,
    maxOpenInterest: 998n * E18,
    makerFee: 0n,
    takerFee: 0n,
    tiers: [{ upToNotional: 10_000_000n * E18, maxLeverage: 20n * E18, mmr: 499n * 10n ** 14n }],
  },
  {
    symbol: "Z",
    price: 1_000n * E18,
    feedDecimals: 18,
    skewScale: 1_000_000n * E18,
    maxPremium: 0n,
    maxSkew: 10n ** 30n,
    maxOpenInterest: 10n ** 30n,
    makerFee: 0n,
    takerFee: 0n,
    tiers: [{ upToNotional: 10_000_000n * E18, maxLeverage: 20n * E18, mmr: 25n * 10n ** 15n }],
  },
];

describe("SDK voluntary-reduction rule parity with the engine (bankrupt closes, the forced-close bound)", function () {
  let protocol: LocalProtocol;
  let publicClient: PublicClient;
  let wallets: WalletClient[];
  let lens: Address;
  let engine: Address;
  /** The one timestamp every block of a scenario gets. */
  let now: bigint;
  let setUp: Awaited<ReturnType<typeof networkHelpers.takeSnapshot>>;

  /** Mines the next transaction at `now` (the same second as the block before). */
  async function atNow<T>(send: () => Promise<T>): Promise<T> {
    await publicClient.request({
      method: "evm_setNextBlockTimestamp",
      params: [`0x${now.toString(16)}`],
    } as never);
    return send();
  }

  const readAccount = (account: Address) => readLensAccount(publicClient, lens, account);
  const readMarket = (marketId: bigint) => readLensMarket(publicClient, lens, marketId);

  /** Sends a trade without estimation at `now`; returns the decoded revert (name and args) or undefined when mined. */
  async function trade(wallet: WalletClient, marketId: bigint, sizeDelta: bigint) {
    const owner = getAddress(wallet.account.address);
    try {
      await atNow(() =>
        wallet.writeContract({
          address: engine,
          abi: sdk.perpEngineAbi,
          functionName: "trade",
          args: [owner, marketId, sizeDelta, sizeDelta > 0n ? maxUint256 : 0n],
          gas: 5_000_000n,
        }),
      );
      return undefined;
    } catch (e) {
      const data = sdk.findRevertData(e);
      const decoded = data && sdk.decodePerpContractError(data);
      if (!decoded) throw e;
      return { errorName: decoded.errorName, args: decoded.args as Record<string, unknown> };
    }
  }

  /** The SDK's preview of `sizeDelta` for `wallet` on the state at the latest block, at `now`. */
  async function preview(wallet: WalletClient, marketId: bigint, sizeDelta: bigint) {
    const [account, market] = await Promise.all([
      readAccount(getAddress(wallet.account.address)),
      readMarket(marketId),
    ]);
    return sdk.previewTrade(account, market, sizeDelta, now);
  }

  const fillOf = async (wallet: WalletClient, marketId: bigint, sizeDelta: bigint) => {
    const p = await preview(wallet, marketId, sizeDelta);
    expect(await trade(wallet, marketId, sizeDelta)).to.equal(undefined);
    return p.fillPrice;
  };

  before(async function () {
    protocol = await deployLocalProtocol(ethers, MARKETS);
    publicClient = (await viem.getPublicClient()) as unknown as PublicClient;
    wallets = await viem.getWalletClients();
    lens = getAddress(await protocol.lens.getAddress());
    engine = getAddress(await protocol.engine.getAddress());
    // The Solidity fixture's exact parameters: τ 0, no minimum margin, no fees, funding interest 0.
    for (const m of protocol.markets)
      await (
        await protocol.engine.setMarketParams(m.id, {
          oracle: await m.adapter.getAddress(),
          fairTau: 0n,
          maxPremium: MARKETS[Number(m.id)].maxPremium!,
          skewScale: MARKETS[Number(m.id)].skewScale,
          maxSkew: MARKETS[Number(m.id)].maxSkew,
          maxOpenInterest: MARKETS[Number(m.id)].maxOpenInterest,
          minPositionMargin: 0n,
          makerFee: 0n,
          takerFee: 0n,
          fundingInterest: 0n,
          fundingClamp: 625n * 10n ** 11n,
          maxFundingRate: 4n * 10n ** 16n,
        })
      ).wait();
    const [owner] = await ethers.getSigners();
    const deposit = async (i: number, usdc: bigint) => {
      const signer = await ethers.getSigner(wallets[i].account.address);
      await (await protocol.usdc.mint(signer.address, usdc)).wait();
      await (await protocol.usdc.connect(signer).approve(await protocol.vault.getAddress(), usdc)).wait();
      await (await protocol.vault.connect(signer).deposit(usdc)).wait();
    };
    // 10,000,000 in the liquidity vault (its open-interest-to-cash limit stays out of the way).
    await (await protocol.usdc.mint(owner.address, 10_000_000n * 10n ** 6n)).wait();
    await (await protocol.usdc.approve(await protocol.liquidityVault.getAddress(), maxUint256)).wait();
    await (await protocol.liquidityVault.deposit(10_000_000n * 10n ** 6n, owner.address)).wait();
    await deposit(1, 37_301n * 10n ** 6n); // A
    await deposit(2, 30_000n * 10n ** 6n); // B
    await deposit(3, 60_000n * 10n ** 6n); // C
    await deposit(4, 3_000n * 10n ** 6n); // D (the second scenario)
    await deposit(5, 1_000n * 10n ** 6n); // E
    now = (await publicClient.getBlock()).timestamp + 1n;
    setUp = await networkHelpers.takeSnapshot();
  });

  it("refuses a partial close that keeps collateral ≥ 0 but leaves equity at fair ≤ 0, at the hand-derived q* (±1 wei)", async function () {
    await setUp.restore();
    const [, a, b, c] = wallets;
    expect(await trade(a, Z, E18 / 1_000n)).to.equal(undefined);
    // The push: A buys 498 from 0 at 1,000 × (1 + 249 / 10,000); C sells 998 at the average premium
    // (498 − 500) / 20,000; B buys 500 at −500 / 20,000 and closes from 0: skew −500.
    expect(await fillOf(a, THIN, 498n * E18)).to.equal(10_249n * 10n ** 17n);
    expect(await fillOf(c, THIN, -998n * E18)).to.equal(9_999n * 10n ** 17n);
    expect(await fillOf(b, THIN, 500n * E18)).to.equal(975n * E18);
    expect(await fillOf(b, THIN, -500n * E18)).to.equal(975n * E18);
    expect((await readMarket(THIN)).skew).to.equal(-500n * E18);

    // The SDK's largest sale that passes, by bisection on its preview: the Solidity test's hand-derived q*.
    const [account, market] = await Promise.all([
      readAccount(getAddress(a.account.address)),
      readMarket(THIN),
    ]);
    const at = (q: bigint) => sdk.previewTrade(account, market, -q, now);
    let lo = 1n;
    let hi = 498n * E18;
    expect(at(lo).failure).to.equal(undefined);
    expect(at(hi).failure?.error).to.equal("BankruptCloseNeedsLiquidation");
    while (hi - lo > 1n) {
      const mid = (lo + hi) / 2n;
      if (at(mid).failure === undefined) lo = mid;
      else hi = mid;
    }
    const qStar = 364_879182313922965888n;
    expect(lo).to.equal(qStar);

    // Every sale here fills beyond its bound (from the fair premium 0: 1,000 × (1 − q / 20,000) against the pushed
    // 1,000 × (1 − (500 + q / 2) / 10,000)), so the account is valued although its collateral stays ≥ 0.
    // q* + 1: equity −38 wei, collateral 3,314.708360383318149325 (the Solidity model's numbers).
    const past = at(qStar + 1n);
    expect([past.fillBeyondBound, past.equityAtFairAfterUsd, past.collateralAfterUsd]).to.deep.equal([
      true,
      -38n,
      3_314_708360383318149325n,
    ]);
    expect(past.failure).to.deep.equal({
      error: "BankruptCloseNeedsLiquidation",
      collateral: past.collateralAfterUsd,
    });
    expect(past.reductionBoundPrice! > past.fillPrice).to.equal(true);
    // The red team's variant: 394.25 would leave collateral +0.021875 and equity at fair −2,583.353125.
    const variant = at(394_25n * 10n ** 16n);
    expect([variant.fillBeyondBound, variant.equityAtFairAfterUsd, variant.collateralAfterUsd]).to.deep.equal(
      [true, -2_583_353125n * 10n ** 12n, 21_875n * 10n ** 12n],
    );
    expect(variant.failure).to.deep.equal({
      error: "BankruptCloseNeedsLiquidation",
      collateral: 21_875n * 10n ** 12n,
    });

    // The engine agrees to the wei: both refused with the collateral the SDK computed, q* goes through and leaves
    // exactly the collateral and the equity at fair (30 wei) the SDK previewed.
    const aAddress = getAddress(a.account.address);
    for (const [q, p] of [
      [qStar + 1n, past],
      [394_25n * 10n ** 16n, variant],
    ] as const)
      expect(await trade(a, THIN, -q)).to.deep.equal({
        errorName: "BankruptCloseNeedsLiquidation",
        args: { account: aAddress, collateral: p.collateralAfterUsd },
      });
    const passing = at(qStar);
    expect([passing.fillBeyondBound, passing.equityAtFairAfterUsd, passing.failure]).to.deep.equal([
      true,
      30n,
      undefined,
    ]);
    expect(await trade(a, THIN, -qStar)).to.equal(undefined);
    const after = await readAccount(aAddress);
    expect(after.collateralUsd).to.equal(passing.collateralAfterUsd);
    expect(after.marginAtFair.equityUsd).to.equal(30n);
    expect(after.positions.find((p) => p.marketId === THIN)?.size).to.equal(498n * E18 - qStar);
  });

  it("does not value a close within its forced-close bound; beyond it the same close is valued and refused", async function () {
    await setUp.restore();
    const [, , , , d, e] = wallets;
    const dAddress = getAddress(d.account.address);
    // D: 3,000, long 20 Z at 1,000 and 1 THIN from skew 0 at 1,000 × (1 + 0.5 / 10,000). Z falls to 840: equity at
    // fair 3,000 − 20 × 160 − 0.05 = −200.05 (bankrupt at fair).
    expect(await fillOf(d, Z, 20n * E18)).to.equal(1_000n * E18);
    expect(await fillOf(d, THIN, E18)).to.equal(1_000_05n * 10n ** 16n);
    await atNow(async () => (await protocol.markets[Number(Z)].feed.updateAnswer(840n * E18)).wait());
    expect((await readAccount(dAddress)).marginAtFair.equityUsd).to.equal(-200_05n * 10n ** 16n);
    const before = await networkHelpers.takeSnapshot();

    // Within the bound: D sells its 1 THIN from skew 1 at 1,000.05, above the bound 999.95 (a sale of 1 from the fair
    // premium's skew 0): the SDK does not value the account, and the engine lets the close through (realised 0).
    const within = await preview(d, THIN, -E18);
    expect([within.fillPrice, within.reductionBoundPrice, within.fillBeyondBound]).to.deep.equal([
      1_000_05n * 10n ** 16n,
      999_95n * 10n ** 16n,
      false,
    ]);
    expect([within.equityAtFairAfterUsd, within.failure, within.collateralAfterUsd]).to.deep.equal([
      undefined,
      undefined,
      3_000n * E18,
    ]);
    expect(await trade(d, THIN, -E18)).to.equal(undefined);
    expect((await readAccount(dAddress)).collateralUsd).to.equal(3_000n * E18);
    await before.restore();

    // Beyond it: E sells 2 first (skew −1); D's sale then fills at 1,000 × (1 − 1.5 / 10,000) = 999.85 < 999.95, so
    // the account is valued, found bankrupt at fair, and the close is refused with the collateral it would have left,
    // 3,000 − 0.2 (the SDK and the engine alike).
    expect(await trade(e, THIN, -2n * E18)).to.equal(undefined);
    const beyond = await preview(d, THIN, -E18);
    expect([beyond.fillPrice, beyond.reductionBoundPrice, beyond.fillBeyondBound]).to.deep.equal([
      999_85n * 10n ** 16n,
      999_95n * 10n ** 16n,
      true,
    ]);
    expect(beyond.equityAtFairAfterUsd! <= 0n).to.equal(true);
    expect(beyond.failure).to.deep.equal({
      error: "BankruptCloseNeedsLiquidation",
      collateral: 2_999_8n * 10n ** 17n,
    });
    expect(await trade(d, THIN, -E18)).to.deep.equal({
      errorName: "BankruptCloseNeedsLiquidation",
      args: { account: dAddress, collateral: 2_999_8n * 10n ** 17n },
    });

    // The SDK's client validates the close with the same rule before sending: refused, nothing sent.
    const client = sdk.createPerpClient({
      publicClient,
      walletClient: d,
      deployment: await sdk.deploymentFromLocalProtocol(protocol, {
        chainId: await publicClient.getChainId(),
        startBlock: 0,
      }),
    });
    const nonce = await publicClient.getTransactionCount({ address: dAddress });
    const refused = await client.closePosition({ marketId: THIN }).catch((err: unknown) => err);
    expect(refused).to.be.instanceOf(sdk.TradeRejectedError);
    expect((refused as sdk.TradeRejectedError).failure).to.deep.equal({
      error: "BankruptCloseNeedsLiquidation",
      collateral: 2_999_8n * 10n ** 17n,
    });
    expect(await publicClient.getTransactionCount({ address: dAddress })).to.equal(nonce);
  });
});
