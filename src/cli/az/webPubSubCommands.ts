// `wpslink webpubsub create|show|list|delete|update` and `webpubsub key show|regenerate`, shaped
// after the az webpubsub extension. Results are flattened like the Python SDK models az prints.
import { Option, type Command } from "commander";
import {
  addLeaf,
  nameOption,
  parseBoolean,
  parseInteger,
  resourceGroupOption,
  tagsFrom,
  type CliSession,
  type RunContext,
} from "./commandKit.js";
import { apiVersions, webPubSubListPath, webPubSubPath } from "./armPaths.js";
import { defaultLocationOf, getResource, listAll, writeResource } from "./operations.js";
import { flattenProperties } from "./resultShape.js";

const v = apiVersions.webPubSub;
const flat = (body: unknown): unknown => flattenProperties(body);
const flatList = (items: unknown[]): unknown[] => items.map(flat);

const writableProperties = [
  "tls",
  "liveTraceConfiguration",
  "resourceLogConfiguration",
  "networkACLs",
  "publicNetworkAccess",
  "disableLocalAuth",
  "disableAadAuth",
  "regionEndpointEnabled",
  "resourceStopped",
  "socketIO",
];

/** The writable part of a resource body (the Python SDK drops read-only fields when it sends). */
function writableBody(resource: Record<string, unknown>): Record<string, unknown> {
  const properties = (resource.properties ?? {}) as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const key of writableProperties) if (properties[key] !== undefined) kept[key] = properties[key];
  const sku = resource.sku as { name?: string; capacity?: number; tier?: string } | undefined;
  return {
    location: resource.location,
    ...(resource.tags === undefined ? {} : { tags: resource.tags }),
    ...(sku ? { sku: { name: sku.name, tier: sku.tier, capacity: sku.capacity } } : {}),
    ...(resource.kind === undefined ? {} : { kind: resource.kind }),
    ...(resource.identity === undefined ? {} : { identity: resource.identity }),
    properties: kept,
  };
}

export function registerWebPubSubCommands(program: Command, session: CliSession): Command {
  const group = program.command("webpubsub").description("Manage Web PubSub resources");
  const rg = resourceGroupOption;
  const name = (): Option => nameOption("name of the Web PubSub resource");
  const path = (c: RunContext): string =>
    webPubSubPath(c.subscription, c.req("resourceGroup"), c.req("name"));

  addLeaf(
    group,
    "create",
    {
      description: "Create a Web PubSub resource",
      options: [
        name(),
        rg(),
        new Option("--sku <sku>", "the SKU name, e.g. Standard_S1, Free_F1, Premium_P1"),
        new Option("--unit-count <count>", "number of units").argParser(parseInteger).default(1),
        new Option("-l, --location <location>", "location; defaults to the resource group's"),
        new Option("--kind <kind>", "kind of the service").choices(["WebPubSub", "SocketIO"]),
        new Option("--tags <tags...>", "space-separated tags: key[=value]"),
      ],
      required: ["name", "resourceGroup", "sku"],
      supportsNoWait: true,
      examples: [
        "wpslink webpubsub create -n MyWebPubSub -g MyResourceGroup --sku Standard_S1 --unit-count 1",
      ],
      run: async (c) => {
        const location = c.str("location") ?? (await defaultLocationOf(c, c.req("resourceGroup")));
        const body = {
          location,
          sku: { name: c.req("sku"), capacity: c.options.unitCount as number },
          ...(c.str("kind") ? { kind: c.str("kind") } : {}),
          ...(c.options.tags ? { tags: tagsFrom(c.options.tags as string[]) } : {}),
          properties: {},
        };
        return flat(await writeResource(c, "PUT", path(c), v, body));
      },
    },
    session,
  );

  addLeaf(
    group,
    "show",
    {
      description: "Get the details of a Web PubSub resource",
      options: [name(), rg()],
      required: ["name", "resourceGroup"],
      run: async (c) => flat(await getResource(c, path(c), v)),
    },
    session,
  );

  addLeaf(
    group,
    "list",
    {
      description: "List Web PubSub resources",
      options: [rg()],
      run: async (c) =>
        flatList(await listAll(c, webPubSubListPath(c.subscription, c.str("resourceGroup")), v)),
    },
    session,
  );

  addLeaf(
    group,
    "delete",
    {
      description: "Delete a Web PubSub resource",
      options: [name(), rg()],
      required: ["name", "resourceGroup"],
      supportsNoWait: true,
      run: async (c) => {
        await writeResource(c, "DELETE", path(c), v);
        return undefined;
      },
    },
    session,
  );

  addLeaf(
    group,
    "update",
    {
      description: "Update a Web PubSub resource",
      options: [
        name(),
        rg(),
        new Option("--sku <sku>", "the SKU name, e.g. Standard_S1, Free_F1, Premium_P1"),
        new Option("--unit-count <count>", "number of units").argParser(parseInteger),
        new Option("--tags <tags...>", 'space-separated tags: key[=value]; "" clears them'),
        new Option("--client-cert-enabled <bool>", "require client certificates").argParser(parseBoolean),
        new Option("--disable-local-auth <bool>", "disable access-key authentication").argParser(
          parseBoolean,
        ),
        new Option("--region-endpoint-enabled <bool>", "enable the regional endpoint").argParser(
          parseBoolean,
        ),
        new Option("--public-network-access <value>", "public network access").choices([
          "Enabled",
          "Disabled",
        ]),
      ],
      required: ["name", "resourceGroup"],
      supportsNoWait: true,
      run: async (c) => {
        const current = (await getResource(c, path(c), v)) as Record<string, unknown>;
        const body = writableBody(current);
        const sku = (body.sku ?? {}) as Record<string, unknown>;
        if (c.str("sku")) {
          sku.name = c.str("sku");
          delete sku.tier;
        }
        if (c.options.unitCount !== undefined) sku.capacity = c.options.unitCount;
        body.sku = sku;
        if (c.options.tags !== undefined) body.tags = tagsFrom(c.options.tags as string[]);
        const properties = body.properties as Record<string, unknown>;
        if (c.options.clientCertEnabled !== undefined)
          properties.tls = { clientCertEnabled: c.options.clientCertEnabled };
        if (c.options.disableLocalAuth !== undefined)
          properties.disableLocalAuth = c.options.disableLocalAuth;
        if (c.options.regionEndpointEnabled !== undefined)
          properties.regionEndpointEnabled = c.options.regionEndpointEnabled ? "Enabled" : "Disabled";
        if (c.str("publicNetworkAccess")) properties.publicNetworkAccess = c.str("publicNetworkAccess");
        return flat(await writeResource(c, "PUT", path(c), v, body));
      },
    },
    session,
  );

  const key = group.command("key").description("Manage the access keys of a Web PubSub resource");
  addLeaf(
    key,
    "show",
    {
      description: "Show the access keys and connection strings",
      options: [name(), rg()],
      required: ["name", "resourceGroup"],
      examples: [
        "wpslink webpubsub key show -n MyWebPubSub -g MyResourceGroup --query primaryConnectionString -o tsv",
      ],
      run: async (c) => (await c.client().send("POST", `${path(c)}/listKeys`, { apiVersion: v })).body,
    },
    session,
  );
  addLeaf(
    key,
    "regenerate",
    {
      description: "Regenerate an access key",
      options: [
        name(),
        rg(),
        new Option("--key-type <type>", "the key to regenerate").choices(["primary", "secondary", "salt"]),
      ],
      required: ["name", "resourceGroup", "keyType"],
      run: async (c) => {
        const type = c.req("keyType");
        const keyType = type[0]!.toUpperCase() + type.slice(1);
        return writeResource(c, "POST", `${path(c)}/regenerateKey`, v, { keyType });
      },
    },
    session,
  );
  return group;
}
