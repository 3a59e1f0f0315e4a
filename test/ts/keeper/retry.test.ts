// The keeper's retry policy (scripts/lib/keeper/retry.ts): transport failures are retried with growing, capped
// delays; a contract revert is an answer and is not.
import { expect } from "chai";
import { ContractFunctionRevertedError, HttpRequestError } from "viem";

import { backoffDelay, isTransientRpcError, withRetry } from "../../../scripts/lib/keeper/retry.js";

describe("keeper retry policy", function () {
  it("retries transport failures only, with growing capped delays", async function () {
    let calls = 0;
    const delays: number[] = [];
    const value = await withRetry(
      async () => {
        if (++calls < 3) throw new HttpRequestError({ url: "http://x", details: "ECONNREFUSED" });
        return 42;
      },
      { baseDelayMs: 1, onRetry: ({ delayMs }) => delays.push(delayMs) },
    );
    expect(value).to.equal(42);
    expect(calls).to.equal(3);
    expect(delays).to.have.length(2);

    calls = 0;
    const revert = new ContractFunctionRevertedError({
      abi: [],
      functionName: "liquidate",
      message: "NotLiquidatable",
    });
    await withRetry(
      async () => {
        calls++;
        throw revert;
      },
      { baseDelayMs: 1 },
    ).catch(() => undefined);
    expect(calls, "a revert is an answer, not retried").to.equal(1);
    expect(
      isTransientRpcError(
        Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" }),
      ),
    ).to.equal(true);
    expect(
      isTransientRpcError(new Error("wrapped", { cause: new HttpRequestError({ url: "http://x" }) })),
    ).to.equal(true);

    const half = () => 0.5;
    expect(
      [1, 2, 3, 4].map((a) => backoffDelay(a, { baseDelayMs: 100, maxDelayMs: 500, random: half })),
    ).to.deep.equal([100, 200, 400, 500]);
  });
});
