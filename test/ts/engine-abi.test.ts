// The engine's address answers its own code's functions and, through its fallback, its admin module's: the SDK's
// generated `perpEngineAbi` must be exactly the combined interface `IPerpEngine` plus the engine's ownership
// (Ownable2Step) and the OpenZeppelin errors its own code can raise, with no function of the module left out.
import { readFileSync } from "node:fs";

import { expect } from "chai";

import { perpEngineAbi } from "../../sdk/src/abis/perpEngine.js";

type Param = { type: string; components?: readonly Param[] };
type Item = { type: string; name?: string; inputs?: readonly Param[] };

const canonical = (p: Param): string =>
  p.type.startsWith("tuple")
    ? `(${(p.components ?? []).map(canonical).join(",")})${p.type.slice("tuple".length)}`
    : p.type;
const key = (i: Item) => `${i.type} ${i.name}(${(i.inputs ?? []).map(canonical).join(",")})`;
const artifactAbi = (path: string): Item[] =>
  (
    JSON.parse(readFileSync(new URL(`../../artifacts/contracts/${path}`, import.meta.url), "utf8")) as {
      abi: Item[];
    }
  ).abi;

describe("the engine's combined ABI", function () {
  const sdk = new Set((perpEngineAbi as readonly Item[]).map(key));
  const iface = artifactAbi("interfaces/IPerpEngine.sol/IPerpEngine.json");
  const engine = artifactAbi("PerpEngine.sol/PerpEngine.json");
  const module = artifactAbi("engine/MarketAdmin.sol/MarketAdmin.json");

  it("holds every function, event and error of IPerpEngine", function () {
    const missing = iface.map(key).filter((k) => !sdk.has(k));
    expect(missing).to.deep.equal([]);
  });

  it("has no function beyond IPerpEngine and the engine's ownership", function () {
    const ifaceKeys = new Set(iface.map(key));
    const extra = [...sdk].filter((k) => k.startsWith("function ") && !ifaceKeys.has(k)).sort();
    expect(extra).to.deep.equal([
      "function acceptOwnership()",
      "function owner()",
      "function pendingOwner()",
      "function renounceOwnership()",
      "function transferOwnership(address)",
    ]);
  });

  it("splits the functions between the engine's own code and the module, each answered once", function () {
    const functions = (abi: Item[]) => new Set(abi.filter((i) => i.type === "function").map(key));
    const own = functions(engine);
    const moduleOnly = [...functions(module)].filter((k) => !own.has(k));
    for (const k of iface.filter((i) => i.type === "function").map(key))
      expect(own.has(k) || moduleOnly.includes(k), k).to.equal(true);
    // The engine's own code keeps every function another contract calls on a value path.
    for (const name of [
      "trade",
      "closePosition",
      "forcedClose",
      "closeForAdl",
      "quoteForcedClose",
      "quoteFillPrice",
      "withdrawableUsd",
      "counterpartyPnl",
      "counterpartyPnlOf",
      "requiredBacking",
      "requiredCash",
      "liquidationEngine",
      "position",
      "accountMarkets",
      "accountMargin",
      "accountMarginAtFair",
      "positionAtFair",
      "maintenanceMargin",
      "accruedFunding",
      "unrealisedPnl",
      "marketState",
      "marketCount",
      "insuranceFeeShare",
      "pendingInsuranceFees",
      "sweepInsuranceFees",
      "liquidityVault",
    ])
      expect(
        engine.some((i) => i.type === "function" && i.name === name),
        name,
      ).to.equal(true);
    expect(engine.some((i) => i.type === "fallback")).to.equal(true);
    expect(sdk.has("fallback undefined()")).to.equal(false);
  });
});
