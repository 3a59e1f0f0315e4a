// Differential test of the SDK's account-level and liquidity-vault math against the engine's and the vaults' views,
// on random chain states built on the in-process network: random market parameters and notional tiers (premium caps
// small enough that trades cross the clamp), random price walks (18-decimal feeds, any wei), random time gaps
// (seconds to two days), random trades (opens, reduces, closes, flips, trades across the premium clamp, some refused
// by caps, the open-interest-to-cash limit, the dust rule, margin or the bankrupt-reduction rule), a market whose
// oracle fails for a while, random open-interest-to-cash ratios, backing ratios and liquidity fees, liquidity deposits
// and redemptions, and pnl-factor reductions requested and resolved without candidates.
//
// For every state it reads each market and each trader through PerpLens (one call each; the lens only forwards the
// engine's views) and checks, to the wei, the SDK's pure math on the same block's raw state:
//   markets:  marketPrices (mark, fair premium and fair price advanced to now, premium, rates, pending funding
//             index), quoteFillPrice on random sizes, and quoteForcedClose(account, market, size) for a random trader
//             (the forced-close bound, its fit and the dust rule: whole closes, slices and random sizes);
//   accounts: accountMargin (credited: each position at the worse of its exit and fair price), accountMarginAtFair,
//             maintenanceMargin, withdrawable (vault), maxWithdraw, and per position accruedFunding, unrealisedPnl,
//             positionAtFair, liquidationPrice (the lens's search: a long's tier ranges from the top) and adlRank;
//             while a market's oracle fails, both valuations (its fallback price, funding only against the holder)
//             against the engine's `accountMargin`, `accountMarginAtFair`, `maintenanceMargin` and the vault's
//             `withdrawableUsd`, which do not revert, and `positionAtFair` / `liquidationPrice` revert for revert;
//   vault:    the engine's counterpartyPnl and counterpartyPnlOf per market (exit value, fallback flag),
//             requiredBacking and requiredCash, and the liquidity vault's totalAssets, netValueUsd,
//             valuationFallback, requiredBackingAssets, requiredCashAssets, availableLiquidity, max* of the LP and
//             the four previews (with the fee) on random amounts.
// Every random trade is also previewed with the SDK's `previewTrade` at the block it is mined in, and must match the
// engine: the same fill, fee, funding settled, realised PnL and new position, or the same revert (among them voluntary
// reductions filling beyond their forced-close bound, valued at fair and refused when they leave equity ≤ 0 even with
// collateral ≥ 0). Every LP deposit
// and redemption mints or pays what the SDK's preview computed for its block's timestamp. A pnl-factor reduction is
// requested whenever the SDK says traders' profit is beyond the limit (and refused for the SDK's reason otherwise):
// it targets the market the SDK's `pnlReductionTarget` picks, and resolves without candidates after its window.
// Block timestamps are set explicitly, so a seed reproduces a run: PARITY_SEED=0x… PARITY_STATES=2000 npx hardhat
// test mocha test/ts/sdk-parity-accounts.test.ts
import { expect } from "chai";
import { network } from "hardhat";
import {
  getAddress,
  maxUint256,
  parseEventLogs,
  stringToHex,
  zeroAddress,
  type Address,
  type Hash,
  type PublicClient,
} from "viem";

import type { MarketConfig } from "../../deploy/config/local-markets.js";
import { deployLocalProtocol, type LocalProtocol } from "../../deploy/local-protocol.js";
import * as sdk from "../../sdk/src/index.js";
import {
  pick,
  randomMarket,
  randomParams,
  randomTiers,
  sizeAcrossClamp,
  WIDE_BREAKER,
} from "./helpers/random-markets.js";
import { Rng } from "./helpers/rng.js";
import { readVaultInputs, vaultStateAt, type VaultAddresses } from "./helpers/vault-state.js";
import { readLensAccount, readLensMarket, readTradeContextRaw } from "./helpers/lens-reads.js";

const { viem, ethers, networkHelpers } = await network.create();

const E18 = 10n ** 18n;
const STATES = Number(process.env.PARITY_STATES ?? 520);
const SEED = process.env.PARITY_SEED ? BigInt(process.env.PARITY_SEED) : 0x5eed_acc0_0002n;
const TRADERS = 5;
const MARKETS = 4;

type WalletClient = Awaited<ReturnType<typeof viem.getWalletClients>>[number];

// ------------------------------------------------------------------ the test

describe("SDK account and liquidity-vault math parity with the engine's views (random chain states)", function () {
  this.timeout(1_800_000);

  let protocol: LocalProtocol;
  let publicClient: PublicClient;
  let traders: WalletClient[];
  let lpWallet: WalletClient;
  /** Opens one position near its tier's leverage and closes it after a move against it (the bankrupt-close rule). */
  let reckless: WalletClient;
  let addresses: VaultAddresses;
  let lens: Address;
  let engine: Address;
  let now: bigint;
  /** The market whose feed answers 0 (its adapter reverts), if any. */
  let failing: number | undefined;
  const prices: bigint[] = [];
  const stats = {
    states: 0,
    accountChecks: 0,
    fallbackAccountChecks: 0,
    positionChecks: 0,
    marketChecks: 0,
    failingMarketStates: 0,
    quotes: 0,
    forcedQuotes: 0,
    forcedCut: 0,
    forcedDust: 0,
    fallbackFairChecks: 0,
    bankruptFlat: 0,
    bankruptEquity: 0,
    bankruptRepaidClose: 0,
    negativeAfterReduction: 0,
    beyondBoundValued: 0,
    beyondBoundRefused: 0,
    marketPnlChecks: 0,
    pnlRequests: 0,
    pnlRefusals: 0,
    pnlResolved: 0,
    vaultChecks: 0,
    vaultFallback: 0,
    trades: 0,
    acrossClamp: 0,
    refused: 0,
    breaker: 0,
    oracleRefused: 0,
    lpOps: 0,
  };
  const reasons: Record<string, number> = {};
  const failures: string[] = [];

  /** Mines the next transaction `gap` seconds after the previous block (timestamps fixed: reproducible runs). */
  async function atNextBlock<T>(gap: bigint, send: () => Promise<T>): Promise<T> {
    now += gap < 1n ? 1n : gap;
    await networkHelpers.time.setNextBlockTimestamp(now);
    return send();
  }

  function check(label: string, sdkValue: unknown, chainValue: unknown) {
    const a = JSON.stringify(sdkValue, (_, v) => (typeof v === "bigint" ? v.toString() : v));
    const b = JSON.stringify(chainValue, (_, v) => (typeof v === "bigint" ? v.toString() : v));
    if (a !== b) failures.push(`${label}: SDK ${a} != engine ${b}`);
  }

  /** The SDK's value, or "throws" (the engine's revert). */
  function orThrows<T>(f: () => T): T | "throws" {
    try {
      return f();
    } catch {
      return "throws";
    }
  }

  async function chainOrThrows<T>(f: () => Promise<T>): Promise<T | "throws"> {
    try {
      return await f();
    } catch {
      return "throws";
    }
  }

  /** Sends without estimation (a refused call is mined and reverts at `now`); returns the hash or the revert. */
  async function sendOrRevert(
    wallet: WalletClient,
    request: object,
  ): Promise<{ hash?: Hash; revert?: string }> {
    try {
      return { hash: await wallet.writeContract({ ...request, gas: 3_000_000n } as never) };
    } catch (e) {
      const data = sdk.findRevertData(e);
      return { revert: (data && sdk.decodePerpContractError(data)?.errorName) ?? String(e).slice(0, 200) };
    }
  }

  const readAccount = (account: Address) => readLensAccount(publicClient, lens, account);

  const readMarket = (marketId: bigint) => readLensMarket(publicClient, lens, marketId);

  const readContext = (): Promise<sdk.TradeContext> => readTradeContextRaw(publicClient, addresses);

  before(async function () {
    const rng = new Rng(SEED);
    const configs = Array.from({ length: MARKETS }, (_, i) => randomMarket(rng, i));
    protocol = await deployLocalProtocol(ethers, configs);
    publicClient = (await viem.getPublicClient()) as unknown as PublicClient;
    const wallets = await viem.getWalletClients();
    lpWallet = wallets[1];
    traders = wallets.slice(2, 2 + TRADERS);
    reckless = wallets[2 + TRADERS];
    lens = getAddress(await protocol.lens.getAddress());
    engine = getAddress(await protocol.engine.getAddress());
    addresses = {
      lens,
      engine,
      collateralVault: getAddress(await protocol.vault.getAddress()),
      liquidityVault: getAddress(await protocol.liquidityVault.getAddress()),
      liquidationEngine: getAddress(await protocol.liquidationEngine.getAddress()),
    };
    now = (await publicClient.getBlock()).timestamp;
    for (const [i, m] of protocol.markets.entries()) {
      prices.push(configs[i].price);
      // The widest funding band first (it covers the rate at ±maxSkew of any parameters), then random parameters;
      // a wide oracle band, so that random price walks rarely make a market reduce-only.
      await atNextBlock(1n, async () => (await protocol.engine.setCircuitBreaker(m.id, WIDE_BREAKER)).wait());
      const params = randomParams(rng, await m.adapter.getAddress(), configs[i]);
      await atNextBlock(1n, async () => (await protocol.engine.setMarketParams(m.id, params)).wait());
    }
    const lp = await ethers.getSigner(lpWallet.account.address);
    await atNextBlock(1n, async () => (await protocol.usdc.mint(lp.address, 10n ** 18n)).wait());
    await atNextBlock(1n, async () =>
      (await protocol.usdc.connect(lp).approve(addresses.liquidityVault, maxUint256)).wait(),
    );
    await atNextBlock(1n, async () =>
      (await protocol.usdc.connect(lp).approve(addresses.collateralVault, maxUint256)).wait(),
    );
    // A vault of a few million USD: the open-interest-to-cash limit binds now and then. The pnl factor's limit at its
    // lowest (10 % of the vault's cash), so that reductions are requested now and then.
    await atNextBlock(1n, async () => (await protocol.liquidationEngine.setMaxPnlFactor(E18 / 10n)).wait());
    await atNextBlock(1n, async () =>
      (
        await protocol.liquidityVault
          .connect(lp)
          .deposit(rng.mag(2_000_000n, 50_000_000n) * 1_000_000n, lp.address)
      ).wait(),
    );
    for (const t of [...traders, reckless]) {
      const signer = await ethers.getSigner(t.account.address);
      await atNextBlock(1n, async () => (await protocol.usdc.mint(t.account.address, 10n ** 18n)).wait());
      await atNextBlock(1n, async () =>
        (await protocol.usdc.connect(signer).approve(addresses.collateralVault, maxUint256)).wait(),
      );
      await atNextBlock(1n, async () =>
        (await protocol.vault.connect(signer).deposit(rng.mag(100n, 1_000_000n) * 1_000_000n)).wait(),
      );
    }
  });

  /** One random trade, previewed with the SDK at the block it is mined in, then compared with what happened. */
  async function randomTrade(rng: Rng, label: string) {
    let trader = pick(rng, traders);
    let marketId = BigInt(rng.below(BigInt(MARKETS)));
    let underwater = false;
    if (rng.chance(15)) {
      // The account with the least equity at fair prices reduces or closes its losing position: its realised loss may
      // run past its collateral (allowed only while it keeps positive equity at fair and a position).
      const all = await Promise.all(traders.map((t) => readAccount(getAddress(t.account.address))));
      // Half the time among accounts with a single position (a close leaves them flat).
      const single = rng.bool();
      let weakest = -1;
      for (const [i, a] of all.entries()) {
        if (a.positions.length === 0 || (single && a.positions.length !== 1)) continue;
        if (weakest < 0 || a.marginAtFair.equityUsd < all[weakest].marginAtFair.equityUsd) weakest = i;
      }
      if (weakest < 0) weakest = 0;
      const losing = all[weakest].positions.reduce<sdk.Position | undefined>(
        (worst, p) => (worst === undefined || p.credited.pnlUsd < worst.credited.pnlUsd ? p : worst),
        undefined,
      );
      if (losing !== undefined) {
        trader = traders[weakest];
        marketId = losing.marketId;
        underwater = true;
      }
    }
    const owner = getAddress(trader.account.address);
    const [account, market, context] = await Promise.all([
      readAccount(owner),
      readMarket(marketId),
      readContext(),
    ]);
    const held = account.positions.find((p) => p.marketId === marketId)?.size ?? 0n;
    const equity = account.margin.equityUsd > 0n ? account.margin.equityUsd : 1_000n * E18;
    const reference = market.oracleValid ? market.oraclePrice : prices[Number(marketId)];
    const notional = (equity * rng.mag(1n, 4_000n)) / 100n; // 0.01x to 40x the equity
    const opening = (rng.bool() ? 1n : -1n) * ((notional * E18) / reference + 1n);
    const kind =
      held === 0n
        ? pick(rng, ["open", "open", "clamp"] as const)
        : underwater
          ? pick(rng, ["reduce", "close"] as const)
          : pick(rng, ["open", "open", "reduce", "dust", "close", "flip", "clamp"] as const);
    const acrossClamp = kind === "clamp" ? sizeAcrossClamp(rng, market.params, market.skew) : 0n;
    let sizeDelta =
      kind === "open"
        ? opening
        : kind === "clamp"
          ? acrossClamp
          : kind === "reduce"
            ? -((held * rng.between(1n, 99n)) / 100n) || -held
            : kind === "dust" // leaves 0.01 % to 1 % of the position: often below the minimum margin
              ? -(held - (held * rng.between(1n, 100n)) / 10_000n)
              : kind === "close"
                ? -held
                : -held - (held > 0n ? 1n : -1n) * (opening > 0n ? opening : -opening);
    if (rng.chance(1)) sizeDelta = (rng.bool() ? 1n : -1n) * (sdk.MAX_TRADE_SIZE + rng.mag(1n, 10n ** 30n));
    if (sizeDelta === 0n) return;
    if (kind === "clamp") stats.acrossClamp++;
    await tradeAndCompare(rng, label, trader, { account, market, context }, sizeDelta, kind);
  }

  /**
   * Sends `sizeDelta` for `trader` at the next block (a random gap), previews it with the SDK at that timestamp on the
   * state read just before, and compares the fill, fee, funding, realised PnL, new position, collateral and vault
   * cash, or the revert. Returns the revert (undefined: mined) and the preview.
   */
  async function tradeAndCompare(
    rng: Rng,
    label: string,
    trader: WalletClient,
    read: { account: sdk.Account; market: sdk.Market; context: sdk.TradeContext },
    sizeDelta: bigint,
    kind: string,
  ): Promise<{ revert?: string; preview?: sdk.TradePreview }> {
    const { account, market, context } = read;
    const owner = getAddress(trader.account.address);
    const marketId = market.marketId;
    const quote = market.oracleValid
      ? orThrows(() => sdk.quoteFillPrice(market, market.oraclePrice, sizeDelta))
      : "throws";
    const acceptablePrice =
      quote !== "throws" && rng.chance(10)
        ? sizeDelta > 0n
          ? quote - 1n
          : quote + 1n
        : quote !== "throws" && rng.chance(10)
          ? quote
          : sizeDelta > 0n
            ? maxUint256
            : 0n;

    let hash: `0x${string}` | undefined;
    let revert: string | undefined;
    let reason: string | undefined;
    await atNextBlock(rng.chance(50) ? 1n : rng.mag(1n, 3_600n), async () => {
      try {
        hash = await trader.writeContract({
          address: engine,
          abi: sdk.perpEngineAbi,
          functionName: "trade",
          args: [owner, marketId, sizeDelta, acceptablePrice],
          gas: 5_000_000n, // no estimation: a refused trade is mined and reverts at this exact timestamp
        });
      } catch (e) {
        const data = sdk.findRevertData(e);
        const decoded = data && sdk.decodePerpContractError(data);
        revert = decoded?.errorName ?? String(e).slice(0, 200);
        if (decoded?.errorName === "CircuitBreakerTripped")
          reason = (decoded as sdk.PerpContractError<"CircuitBreakerTripped">).args.reason;
      }
    });
    const where = `${label} trade ${owner.slice(0, 8)} market ${marketId} size ${sizeDelta} (${kind})`;
    stats.trades++;
    // The oracle-move breaker's flag is the read block's (the engine re-evaluates it at the trade's block, and the
    // lens has no raw breaker state to advance): a trade the engine refuses for it is not compared; any other trade
    // passed it and is previewed without it. The funding breaker is judged after the trade, by the SDK too.
    if (revert === "CircuitBreakerTripped" && reason === stringToHex("oracleMove", { size: 32 })) {
      stats.breaker++;
      return { revert };
    }
    if (!market.oracleValid) {
      // The traded market's oracle fails: the engine reverts reading it, and the SDK does not price such a trade.
      stats.oracleRefused++;
      check(`${where} oracle revert`, revert !== undefined, true);
      return { revert };
    }
    const unbroken = { ...market, breakerOracleMove: false };
    const preview = sdk.previewTrade(account, unbroken, sizeDelta, now, acceptablePrice, context);
    if (revert !== undefined) {
      stats.refused++;
      reasons[revert] = (reasons[revert] ?? 0) + 1;
      if (revert === "BankruptCloseNeedsLiquidation" && preview.accountAfter.positions.length > 0)
        stats.bankruptEquity++;
      // Refused although the collateral stays ≥ 0: only because the fill was beyond the forced-close bound.
      if (
        revert === "BankruptCloseNeedsLiquidation" &&
        preview.collateralAfterUsd >= 0n &&
        preview.fillBeyondBound
      )
        stats.beyondBoundRefused++;
      check(`${where} revert`, preview.failure?.error, revert);
      return { revert, preview };
    }
    const receipt = await publicClient.getTransactionReceipt({ hash: hash! });
    check(
      `${where} timestamp`,
      (await publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp,
      now,
    );
    check(`${where} failure`, preview.failure, undefined);
    // A reduction that left the collateral negative passed only with positive equity at fair and a position left.
    if (preview.reducing && preview.collateralAfterUsd < 0n) stats.negativeAfterReduction++;
    // A reduction beyond its forced-close bound that the engine let through after valuing the account at fair.
    if (preview.reducing && preview.fillBeyondBound && preview.accountAfter.positions.length > 0)
      stats.beyondBoundValued++;
    const logs = parseEventLogs({ abi: sdk.perpEngineAbi, logs: receipt.logs });
    const traded = logs.find((l) => l.eventName === "Trade");
    const settled = logs.find((l) => l.eventName === "FundingSettled");
    check(
      `${where} fill`,
      [
        preview.fillPrice,
        preview.feeUsd,
        preview.realisedPnlUsd,
        preview.newSize,
        preview.newOpenNotionalUsd,
      ],
      traded?.eventName === "Trade"
        ? [
            traded.args.fillPrice,
            traded.args.fee,
            traded.args.realisedPnl,
            traded.args.newSize,
            traded.args.newOpenNotional,
          ]
        : undefined,
    );
    check(
      `${where} funding`,
      preview.fundingOwedUsd,
      settled?.eventName === "FundingSettled" ? settled.args.amount : 0n,
    );
    const after = await readAccount(owner);
    check(`${where} collateral after`, preview.collateralAfterUsd, after.collateralUsd);
    const cash = await readContext();
    check(
      `${where} vault cash after`,
      preview.vaultCashAfterUsd,
      cash.liquidityVaultCollateralUsd! > cash.totalDebtUsd!
        ? cash.liquidityVaultCollateralUsd! - cash.totalDebtUsd!
        : 0n,
    );
    return { preview };
  }

  /** A liquidity deposit or redemption, its shares or assets predicted by the SDK for the block it is mined in. */
  async function randomLpOp(rng: Rng, label: string) {
    const block = await publicClient.getBlockNumber();
    const inputs = await readVaultInputs(publicClient, addresses, block);
    const shares = await publicClient.readContract({
      address: addresses.liquidityVault,
      abi: sdk.liquidityVaultAbi,
      functionName: "balanceOf",
      args: [lpWallet.account.address],
    });
    const gap = rng.chance(50) ? 1n : rng.mag(1n, 600n);
    const state = vaultStateAt(inputs, now + gap);
    const redeem = rng.chance(40) && shares > 0n;
    const amount = redeem ? (shares * rng.between(1n, 30n)) / 100n : rng.mag(1n, 5_000_000n) * 1_000_000n;
    const shareState = sdk.liquidityShareState(state);
    const expected = redeem
      ? { max: sdk.liquidityMaxRedeem(state, shares), out: sdk.liquidityPreviewRedeem(shareState, amount) }
      : { max: sdk.liquidityMaxDeposit(state), out: sdk.liquidityPreviewDeposit(shareState, amount) };
    const where = `${label} LP ${redeem ? "redeem" : "deposit"} ${amount}`;
    let hash: `0x${string}` | undefined;
    let revert: string | undefined;
    await atNextBlock(gap, async () => {
      try {
        hash = await lpWallet.writeContract({
          address: addresses.liquidityVault,
          abi: sdk.liquidityVaultAbi,
          functionName: redeem ? "redeem" : "deposit",
          args: redeem
            ? [amount, lpWallet.account.address, lpWallet.account.address]
            : [amount, lpWallet.account.address],
          gas: 3_000_000n,
        });
      } catch (e) {
        const data = sdk.findRevertData(e);
        revert = (data && sdk.decodePerpContractError(data)?.errorName) ?? String(e).slice(0, 200);
      }
    });
    stats.lpOps++;
    if (amount > expected.max) {
      check(`${where} refused`, revert, redeem ? "ERC4626ExceededMaxRedeem" : "ERC4626ExceededMaxDeposit");
      return;
    }
    check(`${where} revert`, revert, undefined);
    if (hash === undefined) return;
    const receipt = await publicClient.getTransactionReceipt({ hash });
    const logs = parseEventLogs({ abi: sdk.liquidityVaultAbi, logs: receipt.logs });
    const event = logs.find((l) => l.eventName === (redeem ? "Withdraw" : "Deposit"));
    check(
      `${where} outcome`,
      expected.out,
      event?.eventName === "Withdraw"
        ? event.args.assets
        : event?.eventName === "Deposit"
          ? event.args.shares
          : undefined,
    );
  }

  /**
   * The bankrupt-close rule on a flat account: `reckless` opens one position near its first tier's leverage on a
   * small collateral; later its market moves 30-60 % against it and it closes: refused
   * (`BankruptCloseNeedsLiquidation`, the account would be flat with negative collateral), then, with the deficit
   * deposited (plus 1 USDC), the same close goes through. Each trade is compared with the SDK's preview.
   */
  async function recklessStep(rng: Rng, label: string) {
    const owner = getAddress(reckless.account.address);
    const account = await readAccount(owner);
    const signer = await ethers.getSigner(owner);
    const fund = (usdc: bigint) =>
      atNextBlock(1n, async () => (await protocol.vault.connect(signer).deposit(usdc)).wait());
    if (account.positions.length === 0) {
      const marketId = BigInt(rng.below(BigInt(MARKETS)));
      if (Number(marketId) === failing) return;
      if (account.collateralUsd < 1_000n * E18) await fund(rng.mag(1_000n, 5_000n) * 1_000_000n);
      const [fresh, market, context] = await Promise.all([
        readAccount(owner),
        readMarket(marketId),
        readContext(),
      ]);
      const tier = market.tiers[0];
      const cap = (tier.upToNotionalUsd * 9n) / 10n;
      const levered = (fresh.collateralUsd * tier.maxLeverage * 9n) / (10n * E18);
      const notional = levered < cap ? levered : cap;
      const size = (rng.bool() ? 1n : -1n) * ((notional * E18) / market.oraclePrice + 1n);
      await tradeAndCompare(
        rng,
        `${label} reckless`,
        reckless,
        { account: fresh, market, context },
        size,
        "open",
      );
      return;
    }
    const p = account.positions[0];
    if (Number(p.marketId) === failing) return;
    const i = Number(p.marketId);
    const move = rng.between(3_000n, 6_000n);
    prices[i] = (prices[i] * (p.size > 0n ? 10_000n - move : 10_000n + move)) / 10_000n + 1n;
    await atNextBlock(1n, async () => (await protocol.markets[i].feed.updateAnswer(prices[i])).wait());
    const read = async () => {
      const [a, market, context] = await Promise.all([
        readAccount(owner),
        readMarket(p.marketId),
        readContext(),
      ]);
      return { account: a, market, context };
    };
    const first = await tradeAndCompare(rng, `${label} reckless`, reckless, await read(), -p.size, "close");
    if (first.revert !== "BankruptCloseNeedsLiquidation" || first.preview === undefined) return;
    stats.bankruptFlat++;
    // Repay the deficit (plus 1 USDC for the funding of the next seconds): the same close goes through.
    await fund(-first.preview.collateralAfterUsd / 10n ** 12n + 1_000_000n);
    const second = await tradeAndCompare(rng, `${label} reckless`, reckless, await read(), -p.size, "close");
    if (second.revert === undefined) stats.bankruptRepaidClose++;
  }

  /**
   * The pnl factor: with a reduction pending and its window over, `executeAdl` resolves it (no candidate was
   * submitted); else `requestPnlReduction()` at the next block goes through exactly when the SDK says traders' profit
   * against the vault is beyond ⌊cash × maxPnlFactor⌋ and some market is negative, on the market the SDK's
   * `pnlReductionTarget` picks, or reverts for the SDK's reason.
   */
  async function pnlFactorStep(rng: Rng, label: string) {
    const liquidator = addresses.liquidationEngine;
    const read = { address: liquidator, abi: sdk.liquidationEngineAbi } as const;
    const [pending, , request] = await publicClient.readContract({ ...read, functionName: "pendingAdl" });
    if (pending) {
      if (request.account !== zeroAddress) return;
      if (now + 1n < BigInt(request.openedAt) + 60n) {
        // One reduction at a time.
        const { revert } = await atNextBlock(1n, () =>
          sendOrRevert(lpWallet, { ...read, functionName: "requestPnlReduction" }),
        );
        check(`${label} second requestPnlReduction`, revert, "PnlReductionPending");
        stats.pnlRefusals++;
        return;
      }
      const { hash, revert } = await atNextBlock(1n, () =>
        sendOrRevert(lpWallet, { ...read, functionName: "executeAdl" }),
      );
      check(`${label} executeAdl on the reduction`, revert, undefined);
      if (hash === undefined) return;
      const logs = parseEventLogs({
        abi: sdk.liquidationEngineAbi,
        logs: (await publicClient.getTransactionReceipt({ hash })).logs,
      });
      const resolved = logs.some((l) => l.eventName === "AdlResolved");
      check(`${label} reduction without candidates resolves`, resolved, true);
      if (resolved) stats.pnlResolved++;
      return;
    }
    if (rng.chance(50)) {
      // Traders win: the market with the largest net skew moves their way (up 20-150 % when they are net long, down
      // 20-60 % when net short; its feed, unless it fails).
      const markets = (await readVaultInputs(publicClient, addresses, await publicClient.getBlockNumber()))
        .markets;
      let best: sdk.Market | undefined;
      for (const m of markets)
        if (
          m.oracleValid &&
          (best === undefined || sdk.abs(m.skew) * m.oraclePrice > sdk.abs(best.skew) * best.oraclePrice)
        )
          best = m;
      if (best !== undefined && best.skew !== 0n) {
        const i = Number(best.marketId);
        const factor =
          best.skew > 0n ? 10_000n + rng.between(2_000n, 15_000n) : 10_000n - rng.between(2_000n, 6_000n);
        prices[i] = (prices[i] * factor) / 10_000n + 1n;
        await atNextBlock(1n, async () => (await protocol.markets[i].feed.updateAnswer(prices[i])).wait());
      }
    }
    const block = await publicClient.getBlockNumber();
    const [inputs, maxPnlFactor] = await Promise.all([
      readVaultInputs(publicClient, addresses, block),
      publicClient.readContract({ ...read, functionName: "maxPnlFactor", blockNumber: block }),
    ]);
    const gap = rng.chance(50) ? 1n : rng.mag(1n, 600n);
    const at = now + gap;
    const value = sdk.counterpartyPnl(inputs.markets, inputs.pendingInsuranceFees, at).usd;
    const profit = value < 0n ? -value : 0n;
    const cash = inputs.collateral > inputs.totalDebt ? inputs.collateral - inputs.totalDebt : 0n;
    const target = sdk.pnlReductionTarget(inputs.markets, at);
    const expected =
      profit <= sdk.pnlFactorLimit(cash, maxPnlFactor)
        ? "PnlFactorWithinLimit"
        : target === undefined
          ? "NoWinningSide"
          : undefined;
    const { hash, revert } = await atNextBlock(gap, () =>
      sendOrRevert(lpWallet, { ...read, functionName: "requestPnlReduction" }),
    );
    const where = `${label} requestPnlReduction`;
    check(`${where} outcome`, revert, expected);
    if (revert !== undefined) {
      stats.pnlRefusals++;
      return;
    }
    if (hash === undefined) return;
    stats.pnlRequests++;
    const [event] = parseEventLogs({
      abi: sdk.liquidationEngineAbi,
      logs: (await publicClient.getTransactionReceipt({ hash })).logs,
      eventName: "PnlReductionRequested",
    });
    const skew = inputs.markets.find((m) => m.marketId === target)?.skew ?? 0n;
    check(
      `${where} event`,
      [target, skew > 0n, profit, cash],
      event === undefined
        ? undefined
        : [event.args.marketId, event.args.victimsLong, event.args.traderProfit, event.args.cash],
    );
  }

  /** Reads every market, the vaults and every trader at the latest block and compares the SDK with the views. */
  async function compareViews(rng: Rng, label: string) {
    const blockNumber = await publicClient.getBlockNumber();
    const timestamp = (await publicClient.getBlock({ blockNumber })).timestamp;
    const inputs = await readVaultInputs(publicClient, addresses, blockNumber);
    const markets = inputs.markets;
    for (const m of markets) {
      stats.marketChecks++;
      if (!m.oracleValid) {
        stats.failingMarketStates++;
        continue;
      }
      const mine = sdk.marketPrices(m, timestamp);
      check(
        `${label} market ${m.marketId} prices`,
        [
          mine.markPrice,
          mine.fairPrice,
          mine.premium,
          mine.fairPremium,
          mine.currentFundingRate,
          mine.annualisedFundingRate,
          mine.fundingIndex,
        ],
        [
          m.markPrice,
          m.fairPrice,
          m.premium,
          m.fairPremium,
          m.fundingRatePerHour,
          m.fundingRateAnnualised,
          m.fundingIndex,
        ],
      );
      for (let q = 0; q < 3; q++) {
        const sizeDelta = rng.chance(3)
          ? 0n
          : rng.chance(30)
            ? sizeAcrossClamp(rng, m.params, m.skew)
            : rng.chance(20)
              ? rng.signed(10n ** 24n, 10n ** 32n)
              : rng.signed(1n, 10n ** 24n);
        const read = { address: engine, abi: sdk.perpEngineAbi, blockNumber } as const;
        stats.quotes++;
        check(
          `${label} quote ${m.marketId} ${sizeDelta}`,
          orThrows(() => sdk.quoteFillPrice(m, m.oraclePrice, sizeDelta)),
          await chainOrThrows(() =>
            publicClient.readContract({
              ...read,
              functionName: "quoteFillPrice",
              args: [m.marketId, sizeDelta],
            }),
          ),
        );
        // A forced close of a random trader's position (the whole of it, a slice, or any size; the dust rule reads
        // its size), or of an account without one there.
        const holder = getAddress(pick(rng, traders).account.address);
        const held = (
          await publicClient.readContract({ ...read, functionName: "position", args: [holder, m.marketId] })
        ).size;
        const forcedDelta =
          held === 0n || rng.chance(25)
            ? sizeDelta
            : rng.chance(50)
              ? -held
              : -((held * rng.between(1n, 99n)) / 100n) || -held;
        stats.forcedQuotes++;
        const forced = orThrows(() => sdk.quoteForcedClose(m, m.oraclePrice, held, forcedDelta, timestamp));
        if (forced !== "throws" && forced.cut) stats.forcedCut++;
        if (forced !== "throws" && forced.closesAll) stats.forcedDust++;
        check(
          `${label} quoteForcedClose ${holder.slice(0, 8)} ${m.marketId} ${forcedDelta} (size ${held})`,
          forced === "throws" ? forced : [forced.sizeClosed, forced.fillPrice, forced.boundPrice],
          await chainOrThrows(() =>
            publicClient.readContract({
              ...read,
              functionName: "quoteForcedClose",
              args: [holder, m.marketId, forcedDelta],
            }),
          ),
        );
      }
    }
    await compareVault(rng, label, blockNumber, timestamp, inputs);
    for (const t of traders)
      await compareAccount(label, getAddress(t.account.address), blockNumber, timestamp);
  }

  async function compareVault(
    rng: Rng,
    label: string,
    blockNumber: bigint,
    timestamp: bigint,
    inputs: Awaited<ReturnType<typeof readVaultInputs>>,
  ) {
    stats.vaultChecks++;
    const state = vaultStateAt(inputs, timestamp);
    if (state.counterparty!.pnl.fallbackUsed) stats.vaultFallback++;
    const lpAddress = lpWallet.account.address;
    const engineRead = { address: engine, abi: sdk.perpEngineAbi, blockNumber } as const;
    const [pnl, backing, cashNeeded, perMarket] = await Promise.all([
      publicClient.readContract({ ...engineRead, functionName: "counterpartyPnl" }),
      publicClient.readContract({ ...engineRead, functionName: "requiredBacking" }),
      publicClient.readContract({ ...engineRead, functionName: "requiredCash" }),
      Promise.all(
        inputs.markets.map((m) =>
          publicClient.readContract({ ...engineRead, functionName: "counterpartyPnlOf", args: [m.marketId] }),
        ),
      ),
    ]);
    check(`${label} counterpartyPnl`, state.counterparty!.pnl, { usd: pnl[0], fallbackUsed: pnl[1] });
    check(`${label} requiredBacking`, sdk.requiredBacking(inputs.markets, inputs.backingRatio), {
      usd: backing[0],
      fallbackUsed: backing[1],
    });
    check(`${label} requiredCash`, sdk.requiredCash(inputs.markets, inputs.openInterestCashRatio), {
      usd: cashNeeded[0],
      fallbackUsed: cashNeeded[1],
    });
    for (const [i, m] of inputs.markets.entries()) {
      stats.marketPnlChecks++;
      check(`${label} counterpartyPnlOf ${m.marketId}`, sdk.counterpartyPnlOf(m, timestamp), {
        usd: perMarket[i][0],
        fallbackUsed: perMarket[i][1],
      });
    }
    const read = { address: addresses.liquidityVault, abi: sdk.liquidityVaultAbi, blockNumber } as const;
    const shares = await publicClient.readContract({ ...read, functionName: "balanceOf", args: [lpAddress] });
    const amounts = {
      assets: rng.mag(0n, 10n ** 14n),
      shares: rng.chance(50) ? (shares * rng.between(0n, 100n)) / 100n : rng.mag(0n, 10n ** 26n),
    };
    const shareState = sdk.liquidityShareState(state);
    const [
      totalAssets,
      netValueUsd,
      valuationFallback,
      requiredBackingAssets,
      requiredCashAssets,
      availableLiquidity,
      maxDeposit,
      maxMint,
      maxWithdraw,
      maxRedeem,
      previewDeposit,
      previewMint,
      previewWithdraw,
      previewRedeem,
    ] = await Promise.all([
      publicClient.readContract({ ...read, functionName: "totalAssets" }),
      publicClient.readContract({ ...read, functionName: "netValueUsd" }),
      publicClient.readContract({ ...read, functionName: "valuationFallback" }),
      publicClient.readContract({ ...read, functionName: "requiredBackingAssets" }),
      publicClient.readContract({ ...read, functionName: "requiredCashAssets" }),
      publicClient.readContract({ ...read, functionName: "availableLiquidity" }),
      publicClient.readContract({ ...read, functionName: "maxDeposit", args: [lpAddress] }),
      publicClient.readContract({ ...read, functionName: "maxMint", args: [lpAddress] }),
      publicClient.readContract({ ...read, functionName: "maxWithdraw", args: [lpAddress] }),
      publicClient.readContract({ ...read, functionName: "maxRedeem", args: [lpAddress] }),
      publicClient.readContract({ ...read, functionName: "previewDeposit", args: [amounts.assets] }),
      publicClient.readContract({ ...read, functionName: "previewMint", args: [amounts.shares] }),
      publicClient.readContract({ ...read, functionName: "previewWithdraw", args: [amounts.assets] }),
      publicClient.readContract({ ...read, functionName: "previewRedeem", args: [amounts.shares] }),
    ]);
    const valuation = sdk.liquidityVaultValuation(state);
    check(
      `${label} liquidity vault`,
      {
        totalAssets: sdk.liquidityVaultTotalAssets(state),
        netValueUsd: valuation.netValueUsd,
        valuationFallback: valuation.fallbackUsed,
        requiredBackingAssets: sdk.liquidityRequiredBackingAssets(state),
        requiredCashAssets: sdk.liquidityRequiredCashAssets(state),
        availableLiquidity: sdk.liquidityAvailable(state),
        maxDeposit: sdk.liquidityMaxDeposit(state),
        maxMint: sdk.liquidityMaxMint(state),
        maxWithdraw: sdk.liquidityMaxWithdraw(state, shares),
        maxRedeem: sdk.liquidityMaxRedeem(state, shares),
        previewDeposit: sdk.liquidityPreviewDeposit(shareState, amounts.assets),
        previewMint: sdk.liquidityPreviewMint(shareState, amounts.shares),
        previewWithdraw: sdk.liquidityPreviewWithdraw(shareState, amounts.assets),
        previewRedeem: sdk.liquidityPreviewRedeem(shareState, amounts.shares),
      },
      {
        totalAssets,
        netValueUsd,
        valuationFallback,
        requiredBackingAssets,
        requiredCashAssets,
        availableLiquidity,
        maxDeposit,
        maxMint,
        maxWithdraw,
        maxRedeem,
        previewDeposit,
        previewMint,
        previewWithdraw,
        previewRedeem,
      },
    );
  }

  async function compareAccount(label: string, who: Address, blockNumber: bigint, timestamp: bigint) {
    const a = await readAccount(who);
    const ts = a.timestamp;
    const where = `${label} account ${a.address.slice(0, 8)}`;
    check(`${where} timestamp`, ts, timestamp);
    const engineRead = { address: engine, abi: sdk.perpEngineAbi, blockNumber } as const;
    if (!a.valuationValid) {
      // An oracle of one of its markets fails: the lens cannot read the per-position views; both valuations the SDK
      // computed itself (toAccount) with the fallback price, and the engine's own margin views do not revert.
      stats.fallbackAccountChecks++;
      const [margin, marginAtFair, maintenance, withdrawable] = await Promise.all([
        publicClient.readContract({ ...engineRead, functionName: "accountMargin", args: [who] }),
        publicClient.readContract({ ...engineRead, functionName: "accountMarginAtFair", args: [who] }),
        publicClient.readContract({ ...engineRead, functionName: "maintenanceMargin", args: [who] }),
        publicClient.readContract({
          address: addresses.collateralVault,
          abi: sdk.collateralVaultAbi,
          functionName: "withdrawableUsd",
          args: [who],
          blockNumber,
        }),
      ]);
      // The engine's struct in the SDK's names (amounts end in Usd).
      const named = (m: typeof margin): sdk.AccountMarginResult => ({
        collateralUsd: m.collateral,
        equityUsd: m.equity,
        initialMarginUsd: m.initialMargin,
        maintenanceMarginUsd: m.maintenanceMargin,
        marginUtilisation: m.marginUtilisation,
        withdrawableUsd: m.withdrawable,
      });
      check(`${where} accountMargin (fallback)`, a.margin, named(margin));
      check(`${where} withdrawable (fallback)`, a.withdrawableUsd, withdrawable);
      check(`${where} accountMarginAtFair (fallback)`, a.marginAtFair, named(marginAtFair));
      check(
        `${where} maintenanceMargin (fallback)`,
        [a.maintenanceMarginUsd, a.liquidatable],
        [maintenance, maintenance < 0n],
      );
      check(
        `${where} credited and trigger fallback`,
        a.positions.some((p) => p.credited.fallback && p.atFair.fallback),
        true,
      );
      if (a.positions.length > 1) stats.fallbackFairChecks++;
      // One position at fair, and the lens's liquidation price: each reverts when it reads a failing oracle.
      for (const p of a.positions) {
        check(
          `${where} market ${p.marketId} positionAtFair (fallback)`,
          orThrows(() => {
            const v = sdk.positionAtFair(p, ts);
            return [v.valueUsd, v.maintenanceMarginUsd];
          }),
          await chainOrThrows(async () => [
            ...(await publicClient.readContract({
              ...engineRead,
              functionName: "positionAtFair",
              args: [who, p.marketId],
            })),
          ]),
        );
        check(
          `${where} market ${p.marketId} liquidationPrice (fallback)`,
          orThrows(() => sdk.liquidationPrice(a, p.marketId, ts)),
          await chainOrThrows(() =>
            publicClient.readContract({
              address: lens,
              abi: sdk.perpLensAbi,
              functionName: "liquidationPrice",
              args: [who, p.marketId],
              blockNumber,
            }),
          ),
        );
      }
      return;
    }
    stats.accountChecks++;
    check(`${where} accountMargin`, sdk.accountMargin(a, ts), a.margin);
    check(`${where} accountMarginAtFair`, sdk.accountMarginAtFair(a, ts), a.marginAtFair);
    check(`${where} maintenanceMargin`, sdk.maintenanceMargin(a, ts), a.maintenanceMarginUsd);
    check(
      `${where} withdrawable`,
      [sdk.withdrawableUsd(a, ts), sdk.maxWithdraw(a, ts)],
      [a.withdrawableUsd, a.maxWithdrawUsdc],
    );
    for (const p of a.positions) {
      stats.positionChecks++;
      const atFair = sdk.positionAtFair(p, ts);
      const [value, mm] = await publicClient.readContract({
        ...engineRead,
        functionName: "positionAtFair",
        args: [who, p.marketId],
      });
      check(
        `${where} market ${p.marketId} position`,
        [
          sdk.accruedFunding(p, ts),
          sdk.unrealisedPnl(p),
          atFair.valueUsd,
          atFair.maintenanceMarginUsd,
          sdk.liquidationPrice(a, p.marketId, ts),
          sdk.positionAdlRank(a, p.marketId, ts),
        ],
        [p.accruedFundingUsd, p.unrealisedPnlUsd, value, mm, p.liquidationPrice, p.adlRank],
      );
    }
  }

  it(`equals the engine and the vaults to the wei on ${STATES} random states`, async function () {
    const rng = new Rng(SEED ^ 0xa11n);
    const started = Date.now();
    for (let state = 0; state < STATES && failures.length < 20; state++) {
      const label = `seed=0x${SEED.toString(16)} state #${state}`;
      // A time gap: often none or seconds, sometimes hours or days (feeds are refreshed below).
      const gap = pick(rng, [0n, 0n, rng.mag(1n, 60n), rng.mag(60n, 7_200n), rng.mag(7_200n, 2n * 86_400n)]);
      now += gap;
      // Now and then one market's oracle fails (its feed answers 0, the adapter reverts) for a few states.
      if (failing === undefined && rng.chance(4)) failing = Number(rng.below(BigInt(MARKETS)));
      else if (failing !== undefined && rng.chance(25)) failing = undefined;
      // Price walk: every feed gets a fresh answer (so none is stale), most of them a new price within ±25 %.
      for (const [i, m] of protocol.markets.entries()) {
        if (rng.chance(70)) {
          const move = rng.between(7_500n, 12_500n);
          prices[i] = (prices[i] * move) / 10_000n + rng.below(10n ** 6n) + 1n;
        }
        const answer = i === failing ? 0n : prices[i];
        await atNextBlock(1n, async () => (await m.feed.updateAnswer(answer)).wait());
      }
      // Now and then a risk update: new tiers, new fair-premium and funding parameters (the engine accrues first,
      // without the oracle while it fails), the open-interest-to-cash ratio, the backing ratio (25 % to 200 %) or the
      // liquidity fee.
      if (rng.chance(4)) {
        const m = pick(rng, protocol.markets);
        await atNextBlock(1n, async () =>
          (await protocol.engine.setMarketTiers(m.id, randomTiers(rng))).wait(),
        );
      }
      if (rng.chance(3)) {
        const m = pick(rng, protocol.markets);
        const current = await protocol.engine.marketParams(m.id);
        const params = randomParams(rng, await m.adapter.getAddress(), {
          skewScale: current.skewScale,
          maxSkew: current.maxSkew,
          maxOpenInterest: current.maxOpenInterest,
          makerFee: current.makerFee,
          takerFee: current.takerFee,
        } as MarketConfig);
        await atNextBlock(1n, async () => (await protocol.engine.setMarketParams(m.id, params)).wait());
      }
      if (rng.chance(3))
        await atNextBlock(1n, async () =>
          (await protocol.engine.setOpenInterestCashRatio(rng.between(E18 / 100n, E18))).wait(),
        );
      if (rng.chance(2))
        await atNextBlock(1n, async () =>
          (await protocol.engine.setBackingRatio(rng.between(E18 / 4n, 2n * E18))).wait(),
        );
      if (rng.chance(3))
        await atNextBlock(1n, async () =>
          (await protocol.liquidityVault.setLiquidityFee(rng.mag(0n, sdk.MAX_LIQUIDITY_FEE))).wait(),
        );
      if (rng.chance(5)) {
        const t = pick(rng, traders);
        const signer = await ethers.getSigner(t.account.address);
        await atNextBlock(1n, async () =>
          (await protocol.vault.connect(signer).deposit(rng.mag(10n, 100_000n) * 1_000_000n)).wait(),
        );
      }
      // The vault's cash runs out when traders win big: a donation into its account keeps trading going.
      const [lpCollateral, debt] = await protocol.vault.collateralAndDebt(addresses.liquidityVault);
      if (lpCollateral - BigInt(debt) < 1_000_000n * E18) {
        const lp = await ethers.getSigner(lpWallet.account.address);
        await atNextBlock(1n, async () =>
          (
            await protocol.vault
              .connect(lp)
              .depositFor(addresses.liquidityVault, rng.mag(1_000_000n, 20_000_000n) * 1_000_000n)
          ).wait(),
        );
      }
      if (rng.chance(12)) await randomLpOp(rng, label);
      if (rng.chance(25)) await pnlFactorStep(rng, label);
      if (rng.chance(10)) await recklessStep(rng, label);
      for (let k = 0, n = Number(rng.below(4n)); k < n; k++) await randomTrade(rng, label);
      await compareViews(rng, label);
      stats.states++;
    }
    console.log(
      `      ${stats.states} states in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(stats)}`,
    );
    console.log(`      refusals: ${JSON.stringify(reasons)}`);
    expect(failures.slice(0, 10), `${failures.length} mismatches`).to.deep.equal([]);
    expect(stats.states).to.be.greaterThanOrEqual(Math.min(STATES, 500));
    expect(stats.positionChecks).to.be.greaterThan(STATES);
    expect(stats.refused).to.be.greaterThan(0);
    // The new paths were reached: trades across the clamp, cut forced closes, a failing oracle in the credit and the
    // vault valuations, the open-interest-to-cash limit, the dust rule, and liquidity operations with the fee.
    expect(stats.acrossClamp).to.be.greaterThan(10);
    expect(stats.forcedCut).to.be.greaterThan(10);
    expect(stats.forcedDust).to.be.greaterThan(0);
    expect(stats.fallbackAccountChecks).to.be.greaterThan(0);
    expect(stats.fallbackFairChecks).to.be.greaterThan(0);
    expect(stats.vaultFallback).to.be.greaterThan(0);
    expect(reasons.OpenInterestAboveCashLimit ?? 0).to.be.greaterThan(0);
    expect(reasons.PartialCloseBelowMinimumMargin ?? 0).to.be.greaterThan(0);
    expect(stats.bankruptFlat).to.be.greaterThan(0);
    expect(stats.bankruptRepaidClose).to.be.greaterThan(0);
    expect(stats.bankruptEquity).to.be.greaterThan(0);
    expect(stats.beyondBoundValued).to.be.greaterThan(0);
    expect(stats.beyondBoundRefused).to.be.greaterThan(0);
    expect(stats.pnlRequests).to.be.greaterThan(0);
    expect(stats.pnlResolved).to.be.greaterThan(0);
    expect(stats.lpOps).to.be.greaterThan(10);
  });
});
