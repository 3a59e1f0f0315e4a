// The keeper's JSON-lines logger (scripts/lib/keeper/logger.ts).
import { expect } from "chai";

import { createJsonLogger } from "../../../scripts/lib/keeper/logger.js";

describe("keeper logger", function () {
  it("logs JSON lines with bigints as decimal strings", function () {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: "info", write: (l) => lines.push(l), now: () => new Date(0) });
    logger.debug("hidden");
    logger.info("liquidated", { reward: 10n ** 20n, error: new Error("boom") });
    expect(lines).to.deep.equal([
      '{"ts":"1970-01-01T00:00:00.000Z","level":"info","event":"liquidated","reward":"100000000000000000000","error":"boom"}',
    ]);
  });
});
