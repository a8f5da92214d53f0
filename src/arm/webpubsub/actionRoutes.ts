// Actions and read-only views of a Web PubSub resource: listKeys, regenerateKey, restart, skus,
// privateLinkResources, privateEndpointConnections (none: inbound private endpoints are not
// emulated), checkNameAvailability, usages, the provider's operation list, and structured 501s
// for the parts of the API wpslink does not implement (replicas, custom certificates/domains).
import { armErrors } from "../runtime/armError.js";
import { pageOf } from "../runtime/paging.js";
import type { ArmContext, ArmResult, ArmRoute } from "../runtime/routeTable.js";
import { parseBody } from "../runtime/validation.js";
import { skuListBody } from "./skuCatalog.js";
import { resourcePath } from "./resourceRoutes.js";
import type { WebPubSubLifecycle } from "./webPubSubLifecycle.js";
import { webPubSubApiVersions } from "./webPubSubApiVersions.js";
import {
  keysBody,
  nameIndexKey,
  newAccessKey,
  terminalStates,
  webPubSubNamespace,
  webPubSubStoreType,
  type WebPubSubRecord,
} from "./webPubSubModel.js";
import { listWebPubSub, recordKey, requireWebPubSub } from "./webPubSubRepository.js";
import { nameAvailabilityBody, regenerateKeyBody, resourceNameRule } from "./webPubSubSchemas.js";

const versions = webPubSubApiVersions;

function target(c: ArmContext): Promise<WebPubSubRecord> {
  return requireWebPubSub(
    c.store,
    c.params.subscriptionId!,
    c.params.resourceGroupName!,
    c.params.resourceName!,
  );
}

async function regenerateKey(c: ArmContext, lifecycle: WebPubSubLifecycle): Promise<ArmResult> {
  const { keyType } = parseBody(regenerateKeyBody, c.body);
  const record = await c.store.transaction(async (tx) => {
    const existing = await requireWebPubSub(
      tx,
      c.params.subscriptionId!,
      c.params.resourceGroupName!,
      c.params.resourceName!,
    );
    if (!terminalStates.has(existing.provisioningState)) {
      throw armErrors.conflict(
        "AnotherOperationInProgress",
        `The resource '${existing.name}' is ${existing.provisioningState}; retry when it is done.`,
      );
    }
    // "Salt" rotates the salt of AAD-based tokens in Azure; access keys stay as they are.
    const keys =
      keyType === "Primary"
        ? { ...existing.keys, primary: newAccessKey() }
        : keyType === "Secondary"
          ? { ...existing.keys, secondary: newAccessKey() }
          : existing.keys;
    const next: WebPubSubRecord = { ...existing, keys };
    await tx.put(recordKey(next), webPubSubStoreType, next);
    return next;
  });
  // Answered synchronously (200 + keys) only once the data plane refuses the old key.
  await lifecycle.applyKeys(record);
  return { status: 200, body: keysBody(record, lifecycle.address) };
}

async function restart(c: ArmContext, lifecycle: WebPubSubLifecycle): Promise<ArmResult> {
  const record = await target(c);
  if (record.provisioningState !== "Succeeded") {
    throw armErrors.conflict(
      "AnotherOperationInProgress",
      `The resource '${record.name}' is ${record.provisioningState}; it can be restarted when Succeeded.`,
    );
  }
  if (record.properties.resourceStopped === "true") {
    throw armErrors.conflict(
      "ResourceStopped",
      `The resource '${record.name}' is stopped (resourceStopped = "true"); start it by updating that property.`,
    );
  }
  const op = await c.operations.start(
    c,
    { subscriptionId: record.subscriptionId, namespace: webPubSubNamespace, location: record.location },
    async () => {
      await lifecycle.restart(record);
      return { status: 204 };
    },
  );
  return { status: 202, headers: op.headers };
}

function privateLinkResources(record: WebPubSubRecord): unknown[] {
  const shareable = [
    {
      name: "site",
      groupId: "sites",
      type: "Microsoft.Web/sites",
      description: "Azure App Service or Azure Functions as an event handler upstream",
    },
    {
      name: "vault",
      groupId: "vault",
      type: "Microsoft.KeyVault/vaults",
      description: "Azure Key Vault as a credential store",
    },
    {
      name: "table",
      groupId: "table",
      type: "Microsoft.Storage/storageAccounts",
      description: "Azure Storage Table as a message store",
    },
  ];
  return [
    {
      id: `${record.id}/privateLinkResources/webpubsub`,
      name: "webpubsub",
      type: "Microsoft.SignalRService/WebPubSub/privateLinkResources",
      properties: {
        groupId: "webpubsub",
        requiredMembers: ["webpubsub"],
        requiredZoneNames: ["privatelink.webpubsub.azure.com"],
        shareablePrivateLinkResourceTypes: shareable.map((s) => ({
          name: s.name,
          properties: { description: s.description, groupId: s.groupId, type: s.type },
        })),
      },
    },
  ];
}

async function checkNameAvailability(c: ArmContext): Promise<ArmResult> {
  const body = parseBody(nameAvailabilityBody, c.body);
  const knownTypes = [
    "microsoft.signalrservice/webpubsub",
    "microsoft.signalrservice/signalr",
    "microsoft.signalrservice/webpubsub/replicas",
    "microsoft.signalrservice/signalr/replicas",
  ];
  if (!knownTypes.includes(body.type.toLowerCase())) {
    throw armErrors.badRequest(
      "InvalidResourceType",
      `The resource type '${body.type}' is not valid for name checks. Use 'Microsoft.SignalRService/WebPubSub'.`,
      "type",
    );
  }
  const rule = resourceNameRule;
  if (
    body.name.length < rule.minLength ||
    body.name.length > rule.maxLength ||
    !rule.pattern.test(body.name)
  ) {
    return {
      status: 200,
      body: {
        nameAvailable: false,
        reason: "Invalid",
        message: `The name '${body.name}' is invalid. ${rule.description}`,
      },
    };
  }
  if (await c.store.get(nameIndexKey(body.name))) {
    return {
      status: 200,
      body: {
        nameAvailable: false,
        reason: "AlreadyExists",
        message: "The name is already taken. Please try a different name.",
      },
    };
  }
  return { status: 200, body: { nameAvailable: true } };
}

async function usages(c: ArmContext): Promise<ArmResult> {
  const sub = c.params.subscriptionId!;
  const location = c.params.location!.replace(/\s+/g, "").toLowerCase();
  const here = (await listWebPubSub(c.store, sub)).filter(
    (r) => r.location.replace(/\s+/g, "").toLowerCase() === location,
  );
  const usage = (name: string, localized: string, value: number) => ({
    id: `/subscriptions/${sub}/providers/Microsoft.SignalRService/locations/${c.params.location!}/usages/${name}`,
    currentValue: value,
    // wpslink enforces no quota.
    limit: -1,
    name: { value: name, localizedValue: localized },
    unit: "Count",
  });
  return pageOf(c, [
    usage("FreeTierInstances", "Free Tier Instances", here.filter((r) => r.sku.tier === "Free").length),
    usage(
      "WebPubSubTotalUnits",
      "Web PubSub Total Units",
      here.filter((r) => r.sku.tier !== "Free").reduce((n, r) => n + r.sku.capacity, 0),
    ),
  ]);
}

const operationNames = [
  ["webPubSub/read", "Get a Web PubSub resource"],
  ["webPubSub/write", "Create or update a Web PubSub resource"],
  ["webPubSub/delete", "Delete a Web PubSub resource"],
  ["webPubSub/listKeys/action", "List access keys"],
  ["webPubSub/regenerateKey/action", "Regenerate an access key"],
  ["webPubSub/restart/action", "Restart a Web PubSub resource"],
  ["webPubSub/hubs/read", "Get a hub"],
  ["webPubSub/hubs/write", "Create or update a hub"],
  ["webPubSub/hubs/delete", "Delete a hub"],
  ["webPubSub/sharedPrivateLinkResources/read", "Get a shared private link resource"],
  ["webPubSub/sharedPrivateLinkResources/write", "Create or update a shared private link resource"],
  ["webPubSub/sharedPrivateLinkResources/delete", "Delete a shared private link resource"],
  ["locations/checkNameAvailability/action", "Check name availability"],
  ["locations/usages/read", "Get usages"],
] as const;

/** Parts of the 2024-03-01 API that wpslink answers with a structured 501 (or an empty list). */
function unsupportedRoutes(): ArmRoute[] {
  const children: [string, string, string][] = [
    ["replicas", "replicaName", "Replicas"],
    ["customCertificates", "certificateName", "Custom certificates"],
    ["customDomains", "name", "Custom domains"],
  ];
  const routes: ArmRoute[] = [];
  for (const [segment, param, label] of children) {
    const list = `${resourcePath}/${segment}`;
    const item = `${list}/{${param}}`;
    routes.push({
      method: "GET",
      path: list,
      apiVersions: versions,
      handler: async (c) => {
        await target(c);
        return pageOf(c, []);
      },
    });
    routes.push({
      method: "GET",
      path: item,
      apiVersions: versions,
      handler: async (c) => {
        const record = await target(c);
        throw armErrors.resourceNotFound(
          `Microsoft.SignalRService/WebPubSub/${segment}`,
          `${record.name}/${c.params[param]!}`,
          record.resourceGroup,
        );
      },
    });
    for (const method of ["PUT", "PATCH", "DELETE"] as const) {
      routes.push({
        method,
        path: item,
        apiVersions: versions,
        handler: async () => {
          throw armErrors.notImplemented(`${label} (${method} .../${segment}/{name})`);
        },
      });
    }
  }
  return routes;
}

export function actionRoutes(lifecycle: WebPubSubLifecycle): ArmRoute[] {
  const pec = `${resourcePath}/privateEndpointConnections`;
  return [
    {
      method: "POST",
      path: `${resourcePath}/listKeys`,
      apiVersions: versions,
      handler: async (c) => ({ status: 200, body: keysBody(await target(c), lifecycle.address) }),
    },
    {
      method: "POST",
      path: `${resourcePath}/regenerateKey`,
      apiVersions: versions,
      handler: (c) => regenerateKey(c, lifecycle),
    },
    {
      method: "POST",
      path: `${resourcePath}/restart`,
      apiVersions: versions,
      handler: (c) => restart(c, lifecycle),
    },
    {
      method: "GET",
      path: `${resourcePath}/skus`,
      apiVersions: versions,
      handler: async (c) => {
        await target(c);
        return { status: 200, body: skuListBody() };
      },
    },
    {
      method: "GET",
      path: `${resourcePath}/privateLinkResources`,
      apiVersions: versions,
      handler: async (c) => pageOf(c, privateLinkResources(await target(c))),
    },
    {
      method: "GET",
      path: pec,
      apiVersions: versions,
      handler: async (c) => {
        await target(c);
        return pageOf(c, []);
      },
    },
    {
      method: "GET",
      path: `${pec}/{privateEndpointConnectionName}`,
      apiVersions: versions,
      handler: async (c) => {
        const record = await target(c);
        throw armErrors.resourceNotFound(
          "Microsoft.SignalRService/WebPubSub/privateEndpointConnections",
          `${record.name}/${c.params.privateEndpointConnectionName!}`,
          record.resourceGroup,
        );
      },
    },
    ...(["PUT", "DELETE"] as const).map((method): ArmRoute => ({
      method,
      path: `${pec}/{privateEndpointConnectionName}`,
      apiVersions: versions,
      handler: async () => {
        throw armErrors.notImplemented("Inbound private endpoint connections of Web PubSub");
      },
    })),
    {
      method: "POST",
      path: "/subscriptions/{subscriptionId}/providers/Microsoft.SignalRService/locations/{location}/checkNameAvailability",
      apiVersions: versions,
      handler: checkNameAvailability,
    },
    {
      method: "GET",
      path: "/subscriptions/{subscriptionId}/providers/Microsoft.SignalRService/locations/{location}/usages",
      apiVersions: versions,
      handler: usages,
    },
    {
      method: "GET",
      path: "/providers/Microsoft.SignalRService/operations",
      apiVersions: versions,
      handler: async (c) =>
        pageOf(
          c,
          operationNames.map(([name, description]) => ({
            name: `Microsoft.SignalRService/${name}`,
            isDataAction: false,
            display: {
              provider: "Microsoft SignalR Service",
              resource: name.split("/")[0],
              operation: description,
              description,
            },
            origin: "user,system",
          })),
        ),
    },
    ...unsupportedRoutes(),
  ];
}
