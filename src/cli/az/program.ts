// The az-style command tree of `wpslink` and the way a run ends: az's error lines and exit codes
// for both command failures and argument errors.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Command, CommanderError } from "commander";
import { registerAccountCommands } from "./accountCommands.js";
import { registerAppServicePlanCommands } from "./appServicePlanCommands.js";
import { capturedIo, type CliIo } from "./cliIo.js";
import type { CliSession } from "./commandKit.js";
import { UsageError, reportError } from "./errors.js";
import { registerHubCommands } from "./hubCommands.js";
import { registerPrivateEndpointConnectionCommands } from "./privateEndpointConnectionCommands.js";
import { registerRestCommand } from "./restCommand.js";
import { registerSharedPrivateEndpointCommands } from "./sharedPrivateEndpointCommands.js";
import { registerSiteCommands } from "./siteCommands.js";
import { registerWebPubSubCommands } from "./webPubSubCommands.js";

/** The root command with az-style error handling; add commands to it, then `runProgram`. */
export function createProgram(io: CliIo): Command {
  return new Command("wpslink")
    .description("Azure Web PubSub with its private networking, on your machine")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      // Errors are printed by runProgram in az's words.
      outputError: () => undefined,
    });
}

/** Every az-style command (everything but `start`). `argv` is the full process argv. */
export function registerAzCommands(program: Command, io: CliIo, argv: readonly string[]): void {
  const session: CliSession = { io, argv };
  const webpubsub = registerWebPubSubCommands(program, session);
  registerHubCommands(webpubsub, session);
  registerSharedPrivateEndpointCommands(webpubsub, session);
  registerAppServicePlanCommands(program, session);
  registerSiteCommands(program, session);
  registerPrivateEndpointConnectionCommands(program, session);
  registerRestCommand(program, session);
  registerAccountCommands(program, session);
  showHelpForGroups(program);
}

/**
 * A group typed without a command prints its help on stdout and succeeds, and an unknown command
 * in it gets az's "misspelled" error (commander would print help on stderr and exit 1).
 */
function showHelpForGroups(command: Command): void {
  if (command.commands.length === 0) return;
  command.allowExcessArguments(true).action((_options: unknown, self: Command) => {
    let target: Command | undefined = self;
    let unknown = self.args[0];
    if (unknown === "help") {
      // `wpslink webpubsub help [command]`, which commander offers only to groups without an action.
      unknown = self.args[1];
      target = unknown === undefined ? self : self.commands.find((c) => c.name() === unknown);
    }
    if (!target || (target === self && unknown !== undefined)) {
      throw new UsageError(`'${unknown}' is misspelled or not recognized by the system.`);
    }
    target.outputHelp();
  });
  for (const child of command.commands) showHelpForGroups(child);
}

/** Commander's parse errors in az's (argparse's) words. */
function usageErrorOf(error: CommanderError): UsageError {
  const message = error.message.replace(/^error: /, "");
  const flagLabel = (flags: string): string => {
    const long = /--[\w-]+/.exec(flags)?.[0];
    const short = /(?:^|[\s,])(-\w)\b/.exec(flags)?.[1];
    return long && short ? `${long}/${short}` : (long ?? short ?? flags);
  };
  let match: RegExpExecArray | null;
  if (error.code === "commander.unknownOption" && (match = /unknown option '([^']+)'/.exec(message)))
    return new UsageError(`unrecognized arguments: ${match[1]}`);
  if (error.code === "commander.unknownCommand" && (match = /unknown command '([^']+)'/.exec(message)))
    return new UsageError(`'${match[1]}' is misspelled or not recognized by the system.`);
  if (
    error.code === "commander.optionMissingArgument" &&
    (match = /option '([^']+)' argument missing/.exec(message))
  )
    return new UsageError(`argument ${flagLabel(match[1]!)}: expected one argument`);
  if (error.code === "commander.invalidArgument") {
    match = /option '([^']+)' argument '([^']*)' is invalid\. (.*)$/s.exec(message);
    if (match) {
      const choices = /^Allowed choices are (.*)\.$/.exec(match[3]!);
      const detail = choices
        ? `invalid choice: '${match[2]}' (choose from ${choices[1]!
            .split(", ")
            .map((c) => `'${c}'`)
            .join(", ")})`
        : match[3]!;
      return new UsageError(`argument ${flagLabel(match[1]!)}: ${detail}`);
    }
  }
  if (error.code === "commander.excessArguments") return new UsageError(`unrecognized arguments: ${message}`);
  return new UsageError(message);
}

/** Parses and runs `argv` (process-style: node, script, args...) and returns the exit code. */
export async function runProgram(program: Command, argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return 0;
      if (error.code === "commander.help" || error.code === "commander.executeSubCommandAsync")
        return error.exitCode;
      return reportError(io, usageErrorOf(error));
    }
    return reportError(io, error);
  }
}

export interface CliRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/**
 * Runs one az-style command in-process (for tests and embedding): `args` as typed after
 * `wpslink`, e.g. `["webpubsub", "show", "-g", "rg", "-n", "name"]`.
 */
export async function runCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliRun> {
  const cwd = options.cwd ?? process.cwd();
  const io = capturedIo(options.env ?? process.env, cwd, (path) => readFileSync(resolve(cwd, path), "utf8"));
  const argv = ["node", "wpslink", ...args];
  const program = createProgram(io);
  registerAzCommands(program, io, argv);
  const exitCode = await runProgram(program, argv, io);
  return { stdout: io.stdoutText(), stderr: io.stderrText(), exitCode };
}
