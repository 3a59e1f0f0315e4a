// Differential test of the SDK's isolated-position preview (`previewIsolatedPositionMath`: the sizing, the engine-exact
// open on a fresh sub-account, its liquidation price) against what the chain does, on random chain states built on
// the in-process network: random markets, parameters and notional tiers (so a long's liquidation price may sit in a
// tier below its own), random oracle walks and time gaps (funding and the fair premium move), random skew from
// another trader (also across the premium clamp), and random isolated positions of one owner sized each of the three
// ways (size and collateral, size and leverage, leverage and collateral), some beyond their tier's leverage.
//
// For every state the owner takes a sub-account the lens calls free (`nextFreeSubAccount`: an old isolated position
// closed and swept back is reused, else a new one is created), moves the previewed collateral into it, and opens the
// position at a block whose timestamp the preview was computed for. Then, to the wei: the fill and fee of the `Trade`
// event, the refusal's error name when the engine refuses, and the sub-account's liquidation price from
// `PerpLens.liquidationPrice` and from `PerpLens.getAccount`. At least 200 opens are compared.
// PARITY_SEED=0x… PARITY_ISOLATED=400 npx hardhat test mocha test/ts/sdk-parity-isolated.test.ts
import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, maxUint256, parseEventLogs, stringToHex, type Address, type PublicClient } from "viem";

import { deployLocalProtocol, type LocalProtocol } from "../../deploy/local-protocol.js";
import * as sdk from "../../sdk/src/index.js";
import { randomMarket, randomParams, sizeAcrossClamp, WIDE_BREAKER } from "./helpers/random-markets.js";
import { readLensAccount, readLensMarket, readTradeContextRaw } from "./helpers/lens-reads.js";
import { Rng } from "./helpers/rng.js";

const { viem, ethers, networkHelpers } = await network.create();

const E18 = 10n ** 18n;
const COMPARED = Number(process.env.PARITY_ISOLATED ?? 200);
const SEED = process.env.PARITY_SEED ? BigInt(process.env.PARITY_SEED) : 0x5eed_150_0001n;
const MARKETS = 3;

type WalletClient = Awaited<ReturnType<typeof viem.getWalletClients>>[number];

describe("SDK isolated-position preview parity with the lens (random chain states)", function () {
  this.timeout(1_800_000);

  let protocol: LocalProtocol;
  let publicClient: PublicClient;
  let owner: WalletClient;
  let maker: WalletClient;
  let lens: Address;
  let engine: Address;
  let vault: Address;
  let liquidityVault: Address;
  let now: bigint;
  const prices: bigint[] = [];
  const failures: string[] = [];
  const stats = { compared: 0, refused: 0, breaker: 0, reused: 0, created: 0, swept: 0, modes: [0, 0, 0] };
  const reasons: Record<string, number> = {};
  /** Isolated sub-accounts holding a position: their address and market. */
  const open: { account: Address; marketId: bigint }[] = [];

  async function atNextBlock<T>(gap: bigint, send: () => Promise<T>): Promise<T> {
    now += gap < 1n ? 1n : gap;
    await networkHelpers.time.setNextBlockTimestamp(now);
    return send();
  }

  function check(label: string, sdkValue: unknown, chainValue: unknown) {
    const a = JSON.stringify(sdkValue, (_, v) => (typeof v === "bigint" ? v.toString() : v));
    const b = JSON.stringify(chainValue, (_, v) => (typeof v === "bigint" ? v.toString() : v));
    if (a !== b) failures.push(`${label}: SDK ${a} != chain ${b}`);
  }

  /** Sends without estimation at the next block (`gap` seconds on); the decoded revert name, if it reverts. */
  async function send(
    wallet: WalletClient,
    gap: bigint,
    request: { address: Address; abi: readonly unknown[]; functionName: string; args: readonly unknown[] },
  ): Promise<{ hash?: `0x${string}`; revert?: string; reason?: string }> {
    return atNextBlock(gap, async () => {
      try {
        return { hash: await wallet.writeContract({ ...request, gas: 5_000_000n } as never) };
      } catch (e) {
        const data = sdk.findRevertData(e);
        const decoded = data && sdk.decodePerpContractError(data);
        const reason =
          decoded?.errorName === "CircuitBreakerTripped"
            ? (decoded as sdk.PerpContractError<"CircuitBreakerTripped">).args.reason
            : undefined;
        return { revert: decoded?.errorName ?? String(e).slice(0, 200), reason };
      }
    });
  }

  const trade = (wallet: WalletClient, account: Address, marketId: bigint, sizeDelta: bigint, gap = 1n) =>
    send(wallet, gap, {
      address: engine,
      abi: sdk.perpEngineAbi,
      functionName: "trade",
      args: [account, marketId, sizeDelta, sizeDelta > 0n ? maxUint256 : 0n],
    });

  const transfer = (from: Address, to: Address, amountUsd: bigint) =>
    send(owner, 1n, {
      address: vault,
      abi: sdk.collateralVaultAbi,
      functionName: "transferBetweenSubAccounts",
      args: [from, to, amountUsd],
    });

  const readContext = (): Promise<sdk.TradeContext> =>
    readTradeContextRaw(publicClient, { collateralVault: vault, liquidityVault, engine });

  const withdrawable = (account: Address) =>
    publicClient.readContract({
      address: vault,
      abi: sdk.collateralVaultAbi,
      functionName: "withdrawableUsd",
      args: [account],
    });

  before(async function () {
    const rng = new Rng(SEED);
    const configs = Array.from({ length: MARKETS }, (_, i) => randomMarket(rng, i));
    protocol = await deployLocalProtocol(ethers, configs);
    publicClient = (await viem.getPublicClient()) as unknown as PublicClient;
    const wallets = await viem.getWalletClients();
    const lp = await ethers.getSigner(wallets[1].account.address);
    maker = wallets[2];
    owner = wallets[3];
    lens = getAddress(await protocol.lens.getAddress());
    engine = getAddress(await protocol.engine.getAddress());
    vault = getAddress(await protocol.vault.getAddress());
    liquidityVault = getAddress(await protocol.liquidityVault.getAddress());
    now = (await publicClient.getBlock()).timestamp;
    for (const [i, m] of protocol.markets.entries()) {
      prices.push(configs[i].price);
      await atNextBlock(1n, async () => (await protocol.engine.setCircuitBreaker(m.id, WIDE_BREAKER)).wait());
      const params = randomParams(rng, await m.adapter.getAddress(), configs[i]);
      await atNextBlock(1n, async () => (await protocol.engine.setMarketParams(m.id, params)).wait());
    }
    await atNextBlock(1n, async () => (await protocol.usdc.mint(lp.address, 10n ** 18n)).wait());
    await atNextBlock(1n, async () =>
      (await protocol.usdc.connect(lp).approve(liquidityVault, maxUint256)).wait(),
    );
    await atNextBlock(1n, async () =>
      (
        await protocol.liquidityVault
          .connect(lp)
          .deposit(rng.mag(200_000_000n, 2_000_000_000n) * 1_000_000n, lp.address)
      ).wait(),
    );
    for (const [w, usdc] of [
      [maker, 100_000_000n],
      [owner, 5_000_000_000n],
    ] as const) {
      const signer = await ethers.getSigner(w.account.address);
      await atNextBlock(1n, async () => (await protocol.usdc.mint(w.account.address, 10n ** 18n)).wait());
      await atNextBlock(1n, async () =>
        (await protocol.usdc.connect(signer).approve(vault, maxUint256)).wait(),
      );
      await atNextBlock(1n, async () =>
        (await protocol.vault.connect(signer).deposit(usdc * 1_000_000n)).wait(),
      );
    }
  });

  /** Closes one isolated position at random and sweeps its sub-account back to the owner (freeing it for reuse). */
  async function closeOne(rng: Rng) {
    if (open.length === 0) return;
    const [{ account, marketId }] = open.splice(Number(rng.below(BigInt(open.length))), 1);
    const size = (await readLensAccount(publicClient, lens, account)).positions[0]?.size ?? 0n;
    if (size !== 0n) {
      const closed = await send(owner, 1n, {
        address: engine,
        abi: sdk.perpEngineAbi,
        functionName: "closePosition",
        args: [account, marketId, size > 0n ? 0n : maxUint256],
      });
      if (closed.revert !== undefined) return; // e.g. a close past bankruptcy: it waits for the liquidator
    }
    const free = await withdrawable(account);
    if (free > 0n && (await transfer(account, getAddress(owner.account.address), free)).revert === undefined)
      stats.swept++;
  }

  /** One random isolated open, previewed by the SDK for the block it is mined in, then compared. */
  async function isolatedOpen(rng: Rng, label: string) {
    const ownerAddress = getAddress(owner.account.address);
    const marketId = BigInt(rng.below(BigInt(MARKETS)));
    const side = rng.bool() ? "long" : "short";
    let market = await readLensMarket(publicClient, lens, marketId);
    if (!market.oracleValid) return;
    const maxLeverage = market.tiers[0].maxLeverage;
    const leverage = rng.chance(15)
      ? rng.between(maxLeverage, (maxLeverage * 12n) / 10n)
      : rng.between(E18 / 4n, maxLeverage);
    const collateralUsdc = rng.mag(10n, 1_000_000n) * 1_000_000n + rng.below(1_000_000n);
    const mode = Number(rng.below(3n));
    stats.modes[mode]++;
    const sizeAt = (mathSizing: sdk.IsolatedSizing) => sdk.isolatedSizing(market, side, mathSizing);
    let sizing: sdk.IsolatedSizing;
    try {
      if (mode === 0) {
        const { size } = sizeAt({ leverage, collateralUsdc });
        sizing = { size, collateralUsdc: rng.chance(20) ? collateralUsdc / 2n + 1n : collateralUsdc };
      } else if (mode === 1) {
        sizing = { size: sizeAt({ leverage, collateralUsdc }).size, leverage };
      } else {
        sizing = { leverage, collateralUsdc };
      }
    } catch {
      return; // a leverage that buys nothing at this price
    }
    const { collateralUsdc: moved } = sizeAt(sizing);

    const [id, address, exists] = await publicClient.readContract({
      address: lens,
      abi: sdk.perpLensAbi,
      functionName: "nextFreeSubAccount",
      args: [ownerAddress],
    });
    if (exists) stats.reused++;
    else {
      const created = await send(owner, 1n, {
        address: vault,
        abi: sdk.collateralVaultAbi,
        functionName: "createSubAccount",
        args: [],
      });
      check(`${label} create ${id}`, created.revert, undefined);
      stats.created++;
    }
    check(`${label} free before`, (await readLensAccount(publicClient, lens, address)).collateralUsd, 0n);
    const moveIn = await transfer(ownerAddress, address, sdk.toUsd(moved));
    check(`${label} transfer in`, moveIn.revert, undefined);

    // The state the open sees: the market and the vault's cash now, the open mined `gap` seconds later.
    const gap = rng.chance(50) ? 1n : rng.mag(1n, 7_200n);
    market = await readLensMarket(publicClient, lens, marketId);
    const context = await readContext();
    const preview = sdk.previewIsolatedPositionMath(
      { ...market, breakerOracleMove: false },
      side,
      sizing,
      now + gap,
      context,
    );
    const where = `${label} ${side} market ${marketId} size ${preview.size} collateral ${moved} (mode ${mode})`;
    const sizeDelta = side === "long" ? preview.size : -preview.size;
    const result = await trade(owner, address, marketId, sizeDelta, gap);
    if (
      result.revert === "CircuitBreakerTripped" &&
      result.reason === stringToHex("oracleMove", { size: 32 })
    ) {
      stats.breaker++;
    } else if (result.revert !== undefined) {
      stats.refused++;
      reasons[result.revert] = (reasons[result.revert] ?? 0) + 1;
      check(`${where} revert`, preview.preview.failure?.error, result.revert);
    } else {
      const receipt = await publicClient.getTransactionReceipt({ hash: result.hash! });
      const traded = parseEventLogs({ abi: sdk.perpEngineAbi, logs: receipt.logs, eventName: "Trade" })[0];
      check(`${where} failure`, preview.preview.failure, undefined);
      check(`${where} fill`, [preview.fillPrice, preview.feeUsd], [traded.args.fillPrice, traded.args.fee]);
      const [lensPrice, account] = await Promise.all([
        publicClient.readContract({
          address: lens,
          abi: sdk.perpLensAbi,
          functionName: "liquidationPrice",
          args: [address, marketId],
        }),
        readLensAccount(publicClient, lens, address),
      ]);
      check(`${where} liquidation price (lens)`, preview.liquidationPrice, lensPrice);
      check(
        `${where} liquidation price (account)`,
        preview.liquidationPrice,
        account.positions[0]?.liquidationPrice,
      );
      check(`${where} collateral after`, preview.preview.collateralAfterUsd, account.collateralUsd);
      open.push({ account: address, marketId });
      stats.compared++;
      return;
    }
    // Refused: the sub-account is flat; sweep its collateral back so that it is free again.
    const back = await transfer(address, ownerAddress, await withdrawable(address));
    check(`${where} sweep after refusal`, back.revert, undefined);
  }

  it(`previews ${COMPARED} isolated opens to the wei (fill, fee, refusals, liquidation price)`, async function () {
    const rng = new Rng(SEED ^ 0x150n);
    for (let state = 0; stats.compared < COMPARED && state < COMPARED * 3; state++) {
      const label = `state ${state}`;
      if (rng.chance(50)) {
        const i = Number(rng.below(BigInt(MARKETS)));
        const move = rng.between(-600n, 600n);
        prices[i] = (prices[i] * (10_000n + move)) / 10_000n + 1n;
        await atNextBlock(rng.mag(1n, 3_600n), async () =>
          (await protocol.markets[i].feed.updateAnswer(prices[i])).wait(),
        );
      }
      if (rng.chance(40)) {
        const marketId = BigInt(rng.below(BigInt(MARKETS)));
        const m = await readLensMarket(publicClient, lens, marketId);
        if (m.oracleValid) {
          const across = sizeAcrossClamp(rng, m.params, m.skew);
          const size =
            across !== 0n && rng.chance(40)
              ? across
              : rng.signed(1n, 1n) * sdk.mulDivDown(rng.mag(1_000n, 2_000_000n) * E18, E18, m.oraclePrice);
          if (size !== 0n) await trade(maker, getAddress(maker.account.address), marketId, size);
        }
      }
      if (rng.chance(30)) await closeOne(rng);
      await isolatedOpen(rng, label);
    }
    console.log(
      `      ${stats.compared} opens compared, ${stats.refused} refusals compared ${JSON.stringify(reasons)}, ` +
        `${stats.breaker} breaker skips; sub-accounts: ${stats.created} created, ${stats.reused} reused, ` +
        `${stats.swept} swept; modes ${stats.modes.join("/")}`,
    );
    expect(failures.slice(0, 10)).to.deep.equal([]);
    expect(stats.compared).to.be.at.least(COMPARED);
    expect(stats.reused).to.be.greaterThan(0);
    expect(stats.refused).to.be.greaterThan(0);
    expect(Math.min(...stats.modes)).to.be.greaterThan(0);
  });
});
