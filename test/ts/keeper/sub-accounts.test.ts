// The keeper and sub-accounts (scripts/lib/keeper/subAccounts.ts), on the in-process network: a sub-account is an
// account like any other to the jobs, and every record and log line about it also names its owner and id (a plain
// account: itself and 0). The owners are read in one batched call per pass and kept; the id is derived, not read.
import { expect } from "chai";
import { network } from "hardhat";
import { createPublicClient, custom, toFunctionSelector, type PublicClient } from "viem";
import { hardhat } from "viem/chains";

import { createLiquidationsJob } from "../../../scripts/lib/keeper/jobs/index.js";
import { SubAccountDirectory } from "../../../scripts/lib/keeper/subAccounts.js";
import { subAccountAddress } from "../../../sdk/src/index.js";
import { E18, GOLD, keeperAccount, keeperScenarios } from "../helpers/keeper-scenarios.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { subAccountScenario, moveGold, closeGold, jobContextFor } = keeperScenarios(connection);

const OWNER_SELECTOR = toFunctionSelector("subAccountOwner(address)").slice(2);
const COUNT_SELECTOR = toFunctionSelector("subAccountCount(address)").slice(2);

/** A public client on the network that counts the `eth_call`s whose calldata carries `selector`. */
function countingClient() {
  const calls: string[] = [];
  const publicClient = createPublicClient({
    chain: hardhat,
    transport: custom({
      request: async (args: { method: string; params?: readonly unknown[] }) => {
        if (args.method === "eth_call") calls.push(JSON.stringify(args.params));
        return await connection.provider.request(args);
      },
    }),
  }) as PublicClient;
  const count = (selector: string) => calls.filter((c) => c.includes(selector)).length;
  return { publicClient, count };
}

/** The sub-account scenario with carol and erin gone: grace's sub-account 1 is the only account to liquidate. */
async function onlySubAccountUnderwater() {
  const scenario = await subAccountScenario();
  await closeGold(scenario.protocol, scenario.addresses.carol);
  await closeGold(scenario.protocol, scenario.addresses.erin);
  return scenario;
}

describe("keeper: sub-accounts", function () {
  this.timeout(120_000);

  it("derives sub-account addresses as the vault does", async function () {
    const { protocol, subAccounts } = await networkHelpers.loadFixture(subAccountScenario);
    for (const id of [0n, 1n, 2n, 3n]) {
      const [account] = await protocol.vault.subAccount(subAccounts.owner, id);
      expect(subAccountAddress(subAccounts.owner, id)).to.equal(account);
    }
    expect([
      subAccountAddress(subAccounts.owner, 1n),
      subAccountAddress(subAccounts.owner, 2n),
    ]).to.deep.equal([subAccounts.first, subAccounts.second]);
  });

  it("liquidates a sub-account, reports it with its owner and id, and leaves the owner's other sub-account alone", async function () {
    const { protocol, subAccounts } = await networkHelpers.loadFixture(onlySubAccountUnderwater);
    const { liquidationEngine, engine, vault } = protocol;
    await moveGold(protocol, 2_150n);
    const { ctx, pass, events } = await jobContextFor(protocol);
    const state = await pass();
    expect(state.report.underwater).to.deep.equal([subAccounts.first]);
    const second = {
      size: (await engine.position(subAccounts.second, GOLD)).size,
      collateral: await vault.collateralOf(subAccounts.second),
    };
    expect(second.size).to.equal(5n * E18);

    await createLiquidationsJob().run(ctx, state);

    const [log] = await liquidationEngine.queryFilter(liquidationEngine.filters.Liquidated());
    expect(log.args.account).to.equal(subAccounts.first);
    const receipt = await ethers.provider.getTransactionReceipt(log.transactionHash);
    expect(state.report.liquidations).to.deep.equal([
      {
        account: subAccounts.first,
        owner: subAccounts.owner,
        subAccountId: 1n,
        txHash: log.transactionHash,
        notionalClosedUsd: log.args.notionalClosed,
        feeUsd: log.args.fee,
        keeperRewardUsd: log.args.keeperReward,
        insuranceFeeUsd: log.args.insuranceFee,
        partialOnly: log.args.partialOnly,
        shortfallForAdlUsd: 0n,
        gasUsed: receipt!.gasUsed,
      },
    ]);
    expect(log.args.keeper).to.equal(keeperAccount.address);
    expect(state.report.errors).to.equal(0);
    // The log lines name the owner and the id (bigints as decimal strings).
    for (const name of ["liquidation-sent", "liquidated"])
      expect(events(name), name)
        .to.have.length(1)
        .and.to.satisfy((records: Record<string, unknown>[]) =>
          records.every(
            (r) => r.account === subAccounts.first && r.owner === subAccounts.owner && r.subAccountId === "1",
          ),
        );
    // Her other sub-account: same position, same collateral, in no record or log line.
    expect({
      size: (await engine.position(subAccounts.second, GOLD)).size,
      collateral: await vault.collateralOf(subAccounts.second),
    }).to.deep.equal(second);
    expect(
      (await liquidationEngine.queryFilter(liquidationEngine.filters.Liquidated())).map(
        (l) => l.args.account,
      ),
    ).to.deep.equal([subAccounts.first]);
  });

  it("reads the owners of a pass's underwater accounts in one call, once per account across passes", async function () {
    const { protocol, addresses, subAccounts } = await networkHelpers.loadFixture(subAccountScenario);
    await moveGold(protocol, 2_150n);
    const { publicClient, count } = countingClient();
    const { ctx, pass, events } = await jobContextFor(protocol, { publicClient, walletClient: undefined });
    const state = await pass();
    expect(state.report.underwater).to.deep.equal([addresses.carol, addresses.erin, subAccounts.first]);

    await createLiquidationsJob().run(ctx, state);

    expect(count(OWNER_SELECTOR)).to.equal(1);
    expect(count(COUNT_SELECTOR)).to.equal(0);
    const owners = state.report.wouldLiquidate.map((c) => [c.account, c.owner, c.subAccountId]);
    expect(owners).to.have.deep.members([
      [addresses.carol, addresses.carol, 0n],
      [addresses.erin, addresses.erin, 0n],
      [subAccounts.first, subAccounts.owner, 1n],
    ]);
    expect(events("would-liquidate").map((e) => [e.account, e.owner, e.subAccountId])).to.have.deep.members([
      [addresses.carol, addresses.carol, "0"],
      [addresses.erin, addresses.erin, "0"],
      [subAccounts.first, subAccounts.owner, "1"],
    ]);

    // The next pass: the same accounts, already known; nothing read again.
    const next = await pass();
    await createLiquidationsJob().run(ctx, next);
    expect(next.report.wouldLiquidate).to.have.length(3);
    expect(count(OWNER_SELECTOR)).to.equal(1);
  });

  it("finds an id beyond the local search with the owner's count", async function () {
    const { protocol, addresses, subAccounts } = await networkHelpers.loadFixture(subAccountScenario);
    const { publicClient, count } = countingClient();
    const { ctx } = await jobContextFor(protocol, { publicClient, walletClient: undefined });
    // Derive only id 1 locally: sub-account 2 needs `subAccountCount` (2), then is found.
    const directory = new SubAccountDirectory({ localSearch: 1n });
    await directory.resolve(ctx, [subAccounts.second, subAccounts.first, addresses.bob]);
    expect([count(OWNER_SELECTOR), count(COUNT_SELECTOR)]).to.deep.equal([1, 1]);
    expect([subAccounts.first, subAccounts.second, addresses.bob].map((a) => directory.get(a))).to.deep.equal(
      [
        { owner: subAccounts.owner, subAccountId: 1n },
        { owner: subAccounts.owner, subAccountId: 2n },
        { owner: addresses.bob, subAccountId: 0n },
      ],
    );
    expect(directory.fields(subAccounts.second, "victim")).to.deep.equal({
      victim: subAccounts.second,
      victimOwner: subAccounts.owner,
      victimSubAccountId: 2n,
    });
  });
});
