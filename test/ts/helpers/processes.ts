// Child processes for end-to-end tests: run a command to completion, find a free loopback port, start and stop a
// `hardhat node` bound to 127.0.0.1.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const hardhatCli = join(root, "node_modules/hardhat/dist/src/cli.js");

export type RunResult = { code: number; stdout: string; stderr: string; ms: number };

/** Runs a command to completion (killed after `timeoutMs`), collecting its output. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? root,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${options.timeoutMs} ms]`;
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, options.timeoutMs ?? 120_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code: code ?? 1, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

export interface LocalNode {
  url: string;
  port: number;
  process: ChildProcess;
  /** Stops the node (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts `hardhat node --hostname 127.0.0.1 --port <free port>` and resolves once it serves JSON-RPC. */
export async function startHardhatNode(): Promise<LocalNode> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [hardhatCli, "node", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  // If the test process dies without running its hooks, the node must not outlive it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = async () => {
    process.off("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await new Promise<void>((ready, fail) => {
      let out = "";
      const timer = setTimeout(() => fail(new Error(`hardhat node did not start:\n${out}`)), 60_000);
      child.stderr?.on("data", (d) => (out += d));
      child.stdout?.on("data", (d) => {
        out += d;
        if (out.includes("Started HTTP")) {
          clearTimeout(timer);
          ready();
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        fail(new Error(`hardhat node exited (${code}):\n${out}`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  // Keep draining its output (without keeping it) so a full pipe never blocks it.
  child.stdout?.removeAllListeners("data").resume();
  child.stderr?.removeAllListeners("data").resume();
  return { url: `http://127.0.0.1:${port}`, port, process: child, stop };
}

/** Fails with the command's output when it exited non-zero. */
export function expectSuccess(r: RunResult, what: string): void {
  if (r.code !== 0) throw new Error(`${what} failed (${r.ms} ms):\n${r.stdout}\n${r.stderr}`);
}

/** The JSON lines of a process's stdout (npm's own banner lines are skipped). */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
