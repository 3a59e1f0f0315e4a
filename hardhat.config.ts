import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { defineConfig } from "hardhat/config";

// solc is compiled offline from the `solc` npm package (wasm build); the path must be absolute.
const require = createRequire(import.meta.url);
const SOLC_VERSION = "0.8.30";
const solcPath = require.resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers, hardhatViem],
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
