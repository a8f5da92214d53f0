// `wpslink network private-endpoint-connection list|show|approve|reject|delete`, as the core az
// command: `--id`, or `-g/--resource-group --resource-name -n/--name --type` (list: `-n` is the
// resource). Approve/reject read the connection, PUT it back with the new state, then follow it.
import { Option, type Command } from "commander";
import {
  addLeaf,
  confirmOrYes,
  resourceGroupOption,
  type CliSession,
  type RunContext,
} from "./commandKit.js";
import { parseResourceId, resourceGroupPath } from "./armPaths.js";
import { AzCliError, UsageError } from "./errors.js";
import { getResource } from "./operations.js";
import { sleep } from "./progress.js";

interface ProviderType {
  readonly type: string;
  /** The api-version az registers for the type. */
  readonly apiVersion: string;
}

/** The target types whose private endpoint connections wpslink serves (az's registry subset). */
export const privateEndpointTypes: readonly ProviderType[] = [
  { type: "Microsoft.Web/sites", apiVersion: "2019-08-01" },
  { type: "Microsoft.SignalRService/WebPubSub", apiVersion: "2024-03-01" },
];

function providerOf(type: string): ProviderType {
  const found = privateEndpointTypes.find((p) => p.type.toLowerCase() === type.toLowerCase());
  if (!found) {
    throw new UsageError(
      `argument --type: invalid choice: '${type}' (choose from ${privateEndpointTypes.map((p) => `'${p.type}'`).join(", ")})`,
    );
  }
  return found;
}

interface Target {
  readonly resourcePath: string;
  readonly provider: ProviderType;
  readonly connectionName?: string;
}

/** The target resource (and connection) from --id or -g/--resource-name/--type/--name. */
function targetOf(c: RunContext, forList: boolean): Target {
  const id = c.str("id");
  if (id !== undefined) {
    const parsed = parseResourceId(id);
    if (!parsed) throw new UsageError(`argument --id: '${id}' is not a valid resource id`);
    const provider = providerOf(`${parsed.namespace}/${parsed.type}`);
    const resourcePath = `${resourceGroupPath(parsed.subscription, parsed.resourceGroup)}/providers/${parsed.namespace}/${parsed.type}/${encodeURIComponent(parsed.name)}`;
    if (forList) return { resourcePath, provider };
    const child = parsed.children[0];
    if (!child || child.type.toLowerCase() !== "privateendpointconnections") {
      throw new UsageError(`argument --id: '${id}' is not the id of a private endpoint connection`);
    }
    return { resourcePath, provider, connectionName: child.name };
  }
  const group = c.str("resourceGroup");
  const type = c.str("type");
  const resourceName = forList ? c.str("name") : c.str("resourceName");
  const connectionName = forList ? undefined : c.str("name");
  const missing = [
    group === undefined ? "--resource-group/-g" : undefined,
    resourceName === undefined ? (forList ? "--name/-n" : "--resource-name") : undefined,
    type === undefined ? "--type" : undefined,
    !forList && connectionName === undefined ? "--name/-n" : undefined,
  ].filter((m): m is string => m !== undefined);
  if (missing.length > 0) {
    throw new UsageError(
      `usage error: --id ID | ${missing.join(" ")} (the following arguments are required: ${missing.join(", ")})`,
    );
  }
  const provider = providerOf(type!);
  const [namespace, resourceType] = provider.type.split("/");
  return {
    resourcePath: `${resourceGroupPath(c.subscription, group!)}/providers/${namespace}/${resourceType}/${encodeURIComponent(resourceName!)}`,
    provider,
    connectionName,
  };
}

function connectionPath(target: Target): string {
  return `${target.resourcePath}/privateEndpointConnections/${encodeURIComponent(target.connectionName!)}`;
}

const readyStates = new Set(["succeeded", "ready"]);

async function setState(c: RunContext, status: "Approved" | "Rejected"): Promise<unknown> {
  const target = targetOf(c, false);
  const path = connectionPath(target);
  const apiVersion = target.provider.apiVersion;
  const connection = (await getResource(c, path, apiVersion)) as { properties?: Record<string, unknown> };
  const properties = { ...(connection.properties ?? {}) };
  const state = { ...((properties.privateLinkServiceConnectionState ?? {}) as Record<string, unknown>) };
  state.status = status;
  state.description = c.str("description") ?? null;
  properties.privateLinkServiceConnectionState = state;
  const put = await c.client().send("PUT", path, { apiVersion, body: { ...connection, properties } });
  // az follows the connection until provisioningState is Succeeded/Ready (20 polls); wpslink
  // also stops as soon as the connection shows the requested status, and polls every second.
  const progress = c.progress();
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = (await getResource(c, path, apiVersion)) as {
        properties?: { provisioningState?: string; privateLinkServiceConnectionState?: { status?: string } };
      };
      const provisioning = String(current.properties?.provisioningState ?? "").toLowerCase();
      const shown = current.properties?.privateLinkServiceConnectionState?.status;
      if (readyStates.has(provisioning) || shown === status) return current;
      progress.tick(shown);
      await sleep(1000);
    }
  } finally {
    progress.done();
  }
  if (c.options.onlyShowErrors !== true) {
    c.io.stderr(
      "WARNING: Cannot query the state of private endpoint connection. Please use `wpslink network private-endpoint-connection show` command to check the status.\n",
    );
  }
  return put.body;
}

export function registerPrivateEndpointConnectionCommands(program: Command, session: CliSession): void {
  const group = program
    .command("network")
    .description("Manage networking resources")
    .command("private-endpoint-connection")
    .description("Manage private endpoint connections of a resource (e.g. a Function App)");
  const typeOption = (): Option =>
    new Option(
      "--type <type>",
      `type of the resource: ${privateEndpointTypes.map((p) => p.type).join(", ")}`,
    );
  const single = (): Option[] => [
    new Option("--id <id>", "id of the private endpoint connection"),
    resourceGroupOption(),
    new Option("--resource-name <name>", "name of the resource holding the connection"),
    new Option("-n, --name <name>", "name of the private endpoint connection"),
    typeOption(),
  ];

  addLeaf(
    group,
    "list",
    {
      description: "List the private endpoint connections of a resource",
      options: [
        new Option("--id <id>", "id of the resource"),
        resourceGroupOption(),
        new Option("-n, --name <name>", "name of the resource"),
        typeOption(),
      ],
      examples: [
        "wpslink network private-endpoint-connection list --id /subscriptions/.../resourceGroups/contoso/providers/Microsoft.Web/sites/contoso-func --query \"[?properties.privateLinkServiceConnectionState.status=='Pending']\"",
      ],
      run: async (c) => {
        const target = targetOf(c, true);
        const resource = (await getResource(c, target.resourcePath, target.provider.apiVersion)) as {
          properties?: { privateEndpointConnections?: unknown };
        };
        const embedded = resource.properties?.privateEndpointConnections;
        if (Array.isArray(embedded)) return embedded;
        const listed = (await getResource(
          c,
          `${target.resourcePath}/privateEndpointConnections`,
          target.provider.apiVersion,
        )) as {
          value?: unknown[];
        };
        return listed.value ?? [];
      },
    },
    session,
  );
  addLeaf(
    group,
    "show",
    {
      description: "Show a private endpoint connection",
      options: single(),
      run: async (c) => {
        const target = targetOf(c, false);
        return getResource(c, connectionPath(target), target.provider.apiVersion);
      },
    },
    session,
  );
  for (const [name, status] of [
    ["approve", "Approved"],
    ["reject", "Rejected"],
  ] as const) {
    addLeaf(
      group,
      name,
      {
        description: `${name === "approve" ? "Approve" : "Reject"} a private endpoint connection`,
        options: [...single(), new Option("--description <text>", "comment for the change")],
        examples: [
          `wpslink network private-endpoint-connection ${name} --id <connection id> --description "${status}"`,
        ],
        run: (c) => setState(c, status),
      },
      session,
    );
  }
  addLeaf(
    group,
    "delete",
    {
      description: "Delete a private endpoint connection",
      options: [...single(), new Option("-y, --yes", "do not prompt for confirmation")],
      run: async (c) => {
        const target = targetOf(c, false);
        await confirmOrYes(c);
        const response = await c
          .client()
          .send("DELETE", connectionPath(target), { apiVersion: target.provider.apiVersion });
        if ([201, 202, 204].includes(response.status) && c.options.onlyShowErrors !== true) {
          c.io.stderr(
            "WARNING: Deleting operation is asynchronous, please use `wpslink network private-endpoint-connection show` to check the progress.\n",
          );
        }
        if (response.status >= 300) throw new AzCliError(`Unexpected status ${response.status}`);
        return undefined;
      },
    },
    session,
  );
}
