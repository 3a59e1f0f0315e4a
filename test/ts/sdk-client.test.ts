// Integration: every SDK write against the in-process Hardhat network, checked through the SDK's reads (one lens
// call each), plus validation before sending, typed contract errors, event watchers and paged history.
import { expect } from "chai";
import { network } from "hardhat";
import { encodeErrorResult, getAddress, stringToHex, zeroAddress, type Address } from "viem";

import { deployLocalProtocol, type LocalProtocol } from "../../deploy/local-protocol.js";
import {
  accountMargin,
  acceptablePriceFor,
  ChainMismatchError,
  contractErrorMessages,
  createPerpClient,
  decodePerpContractError,
  defineDeployment,
  deploymentFromLocalProtocol,
  formatRate,
  formatSize,
  formatUsd,
  formatUsdc,
  InvalidDeploymentError,
  InvalidSizeError,
  isPerpContractError,
  LeverageAboveTierError,
  LiquiditySlippageError,
  liquidationPrice,
  NoPositionError,
  MAX_UINT256,
  parseFixed,
  parseSize,
  parseUsdc,
  PartialCloseBelowMinimumMarginError,
  PerpContractError,
  perpErrorsAbi,
  quoteFillPrice,
  TradeRejectedError,
  UnknownMarketError,
  WalletRequiredError,
  ZeroAmountError,
  type FundingEvent,
  type PerpClient,
  type PerpDeployment,
  type TradeEvent,
} from "../../sdk/src/index.js";
import { nothingSentCheck } from "./helpers/sdk-clients.js";

const { viem, ethers, networkHelpers } = await network.create();

const E18 = 10n ** 18n;
const ETH = 0n;
const BTC = 1n;

describe("SDK client (viem) against the in-process network", function () {
  let protocol: LocalProtocol;
  let deployment: PerpDeployment;
  let publicClient: Awaited<ReturnType<typeof viem.getPublicClient>>;
  let alice: PerpClient;
  let bob: PerpClient;
  let lp: PerpClient;
  let aliceAddress: Address;

  let expectNothingSent: ReturnType<typeof nothingSentCheck>;

  before(async function () {
    protocol = await deployLocalProtocol(ethers);
    publicClient = await viem.getPublicClient();
    expectNothingSent = nothingSentCheck(publicClient);
    const [, lpWallet, aliceWallet, bobWallet] = await viem.getWalletClients();
    deployment = await deploymentFromLocalProtocol(protocol, {
      chainId: await publicClient.getChainId(),
      startBlock: 0,
    });
    lp = createPerpClient({ publicClient, walletClient: lpWallet, deployment });
    alice = createPerpClient({ publicClient, walletClient: aliceWallet, deployment });
    bob = createPerpClient({ publicClient, walletClient: bobWallet, deployment });
    aliceAddress = getAddress(aliceWallet.account.address);
    for (const w of [lpWallet, aliceWallet, bobWallet])
      await (await protocol.usdc.mint(w.account.address, parseUsdc("5000000"))).wait();
  });

  it("reads every market in one call, equal to the engine's views", async function () {
    const markets = await alice.getMarkets();
    expect(markets.map((m) => m.symbol)).to.deep.equal(["ETH", "BTC", "GOLD", "SPX", "WATCH"]);
    const eth = markets[0];
    const onChain = await protocol.engine.marketPrices(ETH);
    expect(eth.oracleValid).to.equal(true);
    expect(eth.oraclePrice).to.equal(3000n * E18);
    expect(eth.markPrice).to.equal(onChain.markPrice);
    expect(eth.fairPrice).to.equal(onChain.fairPrice);
    expect(eth.fundingRatePerHour).to.equal(onChain.currentFundingRate);
    expect(eth.fundingRateAnnualised).to.equal(eth.fundingRatePerHour * 24n * 365n);
    // No skew yet: the rate is the interest component, 0.00125 %/h, i.e. 0.0375 USD per ETH per hour at 3,000.
    expect(eth.fundingRatePerHour).to.equal(12_500_000_000_000n);
    expect(eth.nextHourFundingPerUnit).to.equal(37_500_000_000_000_000n);
    expect(eth.tiers).to.have.length(2);
    expect(eth.tiers[0].maxLeverage).to.equal(20n * E18);
    expect(eth.params.maxOpenInterest).to.equal(50_000n * E18);
    expect(eth.params.fairTau).to.equal(300n);
    expect(eth.circuitBreaker.window).to.equal(3600n);
    expect(await alice.getMarket({ marketId: BTC })).to.deep.include({ symbol: "BTC", marketId: BTC });
  });

  it("deposits liquidity with approval handling and reads the share price", async function () {
    // The local deployment's entry/exit fee is 0.1 %: 1,000,000 USDC in include a fee of
    // ⌈1,000,000 × 0.001 / 1.001⌉ = 999.001 USDC (999.000999000999… rounded up to the unit), which stays in the vault.
    const quote = await lp.quoteLiquidity({ depositUsdc: parseUsdc("1000000") });
    expect(quote).to.deep.include({ assetsUsdc: parseUsdc("1000000"), feeUsdc: 999_001_000n });
    const tooMany = await expectNothingSent(lp.walletClient!.account!.address, () =>
      lp.depositLiquidity({ assetsUsdc: parseUsdc("1000000"), minShares: quote.shares + 1n }),
    );
    expect(tooMany).to.be.instanceOf(LiquiditySlippageError);
    const result = await lp.depositLiquidity({ assetsUsdc: parseUsdc("1000000"), minShares: quote.shares });
    expect(result.approvalHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(result.assetsUsdc).to.equal(parseUsdc("1000000"));
    expect(result.feeUsdc).to.equal(999_001_000n);
    // The first deposit mints 10^12 shares per unit after the fee: 999,000.999 USDC → 999,000,999,000 × 10^12.
    expect(result.shares).to.equal(999_000_999_000n * 10n ** 12n);
    expect(result.expected.shares).to.equal(result.shares);
    const vault = await lp.getLiquidityVault();
    expect(vault.totalAssetsUsdc).to.equal(parseUsdc("1000000"));
    expect(vault.liquidityFee).to.equal(10n ** 15n);
    expect(vault.valuationFallback).to.equal(false);
    expect(vault.shares).to.equal(result.shares);
    // 10^18 × (10^12 + 1) / (999,000,999,000 × 10^12 + 10^12), rounded down: 1.001 USDC per share.
    expect(vault.sharePriceUsdc).to.equal(1_001_000n);
    // All the shares are worth 999,999.999999 USDC (the rounding keeps the last unit); the exit fee takes
    // ⌈999,999.999999 × 0.001 / 1.001⌉ = 999.000999.
    expect(vault.maxWithdrawUsdc).to.equal(999_000_999_000n);
    expect(vault.assetsUsdc).to.equal(999_000_999_000n);
  });

  it("deposits collateral: approves the exact amount, or the maximum once", async function () {
    const first = await alice.deposit({ amountUsdc: parseUsdc("10000") });
    expect(first.approvalHash).to.not.equal(undefined);
    expect(first.amountUsdc).to.equal(parseUsdc("10000"));
    expect(first.amountUsd).to.equal(10_000n * E18);
    const withMax = await alice.deposit({ amountUsdc: parseUsdc("5000"), approve: "max" });
    expect(withMax.approvalHash).to.not.equal(undefined);
    const noApproval = await alice.deposit({ amountUsdc: parseUsdc("5000") });
    expect(noApproval.approvalHash).to.equal(undefined);
    const account = await alice.getAccount();
    expect(account.collateralUsd).to.equal(20_000n * E18);
    expect(account.withdrawableUsd).to.equal(20_000n * E18);
    expect(account.maxWithdrawUsdc).to.equal(parseUsdc("20000"));
    expect(account.positions).to.have.length(0);
    await bob.deposit({ amountUsdc: parseUsdc("50000"), approve: "max" });
  });

  it("opens a position with slippage from the SDK's own fill-price math", async function () {
    const market = await alice.getMarket({ marketId: ETH });
    const size = parseSize("10");
    const quote = quoteFillPrice(market, market.oraclePrice, size);
    expect(quote).to.equal(await protocol.engine.quoteFillPrice(ETH, size));
    const open = await alice.openPosition({ marketId: ETH, side: "long", size, slippageBps: 25n });
    expect(open.acceptablePrice).to.equal(acceptablePriceFor(quote, true, 25n));
    expect(open.fillPrice).to.equal(quote);
    expect(open.fillPrice).to.equal(open.preview.fillPrice);
    expect(open.feeUsd).to.equal(open.preview.feeUsd);
    expect(open.newSize).to.equal(size);
    expect(open.realisedPnlUsd).to.equal(0n);

    const account = await alice.getAccount();
    expect(account.positions).to.have.length(1);
    const [pos] = account.positions;
    expect(pos.symbol).to.equal("ETH");
    expect(pos.side).to.equal("long");
    expect(pos.size).to.equal(size);
    expect(pos.openNotionalUsd).to.equal(open.newOpenNotionalUsd);
    expect(pos.entryPrice).to.equal((open.newOpenNotionalUsd * E18) / size);
    expect(account.collateralUsd).to.equal(20_000n * E18 - open.feeUsd);
    // The snapshot's engine values equal the SDK's math on the snapshot's own raw state.
    expect(accountMargin(account, account.timestamp)).to.deep.equal(account.margin);
    expect(liquidationPrice(account, ETH, account.timestamp)).to.equal(pos.liquidationPrice);
    expect(pos.liquidationPrice).to.be.greaterThan(0n);
    expect(pos.credited.initialMarginUsd).to.equal((pos.credited.notionalUsd + 19n) / 20n);
  });

  it("increases, reduces (realising PnL) and closes, each fill decoded from the receipt", async function () {
    const increase = await alice.openPosition({ marketId: ETH, side: "long", size: parseSize("5") });
    expect(increase.newSize).to.equal(parseSize("15"));

    await protocol.markets[0].feed.updateAnswer(3_300n * 10n ** 8n); // ETH +10 %
    const reduce = await alice.reducePosition({ marketId: ETH, size: parseSize("6") });
    expect(reduce.sizeDelta).to.equal(-parseSize("6"));
    expect(reduce.newSize).to.equal(parseSize("9"));
    expect(reduce.realisedPnlUsd).to.equal(reduce.preview.realisedPnlUsd);
    expect(reduce.realisedPnlUsd).to.be.greaterThan(1_700n * E18); // about 6 × 300
    // The preview is at the block it read; the trade settles funding up to its own block, a few seconds later.
    expect(
      reduce.fundingSettledUsd > 0n && reduce.fundingSettledUsd >= reduce.preview.fundingOwedUsd,
    ).to.equal(true);

    const before = await alice.getAccount();
    const close = await alice.closePosition({ marketId: ETH });
    expect(close.sizeDelta).to.equal(-parseSize("9"));
    expect(close.newSize).to.equal(0n);
    const after = await alice.getAccount();
    expect(after.positions).to.have.length(0);
    expect(after.collateralUsd).to.equal(
      before.collateralUsd + close.realisedPnlUsd - close.feeUsd - close.fundingSettledUsd,
    );
  });

  it("trades a short with the low-level trade action and flips through it", async function () {
    const short = await bob.trade({ marketId: BTC, sizeDelta: -parseSize("1"), slippageBps: 10n });
    expect(short.newSize).to.equal(-parseSize("1"));
    const flip = await bob.trade({ marketId: BTC, sizeDelta: parseSize("1.5") });
    expect(flip.newSize).to.equal(parseSize("0.5"));
    const account = await bob.getAccount();
    expect(account.positions[0].side).to.equal("long");
    await bob.closePosition({ marketId: BTC });
  });

  it("withdraws collateral and liquidity", async function () {
    const account = await alice.getAccount();
    const part = await alice.withdraw({ amountUsdc: parseUsdc("1000") });
    expect(part.amountUsd).to.equal(1_000n * E18);
    const all = await alice.withdraw({ amountUsdc: "max" });
    expect(all.amountUsdc).to.equal(account.maxWithdrawUsdc - parseUsdc("1000"));
    expect((await alice.getAccount()).maxWithdrawUsdc).to.equal(0n);

    const byAssets = await lp.withdrawLiquidity({ assetsUsdc: parseUsdc("1000") });
    expect(byAssets.assetsUsdc).to.equal(parseUsdc("1000"));
    const vault = await lp.getLiquidityVault();
    const byShares = await lp.withdrawLiquidity({ shares: vault.shares / 2n });
    expect(byShares.shares).to.equal(vault.shares / 2n);
    expect((await lp.getLiquidityVault()).shares).to.equal(vault.shares - vault.shares / 2n);
  });

  it("validates zero size, unknown market, wrong side and leverage above the tier before sending", async function () {
    await alice.deposit({ amountUsdc: parseUsdc("1000"), approve: "max" });
    const zero = await expectNothingSent(aliceAddress, () => alice.trade({ marketId: ETH, sizeDelta: 0n }));
    expect(zero).to.be.instanceOf(InvalidSizeError);
    const unknown = await expectNothingSent(aliceAddress, () =>
      alice.openPosition({ marketId: 99n, side: "long", size: parseSize("1") }),
    );
    expect(unknown).to.be.instanceOf(UnknownMarketError);
    // 1,000 USD at 20x allows 20,000 USD of notional: 10 ETH at 3,300 is 33,000.
    const leverage = await expectNothingSent(aliceAddress, () =>
      alice.openPosition({ marketId: ETH, side: "long", size: parseSize("10") }),
    );
    expect(leverage).to.be.instanceOf(LeverageAboveTierError);
    expect((leverage as LeverageAboveTierError).params.maxLeverage).to.equal(20n * E18);
    expect((leverage as LeverageAboveTierError).shortMessage).to.match(/^Leverage above the tier/);
    const noPosition = await expectNothingSent(aliceAddress, () => alice.closePosition({ marketId: ETH }));
    expect(noPosition).to.be.instanceOf(NoPositionError);
    const zeroAmount = await expectNothingSent(aliceAddress, () => alice.withdraw({ amountUsdc: 0n }));
    expect(zeroAmount).to.be.instanceOf(ZeroAmountError);

    await alice.openPosition({ marketId: ETH, side: "long", size: parseSize("1") });
    const wrongSide = await expectNothingSent(aliceAddress, () =>
      alice.openPosition({ marketId: ETH, side: "short", size: parseSize("1") }),
    );
    expect(wrongSide).to.be.instanceOf(InvalidSizeError);
    const tooMuch = await expectNothingSent(aliceAddress, () =>
      alice.reducePosition({ marketId: ETH, size: parseSize("2") }),
    );
    expect(tooMuch).to.be.instanceOf(InvalidSizeError);
  });

  it("decodes contract custom errors into typed errors with readable messages", async function () {
    const market = await alice.getMarket({ marketId: ETH });
    const quote = quoteFillPrice(market, market.oraclePrice, parseSize("0.1"));
    const slippage = await expectNothingSent(aliceAddress, () =>
      alice.trade({
        marketId: ETH,
        sizeDelta: parseSize("0.1"),
        acceptablePrice: quote - 1n,
        validate: false,
      }),
    );
    expect(isPerpContractError(slippage, "SlippageExceeded")).to.equal(true);
    const error = slippage as PerpContractError<"SlippageExceeded">;
    expect(error.args.fillPrice).to.equal(quote);
    expect(error.args.acceptablePrice).to.equal(quote - 1n);
    expect(error.category).to.equal("slippage");
    expect(error.shortMessage).to.equal(
      `The fill price ${formatUsd(quote)} is worse than the acceptable price ${formatUsd(quote - 1n)}.`,
    );

    const leverage = await expectNothingSent(aliceAddress, () =>
      alice.openPosition({ marketId: ETH, side: "long", size: parseSize("50"), validate: false }),
    );
    expect(leverage).to.be.instanceOf(PerpContractError);
    expect((leverage as PerpContractError).errorName).to.equal("InsufficientMargin");

    const withdraw = await expectNothingSent(aliceAddress, () =>
      alice.withdraw({ amountUsdc: parseUsdc("1000000") }),
    );
    expect(isPerpContractError(withdraw, "InsufficientWithdrawable")).to.equal(true);
    expect((withdraw as PerpContractError).shortMessage).to.match(/^Cannot withdraw 1,000,000\.00 USD/);

    const lpTooMuch = await expectNothingSent(aliceAddress, () =>
      alice.withdrawLiquidity({ assetsUsdc: 1n }),
    );
    expect(isPerpContractError(lpTooMuch, "ERC4626ExceededMaxWithdraw")).to.equal(true);
  });

  it("refuses, before sending, a trade beyond the open-interest-to-cash limit and a reduction that would leave dust", async function () {
    // The open-interest-to-cash limit: a side of a market that a trade grows, × oracle, at most 50 % of the liquidity
    // vault's cash (its collateral less the collateral vault's total debt) after the trade's own fee reached it.
    const bobAddress = getAddress(bob.walletClient!.account!.address);
    const [collateral, debt] = await protocol.vault.collateralAndDebt(deployment.contracts.liquidityVault);
    const market = await bob.getMarket({ marketId: ETH });
    expect([market.openInterestLong, market.openInterestShort]).to.deep.equal([parseSize("1"), 0n]); // alice's long
    // About 1 % more ETH than half the cash is worth, on the long side (a long increase pays the taker fee only).
    const size = ((collateral - debt) * 101n * E18) / 200n / market.oraclePrice - market.openInterestLong;
    const fill = await protocol.engine.quoteFillPrice(ETH, size);
    // Taker fee 0.05 %: ⌈⌈size × fill⌉ × 0.0005⌉.
    const fee = (((size * fill + E18 - 1n) / E18) * 5n * 10n ** 14n + E18 - 1n) / E18;
    const limit = (collateral + fee - debt) / 2n;
    const openInterestNotional = ((market.openInterestLong + size) * market.oraclePrice + E18 - 1n) / E18;
    const rejected = await expectNothingSent(bobAddress, () =>
      bob.openPosition({ marketId: ETH, side: "long", size }),
    );
    expect(rejected).to.be.instanceOf(TradeRejectedError);
    expect((rejected as TradeRejectedError).failure).to.deep.equal({
      error: "OpenInterestAboveCashLimit",
      marketId: ETH,
      openInterestNotional,
      limit,
    });
    const onChain = await expectNothingSent(bobAddress, () =>
      bob.openPosition({ marketId: ETH, side: "long", size, validate: false }),
    );
    expect(isPerpContractError(onChain, "OpenInterestAboveCashLimit")).to.equal(true);
    expect((onChain as PerpContractError<"OpenInterestAboveCashLimit">).args).to.deep.equal({
      marketId: ETH,
      openInterestNotional,
      limit,
    });
    // The short side is capped alike, by its own size: a short of S against alice's long 1 leaves |skew| = S − 1 but
    // short open interest S. With S × oracle half an ETH beyond the limit, the skew (S − 1) × oracle is within it
    // (so the old skew-to-cash rule would have let it through), the short side is not.
    const shortSize = (((collateral - debt) / 2n) * E18) / market.oraclePrice + parseSize("0.5");
    const shortFill = await protocol.engine.quoteFillPrice(ETH, -shortSize);
    // Maker fee 0.02 % on the 1 ETH that reduces the skew, taker 0.05 % on the rest, each part rounded up.
    const up = (a: bigint, b: bigint) => (a * b + E18 - 1n) / E18;
    const shortFee =
      up(up(E18, shortFill), 2n * 10n ** 14n) + up(up(shortSize - E18, shortFill), 5n * 10n ** 14n);
    const shortLimit = (collateral + shortFee - debt) / 2n;
    const shortNotional = up(shortSize, market.oraclePrice);
    expect(shortNotional > shortLimit && up(shortSize - E18, market.oraclePrice) < shortLimit).to.equal(true);
    const shortRejected = await expectNothingSent(bobAddress, () =>
      bob.openPosition({ marketId: ETH, side: "short", size: shortSize }),
    );
    expect((shortRejected as TradeRejectedError).failure).to.deep.equal({
      error: "OpenInterestAboveCashLimit",
      marketId: ETH,
      openInterestNotional: shortNotional,
      limit: shortLimit,
    });
    const shortOnChain = await expectNothingSent(bobAddress, () =>
      bob.openPosition({ marketId: ETH, side: "short", size: shortSize, validate: false }),
    );
    expect((shortOnChain as PerpContractError<"OpenInterestAboveCashLimit">).args).to.deep.equal({
      marketId: ETH,
      openInterestNotional: shortNotional,
      limit: shortLimit,
    });

    // The dust rule: alice's 1 ETH long (IM 3,300 / 20 = 165 USD) reduced by 0.99 ETH would keep 0.01 ETH, an IM of
    // 1.65 USD at the oracle, below ETH's minimum position margin of 10 USD: close it in full instead.
    const dust = await expectNothingSent(aliceAddress, () =>
      alice.reducePosition({ marketId: ETH, size: parseSize("0.99") }),
    );
    expect(dust).to.be.instanceOf(PartialCloseBelowMinimumMarginError);
    expect((dust as PartialCloseBelowMinimumMarginError).params).to.deep.equal({
      marketId: ETH,
      remainingMarginUsd: 1_650_000_000_000_000_000n,
      minPositionMarginUsd: 10n * E18,
      fullCloseDelta: -parseSize("1"),
    });
    expect((dust as PartialCloseBelowMinimumMarginError).shortMessage).to.match(
      /close it in full instead \(size -1\)/,
    );
    const dustOnChain = await expectNothingSent(aliceAddress, () =>
      alice.reducePosition({ marketId: ETH, size: parseSize("0.99"), validate: false }),
    );
    expect(isPerpContractError(dustOnChain, "PartialCloseBelowMinimumMargin")).to.equal(true);
    expect((dustOnChain as PerpContractError).shortMessage).to.match(/close it in full instead/);
  });

  it("watches trades and funding with viem and stops on unsubscribe", async function () {
    const trades: TradeEvent[] = [];
    const funding: FundingEvent[] = [];
    const unwatchTrades = alice.watchTrades({ account: aliceAddress, onTrades: (t) => trades.push(...t) });
    const unwatchFunding = alice.watchFunding({ marketId: ETH, onFunding: (f) => funding.push(...f) });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const waitFor = async (done: () => boolean) => {
      for (let i = 0; i < 100 && !done(); i++) await sleep(20);
    };
    try {
      await sleep(100); // the watchers start from the block after the current one
      await networkHelpers.time.increase(600);
      await protocol.markets[0].feed.updateAnswer(3_300n * 10n ** 8n);
      const open = await alice.openPosition({ marketId: ETH, side: "long", size: parseSize("0.5") });
      await bob.openPosition({ marketId: ETH, side: "short", size: parseSize("0.5") }); // not alice's
      await waitFor(() => trades.length >= 1 && funding.some((f) => f.type === "settled"));
      expect(trades).to.have.length(1);
      expect(trades[0].account).to.equal(aliceAddress);
      expect(trades[0].fillPrice).to.equal(open.fillPrice);
      expect(trades[0].transactionHash).to.equal(open.hash);
      const accrued = funding.filter((f) => f.type === "accrued");
      expect(accrued.length).to.be.greaterThan(0);
      expect(accrued.every((f) => f.marketId === ETH)).to.equal(true);
      const settled = funding.find((f) => f.type === "settled" && f.account === aliceAddress);
      expect(settled?.type === "settled" && settled.amountUsd).to.equal(open.fundingSettledUsd);
    } finally {
      unwatchTrades();
      unwatchFunding();
    }
    const seen = trades.length;
    await alice.openPosition({ marketId: ETH, side: "long", size: parseSize("0.1") });
    await sleep(200);
    expect(trades).to.have.length(seen);
  });

  it("pages through trade and funding history", async function () {
    const latest = await publicClient.getBlockNumber();
    const all = await alice.getTradeHistory({ account: aliceAddress });
    const paged = await alice.getTradeHistory({ account: aliceAddress, pageSize: 3n, toBlock: latest });
    expect(paged).to.deep.equal(all);
    expect(all.length).to.be.greaterThanOrEqual(6);
    expect(all.every((t) => t.account === aliceAddress)).to.equal(true);
    const blocks = all.map((t) => t.blockNumber ?? 0n);
    expect([...blocks].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).to.deep.equal(blocks);
    const btc = await alice.getTradeHistory({ marketId: BTC, pageSize: 7n });
    expect(btc).to.have.length(3); // bob's short, flip and close
    expect(btc.every((t) => t.marketId === BTC)).to.equal(true);
    const accruals = await alice.getFundingHistory({ marketId: ETH, pageSize: 5n });
    expect(accruals.length).to.be.greaterThan(0);
    expect(accruals.at(-1)?.fundingIndex).to.equal((await protocol.engine.marketState(ETH)).fundingIndex);
  });

  it("reports a failing oracle instead of reverting the read, and decodes the oracle error on a trade", async function () {
    const snapshot = await networkHelpers.takeSnapshot();
    try {
      await networkHelpers.time.increase(2 * 86_400); // every feed is now older than its heartbeat
      const markets = await alice.getMarkets();
      expect(markets.every((m) => !m.oracleValid && m.oraclePrice === 0n)).to.equal(true);
      const account = await alice.getAccount();
      expect(account.valuationValid).to.equal(false);
      expect(account.positions).to.have.length(1);
      // The lens cannot read the fair views, but what may be withdrawn is still known: the SDK values the ETH long
      // at its last good price moved down by the breaker band (15 %), as the engine's own views do.
      const margin = await protocol.engine.accountMargin(aliceAddress);
      expect(account.margin.equityUsd).to.equal(margin.equity);
      expect(account.margin.initialMarginUsd).to.equal(margin.initialMargin);
      expect(account.withdrawableUsd).to.equal(await protocol.vault.withdrawableUsd(aliceAddress));
      expect(margin.equity).to.not.equal(0n);
      expect(account.positions[0].credited.fallback).to.equal(true);
      const last = account.positions[0].market.state.lastOraclePrice;
      expect(account.positions[0].credited.price).to.equal((last * 85n) / 100n);
      // The liquidation trigger values it at the same worst case (the engine's views no longer revert), so the
      // account can still be judged: the SDK's numbers are the engine's.
      expect(account.positions[0].atFair).to.deep.include({ fallback: true, price: (last * 85n) / 100n });
      const atFair = await protocol.engine.accountMarginAtFair(aliceAddress);
      expect([account.marginAtFair.equityUsd, account.marginAtFair.maintenanceMarginUsd]).to.deep.equal([
        atFair.equity,
        atFair.maintenanceMargin,
      ]);
      expect(account.maintenanceMarginUsd).to.equal(await protocol.engine.maintenanceMargin(aliceAddress));
      expect(account.liquidatable).to.equal(account.maintenanceMarginUsd < 0n);
      // The liquidity vault stays readable at its worst case, deposits closed.
      const vault = await lp.getLiquidityVault();
      expect(vault.valuationFallback).to.equal(true);
      expect(vault.maxDepositUsdc).to.equal(0n);
      const stale = await expectNothingSent(aliceAddress, () =>
        alice.openPosition({ marketId: ETH, side: "long", size: parseSize("0.1") }),
      );
      expect(isPerpContractError(stale, "StalePrice")).to.equal(true);
      expect((stale as PerpContractError).category).to.equal("oracle");
    } finally {
      await snapshot.restore();
    }
  });

  it("validates a trade while another market of the account has a failing oracle, valuing it at its fallback", async function () {
    const snapshot = await networkHelpers.takeSnapshot();
    try {
      await alice.deposit({ amountUsdc: parseUsdc("5000") });
      await alice.openPosition({ marketId: BTC, side: "long", size: parseSize("0.1") });
      await protocol.markets[1].feed.updateAnswer(0n); // the BTC adapter now reverts
      const account = await alice.getAccount();
      expect(account.valuationValid).to.equal(false);
      const btc = account.positions.find((p) => p.marketId === BTC)!;
      // BTC at its last good price moved against the long by the breaker band (15 %), as the engine values it.
      expect(btc.credited).to.deep.include({
        fallback: true,
        price: (btc.market.state.lastOraclePrice * 85n) / 100n,
      });
      expect(account.margin.equityUsd).to.equal((await protocol.engine.accountMargin(aliceAddress)).equity);
      // Far beyond the tiers: refused before sending, with the fallback valuation in the equity.
      const tooBig = await expectNothingSent(aliceAddress, () =>
        alice.openPosition({ marketId: ETH, side: "long", size: parseSize("50") }),
      );
      expect(tooBig).to.be.instanceOf(LeverageAboveTierError);
      expect((tooBig as LeverageAboveTierError).params.equityUsd < account.margin.equityUsd).to.equal(true);
      // Within them: it goes through, and the engine agrees with the preview's fill.
      const ok = await alice.openPosition({ marketId: ETH, side: "long", size: parseSize("0.5") });
      expect(ok.fillPrice).to.equal(ok.preview.fillPrice);
      expect(ok.preview.failure).to.equal(undefined);
    } finally {
      await snapshot.restore();
    }
  });

  it("needs a wallet for writes and the deployment's chain", async function () {
    const readOnly = createPerpClient({ publicClient, deployment });
    expect((await readOnly.getAccount({ account: aliceAddress })).positions).to.have.length(1);
    let error: unknown;
    try {
      await readOnly.deposit({ amountUsdc: 1n });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(WalletRequiredError);
    expect(() => createPerpClient({ publicClient, deployment: { ...deployment, chainId: 1 } })).to.throw(
      ChainMismatchError,
    );
  });
});

describe("SDK errors, formatting and address books (no chain)", function () {
  it("decodes every protocol custom error to a PerpContractError with its named arguments and a message", function () {
    const sample = (type: string): unknown =>
      type === "address"
        ? zeroAddress
        : type === "bytes32"
          ? stringToHex("oracleMove", { size: 32 })
          : type === "uint8"
            ? 6
            : type.startsWith("int")
              ? -1_500_000_000_000_000_000n
              : 2_500_000_000_000_000_000n;
    expect(perpErrorsAbi.length).to.be.greaterThan(50);
    expect(Object.keys(contractErrorMessages).sort()).to.deep.equal(perpErrorsAbi.map((e) => e.name).sort());
    for (const item of perpErrorsAbi) {
      const args = item.inputs.map((input) => sample(input.type));
      const data = encodeErrorResult({ abi: [item], errorName: item.name, args } as never);
      const decoded = decodePerpContractError(data);
      expect(decoded, item.name).to.be.instanceOf(PerpContractError);
      expect(decoded!.errorName).to.equal(item.name);
      expect(Object.keys(decoded!.args)).to.deep.equal(item.inputs.map((input) => input.name));
      expect(decoded!.shortMessage, item.name).to.match(/^[A-Z0-9].*[.)]$/);
      expect(decoded!.shortMessage, item.name).to.not.match(/undefined|NaN|\[object/);
      expect(decoded!.message).to.contain(`${item.name}(`);
    }
    expect(decodePerpContractError("0x08c379a0")).to.equal(undefined); // Error(string) selector alone
  });

  it("formats and parses fixed-point amounts exactly", function () {
    expect(formatUsd(-1_234_567_891n * 10n ** 12n)).to.equal("-1,234.56");
    expect(formatUsdc(1_000_500_000n)).to.equal("1,000.5");
    expect(formatSize(-(10n ** 17n) * 25n)).to.equal("-2.5");
    expect(formatRate(125n * 10n ** 11n)).to.equal("0.00125 %");
    expect(formatRate(MAX_UINT256)).to.equal("∞");
    expect(formatUsd(-1n)).to.equal("0.00");
    expect(parseUsdc("1,000.5")).to.equal(1_000_500_000n);
    expect(parseSize("-0.000000000000000001")).to.equal(-1n);
    expect(parseFixed(".5", 2)).to.equal(50n);
    expect(() => parseUsdc("1.0000001")).to.throw(RangeError);
    expect(() => parseUsdc("1e6")).to.throw(SyntaxError);
  });

  it("checks address books", function () {
    const contracts = {
      perpEngine: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
      collateralVault: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512",
      liquidityVault: "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0",
      liquidationEngine: "0x5fc8d32690cc91d4c39d9d3abcbd16989f875707",
      insuranceFund: "0x0165878a594ca255338adfa4d48449f69242eb8f",
      perpLens: "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9",
      collateralToken: "0xdc64a140aa3e981100a9beca4e685f962f0cf6c9",
    };
    const book = defineDeployment({ chainId: 31337, contracts, startBlock: 3 });
    expect(book.contracts.perpEngine).to.equal("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    expect(book.startBlock).to.equal(3);
    expect(() =>
      defineDeployment({ chainId: 31337, contracts: { ...contracts, perpLens: "0x12" } }),
    ).to.throw(InvalidDeploymentError);
    expect(() => defineDeployment({ contracts })).to.throw(InvalidDeploymentError);
    const { insuranceFund: _missing, ...withoutFund } = contracts;
    expect(() => defineDeployment({ chainId: 31337, contracts: withoutFund })).to.throw(
      InvalidDeploymentError,
      /insuranceFund/,
    );
  });
});
