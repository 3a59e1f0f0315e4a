// The keeper's command line: npm run keeper -- --rpc <url> [options]   (see --help)
// Finds accounts from the chain's events, liquidates the profitable ones (retrying next pass those whose closes do not
// fit their forced-close bound), runs ADL, rotates a stuck ADL request and requests pnl-factor reductions; logs JSON
// lines to stdout. The jobs are in scripts/lib/keeper/jobs/.
// The signing key comes from the KEEPER_PRIVATE_KEY environment variable (never a flag: flags show up in `ps`).
// Runs from a fresh clone with no build: it imports committed sources only (the SDK's sources and ABIs), and the
// command line is checked before the rest is loaded, so `--help` and a bad flag never depend on it. Errors are
// printed as one line, never as a stack trace.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { HELP, parseKeeperArgs, UsageError, type KeeperCliOptions } from "./lib/keeper/options.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function usage(message: string): never {
  process.stderr.write(`keeper: ${message}\nRun \`npm run keeper -- --help\` for the options.\n`);
  process.exit(2);
}

let options: KeeperCliOptions | "help";
try {
  options = parseKeeperArgs(process.argv.slice(2));
} catch (error) {
  usage(error instanceof Error ? error.message : String(error));
}
if (options === "help") {
  console.log(HELP);
  process.exit(0);
}

try {
  const { runKeeperCli } = await import("./lib/keeper/cli.js");
  process.exitCode = await runKeeperCli(options, root);
} catch (error) {
  if (error instanceof UsageError) usage(error.message);
  const short = (error as { shortMessage?: unknown }).shortMessage;
  process.stderr.write(
    `keeper: ${typeof short === "string" ? short : error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
}
