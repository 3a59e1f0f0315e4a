// The integrator example (examples/integrator/) run as a new user runs it: a `hardhat node` on a free loopback port,
// the protocol deployed with `npm run deploy -- --network localhost`, then `npm start` in the example's directory,
// which imports @perp/sdk through the package (the workspace link and its exports map to sdk/dist), never sdk/src.
// The outcome is then read back from the chain: exactly 10,000 USDC deposited, a long of 3x the equity of exactly the
// size the SDK's leverage rule gives (⌊equity × 3 / fill⌋, the fill quoted by the engine for ⌊equity × 3 / oracle⌋,
// all read here from the chain at the block before the open), closed flat, an isolated 2x long with 1,000 USDC opened
// in sub-account 1 and closed with exactly its collateral swept back, and exactly everything left withdrawn.
// The node is stopped in `after`, also when a step fails.
import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createPublicClient, erc20Abi, http, type PublicClient } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

import { readAddressBook, type PerpAddressBook } from "../../../deploy/address-book.js";
import {
  collateralVaultAbi,
  createPerpClient,
  defineDeployment,
  formatUsdc,
  liquidityVaultAbi,
  perpEngineAbi,
  type PerpClient,
} from "../../../sdk/src/index.js";
import { expectSuccess, root, run, startHardhatNode, type LocalNode } from "../helpers/processes.js";

const exampleDir = join(root, "examples/integrator");
const sdkDir = join(root, "sdk");
const TEST_MNEMONIC = "test test test test test test test test test test test junk";
/** The example's default accounts on a local chain: the node's test accounts #6 (trader) and #7 (LP). */
const trader = mnemonicToAccount(TEST_MNEMONIC, { addressIndex: 6 }).address;
const lp = mnemonicToAccount(TEST_MNEMONIC, { addressIndex: 7 }).address;
const WAD = 10n ** 18n;
const DEPOSIT_USDC = 10_000n * 10n ** 6n;
const LIQUIDITY_USDC = 1_000_000n * 10n ** 6n;
const ISOLATED_USDC = 1_000n * 10n ** 6n;

/** The newest modification time of the files under `dir`, in ms. */
function newest(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { recursive: true, encoding: "utf8" }).map((f) => statSync(join(dir, f)).mtimeMs),
  );
}

describe("integrator example: an app on @perp/sdk as a package, against a hardhat node", function () {
  this.timeout(120_000);

  let node: LocalNode | undefined;
  let work: string;
  let book: PerpAddressBook;
  let client: PublicClient;
  let perp: PerpClient;
  let output: string[];

  before(async function () {
    // `npm install` built sdk/dist (the root `prepare` script); rebuild it only when sdk/src changed since.
    const entry = join(sdkDir, "dist/sdk/src/index.js");
    let built = 0;
    try {
      built = statSync(entry).mtimeMs;
    } catch {
      // not built yet
    }
    if (built < newest(join(sdkDir, "src")))
      expectSuccess(await run("npm", ["run", "build", "--workspace", "@perp/sdk"]), "npm run build (sdk)");
    work = mkdtempSync(join(tmpdir(), "perp-integrator-"));
    node = await startHardhatNode();
    client = createPublicClient({ chain: hardhat, transport: http(node.url) }) as PublicClient;
  });

  after(async function () {
    await node?.stop();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it("depends on @perp/sdk as a package: resolved through its exports map to sdk/dist", async function () {
    const manifest = JSON.parse(readFileSync(join(exampleDir, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies).to.have.property("@perp/sdk");
    expect(manifest.dependencies).to.have.property("viem");
    const resolved = await run(
      process.execPath,
      ["--input-type=module", "-e", "console.log(import.meta.resolve('@perp/sdk'))"],
      { cwd: exampleDir },
    );
    expectSuccess(resolved, "resolving @perp/sdk from the example");
    expect(resolved.stdout.trim()).to.equal(pathToFileURL(join(sdkDir, "dist/sdk/src/index.js")).href);
    // Its sources import the package by name, never the SDK's sources.
    for (const f of readdirSync(join(exampleDir, "src"))) {
      const text = readFileSync(join(exampleDir, "src", f), "utf8");
      expect(text, f).to.not.match(/from "\.\.\/\.\.\/|sdk\/src/);
    }
  });

  it("runs the commands of the README's integrator section", function () {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const block = /<!-- integrator -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, "README.md has no <!-- integrator --> block").to.not.equal(undefined);
    expect(block).to.include("npx hardhat node --hostname 127.0.0.1");
    expect(block).to.include("npm run deploy -- --network localhost");
    expect(block).to.include("npm run example");
    const scripts = (
      JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.example).to.equal("npm start --workspace examples/integrator");
  });

  it("deploys the protocol with `npm run deploy -- --network localhost`", async function () {
    const r = await run("npm", ["run", "deploy", "--", "--network", "localhost"], {
      env: { PERP_LOCAL_RPC_URL: node!.url, PERP_DEPLOYMENTS_DIR: work },
    });
    expectSuccess(r, "npm run deploy");
    book = readAddressBook(join(work, "31337.json"))!;
    perp = createPerpClient({ publicClient: client, deployment: defineDeployment(book) });
  });

  it("runs `npm run example` (npm start in examples/integrator), printing a line per step", async function () {
    const r = await run("npm", ["run", "example", "--silent"], {
      env: { RPC_URL: node!.url, PERP_DEPLOYMENTS_DIR: work },
      timeoutMs: 60_000,
    });
    expectSuccess(r, "npm start");
    expect(r.stderr.trim(), "nothing on stderr").to.equal("");
    output = r.stdout.trim().split("\n");
    const expected = [
      `Connected to ${node!.url} (chain 31337), address book ${join(work, "31337.json")}`,
      `Trader ${trader}`,
      `[setup] The liquidity vault was empty: LP ${lp} put 1,000,000.00 USDC in`,
      "[1/8] Faucet: 10,000.00 mock USDC minted to the trader (wallet 10,000.00 USDC)",
      "[2/8] Deposited 10,000.00 USDC: collateral 10,000.00 USD, equity 10,000.00 USD",
      /^\[3\/8\] Opened a 3x ETH long: 9\.99\d{4} ETH at 3,000\.\d\d \(notional (29,999\.99|30,000\.00) USD = 3 × equity 10,000\.00\), fee \d+\.\d\d USD$/,
      /^\[4\/8\] ETH prices: oracle 3,000\.00, mark 3,000\.\d\d, fair 3,000\.\d\d; fill 3,000\.\d\d to open, 3,000\.\d\d to close now$/,
      /^ {6}Position: long 9\.99\d{4} ETH, entry 3,000\.\d\d, leverage 3\.0\dx at mark, unrealised PnL -?\d+\.\d\d USD, liquidation price 2,\d{3}\.\d\d$/,
      /^\[5\/8\] Closed at 3,000\.\d\d: realised PnL -?\d+\.\d\d USD, fee \d+\.\d\d USD; 0 positions left, collateral 9,9\d\d\.\d\d USD$/,
      /^\[6\/8\] Isolated 2x ETH long with 1,000\.00 USDC in sub-account 1: 0\.66\d{4} ETH at 3,000\.\d\d, liquidation price 1,\d{3}\.\d\d \(previewed 1,\d{3}\.\d\d\)$/,
      /^\[7\/8\] Closed the isolated long and swept 99\d\.\d\d USD back: collateral 9,9\d\d\.\d\d USD$/,
      /^\[8\/8\] Withdrew 9,9\d\d\.\d\d USDC: wallet 9,9\d\d\.\d\d USDC, margin account 0\.000000 USD$/,
      /^Done: deposited 10,000\.00 USDC, withdrew 9,9\d\d\.\d\d USDC \(fees, PnL and funding: -\d+\.\d\d USDC\)$/,
    ];
    expect(output, r.stdout).to.have.length(expected.length);
    expected.forEach((line, i) =>
      typeof line === "string" ? expect(output[i]).to.equal(line) : expect(output[i]).to.match(line),
    );
  });

  it("deposited exactly 10,000 USDC, swept the isolated position's collateral back and withdrew exactly what was left", async function () {
    const vault = { address: book.contracts.collateralVault, abi: collateralVaultAbi } as const;
    const range = { fromBlock: 0n, toBlock: "latest" } as const;
    const deposits = await client.getContractEvents({
      ...vault,
      eventName: "Deposited",
      args: { account: trader },
      ...range,
    });
    expect(deposits.map((e) => [e.args.payer, e.args.tokenAmount, e.args.usdAmount])).to.deep.equal([
      [trader, DEPOSIT_USDC, DEPOSIT_USDC * 10n ** 12n],
    ]);

    const trades = await perp.getTradeHistory({ account: trader });
    expect(trades).to.have.length(2);
    const settled = await client.getContractEvents({
      address: book.contracts.perpEngine,
      abi: perpEngineAbi,
      eventName: "FundingSettled",
      args: { account: trader },
      ...range,
    });
    const funding = settled.reduce((sum, e) => sum + e.args.amount!, 0n);

    // The isolated round trip: collateral moved into sub-account 1, its open and close there, all of it swept back.
    const [sub] = await client.readContract({ ...vault, functionName: "subAccount", args: [trader, 1n] });
    const moves = await client.getContractEvents({ ...vault, eventName: "SubAccountTransfer", ...range });
    expect(moves.map((e) => [e.args.caller, e.args.from, e.args.to])).to.deep.equal([
      [trader, trader, sub],
      [trader, sub, trader],
    ]);
    const [movedIn, sweptBack] = moves.map((e) => e.args.usdAmount!);
    expect(movedIn).to.equal(ISOLATED_USDC * 10n ** 12n);
    const subTrades = await perp.getTradeHistory({ account: sub });
    expect(subTrades.map((t) => t.newSize === 0n)).to.deep.equal([false, true]);
    const subSettled = await client.getContractEvents({
      address: book.contracts.perpEngine,
      abi: perpEngineAbi,
      eventName: "FundingSettled",
      args: { account: sub },
      ...range,
    });
    const subFunding = subSettled.reduce((sum, e) => sum + e.args.amount!, 0n);
    expect(sweptBack).to.equal(
      movedIn -
        subTrades[0].feeUsd -
        subTrades[1].feeUsd +
        subTrades[0].realisedPnlUsd +
        subTrades[1].realisedPnlUsd -
        subFunding,
    );
    expect(await client.readContract({ ...vault, functionName: "collateralOf", args: [sub] })).to.equal(0n);

    // Collateral before the withdrawal: the deposit, less both fees and the funding paid, plus the realised PnL, and
    // the isolated round trip's result (what was swept back less what was moved in).
    const left =
      DEPOSIT_USDC * 10n ** 12n -
      trades[0].feeUsd -
      trades[1].feeUsd +
      trades[0].realisedPnlUsd +
      trades[1].realisedPnlUsd -
      funding +
      (sweptBack - movedIn);

    const withdrawals = await client.getContractEvents({
      ...vault,
      eventName: "Withdrawn",
      args: { account: trader },
      ...range,
    });
    expect(withdrawals).to.have.length(1);
    const { caller, receiver, tokenAmount, usdAmount } = withdrawals[0].args;
    expect([caller, receiver]).to.deep.equal([trader, trader]);
    // Everything: the collateral in whole USDC units (rounded down), the sub-unit rest staying in the account.
    expect(tokenAmount).to.equal(left / 10n ** 12n);
    expect(usdAmount).to.equal(tokenAmount! * 10n ** 12n);
    expect(
      await client.readContract({
        ...vault,
        functionName: "collateralOf",
        args: [trader],
        blockNumber: withdrawals[0].blockNumber - 1n,
      }),
    ).to.equal(left);
    const account = await perp.getAccount({ account: trader });
    expect(account.collateralUsd).to.equal(left - usdAmount!);
    expect(account.positions).to.have.length(0);

    // The wallet: minted 10,000, deposited 10,000, received the withdrawal.
    const usdc = { address: book.contracts.collateralToken, abi: erc20Abi } as const;
    expect(await client.readContract({ ...usdc, functionName: "balanceOf", args: [trader] })).to.equal(
      tokenAmount,
    );
    expect(output.at(-2)).to.include(`Withdrew ${formatUsdc(tokenAmount!, 2)} USDC`);

    // The LP's liquidity, put in by the example because the vault of a fresh deployment is empty.
    expect((await perp.getLiquidityVault({ holder: lp })).shares > 0n).to.equal(true);
    expect(await client.readContract({ ...usdc, functionName: "balanceOf", args: [lp] })).to.equal(0n);
    const lpDeposits = await client.getContractEvents({
      address: book.contracts.liquidityVault,
      abi: liquidityVaultAbi,
      eventName: "Deposit",
      ...range,
    });
    expect(lpDeposits.map((e) => [e.args.sender, e.args.owner, e.args.assets])).to.deep.equal([
      [lp, lp, LIQUIDITY_USDC],
    ]);
  });

  it("opened a long of exactly the size the SDK's leverage rule gives (3x the equity) and closed it flat", async function () {
    const [open, close] = await perp.getTradeHistory({ account: trader });
    const eth = book.markets.find((m) => m.symbol === "ETH")!;
    const marketId = BigInt(eth.marketId);
    expect(open.marketId).to.equal(marketId);
    expect(open.sizeDelta).to.equal(open.newSize);
    // The state the example sized the trade on: the block before the open (nothing else was mined in between).
    const engine = { address: book.contracts.perpEngine, abi: perpEngineAbi } as const;
    const before = { blockNumber: open.blockNumber! - 1n } as const;
    // Before the open the account held only its deposit: equity = 10,000 USD exactly.
    const { equity } = await client.readContract({
      ...engine,
      functionName: "accountMargin",
      args: [trader],
      ...before,
    });
    expect(equity).to.equal(DEPOSIT_USDC * 10n ** 12n);
    const { oraclePrice } = await client.readContract({
      ...engine,
      functionName: "marketPrices",
      args: [marketId],
      ...before,
    });
    // The rule: the fill is the engine's quote for the size 3x buys at the oracle price; the size is
    // ⌊equity × 3 / that fill⌋, both divisions rounded down.
    const leverage = 3n * WAD;
    const atOracle = (equity * leverage) / oraclePrice;
    const quotedFill = await client.readContract({
      ...engine,
      functionName: "quoteFillPrice",
      args: [marketId, atOracle],
      ...before,
    });
    const size = (equity * leverage) / quotedFill;
    expect(open.newSize).to.equal(size);
    // That is the floor: its notional at the quoted fill is at most 3 × the equity, one unit more would exceed it.
    expect(size * quotedFill <= 3n * equity * WAD).to.equal(true);
    expect((size + 1n) * quotedFill > 3n * equity * WAD).to.equal(true);

    expect(close.marketId).to.equal(open.marketId);
    expect(close.sizeDelta).to.equal(-open.newSize);
    expect(close.newSize).to.equal(0n);
    expect(close.newOpenNotionalUsd).to.equal(0n);
  });
});
