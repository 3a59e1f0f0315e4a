// Deploys the protocol to the selected network and writes its address book (deployments/<chainId>.json):
//
//   npm run deploy -- --network localhost     # a running `npx hardhat node`: mock USDC and feeds
//   npm run deploy -- --network live          # PERP_RPC_URL + PERP_DEPLOYER_KEY: the config for that chain id
//
// The config comes from PERP_DEPLOY_CONFIG (a JSON file) or deploy/config/networks/*.json by chain id, or is the
// local mock config on a development chain. Re-running is a no-op once everything is deployed. When the config has
// `"verify": true`, the contracts are then verified on the configured explorers (PERP_VERIFY=0 skips it).
// PERP_DEPLOYMENTS_DIR moves the address book and the Ignition journal (tests use a temporary directory).
import { join } from "node:path";
import hre from "hardhat";

import { resolveDeployConfig } from "../deploy/config/index.js";
import { deployProtocol, isDevChain } from "../deploy/protocol.js";

const connection = await hre.network.create();
const chainId = Number(await connection.provider.request({ method: "eth_chainId" }));
const config = resolveDeployConfig(chainId, process.env.PERP_DEPLOY_CONFIG);
const customDir = process.env.PERP_DEPLOYMENTS_DIR;

console.log(
  `Deploying "${config.name}" (${config.markets.length} markets: ${config.markets.map((m) => m.symbol).join(", ")}) to ${connection.networkName}, chain ${chainId}`,
);
const result = await deployProtocol({
  hre,
  connection,
  config,
  ...(customDir === undefined ? {} : { deploymentsDir: customDir, ignitionDir: join(customDir, "ignition") }),
});

const { book } = result;
if (result.transactionsSent === 0)
  console.log("Nothing to deploy: every contract and call is already on chain.");
else console.log(`Sent ${result.transactionsSent} transactions.`);
for (const [name, address] of Object.entries(book.contracts)) console.log(`  ${name.padEnd(18)} ${address}`);
for (const m of book.markets)
  console.log(
    `  market ${m.marketId} ${m.symbol.padEnd(6)} oracle ${m.oracle}  feed ${m.feed}${m.mockFeed ? " (mock)" : ""}`,
  );
if (result.addressBookFile === undefined)
  console.log("In-process network: no address book written (the chain ends with this process).");
else console.log(`Address book: ${result.addressBookFile}${result.addressBookWritten ? "" : " (unchanged)"}`);

if (
  config.verify &&
  !isDevChain(chainId) &&
  process.env.PERP_VERIFY !== "0" &&
  result.journalDir !== undefined
) {
  if (customDir !== undefined)
    console.log(`Verification skipped: the journal is in ${customDir}, not where "ignition verify" reads.`);
  else {
    console.log(
      `Verifying on the configured explorers (again later: npx hardhat ignition verify ${result.deploymentId})`,
    );
    await hre.tasks.getTask(["ignition", "verify"]).run({ deploymentId: result.deploymentId, force: false });
  }
}
await connection.close();
