import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { configVariable, defineConfig } from "hardhat/config";

// solc is compiled offline from the `solc` npm package (wasm build); the path must be absolute.
const require = createRequire(import.meta.url);
const SOLC_VERSION = "0.8.30";
const solcPath = require.resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers, hardhatViem],
  networks: {
    // A local `npx hardhat node` (or Anvil). PERP_LOCAL_RPC_URL points elsewhere, e.g. another port.
    localhost: {
      type: "http",
      url: process.env.PERP_LOCAL_RPC_URL ?? "http://127.0.0.1:8545",
    },
    // A real network. Configuration variables are read only when this network is used: from the environment,
    // else from Hardhat's keystore (`npx hardhat keystore set PERP_DEPLOYER_KEY`). Never commit a key.
    live: {
      type: "http",
      url: configVariable("PERP_RPC_URL"),
      accounts: [configVariable("PERP_DEPLOYER_KEY")],
    },
  },
  // Explorer verification (`"verify": true` in a network's deploy config, or `npx hardhat ignition verify …`).
  // Blockscout and Sourcify need no key; Etherscan's is read only when verifying.
  verify: {
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
  },
  solidity: {
    version: SOLC_VERSION,
    path: solcPath,
    // Chainlink's own aggregator mock, for tests and local deployments.
    npmFilesToBuild: ["@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol"],
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
    },
  },
  paths: {
    tests: {
      solidity: "test/solidity",
      mocha: "test/ts",
    },
  },
  test: {
    solidity: {
      profiles: {
        // The CI profile: bounded so `npm test` stays in minutes on two cores.
        default: {
          fuzz: { runs: 256, seed: "0x5eed" },
          invariant: { runs: 256, depth: 200, failOnRevert: false },
        },
        // A longer profile for local runs: HARDHAT_TEST_PROFILE=long npm run test:sol
        long: {
          fuzz: { runs: 5000 },
          invariant: { runs: 1024, depth: 500, failOnRevert: false },
        },
      },
    },
  },
  typechain: {
    outDir: "types/ethers-contracts",
  },
});
