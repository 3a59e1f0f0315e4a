// Integration: scoped operator approvals through the SDK against the in-process Hardhat network. An account approves
// a trade-only agent with an expiry, reads it back, the agent trades the account, is refused a withdrawal, and is
// refused a trade from the expiry second on; an approval's price bound refuses the agent's fill beyond it (the SDK
// before sending, the engine when sent anyway).
import { expect } from "chai";
import { network } from "hardhat";
import type { Address } from "viem";

import type { LocalProtocol } from "../../deploy/local-protocol.js";
import {
  InvalidOperatorExpiryError,
  InvalidOperatorPriceBoundError,
  MAX_PRICE_DEVIATION,
  MAX_UINT40,
  operatorPriceLimit,
  parseSize,
  parseUsdc,
  PerpContractError,
  TradeRejectedError,
  type PerpClient,
} from "../../sdk/src/index.js";
import { localProtocolWithClients, nothingSentCheck, type TestPublicClient } from "./helpers/sdk-clients.js";

const connection = await network.create();
const { networkHelpers } = connection;

const ETH = 0n;

describe("SDK operator approvals (trade and withdraw scopes)", function () {
  let protocol: LocalProtocol;
  let publicClient: TestPublicClient;
  let alice: PerpClient;
  let agent: PerpClient;
  let aliceAddress: Address;
  let agentAddress: Address;
  /** Runs `run`, expects it to throw, and checks no transaction was sent and no block mined. */
  let expectNothingSent: ReturnType<typeof nothingSentCheck>;

  function expectNotOperator(caught: unknown) {
    expect(caught).to.be.instanceOf(PerpContractError);
    const err = caught as PerpContractError;
    expect(err.errorName).to.equal("NotAccountOrOperator");
    expect(err.args).to.deep.equal({ caller: agentAddress, account: aliceAddress });
  }

  before(async function () {
    const setup = await localProtocolWithClients(connection, {
      wallets: { lp: 1, alice: 2, agent: 3 },
      startBlock: 0,
      mint: { to: ["lp", "alice"], amountUsdc: parseUsdc("2000000") },
    });
    ({ protocol, publicClient } = setup);
    ({ alice, agent } = setup.clients);
    ({ alice: aliceAddress, agent: agentAddress } = setup.addresses);
    expectNothingSent = nothingSentCheck(publicClient);
    await setup.clients.lp.depositLiquidity({ assetsUsdc: parseUsdc("1000000") });
    await alice.deposit({ amountUsdc: parseUsdc("10000") });
  });

  it("approves a trade-only agent with an expiry; it trades, cannot withdraw, and cannot trade from the expiry on", async function () {
    const before = await alice.getOperator({ operator: agentAddress });
    expect(before.trade).to.deep.equal({ granted: false, expiry: undefined, live: false });
    expect(before.withdraw).to.deep.equal({ granted: false, expiry: undefined, live: false });

    const now = (await publicClient.getBlock()).timestamp;
    const expiry = now + 600n;
    const approved = await alice.approveOperator({ operator: agentAddress, trade: { expiry } });
    expect(approved.account).to.equal(aliceAddress);
    expect(approved.operator).to.equal(agentAddress);
    expect(approved.trade).to.deep.equal({ granted: true, expiry });
    expect(approved.withdraw).to.deep.equal({ granted: false, expiry: undefined });

    // Read back by the agent (for alice's account): trade live until `expiry`, no withdraw scope.
    const read = await agent.getOperator({ account: aliceAddress, operator: agentAddress });
    expect(read.account).to.equal(aliceAddress);
    expect(read.timestamp < expiry).to.equal(true);
    expect(read.trade).to.deep.equal({ granted: true, expiry, live: true });
    expect(read.withdraw).to.deep.equal({ granted: false, expiry: undefined, live: false });
    const raw = await protocol.vault.operatorApproval(aliceAddress, agentAddress);
    expect([raw.canTrade, raw.tradeExpiry, raw.canWithdraw, raw.withdrawExpiry]).to.deep.equal([
      true,
      expiry,
      false,
      0n,
    ]);

    // The last second the trade scope is live: expiry − 1.
    await networkHelpers.time.setNextBlockTimestamp(expiry - 1n);
    const opened = await agent.openPosition({
      account: aliceAddress,
      marketId: ETH,
      side: "long",
      size: parseSize("1"),
    });
    expect((await publicClient.getBlock({ blockNumber: opened.receipt.blockNumber })).timestamp).to.equal(
      expiry - 1n,
    );
    expect(opened.account).to.equal(aliceAddress);
    expect(opened.newSize).to.equal(parseSize("1"));
    expect((await alice.getAccount()).positions.map((p) => p.size)).to.deep.equal([parseSize("1")]);
    expect((await agent.getAccount()).positions).to.deep.equal([]);

    // No withdraw scope: the vault refuses (found by the gas estimate, nothing is sent).
    const refusedWithdraw = await expectNothingSent(agentAddress, () =>
      agent.withdraw({ account: aliceAddress, amountUsdc: parseUsdc("1") }),
    );
    expectNotOperator(refusedWithdraw);

    // At the expiry second the scope is dead: read back, then the engine refuses the agent's close and open.
    await networkHelpers.time.setNextBlockTimestamp(expiry);
    await networkHelpers.mine();
    const expired = await agent.getOperator({ account: aliceAddress, operator: agentAddress });
    expect(expired.timestamp).to.equal(expiry);
    expect(expired.trade).to.deep.equal({ granted: true, expiry, live: false });
    expectNotOperator(
      await expectNothingSent(agentAddress, () =>
        agent.closePosition({ account: aliceAddress, marketId: ETH }),
      ),
    );
    expectNotOperator(
      await expectNothingSent(agentAddress, () =>
        agent.openPosition({ account: aliceAddress, marketId: ETH, side: "long", size: parseSize("1") }),
      ),
    );
    // The account itself still trades.
    const closed = await alice.closePosition({ marketId: ETH });
    expect(closed.newSize).to.equal(0n);
  });

  it("grants the withdraw scope, replaces and revokes the approval", async function () {
    const both = await alice.approveOperator({ operator: agentAddress, trade: true, withdraw: {} });
    expect(both.trade).to.deep.equal({ granted: true, expiry: undefined });
    expect(both.withdraw).to.deep.equal({ granted: true, expiry: undefined });
    expect(await protocol.vault.isOperator(aliceAddress, agentAddress)).to.equal(true);

    const collateral = (await alice.getAccount()).collateralUsd;
    const out = await agent.withdraw({
      account: aliceAddress,
      amountUsdc: parseUsdc("25"),
      receiver: agentAddress,
    });
    expect(out.account).to.equal(aliceAddress);
    expect(out.amountUsdc).to.equal(parseUsdc("25"));
    // 25 USDC = 25e6 units × 1e12 = 25e18 USD debited.
    expect((await alice.getAccount()).collateralUsd).to.equal(collateral - 25n * 10n ** 18n);
    expect(await protocol.usdc.balanceOf(agentAddress)).to.equal(parseUsdc("25"));

    // Everything left out is revoked.
    const revoked = await alice.approveOperator({ operator: agentAddress });
    expect(revoked.trade).to.deep.equal({ granted: false, expiry: undefined });
    expect(revoked.withdraw).to.deep.equal({ granted: false, expiry: undefined });
    const read = await alice.getOperator({ operator: agentAddress });
    expect(read.trade.live || read.withdraw.live).to.equal(false);
    expectNotOperator(
      await expectNothingSent(agentAddress, () =>
        agent.withdraw({ account: aliceAddress, amountUsdc: parseUsdc("1") }),
      ),
    );
  });

  it("refuses before sending an expiry that would never be live, one beyond 40 bits, and the account as its own operator", async function () {
    const now = (await publicClient.getBlock()).timestamp;
    const atNow = await expectNothingSent(aliceAddress, () =>
      alice.approveOperator({ operator: agentAddress, trade: { expiry: now } }),
    );
    expect(atNow).to.be.instanceOf(InvalidOperatorExpiryError);
    expect((atNow as InvalidOperatorExpiryError).params).to.deep.equal({
      scope: "trade",
      expiry: now,
      latestTimestamp: now,
    });
    const tooFar = await expectNothingSent(aliceAddress, () =>
      alice.approveOperator({ operator: agentAddress, withdraw: { expiry: MAX_UINT40 + 1n } }),
    );
    expect(tooFar).to.be.instanceOf(InvalidOperatorExpiryError);
    expect((tooFar as InvalidOperatorExpiryError).params.scope).to.equal("withdraw");
    // The contract's own refusal, found by the simulation.
    const self = await expectNothingSent(aliceAddress, () =>
      alice.approveOperator({ operator: aliceAddress, trade: true }),
    );
    expect(self).to.be.instanceOf(PerpContractError);
    expect((self as PerpContractError).errorName).to.equal("SelfOperator");
    // The largest expiry is accepted.
    const far = await alice.approveOperator({ operator: agentAddress, trade: { expiry: MAX_UINT40 } });
    expect(far.trade).to.deep.equal({ granted: true, expiry: MAX_UINT40 });
  });

  it("bounds the agent's fills by the approval's price bound, reads the bound back, and checks it before sending", async function () {
    // 0.001 % (1e13): the ETH market at 3,000 with skew 0 (both earlier round trips are closed).
    const bound = 10n ** 13n;
    const approved = await alice.approveOperator({
      operator: agentAddress,
      trade: true,
      maxPriceDeviation: bound,
    });
    expect(approved.trade).to.deep.equal({ granted: true, expiry: undefined });
    expect(approved.maxPriceDeviation).to.equal(bound);
    const read = await agent.getOperator({ account: aliceAddress, operator: agentAddress });
    expect(read.trade.live).to.equal(true);
    expect(read.maxPriceDeviation).to.equal(bound);
    expect(await protocol.vault.tradeScope(aliceAddress, agentAddress)).to.deep.equal([true, bound]);

    // 30 ETH from skew 0 fills at 3,000 × (1 + 15 / 1,000,000) = 3,000.045; the limit is ⌊3,000 × (1 + 0.001 %)⌋ =
    // 3,000.03. The SDK's preview refuses it before sending.
    const fill = 3_000_045n * 10n ** 15n;
    const limit = 3_000_030n * 10n ** 15n;
    expect(operatorPriceLimit(3_000n * 10n ** 18n, bound, true)).to.equal(limit);
    const refused = await expectNothingSent(agentAddress, () =>
      agent.openPosition({ account: aliceAddress, marketId: ETH, side: "long", size: parseSize("30") }),
    );
    expect(refused).to.be.instanceOf(TradeRejectedError);
    expect((refused as TradeRejectedError).failure).to.deep.equal({
      error: "OperatorPriceBoundExceeded",
      fillPrice: fill,
      limitPrice: limit,
    });
    // Sent without the SDK's check, the engine refuses it with the same numbers (found by the gas estimate).
    const reverted = await expectNothingSent(agentAddress, () =>
      agent.openPosition({
        account: aliceAddress,
        marketId: ETH,
        side: "long",
        size: parseSize("30"),
        validate: false,
      }),
    );
    expect(reverted).to.be.instanceOf(PerpContractError);
    expect((reverted as PerpContractError).errorName).to.equal("OperatorPriceBoundExceeded");
    expect((reverted as PerpContractError).args).to.deep.equal({
      operator: agentAddress,
      fillPrice: fill,
      limitPrice: limit,
    });

    // 10 ETH fills at 3,000 × (1 + 5 / 1,000,000) = 3,000.015, within the bound; the agent closes it at the same price
    // (a sell from skew 10: above the sell limit ⌈3,000 × (1 − 0.001 %)⌉ = 2,999.97).
    const opened = await agent.openPosition({
      account: aliceAddress,
      marketId: ETH,
      side: "long",
      size: parseSize("10"),
    });
    expect(opened.fillPrice).to.equal(3_000_015n * 10n ** 15n);
    expect(operatorPriceLimit(3_000n * 10n ** 18n, bound, false)).to.equal(2_999_970n * 10n ** 15n);
    const closed = await agent.closePosition({ account: aliceAddress, marketId: ETH });
    expect(closed.fillPrice).to.equal(3_000_015n * 10n ** 15n);
    expect(closed.newSize).to.equal(0n);
    // The account's own trades are not bounded: alice buys the 30 herself.
    const own = await alice.openPosition({ marketId: ETH, side: "long", size: parseSize("30") });
    expect(own.fillPrice).to.equal(fill);
    await alice.closePosition({ marketId: ETH });

    // Approving again without a bound removes it.
    const unbounded = await alice.approveOperator({ operator: agentAddress, trade: true });
    expect(unbounded.maxPriceDeviation).to.equal(undefined);
    expect((await alice.getOperator({ operator: agentAddress })).maxPriceDeviation).to.equal(undefined);

    // Refused before sending: a bound above 100 %, a negative one, one without the trade scope.
    for (const [maxPriceDeviation, trade] of [
      [MAX_PRICE_DEVIATION + 1n, true],
      [-1n, true],
      [bound, false],
    ] as const) {
      const invalid = await expectNothingSent(aliceAddress, () =>
        alice.approveOperator({ operator: agentAddress, trade, withdraw: true, maxPriceDeviation }),
      );
      expect(invalid).to.be.instanceOf(InvalidOperatorPriceBoundError);
      expect((invalid as InvalidOperatorPriceBoundError).params).to.deep.equal({
        maxPriceDeviation,
        max: 10n ** 18n,
      });
    }
    // The cap itself is accepted.
    const full = await alice.approveOperator({
      operator: agentAddress,
      trade: true,
      maxPriceDeviation: 10n ** 18n,
    });
    expect(full.maxPriceDeviation).to.equal(10n ** 18n);
  });
});
