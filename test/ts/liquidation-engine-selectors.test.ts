// The liquidation engine's address answers every selector of its public ABI (the SDK's `liquidationEngineAbi`,
// generated from the engine and its module and unchanged by the split): the engine's own functions and those its
// fallback serves from `LiquidationModule` by DELEGATECALL. Each function is called (eth_call, by an account that
// owns nothing) with zero-valued arguments: it returns a value that decodes with the ABI, or reverts with one of
// the protocol's custom errors, never with the empty revert of a selector nobody answers; an unknown selector still
// gets that empty revert.
import { expect } from "chai";
import { Interface, type InterfaceAbi, type ParamType } from "ethers";
import { network } from "hardhat";

import { deployLocalProtocol } from "../../deploy/local-protocol.js";
import { liquidationEngineAbi, perpErrorsAbi } from "../../sdk/src/abis/index.js";

const { ethers } = await network.create();

/** A zero value of an ABI type (an address: `who`). */
function zeroOf(p: ParamType, who: string): unknown {
  if (p.isTuple()) return p.components!.map((c) => zeroOf(c, who));
  if (p.isArray()) return [];
  if (p.type === "address") return who;
  if (p.type === "bool") return false;
  if (p.type.startsWith("bytes"))
    return p.type === "bytes" ? "0x" : "0x" + "00".repeat(Number(p.type.slice(5)));
  return 0n;
}

/** The revert data of a failed eth_call, as ethers reports it. */
function revertData(e: unknown): string | undefined {
  const data = (e as { data?: unknown }).data;
  return typeof data === "string" ? data : undefined;
}

describe("LiquidationEngine: every selector of its ABI answers at its address", function () {
  this.timeout(120_000);

  it("returns or reverts with a custom error for each function; an unknown selector reverts without data", async function () {
    const protocol = await deployLocalProtocol(ethers);
    const [, stranger] = await ethers.getSigners();
    const to = await protocol.liquidationEngine.getAddress();
    const abi = new Interface(liquidationEngineAbi as unknown as InterfaceAbi);
    const errors = new Interface(perpErrorsAbi as unknown as InterfaceAbi);
    const answered: string[] = [];
    const outcome: Record<string, string> = {};
    const fromModule = ["config", "pendingAdl", "previewLiquidation", "setConfig"];
    abi.forEachFunction((f) => answered.push(f.name));
    expect(answered, "the module's functions are in the ABI").to.include.members(fromModule);

    for (const name of answered) {
      const f = abi.getFunction(name)!;
      const data = abi.encodeFunctionData(
        f,
        f.inputs.map((p) => zeroOf(p, stranger.address)),
      );
      try {
        const ret = await ethers.provider.call({ to, data, from: stranger.address });
        expect(() => abi.decodeFunctionResult(f, ret), `${name} returns its ABI's values`).to.not.throw();
        outcome[name] = "returned";
      } catch (e) {
        const reverted = revertData(e);
        expect(reverted, `${name}: revert data`).to.be.a("string");
        expect(reverted, `${name}: not the empty revert of an unknown selector`).to.not.equal("0x");
        const error = errors.parseError(reverted!);
        expect(error, `${name}: a protocol custom error`).to.not.equal(null);
        outcome[name] = error!.name;
      }
    }

    expect(outcome).to.deep.include({
      config: "returned",
      pendingAdl: "returned",
      previewLiquidation: "returned",
      setConfig: "OwnableUnauthorizedAccount",
      liquidate: "NotLiquidatable",
      executeAdl: "NoAdlPending",
      owner: "returned",
    });

    let unknown: string | undefined = "not called";
    try {
      await ethers.provider.call({ to, data: "0x12345678", from: stranger.address });
    } catch (e) {
      unknown = revertData(e);
    }
    expect(unknown, "an unknown selector").to.equal("0x");
  });
});
