// An app built on @perp/sdk as a package, against a local node with the protocol deployed:
//
//   npx hardhat node --hostname 127.0.0.1              # terminal 1, at the repository's root
//   npm run deploy -- --network localhost              # terminal 2: writes deployments/31337.json
//   npm start                                          # here (or `npm run example` at the root)
//
// It funds a wallet with the local mock USDC (the SDK's faucet), deposits it, opens a 3x ETH long by leverage, reads the market's
// prices and the position's liquidation price, closes the position, opens and closes an isolated 2x long with 1,000
// USDC of its own in a sub-account, and withdraws everything, printing a line per step. Environment: RPC_URL (default http://127.0.0.1:8545), PERP_DEPLOYMENTS_DIR (where the deploy wrote
// <chainId>.json; default the repository's deployments/), PRIVATE_KEY (the trader) and LP_PRIVATE_KEY (funds the
// liquidity vault of a fresh deployment); on a local chain both keys default to the node's test accounts #6 and #7.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createPerpClient,
  defineDeployment,
  formatFixed,
  formatSize,
  formatUsd,
  formatUsdc,
  parseUsdc,
  WAD,
  type PerpClient,
  type PerpDeployment,
} from "@perp/sdk";
import { createPublicClient, createWalletClient, erc20Abi, http, type Account, type Hex } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

const DEPOSIT = parseUsdc("10000");
const LEVERAGE = 3n * WAD;
const ISOLATED = parseUsdc("1000");
const ISOLATED_LEVERAGE = 2n * WAD;
const SYMBOL = "ETH";
/** What the LP puts into an empty liquidity vault, so that trades have a counterparty. */
const LIQUIDITY = parseUsdc("1000000");
/** The mnemonic of every Hardhat and Anvil node's test accounts: publicly known, for local chains only. */
const TEST_MNEMONIC = "test test test test test test test test test test test junk";
const LOCAL_CHAINS = [31337, 1337];

const rpcUrl = process.env.RPC_URL ?? "http://127.0.0.1:8545";
const transport = http(rpcUrl);
// A local node mines each transaction at once: poll for receipts every 250 ms rather than viem's default 4 s.
const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 250 });

/** The account of the key in `variable`, or on a local chain the node's test account `testAccount`. */
function signer(variable: string, testAccount: number, chainId: number): Account {
  const key = process.env[variable];
  if (key !== undefined && key !== "") return privateKeyToAccount(key as Hex);
  if (!LOCAL_CHAINS.includes(chainId))
    throw new Error(`${variable} is not set (test accounts are used on local chains only)`);
  return mnemonicToAccount(TEST_MNEMONIC, { addressIndex: testAccount });
}

/** The address book the deploy wrote for `chainId`. */
function loadDeployment(chainId: number): { deployment: PerpDeployment; file: string } {
  const dir =
    process.env.PERP_DEPLOYMENTS_DIR ?? fileURLToPath(new URL("../../../deployments/", import.meta.url));
  const file = join(dir, `${chainId}.json`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new Error(`no address book at ${file}: deploy first (npm run deploy -- --network localhost)`);
  }
  return { deployment: defineDeployment(JSON.parse(text)), file };
}

function perpFor(account: Account, deployment: PerpDeployment): PerpClient {
  const walletClient = createWalletClient({ chain: hardhat, transport, account, pollingInterval: 250 });
  return createPerpClient({ publicClient, walletClient, deployment });
}

const usdcBalance = (deployment: PerpDeployment, owner: Account) =>
  publicClient.readContract({
    address: deployment.contracts.collateralToken,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [owner.address],
  });

async function main(): Promise<void> {
  const chainId = await publicClient.getChainId().catch(() => {
    throw new Error(
      `no node answers at ${rpcUrl}: start one (npx hardhat node --hostname 127.0.0.1) or set RPC_URL`,
    );
  });
  const { deployment, file } = loadDeployment(chainId);
  const trader = signer("PRIVATE_KEY", 6, chainId);
  const perp = perpFor(trader, deployment);
  console.log(`Connected to ${rpcUrl} (chain ${chainId}), address book ${file}`);
  console.log(`Trader ${trader.address}`);

  const market = (await perp.getMarkets()).find((m) => m.symbol === SYMBOL);
  if (market === undefined) throw new Error(`no ${SYMBOL} market in this deployment`);
  const { marketId } = market;

  // A fresh local deployment has an empty liquidity vault, and trades need its cash (the open-interest-to-cash limit).
  const vault = await perp.getLiquidityVault();
  if (vault.totalAssetsUsdc === 0n) {
    const provider = signer("LP_PRIVATE_KEY", 7, chainId);
    const lp = perpFor(provider, deployment);
    await lp.faucet({ amountUsdc: LIQUIDITY });
    await lp.depositLiquidity({ assetsUsdc: LIQUIDITY });
    console.log(
      `[setup] The liquidity vault was empty: LP ${provider.address} put ${formatUsdc(LIQUIDITY, 2)} USDC in`,
    );
  }

  // 1. Fund the wallet.
  const walletBefore = await usdcBalance(deployment, trader);
  await perp.faucet({ amountUsdc: DEPOSIT });
  const funded = await usdcBalance(deployment, trader);
  console.log(
    `[1/8] Faucet: ${formatUsdc(funded - walletBefore, 2)} mock USDC minted to the trader (wallet ${formatUsdc(funded, 2)} USDC)`,
  );

  // 2. Deposit it as collateral.
  const deposited = await perp.deposit({ amountUsdc: DEPOSIT });
  const afterDeposit = await perp.getAccount();
  console.log(
    `[2/8] Deposited ${formatUsdc(deposited.amountUsdc, 2)} USDC: collateral ${formatUsd(afterDeposit.collateralUsd)} USD, equity ${formatUsd(afterDeposit.equityUsd)} USD`,
  );

  // 3. Open a long of 3x the equity: the SDK sizes it, ⌊equity × leverage / fill⌋.
  const opened = await perp.openPosition({ marketId, side: "long", leverage: LEVERAGE });
  console.log(
    `[3/8] Opened a ${formatFixed(LEVERAGE, 18, 0)}x ${SYMBOL} long: ${formatSize(opened.newSize, 6)} ${SYMBOL} at ${formatUsd(opened.fillPrice)} ` +
      `(notional ${formatUsd(opened.newOpenNotionalUsd)} USD = ${formatFixed(LEVERAGE, 18, 0)} × equity ${formatUsd(afterDeposit.equityUsd)}), fee ${formatUsd(opened.feeUsd)} USD`,
  );

  // 4. Read the prices and the position.
  const now = await perp.getMarket({ marketId });
  const closeQuote = await perp.quoteTrade({ marketId, sizeDelta: -opened.newSize });
  console.log(
    `[4/8] ${SYMBOL} prices: oracle ${formatUsd(now.oraclePrice)}, mark ${formatUsd(now.markPrice)}, fair ${formatUsd(now.fairPrice)}; ` +
      `fill ${formatUsd(opened.fillPrice)} to open, ${formatUsd(closeQuote.fillPrice)} to close now`,
  );
  const account = await perp.getAccount();
  const position = account.positions.find((p) => p.marketId === marketId);
  if (position === undefined) throw new Error("the position is not there");
  const leverageNow =
    ((position.size < 0n ? -position.size : position.size) * now.markPrice) / account.equityUsd;
  console.log(
    `      Position: ${position.side} ${formatSize(position.size, 6)} ${SYMBOL}, entry ${formatUsd(position.entryPrice)}, ` +
      `leverage ${formatFixed(leverageNow, 18, 2)}x at mark, unrealised PnL ${formatUsd(position.unrealisedPnlUsd)} USD, ` +
      `liquidation price ${formatUsd(position.liquidationPrice)}`,
  );

  // 5. Close it.
  const closed = await perp.closePosition({ marketId });
  const flat = await perp.getAccount();
  console.log(
    `[5/8] Closed at ${formatUsd(closed.fillPrice)}: realised PnL ${formatUsd(closed.realisedPnlUsd)} USD, fee ${formatUsd(closed.feeUsd)} USD; ` +
      `${flat.positions.length} positions left, collateral ${formatUsd(flat.collateralUsd)} USD`,
  );

  // 6. An isolated position: a 2x long with 1,000 USDC of its own, in a sub-account (its loss stops at that collateral).
  const isolatedOrder = {
    marketId,
    side: "long",
    leverage: ISOLATED_LEVERAGE,
    collateralUsdc: ISOLATED,
  } as const;
  const preview = await perp.previewIsolatedPosition(isolatedOrder);
  const isolated = await perp.openIsolatedPosition(isolatedOrder);
  console.log(
    `[6/8] Isolated ${formatFixed(ISOLATED_LEVERAGE, 18, 0)}x ${SYMBOL} long with ${formatUsdc(ISOLATED, 2)} USDC in sub-account ${isolated.subAccount.id}: ` +
      `${formatSize(isolated.open.newSize, 6)} ${SYMBOL} at ${formatUsd(isolated.open.fillPrice)}, liquidation price ${formatUsd(isolated.liquidationPrice)} ` +
      `(previewed ${formatUsd(preview.liquidationPrice)})`,
  );

  // 7. Close it and sweep its collateral back to the cross account.
  const swept = await perp.closeIsolatedPosition({ account: isolated.subAccount.address });
  const back = await perp.getAccount();
  console.log(
    `[7/8] Closed the isolated long and swept ${formatUsd(swept.sweptUsd)} USD back: collateral ${formatUsd(back.collateralUsd)} USD`,
  );

  // 8. Withdraw everything.
  const withdrawn = await perp.withdraw({ amountUsdc: "max" });
  const walletAfter = await usdcBalance(deployment, trader);
  const left = await perp.getAccount();
  console.log(
    `[8/8] Withdrew ${formatUsdc(withdrawn.amountUsdc, 2)} USDC: wallet ${formatUsdc(walletAfter, 2)} USDC, ` +
      `margin account ${formatUsd(left.collateralUsd, 6)} USD`,
  );
  console.log(
    `Done: deposited ${formatUsdc(deposited.amountUsdc, 2)} USDC, withdrew ${formatUsdc(withdrawn.amountUsdc, 2)} USDC ` +
      `(fees, PnL and funding: ${formatUsdc(withdrawn.amountUsdc - deposited.amountUsdc, 2)} USDC)`,
  );
}

main().catch((err: unknown) => {
  // One line, not a stack trace: viem's and the SDK's errors carry a one-line `shortMessage`.
  const message =
    err instanceof Error ? ((err as { shortMessage?: string }).shortMessage ?? err.message) : String(err);
  console.error(`Failed: ${message}`);
  process.exitCode = 1;
});
