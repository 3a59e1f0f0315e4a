// End to end on a real JSON-RPC node: `hardhat node` on 127.0.0.1, the protocol deployed by the deploy script, a
// trader acting through the SDK over HTTP with a cross-margin position (short WATCH) and a second sub-account holding
// an ETH position, who opens the RWA seed's long as an isolated position (`openIsolatedPosition`: 10 WATCH with
// 300,000 USDC, sub-account 2); a WATCH feed drop and an hour later, the keeper process (`npm run keeper -- --once`)
// liquidates that sub-account and nothing else: the owner's other accounts keep their collateral and positions to
// the wei.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createPublicClient,
  createWalletClient,
  http,
  parseAbi,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

import { readAddressBook, type PerpAddressBook } from "../../deploy/address-book.js";
import {
  createPerpClient,
  defineDeployment,
  parseSize,
  parseUsdc,
  type PerpClient,
} from "../../sdk/src/index.js";
import { expectSuccess, jsonLines, run, startHardhatNode, type LocalNode } from "./helpers/processes.js";

/** The node's default accounts (mnemonic "test … junk"), each funded with test ETH. */
const KEYS = {
  deployer: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  lp: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  trader: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  keeper: "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
} as const satisfies Record<string, Hex>;

const E18 = 10n ** 18n;

describe("end to end on a hardhat node: an isolated position liquidated alone", function () {
  this.timeout(240_000);

  let node: LocalNode | undefined;
  let work: string;
  let client: PublicClient;
  let book: PerpAddressBook;
  let trader: PerpClient;
  let owner: Address;
  let ethSub: Address;
  let isolated: Address;
  let watch: bigint;
  let eth: bigint;

  const clientFor = (key: Hex) =>
    createPerpClient({
      publicClient: client,
      walletClient: createWalletClient({
        chain: hardhat,
        transport: http(node!.url),
        account: privateKeyToAccount(key),
      }),
      deployment: defineDeployment(book),
    });

  before(async function () {
    work = mkdtempSync(join(tmpdir(), "perp-e2e-isolated-"));
    node = await startHardhatNode();
    client = createPublicClient({ chain: hardhat, transport: http(node.url) }) as PublicClient;
    const r = await run("npm", ["run", "deploy", "--", "--network", "localhost"], {
      env: { PERP_LOCAL_RPC_URL: node.url, PERP_DEPLOYMENTS_DIR: work },
    });
    expectSuccess(r, "npm run deploy");
    book = readAddressBook(join(work, "31337.json"))!;
    watch = BigInt(book.markets.find((m) => m.symbol === "WATCH")!.marketId);
    eth = BigInt(book.markets.find((m) => m.symbol === "ETH")!.marketId);
  });

  after(async function () {
    await node?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("opens a cross position, a second sub-account's position and the seed's isolated long through the SDK", async function () {
    const lp = clientFor(KEYS.lp);
    await lp.faucet({ amountUsdc: parseUsdc("4000000") });
    await lp.depositLiquidity({ assetsUsdc: parseUsdc("4000000") });

    trader = clientFor(KEYS.trader);
    owner = privateKeyToAccount(KEYS.trader).address;
    await trader.faucet({ amountUsdc: parseUsdc("400000") });
    await trader.deposit({ amountUsdc: parseUsdc("400000") });
    await trader.openPosition({ marketId: watch, side: "short", size: parseSize("1") });
    // Sub-account 1: an ETH long with 20,000 USD of its own.
    ethSub = (await trader.createSubAccount()).address;
    await trader.transferBetweenSubAccounts({ to: ethSub, amountUsd: 20_000n * E18 });
    await trader.openPosition({ account: ethSub, marketId: eth, side: "long", size: parseSize("2") });

    const preview = await trader.previewIsolatedPosition({
      marketId: watch,
      side: "long",
      size: parseSize("10"),
      collateralUsdc: parseUsdc("300000"),
    });
    const opened = await trader.openIsolatedPosition({
      marketId: watch,
      side: "long",
      size: parseSize("10"),
      collateralUsdc: parseUsdc("300000"),
    });
    isolated = opened.subAccount.address;
    expect(opened.subAccount.id).to.equal(2n);
    expect(opened.created).to.equal(true);
    expect(opened.collateralUsd).to.equal(300_000n * E18);
    // The liquidation price the preview showed before sending, to within the funding of the blocks in between.
    const drift = opened.liquidationPrice - preview.liquidationPrice;
    expect(drift < 0n ? -drift : drift).to.be.lessThan(E18);
    const subs = await trader.getSubAccounts();
    expect(subs.map((s) => [s.id, s.positions.map((p) => [p.marketId, p.size])])).to.deep.equal([
      [0n, [[watch, -E18]]],
      [1n, [[eth, 2n * E18]]],
      [2n, [[watch, 10n * E18]]],
    ]);
  });

  it("after a WATCH drop to 124,500 and an hour, the keeper process liquidates the isolated sub-account only", async function () {
    const deployer = createWalletClient({
      chain: hardhat,
      transport: http(node!.url),
      account: privateKeyToAccount(KEYS.deployer),
    });
    const feed = book.markets.find((m) => m.symbol === "WATCH")!.feed;
    const hash = await deployer.writeContract({
      address: feed,
      abi: parseAbi(["function updateAnswer(int256 answer)"]),
      functionName: "updateAnswer",
      args: [124_500n * 10n ** 8n],
    });
    await client.waitForTransactionReceipt({ hash });
    await client.request({ method: "evm_increaseTime", params: [3600] } as never);
    await client.request({ method: "evm_mine", params: [] } as never);
    expect((await trader.getAccount({ account: isolated })).liquidatable).to.equal(true);
    expect((await trader.getAccount()).liquidatable).to.equal(false);
    expect((await trader.getAccount({ account: ethSub })).liquidatable).to.equal(false);

    const vault = book.contracts.collateralVault;
    const collateralOf = (account: Address) =>
      client.readContract({
        address: vault,
        abi: parseAbi(["function collateralOf(address) view returns (int256)"]),
        functionName: "collateralOf",
        args: [account],
      });
    const before = { owner: await collateralOf(owner), ethSub: await collateralOf(ethSub) };
    const isolatedBefore = await collateralOf(isolated);

    const r = await run("npm", ["run", "keeper", "--", "--rpc", node!.url, "--once"], {
      env: { PERP_LOCAL_RPC_URL: node!.url, PERP_DEPLOYMENTS_DIR: work, KEEPER_PRIVATE_KEY: KEYS.keeper },
      timeoutMs: 60_000,
    });
    expectSuccess(r, "npm run keeper");
    const liquidated = jsonLines(r.stdout).filter((l) => l.event === "liquidated");
    expect(
      liquidated.map((l) => l.account),
      r.stdout,
    ).to.deep.equal([isolated]);
    // The keeper's line names the sub-account's owner and number.
    expect([liquidated[0].owner, liquidated[0].subAccountId]).to.deep.equal([owner, "2"]);

    // Only the isolated sub-account paid: the owner's other accounts keep collateral and positions to the wei.
    expect(await collateralOf(owner)).to.equal(before.owner);
    expect(await collateralOf(ethSub)).to.equal(before.ethSub);
    expect(await collateralOf(isolated)).to.be.lessThan(isolatedBefore);
    const subs = await trader.getSubAccounts();
    expect(subs[0].positions.map((p) => p.size)).to.deep.equal([-E18]);
    expect(subs[1].positions.map((p) => p.size)).to.deep.equal([2n * E18]);
    expect(subs[2].positions[0].size).to.be.lessThan(10n * E18);
    // The owner's liquidation history over all its sub-accounts: this one liquidation, of sub-account 2.
    const history = await trader.getLiquidationHistory({ account: subs.map((s) => s.address) });
    const liquidations = history.filter((e) => e.type === "liquidated");
    expect(liquidations.map((e) => ("account" in e ? e.account : undefined))).to.deep.equal([isolated]);
  });
});
