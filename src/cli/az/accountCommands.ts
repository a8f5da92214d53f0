// `wpslink token` (like `az account get-access-token`) and `wpslink group
// create|list|show|delete` (like `az group`).
import { Option, type Command } from "commander";
import {
  addLeaf,
  confirmOrYes,
  nameOption,
  tagsFrom,
  type CliSession,
  type RunContext,
} from "./commandKit.js";
import { apiVersions, resourceGroupPath } from "./armPaths.js";
import { getResource, listAll, writeResource } from "./operations.js";

function pythonDateTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.000000`;
}

/** The `tid` claim of a JWT, or the all-zero tenant when it has none. */
function tenantOf(accessToken: string): string {
  try {
    const payload = JSON.parse(
      Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString("utf8"),
    ) as {
      tid?: unknown;
    };
    if (typeof payload.tid === "string") return payload.tid;
  } catch {
    // not a JWT: fall through
  }
  return "00000000-0000-0000-0000-000000000000";
}

/** A subscription as `az account list/show` prints it. */
function accountOf(subscription: Record<string, unknown>, current: string): Record<string, unknown> {
  return {
    environmentName: "wpslink",
    id: subscription.subscriptionId,
    isDefault: subscription.subscriptionId === current,
    name: subscription.displayName,
    state: subscription.state,
    tenantId: subscription.tenantId,
  };
}

const subscriptionsApiVersion = "2022-12-01";

export function registerAccountCommands(program: Command, session: CliSession): void {
  addLeaf(
    program,
    "token",
    {
      description: "Get a management token from the local issuer (like az account get-access-token)",
      examples: ['curl -H "Authorization: Bearer $(wpslink token --query accessToken -o tsv)" ...'],
      run: async (c) => {
        const token = await c.client().getToken();
        return {
          accessToken: token.accessToken,
          expiresOn: pythonDateTime(token.expiresOn),
          expires_on: token.expiresOn,
          subscription: c.subscription,
          tenant: tenantOf(token.accessToken),
          tokenType: token.tokenType,
        };
      },
    },
    session,
  );

  const account = program.command("account").description("Subscriptions wpslink knows (every GUID is one)");
  addLeaf(
    account,
    "show",
    {
      description:
        "Show the current subscription (--subscription, WPSLINK_SUBSCRIPTION_ID or the well-known one)",
      run: async (c) =>
        accountOf(
          (await getResource(
            c,
            `/subscriptions/${encodeURIComponent(c.subscription)}`,
            subscriptionsApiVersion,
          )) as Record<string, unknown>,
          c.subscription,
        ),
    },
    session,
  );
  addLeaf(
    account,
    "list",
    {
      description: "List the subscriptions that hold resource groups",
      run: async (c) =>
        (await listAll(c, "/subscriptions", subscriptionsApiVersion)).map((s) =>
          accountOf(s as Record<string, unknown>, c.subscription),
        ),
    },
    session,
  );

  const group = program.command("group").description("Manage resource groups");
  const v = apiVersions.resources;
  const path = (c: RunContext): string => resourceGroupPath(c.subscription, c.req("name"));
  const table = (result: unknown): unknown => {
    const row = (g: Record<string, unknown>): Record<string, unknown> => ({
      Name: g.name,
      Location: g.location,
      Status: (g.properties as { provisioningState?: string } | undefined)?.provisioningState,
    });
    return Array.isArray(result)
      ? result.map((g) => row(g as Record<string, unknown>))
      : row(result as Record<string, unknown>);
  };
  addLeaf(
    group,
    "create",
    {
      description: "Create a new resource group",
      options: [
        nameOption("name of the new resource group"),
        new Option("-l, --location <location>", "location"),
        new Option("--tags <tags...>", "space-separated tags: key[=value]"),
      ],
      required: ["name", "location"],
      tableTransformer: table,
      run: async (c) =>
        (
          await c.client().send("PUT", path(c), {
            apiVersion: v,
            body: {
              location: c.req("location"),
              ...(c.options.tags ? { tags: tagsFrom(c.options.tags as string[]) } : {}),
            },
          })
        ).body,
    },
    session,
  );
  addLeaf(
    group,
    "show",
    {
      description: "Get a resource group",
      options: [nameOption("name of the resource group")],
      required: ["name"],
      tableTransformer: table,
      run: (c) => getResource(c, path(c), v),
    },
    session,
  );
  addLeaf(
    group,
    "list",
    {
      description: "List resource groups",
      tableTransformer: table,
      run: (c) => listAll(c, `/subscriptions/${encodeURIComponent(c.subscription)}/resourcegroups`, v),
    },
    session,
  );
  addLeaf(
    group,
    "delete",
    {
      description: "Delete a resource group and everything in it",
      options: [
        nameOption("name of the resource group"),
        new Option("-y, --yes", "do not prompt for confirmation"),
      ],
      required: ["name"],
      supportsNoWait: true,
      run: async (c) => {
        await confirmOrYes(c);
        await writeResource(c, "DELETE", path(c), v);
        return undefined;
      },
    },
    session,
  );
}
