// `wpslink start`: load and validate the configuration, start everything, print the summary,
// and shut down cleanly on SIGINT/SIGTERM.
import type { Command } from "commander";
import { ConfigError, loadConfig } from "../config/loadConfig.js";
import { startWpslink } from "../composition/root.js";
import { formatSummary } from "../composition/startSummary.js";
import { addStartFlags, flagsToConfig } from "./startOptions.js";

export function registerStartCommand(program: Command): void {
  addStartFlags(
    program.command("start").description("start wpslink (embedded defaults need no options)"),
  ).action(async (options: Record<string, unknown>) => {
    let config;
    try {
      const file = (options.config as string | undefined) ?? process.env.WPSLINK_CONFIG;
      config = loadConfig({ file, env: process.env, flags: flagsToConfig(options) });
    } catch (error) {
      if (error instanceof ConfigError || error instanceof Error) {
        process.stderr.write(`wpslink: invalid configuration\n${error.message}\n`);
        process.exit(2);
      }
      throw error;
    }
    let running;
    try {
      running = await startWpslink(config);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const hint =
        e.code === "EADDRINUSE"
          ? "\nA port is taken: choose another with the port flags (see `wpslink start --help`), or 0 for any free port."
          : "";
      process.stderr.write(`wpslink: failed to start: ${e.message}${hint}\n`);
      process.exit(1);
    }
    process.stdout.write(
      config.json ? JSON.stringify(running.summary) + "\n" : formatSummary(running.summary),
    );
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      if (!config.json) process.stdout.write(`\n${signal}: shutting down\n`);
      running
        .close()
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          process.stderr.write(`wpslink: error during shutdown: ${String(error)}\n`);
          process.exit(1);
        });
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
  });
}
