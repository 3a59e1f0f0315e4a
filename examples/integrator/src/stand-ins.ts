// Two stand-ins for SDK actions that are not released yet. Each is one small function, so that the day the SDK has
// them, each body becomes a single call and nothing else in the example changes:
//
//   faucet(perp, { amountUsdc })                        →  perp.faucet({ amountUsdc })
//   openPositionByLeverage(perp, { marketId, side, leverage })  →  perp.openPosition({ marketId, side, leverage })
import { mulDivDown, quoteFillPrice, WAD, type OpenPositionReturnType, type PerpClient } from "@perp/sdk";
import { parseAbi, type Hash } from "viem";
import { waitForTransactionReceipt, writeContract } from "viem/actions";

/** The one function of the local mock USDC this example needs (its `mint` is open to anyone: local chains only). */
const mockUsdcAbi = parseAbi(["function mint(address to, uint256 amount)"]);

/**
 * Mints `amountUsdc` (6 decimals) of the deployment's mock USDC to the wallet's account and waits for it.
 * Stand-in for the SDK's `faucet({ account?, amountUsdc })`.
 */
export async function faucet(perp: PerpClient, { amountUsdc }: { amountUsdc: bigint }): Promise<Hash> {
  const wallet = perp.walletClient;
  if (wallet?.account === undefined) throw new Error("faucet: the client has no wallet account");
  const hash = await writeContract(wallet, {
    address: perp.deployment.contracts.collateralToken,
    abi: mockUsdcAbi,
    functionName: "mint",
    args: [wallet.account.address, amountUsdc],
    account: wallet.account,
    chain: wallet.chain,
  });
  const receipt = await waitForTransactionReceipt(perp.publicClient, { hash });
  if (receipt.status !== "success") throw new Error(`faucet: mint reverted (${hash})`);
  return hash;
}

/**
 * Opens a position whose notional at its own fill price is `leverage` (18 decimals: 3x = 3n * 10n ** 18n) times the
 * account's equity: size = ⌊equity × leverage / fill(size)⌋, in bigint. A trade's fill price depends on its size
 * (the skew premium), so the size starts at the oracle price and is recomputed at the fill of the previous guess
 * until it stops moving (two or three rounds; the last may still move by 1 wei).
 * Stand-in for the SDK's `openPosition({ marketId, side, leverage })`.
 */
export async function openPositionByLeverage(
  perp: PerpClient,
  { marketId, side, leverage }: { marketId: bigint; side: "long" | "short"; leverage: bigint },
): Promise<OpenPositionReturnType> {
  if (leverage <= 0n) throw new RangeError("leverage must be greater than zero");
  const account = await perp.getAccount();
  const market = await perp.getMarket({ marketId, blockNumber: account.blockNumber });
  const notional = mulDivDown(account.equity, leverage, WAD);
  let size = mulDivDown(notional, WAD, market.oraclePrice);
  for (let round = 0; round < 8; round++) {
    const fill = quoteFillPrice(market, market.oraclePrice, side === "long" ? size : -size);
    const next = mulDivDown(notional, WAD, fill);
    if (next === size) break;
    size = next;
  }
  return perp.openPosition({ marketId, side, size });
}
