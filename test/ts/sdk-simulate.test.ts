// Every write's `simulate…` step against the in-process network: it returns the request its write sends and the
// contract's decoded result without sending anything, the write sends exactly that request, and a revert is decoded
// into the SDK's typed error before any transaction (or block) exists.
import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, type Address } from "viem";

import { deployLocalProtocol, type LocalProtocol } from "../../deploy/local-protocol.js";
import {
  createPerpClient,
  deploymentFromLocalProtocol,
  isPerpContractError,
  parseSize,
  parseUsdc,
  PerpContractError,
  type PerpClient,
} from "../../sdk/src/index.js";

const { viem, ethers } = await network.create();

const E18 = 10n ** 18n;
const ETH = 0n;

describe("SDK simulate steps (viem's simulateContract before writeContract)", function () {
  let protocol: LocalProtocol;
  let publicClient: Awaited<ReturnType<typeof viem.getPublicClient>>;
  let lp: PerpClient;
  let alice: PerpClient;
  let keeper: PerpClient;
  let aliceAddress: Address;
  let keeperAddress: Address;

  /** Runs `run` and checks that no transaction was sent and no block mined meanwhile. */
  async function nothingSent<T>(address: Address, run: () => Promise<T>): Promise<T | unknown> {
    const nonce = await publicClient.getTransactionCount({ address });
    const block = await publicClient.getBlockNumber();
    let result: T | unknown;
    try {
      result = await run();
    } catch (e) {
      result = e;
    }
    expect(await publicClient.getTransactionCount({ address }), "nothing sent").to.equal(nonce);
    expect(await publicClient.getBlockNumber(), "no block").to.equal(block);
    return result;
  }

  before(async function () {
    protocol = await deployLocalProtocol(ethers);
    publicClient = await viem.getPublicClient();
    const [, lpWallet, aliceWallet, keeperWallet] = await viem.getWalletClients();
    const deployment = await deploymentFromLocalProtocol(protocol, {
      chainId: await publicClient.getChainId(),
    });
    lp = createPerpClient({ publicClient, walletClient: lpWallet, deployment });
    alice = createPerpClient({ publicClient, walletClient: aliceWallet, deployment });
    keeper = createPerpClient({ publicClient, walletClient: keeperWallet, deployment });
    aliceAddress = getAddress(aliceWallet.account.address);
    keeperAddress = getAddress(keeperWallet.account.address);
    for (const w of [lpWallet, aliceWallet])
      await (await protocol.usdc.mint(w.account.address, parseUsdc("2000000"))).wait();
  });

  it("simulates liquidity and collateral moves without sending, then sends exactly that request", async function () {
    // The vault's allowance is missing: the deposit's simulation is the token's decoded refusal.
    const unapproved = await nothingSent(lp.walletClient!.account!.address, () =>
      lp.simulateDepositLiquidity({ assetsUsdc: parseUsdc("1000000") }),
    );
    expect(isPerpContractError(unapproved, "ERC20InsufficientAllowance")).to.equal(true);
    await lp.depositLiquidity({ assetsUsdc: parseUsdc("1000000") });

    await (
      await protocol.usdc
        .connect((await ethers.getSigners())[2])
        .approve(await protocol.vault.getAddress(), parseUsdc("1000"))
    ).wait();
    const deposit = (await nothingSent(aliceAddress, () =>
      alice.simulateDeposit({ amountUsdc: parseUsdc("1000") }),
    )) as Awaited<ReturnType<PerpClient["simulateDeposit"]>>;
    expect(deposit.amountUsd).to.equal(1_000n * E18);
    expect(deposit.request.functionName).to.equal("deposit");
    expect(deposit.request.args).to.deep.equal([parseUsdc("1000")]);
    const deposited = await alice.deposit({ amountUsdc: parseUsdc("1000"), approve: false });
    expect(deposited.amountUsd).to.equal(deposit.amountUsd);

    // More than is withdrawable: the vault's InsufficientWithdrawable, decoded with its arguments, nothing sent.
    const tooMuch = await nothingSent(aliceAddress, () =>
      alice.simulateWithdraw({ amountUsdc: parseUsdc("1001") }),
    );
    expect(tooMuch).to.be.instanceOf(PerpContractError);
    expect((tooMuch as PerpContractError<"InsufficientWithdrawable">).args).to.deep.equal({
      requested: 1_001n * E18,
      available: 1_000n * E18,
    });
    const max = (await nothingSent(aliceAddress, () =>
      alice.simulateWithdraw({ amountUsdc: "max" }),
    )) as Awaited<ReturnType<PerpClient["simulateWithdraw"]>>;
    expect([max.amountUsdc, max.amountUsd]).to.deep.equal([parseUsdc("1000"), 1_000n * E18]);
  });

  it("simulates a trade: the engine's fill equals the mined one and the SDK's preview", async function () {
    const simulated = (await nothingSent(aliceAddress, () =>
      alice.simulateTrade({ marketId: ETH, sizeDelta: parseSize("1") }),
    )) as Awaited<ReturnType<PerpClient["simulateTrade"]>>;
    expect(simulated.request.functionName).to.equal("trade");
    expect(simulated.request.args).to.deep.equal([
      aliceAddress,
      ETH,
      parseSize("1"),
      simulated.acceptablePrice,
    ]);
    // From a zero skew: 3,000 × (1 + 1 / 2,000,000).
    expect(simulated.fillPrice).to.equal(3_000_001_500_000_000_000_000n);
    expect(simulated.preview.fillPrice).to.equal(simulated.fillPrice);
    const traded = await alice.trade({ marketId: ETH, sizeDelta: parseSize("1") });
    expect(traded.fillPrice).to.equal(simulated.fillPrice);
    expect(traded.feeUsd).to.equal(simulated.preview.feeUsd);

    const close = (await nothingSent(aliceAddress, () =>
      alice.simulateClosePosition({ marketId: ETH }),
    )) as Awaited<ReturnType<PerpClient["simulateClosePosition"]>>;
    expect(close.request.functionName).to.equal("closePosition");
    expect(close.sizeDelta).to.equal(-parseSize("1"));
    const reduce = (await nothingSent(aliceAddress, () =>
      alice.simulateReducePosition({ marketId: ETH, size: parseSize("0.5") }),
    )) as Awaited<ReturnType<PerpClient["simulateReducePosition"]>>;
    expect(reduce.sizeDelta).to.equal(-parseSize("0.5"));
    // An acceptable price already crossed, with the SDK's own check off: the engine's SlippageExceeded from the
    // simulation, nothing sent.
    const crossed = await nothingSent(aliceAddress, () =>
      alice.openPosition({
        marketId: ETH,
        side: "long",
        size: parseSize("1"),
        acceptablePrice: 1n,
        validate: false,
      }),
    );
    expect(isPerpContractError(crossed, "SlippageExceeded")).to.equal(true);
    const closed = await alice.closePosition({ marketId: ETH });
    expect(closed.fillPrice).to.equal(close.fillPrice);
  });

  it("simulates keeper writes: a refused liquidation is decoded, the fee sweep returns the amount it moves", async function () {
    const healthy = await nothingSent(keeperAddress, () =>
      keeper.simulateLiquidate({ account: aliceAddress }),
    );
    expect(isPerpContractError(healthy, "NotLiquidatable")).to.equal(true);
    const noAdl = await nothingSent(keeperAddress, () => keeper.simulateExecuteAdl());
    expect(isPerpContractError(noAdl, "NoAdlPending")).to.equal(true);
    const noRotation = await nothingSent(keeperAddress, () => keeper.simulateRotateAdl());
    expect(isPerpContractError(noRotation, "NoAdlPending")).to.equal(true);
    const noCandidate = await nothingSent(keeperAddress, () =>
      keeper.simulateSubmitAdlCandidate({ account: aliceAddress }),
    );
    expect(isPerpContractError(noCandidate, "NoAdlPending")).to.equal(true);
    const withinLimit = await nothingSent(keeperAddress, () => keeper.simulateRequestPnlReduction());
    expect(isPerpContractError(withinLimit, "PnlFactorWithinLimit")).to.equal(true);

    const fund = await keeper.getInsuranceFund();
    expect(fund.pendingFeesUsd > 0n).to.equal(true); // alice's trades paid fees
    const sweep = (await nothingSent(keeperAddress, () => keeper.simulateSweepInsuranceFees())) as Awaited<
      ReturnType<PerpClient["simulateSweepInsuranceFees"]>
    >;
    expect(sweep.amountUsd).to.equal(fund.pendingFeesUsd);
    const swept = await keeper.sweepInsuranceFees();
    expect(swept.amountUsd).to.equal(sweep.amountUsd);
  });

  it("simulates an operator approval with the same checks as approveOperator", async function () {
    const self = await nothingSent(aliceAddress, () =>
      alice.simulateApproveOperator({ operator: aliceAddress, trade: true }),
    );
    expect(isPerpContractError(self, "SelfOperator")).to.equal(true);
    const ok = (await nothingSent(aliceAddress, () =>
      alice.simulateApproveOperator({ operator: keeperAddress, trade: true }),
    )) as Awaited<ReturnType<PerpClient["simulateApproveOperator"]>>;
    expect(ok.trade).to.deep.equal({ granted: true, expiry: undefined });
    expect(ok.withdraw).to.deep.equal({ granted: false, expiry: undefined });
    expect(ok.request.args).to.deep.equal([keeperAddress, true, 0, false, 0]);
  });
});
