// `wait`: poll a resource until a condition holds, like az's generic `wait` commands
// (--created, --updated, --deleted, --exists, --custom <JMESPath>), with --interval/--timeout.
import { Option } from "commander";
import type { RunContext } from "./commandKit.js";
import { parseInteger } from "./commandKit.js";
import { AzCliError, ArmResponseError, UsageError } from "./errors.js";
import { sleep } from "./progress.js";
import { applyQuery, jmesTruthy, validateQuery } from "./resultShape.js";

export function waitOptions(): Option[] {
  return [
    new Option("--created", "wait until created with 'provisioningState' at 'Succeeded'"),
    new Option("--updated", "wait until updated with provisioningState at 'Succeeded'"),
    new Option("--deleted", "wait until deleted"),
    new Option("--exists", "wait until the resource exists"),
    new Option(
      "--custom <jmespath>",
      "wait until the condition satisfies a custom JMESPath query, e.g. \"status=='Approved'\"",
    ),
    new Option("--interval <seconds>", "polling interval in seconds").argParser(parseInteger).default(5),
    new Option("--timeout <seconds>", "maximum wait in seconds").argParser(parseInteger).default(3600),
  ];
}

/**
 * Polls `path` until the condition of the options holds. `shape` turns the ARM body into what
 * the show command prints, which is what --custom is evaluated on.
 */
export async function waitFor(
  context: RunContext,
  path: string,
  apiVersion: string,
  shape: (body: unknown) => unknown,
): Promise<undefined> {
  const o = context.options;
  const custom = o.custom as string | undefined;
  const chosen = [o.created, o.updated, o.deleted, o.exists, custom].filter((v) => v !== undefined).length;
  if (chosen !== 1)
    throw new UsageError("usage error: specify one of --created, --updated, --deleted, --exists or --custom");
  if (custom !== undefined) validateQuery(custom);
  const intervalMs = Math.max(0, o.interval as number) * 1000;
  const timeoutMs = Math.max(0, o.timeout as number) * 1000;
  const deadline = Date.now() + timeoutMs;
  const progress = context.progress();
  try {
    for (;;) {
      let body: unknown = undefined;
      let found = true;
      try {
        body = (await context.client().send("GET", path, { apiVersion })).body;
      } catch (error) {
        if (!(error instanceof ArmResponseError) || error.status !== 404) throw error;
        found = false;
      }
      if (o.deleted && !found) return undefined;
      if (found) {
        const result = shape(body);
        const state = (result as { provisioningState?: unknown } | null)?.provisioningState;
        if (o.exists) return undefined;
        if ((o.created || o.updated) && state === "Succeeded") return undefined;
        if ((o.created || o.updated) && state === "Failed") {
          throw new AzCliError(
            `The resource is in provisioning state 'Failed'; it will not reach 'Succeeded'.`,
          );
        }
        if (custom !== undefined && jmesTruthy(applyQuery(result, custom))) return undefined;
      }
      if (Date.now() + intervalMs > deadline) {
        throw new AzCliError(`Wait operation timed-out after ${o.timeout as number} seconds`);
      }
      progress.tick();
      await sleep(intervalMs);
    }
  } finally {
    progress.done();
  }
}
