// `wpslink webpubsub hub create|show|list|update|delete`, as `az webpubsub hub`.
import { Option, type Command } from "commander";
import {
  addLeaf,
  groupsOf,
  nameOption,
  parseBoolean,
  resourceGroupOption,
  type CliSession,
  type RunContext,
} from "./commandKit.js";
import { apiVersions, webPubSubPath } from "./armPaths.js";
import { eventHandlerFrom } from "./eventHandlerArgs.js";
import { getResource, listAll, writeResource } from "./operations.js";

const v = apiVersions.webPubSub;

export function registerHubCommands(webpubsub: Command, session: CliSession): void {
  const hub = webpubsub
    .command("hub")
    .description("Manage hub settings (event handlers) of a Web PubSub resource");
  const base = (): Option[] => [nameOption("name of the Web PubSub resource"), resourceGroupOption()];
  const hubName = (): Option => new Option("--hub-name <name>", "the hub");
  const hubsPath = (c: RunContext): string =>
    `${webPubSubPath(c.subscription, c.req("resourceGroup"), c.req("name"))}/hubs`;
  const hubPath = (c: RunContext): string => `${hubsPath(c)}/${encodeURIComponent(c.req("hubName"))}`;
  const settingOptions = (): Option[] => [
    new Option(
      "--event-handler <items...>",
      "an event handler: url-template=... [user-event-pattern=...] [system-event=... ...] [auth-type=ManagedIdentity auth-resource=...]; repeat for more",
    ),
    new Option("--allow-anonymous <bool>", "allow anonymous client connections").argParser(parseBoolean),
  ];
  const handlers = (c: RunContext): unknown[] | undefined =>
    c.options.eventHandler === undefined
      ? undefined
      : groupsOf(c.argv, "--event-handler").map(eventHandlerFrom);

  addLeaf(
    hub,
    "create",
    {
      description: "Create hub settings",
      options: [...base(), hubName(), ...settingOptions()],
      required: ["name", "resourceGroup", "hubName"],
      examples: [
        'wpslink webpubsub hub create -n MyWebPubSub -g MyResourceGroup --hub-name MyHub --event-handler url-template="https://host/api/{event}" user-event-pattern="*" system-event=connected system-event=disconnected',
      ],
      run: async (c) => {
        const properties: Record<string, unknown> = { eventHandlers: handlers(c) ?? [] };
        if (c.options.allowAnonymous !== undefined)
          properties.anonymousConnectPolicy = c.options.allowAnonymous ? "allow" : "deny";
        return writeResource(c, "PUT", hubPath(c), v, { properties });
      },
    },
    session,
  );
  addLeaf(
    hub,
    "update",
    {
      description: "Update hub settings (given event handlers replace the current ones)",
      options: [...base(), hubName(), ...settingOptions()],
      required: ["name", "resourceGroup", "hubName"],
      run: async (c) => {
        const current = (await getResource(c, hubPath(c), v)) as { properties?: Record<string, unknown> };
        const properties: Record<string, unknown> = { ...(current.properties ?? {}) };
        delete properties.provisioningState;
        const given = handlers(c);
        if (given !== undefined) properties.eventHandlers = given;
        if (c.options.allowAnonymous !== undefined)
          properties.anonymousConnectPolicy = c.options.allowAnonymous ? "allow" : "deny";
        return writeResource(c, "PUT", hubPath(c), v, { properties });
      },
    },
    session,
  );
  addLeaf(
    hub,
    "show",
    {
      description: "Show hub settings",
      options: [...base(), hubName()],
      required: ["name", "resourceGroup", "hubName"],
      run: (c) => getResource(c, hubPath(c), v),
    },
    session,
  );
  addLeaf(
    hub,
    "list",
    {
      description: "List the hubs of a Web PubSub resource",
      options: base(),
      required: ["name", "resourceGroup"],
      run: (c) => listAll(c, hubsPath(c), v),
    },
    session,
  );
  addLeaf(
    hub,
    "delete",
    {
      description: "Delete hub settings",
      options: [...base(), hubName()],
      required: ["name", "resourceGroup", "hubName"],
      supportsNoWait: true,
      run: async (c) => {
        await writeResource(c, "DELETE", hubPath(c), v);
        return undefined;
      },
    },
    session,
  );
}
