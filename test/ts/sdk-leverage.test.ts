// openPosition by leverage against the in-process network: the size is ⌊equity × leverage / fill⌋ in bigint, the
// fill being the quote for the size the leverage gives at the oracle price; exact numbers, the rounding at ±1 unit,
// and the refusals before anything is sent.
import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, type Address } from "viem";

import { deployLocalProtocol, type LocalProtocol } from "../../deploy/local-protocol.js";
import {
  createPerpClient,
  deploymentFromLocalProtocol,
  InvalidLeverageError,
  InvalidSizeError,
  LeverageAboveTierError,
  parseUsdc,
  sizeForLeverage,
  type PerpClient,
} from "../../sdk/src/index.js";
import { nothingSentCheck } from "./helpers/sdk-clients.js";

const { viem, ethers } = await network.create();

const E18 = 10n ** 18n;
const ETH = 0n;
const BTC = 1n;

describe("SDK openPosition by leverage", function () {
  let protocol: LocalProtocol;
  let publicClient: Awaited<ReturnType<typeof viem.getPublicClient>>;
  let alice: PerpClient;
  let bob: PerpClient;
  let carol: PerpClient;
  let addresses: Address[];

  let expectNothingSent: ReturnType<typeof nothingSentCheck>;

  before(async function () {
    protocol = await deployLocalProtocol(ethers);
    publicClient = await viem.getPublicClient();
    expectNothingSent = nothingSentCheck(publicClient);
    const [, lpWallet, aliceWallet, bobWallet, carolWallet] = await viem.getWalletClients();
    const deployment = await deploymentFromLocalProtocol(protocol, {
      chainId: await publicClient.getChainId(),
    });
    const lp = createPerpClient({ publicClient, walletClient: lpWallet, deployment });
    alice = createPerpClient({ publicClient, walletClient: aliceWallet, deployment });
    bob = createPerpClient({ publicClient, walletClient: bobWallet, deployment });
    carol = createPerpClient({ publicClient, walletClient: carolWallet, deployment });
    addresses = [aliceWallet, bobWallet, carolWallet].map((w) => getAddress(w.account.address));
    for (const w of [lpWallet, aliceWallet, bobWallet])
      await (await protocol.usdc.mint(w.account.address, parseUsdc("2000000"))).wait();
    await lp.depositLiquidity({ assetsUsdc: parseUsdc("1000000") });
  });

  it("buys ⌊equity × leverage / fill⌋: 1,000 USD at 3x in ETH at 3,000 with an empty book", async function () {
    await alice.deposit({ amountUsdc: parseUsdc("1000") });
    const account = await alice.getAccount();
    expect(account.equityUsd).to.equal(1_000n * E18); // no position: the collateral
    // At the oracle 3x buys 1,000 × 3 / 3,000 = 1 ETH. Its fill from a zero skew averages the premium over [0, 1] of
    // a skew scale of 1,000,000: 1 / 2,000,000 = 0.00005 %, so 3,000 × 1.0000005 = 3,000.0015, which the engine's
    // own quote confirms.
    const fill = 3_000_001_500_000_000_000_000n;
    expect(await protocol.engine.quoteFillPrice(ETH, E18)).to.equal(fill);
    // 3,000 × 10^36 / 3,000.0015e18 = 999,999,500,000,249,999.87…: rounded down.
    const size = 999_999_500_000_249_999n;
    expect(size * fill <= 3_000n * E18 * E18).to.equal(true);
    expect((size + 1n) * fill > 3_000n * E18 * E18).to.equal(true);
    expect(sizeForLeverage(1_000n * E18, 3n * E18, fill)).to.equal(size);

    const simulated = await alice.simulateOpenPosition({ marketId: ETH, side: "long", leverage: 3n * E18 });
    expect(simulated.sizeDelta).to.equal(size);
    const opened = await alice.openPosition({ marketId: ETH, side: "long", leverage: 3n * E18 });
    expect(opened.sizeDelta).to.equal(size);
    expect(opened.newSize).to.equal(size);
    // The fill of the size bought is the engine's quote for it, below the one it was sized at (a smaller buy).
    expect(opened.fillPrice).to.equal(simulated.fillPrice);
    expect(opened.fillPrice < fill).to.equal(true);
    const position = (await alice.getAccount()).positions[0];
    expect(position.size).to.equal(size);
    expect(position.openNotionalUsd <= 3_000n * E18).to.equal(true);
  });

  it("sizes a short on its own sell quote: 2,000 USD at 2.5x in BTC", async function () {
    await bob.deposit({ amountUsdc: parseUsdc("2000") });
    const leverage = 25n * 10n ** 17n;
    // At the oracle: ⌊2,000 × 2.5 / 60,000⌋ = 0.083333333333333333 BTC; its sell quote from the engine.
    const atOracle = (2_000n * E18 * leverage) / (60_000n * E18);
    expect(atOracle).to.equal(83_333_333_333_333_333n);
    const fill = await protocol.engine.quoteFillPrice(BTC, -atOracle);
    expect(fill < 60_000n * E18).to.equal(true); // a sell fills below the oracle
    const size = (5_000n * E18 * E18) / fill; // ⌊equity × leverage / fill⌋
    expect(size > atOracle).to.equal(true);
    const opened = await bob.openPosition({ marketId: BTC, side: "short", leverage });
    expect(opened.sizeDelta).to.equal(-size);
    expect((await bob.getAccount()).positions[0].size).to.equal(-size);
  });

  it("refuses, before sending, both or neither of size and leverage, a leverage ≤ 0, no equity, leverage above the tier", async function () {
    const [aliceAddress, , carolAddress] = addresses;
    const both = await expectNothingSent(aliceAddress, () =>
      alice.openPosition({ marketId: BTC, side: "long", size: E18, leverage: E18 } as never),
    );
    expect(both).to.be.instanceOf(InvalidLeverageError);
    const neither = await expectNothingSent(aliceAddress, () =>
      alice.openPosition({ marketId: BTC, side: "long" } as never),
    );
    expect(neither).to.be.instanceOf(InvalidLeverageError);
    const zero = await expectNothingSent(aliceAddress, () =>
      alice.openPosition({ marketId: BTC, side: "long", leverage: 0n }),
    );
    expect(zero).to.be.instanceOf(InvalidLeverageError);
    expect((zero as InvalidLeverageError).leverage).to.equal(0n);
    // Carol deposited nothing: no equity to lever.
    const broke = await expectNothingSent(carolAddress, () =>
      carol.openPosition({ marketId: ETH, side: "long", leverage: 2n * E18 }),
    );
    expect(broke).to.be.instanceOf(InvalidLeverageError);
    expect((broke as InvalidLeverageError).shortMessage).to.match(/no equity/);
    // ETH's first tier allows 20x: 25x on alice's equity is refused by the SDK's margin check.
    const tooMuch = await expectNothingSent(aliceAddress, () =>
      alice.openPosition({ marketId: ETH, side: "long", leverage: 25n * E18 }),
    );
    expect(tooMuch).to.be.instanceOf(LeverageAboveTierError);
    // Opening the side opposite to the position held is refused as for a size.
    const opposite = await expectNothingSent(aliceAddress, () =>
      alice.openPosition({ marketId: ETH, side: "short", leverage: E18 }),
    );
    expect(opposite).to.be.instanceOf(InvalidSizeError);
  });
});
