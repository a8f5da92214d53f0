// `wpslink start` to ready: the time from spawning the real process to its JSON start-up summary,
// with a fresh empty workspace folder and with `--in-memory`, from the TypeScript sources (as
// `npm start` runs it) and, when a build exists, from dist/.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchResults } from "../harness/results.js";
import { repositoryRoot, startWpslinkProcess } from "../../test/support/wpslinkProcess.js";

export interface StartupSettings {
  readonly runs: number;
  readonly variants: "one" | "all";
  readonly log: (line: string) => void;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timeStart(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const running = await startWpslinkProcess(args, { env, timeoutMs: 30_000 });
  const elapsed = performance.now() - started;
  await running.stop();
  return elapsed;
}

export async function runStartup(settings: StartupSettings, results: BenchResults): Promise<void> {
  const variants: { name: string; env: NodeJS.ProcessEnv }[] = [
    { name: "from sources (tsx)", env: { WPSLINK_FROM_SOURCE: "1" } },
  ];
  const compiled = join(repositoryRoot, "dist", "src", "cli", "main.js");
  if (settings.variants === "all") {
    // Measure the code under test, never an older build (the launcher would skip a stale one anyway).
    settings.log("building dist/ (tsc) for the compiled start-up figures");
    execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: repositoryRoot, stdio: "ignore" });
  }
  if (settings.variants === "all" && existsSync(compiled)) {
    variants.push({ name: `compiled dist/ (built ${statSync(compiled).mtime.toISOString()})`, env: {} });
  }
  for (const variant of variants) {
    const storages =
      settings.variants === "all"
        ? (["empty workspace", "--in-memory"] as const)
        : (["empty workspace"] as const);
    for (const storage of storages) {
      const times: number[] = [];
      try {
        for (let run = 0; run < settings.runs; run++) {
          const workspace = mkdtempSync(join(tmpdir(), "wpslink-start-"));
          const args = storage === "--in-memory" ? ["--in-memory"] : ["--location", join(workspace, "ws")];
          try {
            times.push(await timeStart([...args, "--log-level", "warn"], variant.env));
          } finally {
            rmSync(workspace, { recursive: true, force: true });
          }
        }
      } catch (error) {
        results.unavailable.push(
          `start-up (${variant.name}, ${storage}): ${(error as Error).message.split("\n")[0]}`,
        );
        continue;
      }
      const row = {
        variant: `${variant.name}, ${storage}`,
        runs: times.length,
        medianMs: median(times),
        maxMs: Math.max(...times),
      };
      results.startup.push(row);
      settings.log(
        `start-up ${row.variant}: median ${row.medianMs.toFixed(0)} ms, max ${row.maxMs.toFixed(0)} ms`,
      );
    }
  }
}
