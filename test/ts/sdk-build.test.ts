// The SDK as a package: the committed ABIs match the artifacts, `npm run build:sdk` emits ESM + declarations, the
// packed package's declarations compile in a strict consumer project (viem and ethers entries, with the README's
// keeper snippet), and the README's quick start runs unchanged against a fresh `hardhat node`.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import { privateKeyToAccount } from "viem/accounts";

import { deployLocalProtocol } from "../../deploy/local-protocol.js";
import { deploymentFromLocalProtocol } from "../../sdk/src/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const sdkDir = join(root, "sdk");
const hardhatCli = join(root, "node_modules/hardhat/dist/src/cli.js");
const tscCli = join(root, "node_modules/typescript/bin/tsc");
/** Hardhat's second default account (mnemonic "test … junk"), funded on every local node. */
const QUICK_START_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

type RunResult = { code: number; stdout: string; stderr: string };

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<RunResult>((done) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? root,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

function expectSuccess(r: RunResult, what: string) {
  expect(r.code, `${what} failed:\n${r.stdout}\n${r.stderr}`).to.equal(0);
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

/** A ```ts block of the README: the one after the `<!-- name -->` marker. */
function readmeBlock(name: string): string {
  const readme = readFileSync(join(sdkDir, "README.md"), "utf8");
  const match = new RegExp(`<!-- ${name} -->\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (match === null) throw new Error(`sdk/README.md has no ${name} block`);
  return match[1];
}

/** The README's quick start (run against a node below), keeper and isolated-position snippets (compiled). */
const quickStartSource = () => readmeBlock("quick-start");
const keeperSource = () => readmeBlock("keeper");
const isolatedSource = () => readmeBlock("isolated");

/** A consumer of both entries, compiled with the strictest options against the packed declarations. */
const CONSUMER = `
import { BaseContract, JsonRpcProvider } from "ethers";
import { createPublicClient, http, type Address } from "viem";
import { hardhat } from "viem/chains";
import {
  accountMargin,
  createPerpClient,
  defineDeployment,
  liquidationPrice,
  perpEngineAbi,
  PerpContractError,
  simulateLiquidation,
  type Account,
  type AdlEvent,
  type LiquidateReturnType,
  type LiquidationEvent,
  type Market,
  type PendingAdl,
  type PerpClient,
  type TradeReturnType,
} from "@perp/sdk";
import {
  ILiquidationEngine__factory,
  PerpEngine__factory,
  PerpLens__factory,
  type PerpEngine,
} from "@perp/sdk/ethers";

const deployment = defineDeployment({});
const perp: PerpClient = createPerpClient({
  publicClient: createPublicClient({ chain: hardhat, transport: http() }),
  deployment,
});
export async function read(owner: Address): Promise<bigint> {
  const markets: Market[] = await perp.getMarkets();
  const account: Account = await perp.getAccount({ account: owner });
  const first = account.positions[0];
  const margin = accountMargin(account, account.timestamp, "fair");
  // @ts-expect-error the valuation is "fair" or "credit", not a boolean
  accountMargin(account, account.timestamp, true);
  const liq: bigint = first === undefined ? 0n : liquidationPrice(account, first.marketId, account.timestamp);
  // @ts-expect-error market ids are bigint
  await perp.getMarket({ marketId: 1 });
  return (markets[0]?.fundingRatePerHour ?? 0n) + margin.equityUsd + liq;
}
export function onError(e: unknown): bigint | undefined {
  if (e instanceof PerpContractError && e.is("SlippageExceeded")) return e.args.fillPrice - e.args.acceptablePrice;
  if (e instanceof PerpContractError && e.is("InsufficientMargin")) return e.args.initialMargin;
  if (e instanceof PerpContractError && e.is("PartialCloseBelowMinimumMargin")) return e.args.fullCloseDelta;
  return undefined;
}
export const fill = (r: TradeReturnType): bigint => r.fillPrice + r.feeUsd - r.realisedPnlUsd;
export async function liquidation(victim: Address): Promise<bigint> {
  const [account, fund, config] = await Promise.all([
    perp.getAccount({ account: victim }),
    perp.getInsuranceFund(),
    perp.getLiquidationConfig(),
  ]);
  const sim = simulateLiquidation(
    account,
    { config, fundAvailableUsd: fund.availableUsd, lastPartialLiquidation: account.lastPartialLiquidation },
    account.timestamp,
  );
  const adl: PendingAdl = await perp.getPendingAdl();
  const quote = await perp.quoteLiquidity({ redeem: 10n ** 18n });
  const waiting = sim.refusal === "LiquidationBeyondBound" ? adl.rotatableAt : 0n;
  return sim.keeperRewardUsd + adl.totalShortfallUsd + (account.positions[0]?.adlRank ?? 0n) + (adl.request?.remainingUsd ?? 0n) + quote.feeUsdc + waiting;
}
export const waterfall = (r: LiquidateReturnType): bigint =>
  r.lossAbsorbedByCollateralUsd + r.badDebtCoveredByFundUsd + r.shortfallForAdlUsd + (r.adlRequest?.bankruptcyPrice ?? 0n);
export const eventAmount = (e: LiquidationEvent | AdlEvent): bigint =>
  e.type === "liquidated" ? e.keeperRewardUsd : e.type === "executed" ? e.coveredUsd : 0n;
export function onLiquidationError(e: unknown): bigint | undefined {
  if (e instanceof PerpContractError && e.is("LiquidationCooldown")) return e.args.readyAt;
  if (e instanceof PerpContractError && e.is("NotLiquidatable")) return e.args.maintenanceMargin;
  if (e instanceof PerpContractError && e.is("AdlNotStuck")) return e.args.readyAt;
  return undefined;
}
export const tradeAbi = perpEngineAbi.find((item) => item.type === "function" && item.name === "trade");
export async function ethersUser(url: string, address: string): Promise<bigint> {
  const engine: PerpEngine = PerpEngine__factory.connect(address, new JsonRpcProvider(url));
  const lens = PerpLens__factory.connect(address, engine.runner);
  const view = await lens.getAccount(address);
  const liquidator = ILiquidationEngine__factory.connect(address, engine.runner);
  const preview = await liquidator.previewLiquidation(address);
  const ok: boolean = engine instanceof BaseContract;
  return ok ? (await engine.marketCount()) + view.collateral + preview.keeperReward : 0n;
}
`;

describe("SDK package (build, strict consumer, README quick start)", function () {
  this.timeout(240_000);

  let work: string;
  let node: ChildProcess | undefined;

  before(function () {
    work = mkdtempSync(join(tmpdir(), "perp-sdk-consumer-"));
  });

  after(function () {
    node?.kill();
    rmSync(work, { recursive: true, force: true });
  });

  it("has generated ABIs equal to what the artifacts give", async function () {
    expectSuccess(
      await run(process.execPath, ["scripts/generate-abis.ts", "--check"]),
      "generate-abis --check",
    );
  });

  it("builds to ESM with declarations (npm run build:sdk), nothing Node-only and no test contracts", async function () {
    expectSuccess(await run("npm", ["run", "build:sdk"]), "npm run build:sdk");
    const dist = join(sdkDir, "dist");
    for (const file of [
      "sdk/src/index.js",
      "sdk/src/index.d.ts",
      "sdk/src/ethers.js",
      "sdk/src/ethers.d.ts",
      "sdk/src/abis/perpEngine.d.ts",
      "types/ethers-contracts/factories/contracts/PerpEngine__factory.js",
    ])
      expect(existsSync(join(dist, file)), file).to.equal(true);
    expect(existsSync(join(dist, "types/ethers-contracts/factories/contracts/mocks"))).to.equal(false);
    const sources = readdirSync(join(dist, "sdk/src"), { recursive: true, encoding: "utf8" }).filter((f) =>
      f.endsWith(".js"),
    );
    for (const f of sources) {
      const text = readFileSync(join(dist, "sdk/src", f), "utf8");
      expect(
        /from "node:|require\(|from "(fs|path|os|crypto)"/.test(text),
        `${f} imports a Node module`,
      ).to.equal(false);
    }
    expect(readFileSync(join(dist, "sdk/src/index.js"), "utf8")).to.match(
      /export \* from "\.\/actions\/public\/getAccount\.js"/,
    );
  });

  it("packs, and its declarations compile in a strict consumer project", async function () {
    // The step above built sdk/dist: --ignore-scripts skips the package's `prepack`, which would build it again.
    const packed = await run("npm", ["pack", "--ignore-scripts", "--pack-destination", work], {
      cwd: sdkDir,
    });
    expectSuccess(packed, "npm pack");
    const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
    expect(tarball).to.not.equal(undefined);
    const installed = join(work, "node_modules/@perp/sdk");
    mkdirSync(installed, { recursive: true });
    expectSuccess(
      await run("tar", ["-xzf", join(work, tarball!), "-C", installed, "--strip-components=1"]),
      "tar",
    );
    for (const dep of ["viem", "ethers", "@types"])
      symlinkSync(join(root, "node_modules", dep), join(work, "node_modules", dep));
    writeFileSync(join(work, "package.json"), JSON.stringify({ type: "module", private: true }));
    writeFileSync(
      join(work, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "es2022",
          // viem's own declarations (through ox) name WebCrypto and WebAuthn types: a dApp has the DOM library.
          lib: ["es2022", "dom"],
          module: "nodenext",
          moduleResolution: "nodenext",
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          noImplicitOverride: true,
          noUnusedLocals: true,
          skipLibCheck: false,
          noEmit: true,
          types: ["node"],
        },
        files: ["consumer.ts", "quickstart.ts", "keeper.ts", "isolated.ts"],
      }),
    );
    writeFileSync(join(work, "consumer.ts"), CONSUMER);
    writeFileSync(join(work, "quickstart.ts"), quickStartSource());
    writeFileSync(join(work, "keeper.ts"), keeperSource());
    writeFileSync(join(work, "isolated.ts"), isolatedSource());
    expectSuccess(
      await run(process.execPath, [tscCli, "-p", join(work, "tsconfig.json")]),
      "tsc (strict consumer)",
    );
  });

  it("runs the README quick start against a fresh hardhat node", async function () {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const started = spawn(
      process.execPath,
      [hardhatCli, "node", "--hostname", "127.0.0.1", "--port", String(port)],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    node = started;
    await new Promise<void>((ready, fail) => {
      let out = "";
      const timer = setTimeout(() => fail(new Error(`hardhat node did not start:\n${out}`)), 60_000);
      started.stdout?.on("data", (d) => {
        out += d;
        if (out.includes("Started HTTP")) {
          clearTimeout(timer);
          ready();
        }
      });
      started.once("exit", (code) => fail(new Error(`hardhat node exited (${code}):\n${out}`)));
    });

    const connection = await network.create({ network: "localhost", override: { url } });
    try {
      const { ethers } = connection;
      const protocol = await deployLocalProtocol(ethers);
      const chainId = Number((await ethers.provider.getNetwork()).chainId);
      const deployment = await deploymentFromLocalProtocol(protocol, { chainId });
      writeFileSync(join(work, "deployment.json"), JSON.stringify(deployment, null, 2));
      const [, trader, lp] = await ethers.getSigners();
      expect(trader.address).to.equal(privateKeyToAccount(QUICK_START_KEY).address);
      await (await protocol.usdc.mint(trader.address, 1_000_000_000n)).wait();
      await (await protocol.usdc.mint(lp.address, 1_000_000_000_000n)).wait();
      await (
        await protocol.usdc.connect(lp).approve(deployment.contracts.liquidityVault, 1_000_000_000_000n)
      ).wait();
      await (await protocol.liquidityVault.connect(lp).deposit(1_000_000_000_000n, lp.address)).wait();
    } finally {
      await connection.close();
    }

    const result = await run(process.execPath, ["--disable-warning=ExperimentalWarning", "quickstart.ts"], {
      cwd: work,
      env: { RPC_URL: url, PRIVATE_KEY: QUICK_START_KEY },
    });
    expectSuccess(result, "the quick start");
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).to.equal("ETH mark 3,000.00, funding 0.00125 % per hour");
    expect(lines[1]).to.match(/^opened 0\.5 ETH at 3,000\.\d\d, fee 0\.\d\d$/);
    expect(lines[2]).to.match(/^ETH long: PnL -?\d+\.\d\d, liquidation at [\d,]+\.\d\d$/);
    expect(lines[3]).to.match(/^closed: realised PnL -?\d+\.\d\d$/);
    expect(lines[4]).to.match(/^withdrew 99\d\.\d+ USDC$/);
    expect(lines).to.have.length(5);
  });
});
