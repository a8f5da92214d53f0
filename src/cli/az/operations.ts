// Calls shared by the command modules: a plain GET, a list that follows nextLink, and a write
// that runs its long-running operation to the end unless --no-wait.
import { defaultLocation } from "../../config/defaults.js";
import { apiVersions, resourceGroupPath } from "./armPaths.js";
import type { RunContext } from "./commandKit.js";
import { ArmResponseError } from "./errors.js";
import { completeOperation } from "./longRunning.js";

export async function getResource(context: RunContext, path: string, apiVersion: string): Promise<unknown> {
  return (await context.client().send("GET", path, { apiVersion })).body;
}

/** Every item of a paged ARM list (bounded to 1000 pages). */
export async function listAll(context: RunContext, path: string, apiVersion: string): Promise<unknown[]> {
  const items: unknown[] = [];
  let url: string | undefined = context.client().url(path, apiVersion);
  for (let page = 0; url && page < 1000; page++) {
    const body = ((await context.client().send("GET", url)).body ?? {}) as {
      value?: unknown[];
      nextLink?: string;
    };
    items.push(...(body.value ?? []));
    url = body.nextLink || undefined;
  }
  return items;
}

export async function writeResource(
  context: RunContext,
  method: "PUT" | "PATCH" | "POST" | "DELETE",
  path: string,
  apiVersion: string,
  body?: unknown,
): Promise<unknown> {
  const client = context.client();
  const url = client.url(path, apiVersion);
  const initial = await client.send(method, url, body === undefined ? {} : { body });
  if (context.noWait) return undefined;
  return completeOperation(client, initial, { method, resourceUrl: url, progress: context.progress() });
}

/** The location of a resource group, as az defaults `--location` to it. */
export async function defaultLocationOf(context: RunContext, group: string): Promise<string> {
  try {
    const body = (await getResource(
      context,
      resourceGroupPath(context.subscription, group),
      apiVersions.resources,
    )) as {
      location?: string;
    };
    return body.location ?? defaultLocation;
  } catch (error) {
    // Only a missing group is the user's problem; a management API without explicit groups
    // (no route for them) leaves the default location.
    if (error instanceof ArmResponseError && error.code === "ResourceGroupNotFound") throw error;
    if (error instanceof ArmResponseError) return defaultLocation;
    throw error;
  }
}
