// Starts the real `wpslink` process for tests, with every port chosen by the OS, and reads the
// JSON start-up summary it prints.
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { StartSummary } from "../../src/composition/startSummary.js";

export const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface WpslinkProcess {
  readonly child: ChildProcess;
  readonly summary: StartSummary;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Signal the whole process group (SIGTERM by default) and wait for exit; returns the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export const freePortFlags = [
  "--port",
  "0",
  "--https-port",
  "0",
  "--management-port",
  "0",
  "--site-http-port",
  "0",
  "--site-https-port",
  "0",
];

export async function startWpslinkProcess(
  args: readonly string[] = ["--in-memory"],
  options: {
    command?: string;
    commandArgs?: readonly string[];
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
  } = {},
): Promise<WpslinkProcess> {
  const command = options.command ?? process.execPath;
  const commandArgs = options.commandArgs ?? ["bin/wpslink.js", "start"];
  const child = spawn(command, [...commandArgs, "--json", ...freePortFlags, ...args], {
    cwd: repositoryRoot,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so stopping reaches wpslink even when a wrapper (npm, bash) started it.
    detached: true,
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const summary = await new Promise<StartSummary>((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill(-child.pid!, "SIGKILL");
      reject(new Error(`wpslink did not start in time; stderr:\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`wpslink exited with ${code}; stderr:\n${stderr}`));
    });
    lines.on("line", (line) => {
      if (!line.startsWith("{")) {
        stderr += `[stdout] ${line}\n`;
        return;
      }
      clearTimeout(timer);
      resolve(JSON.parse(line) as StartSummary);
    });
  });
  return {
    child,
    summary,
    stderr: () => stderr,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, "exit");
      process.kill(-child.pid!, signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

/**
 * A fresh workspace folder whose CA is the one the test run trusts (NODE_EXTRA_CA_CERTS, set up
 * by scripts/test.sh), so HTTPS clients in the test process accept wpslink's certificates.
 */
export function trustedWorkspace(): string {
  const caDirectory = process.env.WPSLINK_TEST_CA_DIR;
  if (!caDirectory) throw new Error("WPSLINK_TEST_CA_DIR is not set: run the tests through `npm test`");
  const root = mkdtempSync(join(tmpdir(), "wpslink-test-"));
  mkdirSync(join(root, "certs"), { recursive: true });
  for (const file of ["ca.pem", "ca.key"]) copyFileSync(join(caDirectory, file), join(root, "certs", file));
  return root;
}
