// `wpslink webpubsub shared-private-endpoint create|show|list|delete|wait`. The Azure CLI has no
// such group (its docs use `az rest`); this one follows the webpubsub subgroups: `-n/--name` is
// the Web PubSub resource, the endpoint itself is `--shared-private-endpoint-name`.
import { Option, type Command } from "commander";
import { addLeaf, nameOption, resourceGroupOption, type CliSession, type RunContext } from "./commandKit.js";
import { apiVersions, webPubSubPath } from "./armPaths.js";
import { getResource, listAll, writeResource } from "./operations.js";
import { flattenProperties } from "./resultShape.js";
import { UsageError } from "./errors.js";
import { waitFor, waitOptions } from "./waitLoop.js";

const v = apiVersions.webPubSub;

export function registerSharedPrivateEndpointCommands(webpubsub: Command, session: CliSession): void {
  const group = webpubsub
    .command("shared-private-endpoint")
    .description(
      "Manage shared private endpoints: the private path from Web PubSub to an upstream (e.g. a Function App)",
    );
  const base = (): Option[] => [nameOption("name of the Web PubSub resource"), resourceGroupOption()];
  const speName = (): Option =>
    new Option("--shared-private-endpoint-name <name>", "name of the shared private endpoint");
  const speAlias = (): Option =>
    new Option("--spe-name <name>", "alias of --shared-private-endpoint-name").hideHelp();
  const listPath = (c: RunContext): string =>
    `${webPubSubPath(c.subscription, c.req("resourceGroup"), c.req("name"))}/sharedPrivateLinkResources`;
  const itemPath = (c: RunContext): string =>
    `${listPath(c)}/${encodeURIComponent((c.str("sharedPrivateEndpointName") ?? c.str("speName"))!)}`;
  const withName = (run: (c: RunContext) => Promise<unknown>) => async (c: RunContext) => {
    if (c.str("sharedPrivateEndpointName") === undefined && c.str("speName") !== undefined) {
      (c.options as Record<string, unknown>).sharedPrivateEndpointName = c.str("speName");
    }
    return run(c);
  };
  const requireName = (c: RunContext): void => {
    if (c.str("sharedPrivateEndpointName") === undefined)
      throw new UsageError("the following arguments are required: --shared-private-endpoint-name");
  };

  addLeaf(
    group,
    "create",
    {
      description: "Create (or update) a shared private endpoint; it is Pending until the target approves it",
      options: [
        ...base(),
        speName(),
        speAlias(),
        new Option("--private-link-resource-id <id>", "resource id of the target, e.g. a Function App"),
        new Option("--group-id <id>", "group id of the target's private link resource, e.g. sites"),
        new Option("--request-message <text>", "message shown to the target's owner with the request"),
      ],
      required: ["name", "resourceGroup", "privateLinkResourceId", "groupId"],
      supportsNoWait: true,
      examples: [
        'wpslink webpubsub shared-private-endpoint create -g contoso -n contoso-webpubsub --shared-private-endpoint-name func-pe --private-link-resource-id /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contoso/providers/Microsoft.Web/sites/contoso-func --group-id sites --request-message "please approve"',
      ],
      run: withName(async (c) => {
        requireName(c);
        const properties: Record<string, unknown> = {
          privateLinkResourceId: c.req("privateLinkResourceId"),
          groupId: c.req("groupId"),
        };
        if (c.str("requestMessage") !== undefined) properties.requestMessage = c.str("requestMessage");
        return flattenProperties(await writeResource(c, "PUT", itemPath(c), v, { properties }));
      }),
    },
    session,
  );
  addLeaf(
    group,
    "show",
    {
      description: "Show a shared private endpoint (provisioningState and connection status)",
      options: [...base(), speName(), speAlias()],
      required: ["name", "resourceGroup"],
      run: withName(async (c) => {
        requireName(c);
        return flattenProperties(await getResource(c, itemPath(c), v));
      }),
    },
    session,
  );
  addLeaf(
    group,
    "list",
    {
      description: "List the shared private endpoints of a Web PubSub resource",
      options: base(),
      required: ["name", "resourceGroup"],
      run: async (c) => (await listAll(c, listPath(c), v)).map(flattenProperties),
    },
    session,
  );
  addLeaf(
    group,
    "delete",
    {
      description: "Delete a shared private endpoint",
      options: [...base(), speName(), speAlias()],
      required: ["name", "resourceGroup"],
      supportsNoWait: true,
      run: withName(async (c) => {
        requireName(c);
        await writeResource(c, "DELETE", itemPath(c), v);
        return undefined;
      }),
    },
    session,
  );
  addLeaf(
    group,
    "wait",
    {
      description: "Place the CLI in a waiting state until a condition of the shared private endpoint is met",
      options: [...base(), speName(), speAlias(), ...waitOptions()],
      required: ["name", "resourceGroup"],
      examples: [
        "wpslink webpubsub shared-private-endpoint wait -g contoso -n contoso-webpubsub --shared-private-endpoint-name func-pe --custom \"status=='Approved'\" --interval 1",
      ],
      run: withName(async (c) => {
        requireName(c);
        return waitFor(c, itemPath(c), v, flattenProperties);
      }),
    },
    session,
  );
}
