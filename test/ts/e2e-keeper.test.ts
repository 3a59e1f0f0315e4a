// End to end on a real JSON-RPC node: `hardhat node` on 127.0.0.1, the protocol deployed by the deploy script
// (twice: the second run is a no-op), traders acting through the SDK from a separate process, a mock-feed drop plus
// an hour (`evm_increaseTime`, `evm_mine`) making one account liquidatable, then the keeper process
// (`npm run keeper -- --rpc … --once`) liquidating it and being paid. Everything runs on loopback; the node is
// stopped in `after`, also when a step fails.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createPublicClient,
  createWalletClient,
  erc20Abi,
  http,
  parseAbi,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

import { readAddressBook, type PerpAddressBook } from "../../deploy/address-book.js";
import { createPerpClient, defineDeployment, symbolToString } from "../../sdk/src/index.js";
import { InsuranceFund__factory, IPerpEngine__factory } from "../../types/ethers-contracts/index.js";
import {
  expectSuccess,
  jsonLines,
  root,
  run,
  startHardhatNode,
  type LocalNode,
} from "./helpers/processes.js";

/** The node's default accounts (mnemonic "test … junk"), each funded with test ETH. */
const KEYS = {
  deployer: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  lp: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  risky: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  safe: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  keeper: "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
} as const satisfies Record<string, Hex>;

describe("end to end on a hardhat node: deploy, SDK trades, keeper liquidation", function () {
  this.timeout(180_000);

  let node: LocalNode | undefined;
  let work: string;
  let client: PublicClient;
  let book: PerpAddressBook;
  let risky: Address;
  let safe: Address;
  const keeper = privateKeyToAccount(KEYS.keeper).address;
  const deployer = privateKeyToAccount(KEYS.deployer).address;

  before(async function () {
    work = mkdtempSync(join(tmpdir(), "perp-e2e-"));
    node = await startHardhatNode();
    client = createPublicClient({ chain: hardhat, transport: http(node.url) }) as PublicClient;
  });

  after(async function () {
    await node?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** What the README's commands see: the node's URL for the `localhost` network, books in the temporary dir. */
  const env = () => ({ PERP_LOCAL_RPC_URL: node!.url, PERP_DEPLOYMENTS_DIR: work });
  const deploy = () => run("npm", ["run", "deploy", "--", "--network", "localhost"], { env: env() });

  it("runs the commands of the README's local-node section", function () {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const match = /<!-- local-node -->\s*```sh\n([\s\S]*?)```/.exec(readme);
    expect(match, "README.md has no <!-- local-node --> block").to.not.equal(null);
    const block = match![1];
    expect(block).to.include("npx hardhat node --hostname 127.0.0.1");
    expect(block).to.include("npm run deploy -- --network localhost");
    expect(block).to.include(
      `KEEPER_PRIVATE_KEY=${KEYS.keeper} npm run keeper -- --rpc http://127.0.0.1:8545 --once`,
    );
    expect(block).to.match(/^npm run faucet -- 0x[0-9a-fA-F]{40} \d+$/m);
  });

  it("deploys the protocol with `npm run deploy -- --network localhost`", async function () {
    const r = await deploy();
    expectSuccess(r, "npm run deploy");
    expect(r.stdout).to.match(/Sent \d+ transactions\./);
    book = readAddressBook(join(work, "31337.json"))!;
    expect(book.chainId).to.equal(31337);
    expect(book.markets.map((m) => m.symbol)).to.deep.equal(["ETH", "BTC", "GOLD", "SPX", "WATCH"]);
    const engine = { address: book.contracts.perpEngine, abi: IPerpEngine__factory.abi } as const;
    for (const m of book.markets)
      expect(
        symbolToString(
          await client.readContract({ ...engine, functionName: "marketSymbol", args: [BigInt(m.marketId)] }),
        ),
      ).to.equal(m.symbol);
    expect(await client.readContract({ ...engine, functionName: "liquidationEngine" })).to.equal(
      book.contracts.liquidationEngine,
    );
    expect(await client.readContract({ ...engine, functionName: "liquidityVault" })).to.equal(
      book.contracts.liquidityVault,
    );
    // The SDK accepts the book as it is.
    expect(defineDeployment(book).contracts.perpLens).to.equal(book.contracts.perpLens);
  });

  it("re-running the deploy against the same node is a no-op", async function () {
    const bookFile = join(work, "31337.json");
    const journal = join(work, "ignition/chain-31337/journal.jsonl");
    const before = {
      nonce: await client.getTransactionCount({ address: deployer }),
      block: await client.getBlockNumber(),
      book: readFileSync(bookFile, "utf8"),
      journal: readFileSync(journal, "utf8"),
    };
    const r = await deploy();
    expectSuccess(r, "second npm run deploy");
    expect(r.stdout).to.include("Nothing to deploy");
    expect(r.stdout).to.include("(unchanged)");
    expect(await client.getTransactionCount({ address: deployer })).to.equal(before.nonce);
    expect(await client.getBlockNumber()).to.equal(before.block);
    expect(readFileSync(bookFile, "utf8")).to.equal(before.book);
    expect(readFileSync(journal, "utf8")).to.equal(before.journal);
  });

  it("funds a wallet with the mock USDC: `npm run faucet -- <address> <amount>`", async function () {
    const wallet: Address = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"; // the node's account #9
    const balance = () =>
      client.readContract({
        address: book.contracts.collateralToken,
        abi: erc20Abi,
        functionName: "balanceOf",
        args: [wallet],
      });
    const before = await balance();
    const r = await run("npm", ["run", "faucet", "--", wallet, "2500.5"], {
      env: { PERP_RPC_URL: node!.url, PERP_DEPLOYMENTS_DIR: work },
    });
    expectSuccess(r, "npm run faucet");
    expect(r.stdout).to.match(
      new RegExp(`minted 2,500\\.5 USDC to ${wallet} \\(transaction 0x[0-9a-f]{64}\\)`),
    );
    expect(await balance()).to.equal(before + 2_500_500_000n);
  });

  it("trades through the SDK from a separate process", async function () {
    const r = await run(process.execPath, ["--import", "tsx", "test/e2e/trader.ts"], {
      env: {
        RPC_URL: node!.url,
        DEPLOYMENT: join(work, "31337.json"),
        LP_KEY: KEYS.lp,
        RISKY_KEY: KEYS.risky,
        SAFE_KEY: KEYS.safe,
      },
    });
    expectSuccess(r, "test/e2e/trader.ts");
    const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as {
      risky: Address;
      safe: Address;
      liquidationPrice: string;
    };
    risky = out.risky;
    safe = out.safe;
    const perp = createPerpClient({ publicClient: client, deployment: defineDeployment(book) });
    const account = await perp.getAccount({ account: risky });
    expect(account.positions.map((p) => [p.symbol, p.side])).to.deep.equal([["GOLD", "long"]]);
    expect(account.liquidatable).to.equal(false);
    expect(BigInt(out.liquidationPrice)).to.be.greaterThan(2_200n * 10n ** 18n);
  });

  it("a GOLD drop to 2,150 and an hour later, the GOLD long is liquidatable and the BTC short is not", async function () {
    const gold = book.markets.find((m) => m.symbol === "GOLD")!;
    const wallet = createWalletClient({
      chain: hardhat,
      transport: http(node!.url),
      account: privateKeyToAccount(KEYS.deployer),
    });
    const hash = await wallet.writeContract({
      address: gold.feed,
      abi: parseAbi(["function updateAnswer(int256 answer)"]),
      functionName: "updateAnswer",
      args: [2_150n * 10n ** 8n],
    });
    await client.waitForTransactionReceipt({ hash });
    // The fair price is the oracle times one plus the fair premium: it follows the drop at once. The hour lets the
    // fair premium (τ = 5 min) catch up with the skew's, so that the keeper's close fits its bound in full.
    await client.request({ method: "evm_increaseTime", params: [3600] } as never);
    await client.request({ method: "evm_mine", params: [] } as never);
    const perp = createPerpClient({ publicClient: client, deployment: defineDeployment(book) });
    expect((await perp.getAccount({ account: risky })).liquidatable).to.equal(true);
    expect((await perp.getAccount({ account: safe })).liquidatable).to.equal(false);
  });

  it("the keeper process liquidates it (`npm run keeper -- --rpc … --once`) and is paid", async function () {
    const usdc = { address: book.contracts.collateralToken, abi: erc20Abi } as const;
    const fund = { address: book.contracts.insuranceFund, abi: InsuranceFund__factory.abi } as const;
    const keeperUsdcBefore = await client.readContract({
      ...usdc,
      functionName: "balanceOf",
      args: [keeper],
    });
    const fundBefore = await client.readContract({ ...fund, functionName: "balance" });

    const r = await run("npm", ["run", "keeper", "--", "--rpc", node!.url, "--once"], {
      env: { ...env(), KEEPER_PRIVATE_KEY: KEYS.keeper },
      timeoutMs: 60_000,
    });
    expectSuccess(r, "npm run keeper");
    const lines = jsonLines(r.stdout);
    expect(lines.map((l) => l.event)).to.include.members([
      "keeper-start",
      "discovered",
      "pass-complete",
      "keeper-stopped",
    ]);
    const discovered = lines.find((l) => l.event === "discovered")!;
    expect(discovered.newAccounts).to.equal(2);
    const liquidated = lines.filter((l) => l.event === "liquidated");
    expect(liquidated, r.stdout).to.have.length(1);
    expect(liquidated[0].account).to.equal(risky);
    const reward = BigInt(liquidated[0].keeperRewardUsd as string);
    expect(reward).to.be.greaterThan(0n);

    // Paid in USDC (whole units of the 18-decimal reward), the position gone, the fund's share received.
    const keeperUsdcAfter = await client.readContract({ ...usdc, functionName: "balanceOf", args: [keeper] });
    expect(keeperUsdcAfter - keeperUsdcBefore).to.equal(reward / 10n ** 12n);
    const perp = createPerpClient({ publicClient: client, deployment: defineDeployment(book) });
    expect((await perp.getAccount({ account: risky })).positions).to.have.length(0);
    expect((await perp.getAccount({ account: safe })).positions).to.have.length(1);
    const fundAfter = await client.readContract({ ...fund, functionName: "balance" });
    expect(fundAfter - fundBefore >= BigInt(liquidated[0].insuranceFeeUsd as string)).to.equal(true);
  });

  it("a second keeper pass finds nothing to liquidate", async function () {
    const r = await run("npm", ["run", "keeper", "--", "--rpc", node!.url, "--once"], {
      env: { ...env(), KEEPER_PRIVATE_KEY: KEYS.keeper },
      timeoutMs: 60_000,
    });
    expectSuccess(r, "second npm run keeper");
    const pass = jsonLines(r.stdout).find((l) => l.event === "pass-complete")!;
    expect(pass.underwater).to.equal(0);
    expect(pass.liquidated).to.equal(0);
    expect(pass.errors).to.equal(0);
  });

  it("in loop mode, stops cleanly on SIGINT", async function () {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "scripts/keeper.ts", "--rpc", node!.url, "--interval", "1"],
      {
        cwd: root,
        env: { ...process.env, ...env(), KEEPER_PRIVATE_KEY: KEYS.keeper },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    try {
      // Interrupt once it has finished two passes.
      await new Promise<void>((ready, fail) => {
        const timer = setTimeout(() => fail(new Error(`no two passes:\n${stdout}\n${stderr}`)), 30_000);
        child.stdout.on("data", (d) => {
          stdout += d;
          if (jsonLines(stdout).filter((l) => l.event === "pass-complete").length >= 2) {
            clearTimeout(timer);
            ready();
          }
        });
      });
      child.kill("SIGINT");
      expect(await exited, stderr).to.equal(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    const events = jsonLines(stdout).map((l) => l.event);
    expect(events).to.include("shutdown");
    expect(events.at(-1)).to.equal("keeper-stopped");
  });
});
