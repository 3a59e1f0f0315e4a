// Which deploy config applies: an explicit JSON file (PERP_DEPLOY_CONFIG), else the network config whose chainId
// matches (deploy/config/networks/*.json), else the local mock config on a development chain.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { DEV_CHAIN_IDS, localDeployConfig } from "./local.js";
import { DeployConfigError, parseDeployConfig, type ProtocolDeployConfig } from "./schema.js";

export const NETWORK_CONFIG_DIR = join(dirname(fileURLToPath(import.meta.url)), "networks");

/** Reads one JSON deploy config. */
export function loadDeployConfigFile(path: string): ProtocolDeployConfig {
  const file = resolve(path);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new DeployConfigError(`${file}: ${(err as Error).message}`);
  }
  return parseDeployConfig(json, file);
}

/** Every network config in deploy/config/networks/, by file name. */
export function networkConfigs(dir = NETWORK_CONFIG_DIR): Map<string, ProtocolDeployConfig> {
  const out = new Map<string, ProtocolDeployConfig>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort())
    out.set(file, loadDeployConfigFile(join(dir, file)));
  return out;
}

/**
 * The config for `chainId`: `explicitPath` when given; else the network config with that chainId; else, on a
 * development chain (31337, 1337), the local mock config.
 * @throws DeployConfigError when nothing matches.
 */
export function resolveDeployConfig(chainId: number, explicitPath?: string): ProtocolDeployConfig {
  if (explicitPath !== undefined && explicitPath !== "") return loadDeployConfigFile(explicitPath);
  const configs = networkConfigs();
  const matching = [...configs.values()].filter((c) => c.chainId === chainId);
  if (matching.length > 1)
    throw new DeployConfigError(`several configs in ${NETWORK_CONFIG_DIR} are for chain ${chainId}`);
  if (matching.length === 1) return matching[0];
  if (DEV_CHAIN_IDS.includes(chainId)) return localDeployConfig();
  const known = [...configs].map(([file, c]) => `${file} (chain ${c.chainId ?? "any"})`).join(", ");
  throw new DeployConfigError(
    `no deploy config for chain ${chainId}: add one to ${NETWORK_CONFIG_DIR} or set PERP_DEPLOY_CONFIG (known: ${known})`,
  );
}

export { localDeployConfig, DEV_CHAIN_IDS } from "./local.js";
export * from "./schema.js";
