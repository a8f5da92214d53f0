// The frame every az-style command shares: the global arguments (--output, --query,
// --subscription, where wpslink is), required-argument checks with az's wording, the ARM client,
// and printing the result (resourceGroup transform, --query, output format).
import { InvalidArgumentError, Option, type Command } from "commander";
import { wellKnownSubscriptionId } from "../../config/defaults.js";
import { ArmClient } from "./armClient.js";
import type { CliIo } from "./cliIo.js";
import { AzCliError, UsageError } from "./errors.js";
import { findManagementEndpoint } from "./managementEndpoint.js";
import { formatOutput, outputFormats, type OutputFormat, type TableTransformer } from "./output.js";
import { Progress } from "./progress.js";
import { addResourceGroup, applyQuery, validateQuery } from "./resultShape.js";

/** What a command run can reach: streams, the raw argv, and the ARM client. */
export interface RunContext {
  readonly io: CliIo;
  readonly argv: readonly string[];
  readonly options: Readonly<Record<string, unknown>>;
  readonly subscription: string;
  readonly noWait: boolean;
  client(): ArmClient;
  progress(): Progress;
  /** A string option (commander leaves undefined when absent). */
  str(name: string): string | undefined;
  /** A required string option (checked before the action runs). */
  req(name: string): string;
}

export interface LeafSpec {
  readonly description: string;
  readonly options?: readonly Option[];
  /** Attribute names (camelCase) of options that must be given. */
  readonly required?: readonly string[];
  /** Adds --no-wait. */
  readonly supportsNoWait?: boolean;
  readonly tableTransformer?: TableTransformer;
  readonly examples?: readonly string[];
  /** Returns the result to print, or undefined for none. */
  run(context: RunContext): Promise<unknown>;
}

export interface CliSession {
  readonly io: CliIo;
  readonly argv: readonly string[];
}

/** `true`/`false` (any case), as az's three-state flags take them. */
export function parseBoolean(value: string): boolean {
  const lower = value.toLowerCase();
  if (lower === "true" || lower === "yes") return true;
  if (lower === "false" || lower === "no") return false;
  throw new InvalidArgumentError(`invalid choice: '${value}' (choose from 'false', 'true')`);
}

export function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`invalid int value: '${value}'`);
  return Number(value);
}

/** `--tags a=b c=d` → `{a:"b", c:"d"}`; a bare `--tags ""` clears them. */
export function tagsFrom(values: readonly string[] | undefined): Record<string, string> | undefined {
  if (values === undefined) return undefined;
  const tags: Record<string, string> = {};
  for (const item of values) {
    if (item === "") continue;
    const at = item.indexOf("=");
    if (at < 0) tags[item] = "";
    else tags[item.slice(0, at)] = item.slice(at + 1);
  }
  return tags;
}

export function resourceGroupOption(): Option {
  return new Option("-g, --resource-group <name>", "name of resource group");
}

export function nameOption(what: string): Option {
  return new Option("-n, --name <name>", what);
}

function globalOptions(supportsNoWait: boolean): Option[] {
  const options = [
    new Option("-o, --output <format>", "output format").choices(outputFormats).default("json"),
    new Option("--query <jmespath>", "JMESPath query string; see http://jmespath.org"),
    new Option(
      "--subscription <id>",
      "subscription id (default WPSLINK_SUBSCRIPTION_ID or the well-known one)",
    ),
    new Option(
      "--management-url <url>",
      "wpslink management URL (default WPSLINK_MANAGEMENT_URL or runtime.json)",
    ),
    new Option(
      "--workspace <dir>",
      "wpslink workspace folder holding runtime.json (default WPSLINK_LOCATION or .wpslink)",
    ),
    new Option("--only-show-errors", "only show errors, suppressing warnings and progress"),
    new Option("--debug", "show every HTTP request and response on stderr"),
    new Option("--verbose", "increase logging verbosity"),
  ];
  if (supportsNoWait)
    options.unshift(new Option("--no-wait", "do not wait for the long-running operation to finish"));
  return options;
}

/** az's name for an option in messages: `--name/-n`. */
export function optionLabel(option: Option): string {
  return option.short && option.long
    ? `${option.long}/${option.short}`
    : (option.long ?? option.short ?? option.flags);
}

export function addLeaf(parent: Command, name: string, spec: LeafSpec, session: CliSession): Command {
  const command = parent.command(name).description(spec.description);
  for (const option of spec.options ?? []) command.addOption(option);
  for (const option of globalOptions(spec.supportsNoWait ?? false)) command.addOption(option);
  if (spec.examples?.length)
    command.addHelpText("after", `\nExamples\n${spec.examples.map((e) => `  ${e}`).join("\n")}\n`);
  command.action(async (options: Record<string, unknown>) => {
    const missing = (spec.required ?? []).filter((key) => options[key] === undefined);
    if (missing.length > 0) {
      const labels = missing.map((key) => {
        const option = command.options.find((o) => o.attributeName() === key);
        return option ? optionLabel(option) : key;
      });
      throw new UsageError(`the following arguments are required: ${labels.join(", ")}`);
    }
    const query = options.query as string | undefined;
    if (query !== undefined) validateQuery(query);
    const output = options.output as OutputFormat;
    let client: ArmClient | undefined;
    const context: RunContext = {
      io: session.io,
      argv: session.argv,
      options,
      subscription:
        (options.subscription as string | undefined) ??
        session.io.env.WPSLINK_SUBSCRIPTION_ID ??
        wellKnownSubscriptionId,
      noWait: options.wait === false,
      client: () => {
        client ??= new ArmClient(
          findManagementEndpoint(
            {
              managementUrl: options.managementUrl as string | undefined,
              workspace: options.workspace as string | undefined,
            },
            session.io.env,
            session.io.cwd,
          ),
          session.io,
          options.debug === true,
        );
        return client;
      },
      progress: () => new Progress(session.io, options.onlyShowErrors !== true),
      str: (key) => options[key] as string | undefined,
      req: (key) => {
        const value = options[key];
        if (typeof value !== "string") throw new UsageError(`the following arguments are required: --${key}`);
        return value;
      },
    };
    try {
      let result = await spec.run(context);
      if (result === undefined || result === null) return;
      result = addResourceGroup(result);
      if (query !== undefined) result = applyQuery(result, query);
      session.io.stdout(
        formatOutput(result, output, {
          queryActive: query !== undefined,
          transformer: spec.tableTransformer,
        }),
      );
    } finally {
      await client?.close();
    }
  });
  return command;
}

/** Tokens following each `--flag` occurrence up to the next option (az's `nargs='+'` with append). */
export function groupsOf(argv: readonly string[], flag: string): string[][] {
  const groups: string[][] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== flag) continue;
    const group: string[] = [];
    for (let j = i + 1; j < argv.length && !argv[j]!.startsWith("-"); j++) group.push(argv[j]!);
    groups.push(group);
  }
  return groups;
}

/** az asks before destructive deletes; without a terminal it refuses unless --yes. */
export async function confirmOrYes(c: RunContext): Promise<void> {
  if (c.options.yes === true) return;
  const answer = await c.io.confirm?.("Are you sure you want to perform this operation? (y/n): ");
  if (answer === undefined)
    throw new AzCliError("Unable to prompt for confirmation as no tty available. Use --yes.");
  if (!answer) throw new AzCliError("Operation cancelled.");
}
