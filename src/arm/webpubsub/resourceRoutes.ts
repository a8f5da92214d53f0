// `Microsoft.SignalRService/webPubSub` itself: create/update (PUT, LRO via Azure-AsyncOperation),
// update (PATCH, LRO with the final body at Location), get, delete (LRO), list by resource group
// and by subscription.
import { randomUUID } from "node:crypto";
import { armErrors } from "../runtime/armError.js";
import { pageOf } from "../runtime/paging.js";
import { ensureResourceGroup, requireResourceGroup } from "../runtime/resourceGroups.js";
import type { ArmContext, ArmResult, ArmRoute } from "../runtime/routeTable.js";
import { parseBody, validateName } from "../runtime/validation.js";
import { resolveSku } from "./skuCatalog.js";
import type { WebPubSubLifecycle } from "./webPubSubLifecycle.js";
import { webPubSubApiVersions } from "./webPubSubApiVersions.js";
import {
  nameIndexKey,
  newAccessKey,
  systemDataFor,
  terminalStates,
  webPubSubArmType,
  webPubSubId,
  webPubSubKey,
  webPubSubNamespace,
  webPubSubStoreType,
  type ManagedIdentityRecord,
  type WebPubSubRecord,
  type WebPubSubSettableProperties,
} from "./webPubSubModel.js";
import { findWebPubSub, listWebPubSub, recordKey, requireWebPubSub } from "./webPubSubRepository.js";
import {
  resourceNameRule,
  resourcePatchBody,
  resourcePutBody,
  type PropertiesInput,
  type ResourcePutBody,
} from "./webPubSubSchemas.js";
import { localTenantId } from "../auth/localTokenIssuer.js";

export const resourcePath =
  "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.SignalRService/webPubSub/{resourceName}";

const defaultProperties: WebPubSubSettableProperties = {
  publicNetworkAccess: "Enabled",
  disableLocalAuth: false,
  disableAadAuth: false,
  tls: { clientCertEnabled: false },
  regionEndpointEnabled: "Enabled",
  resourceStopped: "false",
};

function settable(
  input: PropertiesInput | undefined,
  base: WebPubSubSettableProperties,
): WebPubSubSettableProperties {
  if (input?.regionEndpointEnabled === "Disabled") {
    throw armErrors.badRequest(
      "InvalidRequestContent",
      "regionEndpointEnabled can be 'Disabled' only on a resource with replicas, and wpslink has no replicas.",
      "properties.regionEndpointEnabled",
    );
  }
  return {
    publicNetworkAccess: input?.publicNetworkAccess ?? base.publicNetworkAccess,
    disableLocalAuth: input?.disableLocalAuth ?? base.disableLocalAuth,
    disableAadAuth: input?.disableAadAuth ?? base.disableAadAuth,
    tls: { clientCertEnabled: input?.tls?.clientCertEnabled ?? base.tls.clientCertEnabled },
    regionEndpointEnabled: input?.regionEndpointEnabled ?? base.regionEndpointEnabled,
    resourceStopped: input?.resourceStopped ?? base.resourceStopped,
    ...(input?.liveTraceConfiguration !== undefined
      ? { liveTraceConfiguration: input.liveTraceConfiguration }
      : base.liveTraceConfiguration !== undefined
        ? { liveTraceConfiguration: base.liveTraceConfiguration }
        : {}),
    ...(input?.resourceLogConfiguration !== undefined
      ? { resourceLogConfiguration: input.resourceLogConfiguration }
      : base.resourceLogConfiguration !== undefined
        ? { resourceLogConfiguration: base.resourceLogConfiguration }
        : {}),
    ...(input?.networkACLs !== undefined
      ? { networkACLs: input.networkACLs }
      : base.networkACLs !== undefined
        ? { networkACLs: base.networkACLs }
        : {}),
  };
}

function identityFrom(
  input: ResourcePutBody["identity"],
  previous?: ManagedIdentityRecord,
): ManagedIdentityRecord | undefined {
  if (!input) return previous;
  if (input.type === "None") return { type: "None" };
  if (input.type === "SystemAssigned") {
    return {
      type: "SystemAssigned",
      principalId: previous?.principalId ?? randomUUID(),
      tenantId: localTenantId,
    };
  }
  const assigned = Object.fromEntries(
    Object.keys(input.userAssignedIdentities ?? {}).map((id) => [
      id,
      previous?.userAssignedIdentities?.[id] ?? { principalId: randomUUID(), clientId: randomUUID() },
    ]),
  );
  return { type: "UserAssigned", userAssignedIdentities: assigned };
}

function checkKind(kind: string | undefined, previous?: WebPubSubRecord): void {
  if (kind === "SocketIO") throw armErrors.notImplemented("Web PubSub for Socket.IO (kind 'SocketIO')");
  if (previous && kind !== undefined && kind !== previous.kind) {
    throw armErrors.badRequest(
      "InvalidRequestContent",
      "The kind of a resource can be set only when it is created.",
      "kind",
    );
  }
}

function sameLocation(a: string, b: string): boolean {
  const normal = (value: string) => value.replace(/\s+/g, "").toLowerCase();
  return normal(a) === normal(b);
}

function busy(record: WebPubSubRecord): Error {
  return armErrors.conflict(
    "AnotherOperationInProgress",
    `The resource '${record.name}' is in provisioning state '${record.provisioningState}'; wait for the running operation to finish, then retry.`,
  );
}

function scopeOf(c: ArmContext, record: WebPubSubRecord) {
  return {
    subscriptionId: c.params.subscriptionId!,
    namespace: webPubSubNamespace,
    location: record.location,
  };
}

async function put(c: ArmContext, lifecycle: WebPubSubLifecycle): Promise<ArmResult> {
  const sub = c.params.subscriptionId!;
  const rg = c.params.resourceGroupName!;
  const name = c.params.resourceName!;
  validateName(name, webPubSubArmType, resourceNameRule);
  const body = parseBody(resourcePutBody, c.body);
  if (!body.location) throw armErrors.locationRequired();
  const location = body.location;
  const sku = resolveSku(body.sku ?? { name: "Free_F1" });
  const { previous, record } = await c.store.transaction(async (tx) => {
    const existing = await findWebPubSub(tx, sub, rg, name);
    checkKind(body.kind, existing);
    if (existing && !terminalStates.has(existing.provisioningState)) throw busy(existing);
    if (existing && !sameLocation(existing.location, location)) {
      throw armErrors.conflict(
        "InvalidResourceLocation",
        `The resource '${name}' already exists in location '${existing.location}' in resource group '${rg}'. A resource with the same name cannot be created in location '${location}'.`,
      );
    }
    const key = webPubSubKey(sub, rg, name);
    let groupName = rg;
    if (!existing) {
      const owner = await tx.get<{ key: string }>(nameIndexKey(name));
      if (owner && owner.value.key !== key) {
        throw armErrors.conflict(
          "NameNotAvailable",
          `The name '${name}' is already taken by another Web PubSub resource. Please try a different name.`,
        );
      }
      const group = await ensureResourceGroup(tx, sub, rg, location);
      await tx.put(nameIndexKey(name), "wpslink/name-index", { key });
      groupName = group.name;
    }
    const identity = identityFrom(body.identity, existing?.identity);
    const next: WebPubSubRecord = {
      id: existing?.id ?? webPubSubId(sub, groupName, name),
      subscriptionId: sub,
      resourceGroup: existing?.resourceGroup ?? groupName,
      name: existing?.name ?? name,
      location: existing?.location ?? location,
      tags: body.tags ?? {},
      kind: "WebPubSub",
      sku,
      ...(identity ? { identity } : {}),
      provisioningState: existing ? "Updating" : "Creating",
      properties: settable(body.properties, defaultProperties),
      keys: existing?.keys ?? { primary: newAccessKey(), secondary: newAccessKey() },
      ports: existing?.ports ?? { http: 0, https: 0 },
      systemData: systemDataFor(c.caller, existing?.systemData),
    };
    await tx.put(key, webPubSubStoreType, next);
    return { previous: existing, record: next };
  });
  const op = await c.operations.start(c, scopeOf(c, record), async () => {
    const final = previous ? await lifecycle.applyUpdate(previous, record) : await lifecycle.activate(record);
    return { status: 200, body: await lifecycle.body(c.store, final) };
  });
  return { status: previous ? 200 : 201, body: await lifecycle.body(c.store, record), headers: op.headers };
}

async function patch(c: ArmContext, lifecycle: WebPubSubLifecycle): Promise<ArmResult> {
  const sub = c.params.subscriptionId!;
  const rg = c.params.resourceGroupName!;
  const name = c.params.resourceName!;
  const body = parseBody(resourcePatchBody, c.body);
  const { previous, record } = await c.store.transaction(async (tx) => {
    const existing = await requireWebPubSub(tx, sub, rg, name);
    checkKind(body.kind, existing);
    if (!terminalStates.has(existing.provisioningState)) throw busy(existing);
    if (body.location !== undefined && !sameLocation(body.location, existing.location)) {
      throw armErrors.badRequest(
        "LocationCannotBeChanged",
        `The location of '${name}' cannot be changed.`,
        "location",
      );
    }
    const identity = identityFrom(body.identity, existing.identity);
    const next: WebPubSubRecord = {
      ...existing,
      tags: body.tags ?? existing.tags,
      sku: body.sku ? resolveSku({ ...body.sku, name: body.sku.name || existing.sku.name }) : existing.sku,
      ...(identity ? { identity } : {}),
      provisioningState: "Updating",
      properties: settable(body.properties, existing.properties),
      systemData: systemDataFor(c.caller, existing.systemData),
    };
    await tx.put(recordKey(next), webPubSubStoreType, next);
    return { previous: existing, record: next };
  });
  const op = await c.operations.start(c, scopeOf(c, record), async () => {
    const final = await lifecycle.applyUpdate(previous, record);
    return { status: 200, body: await lifecycle.body(c.store, final) };
  });
  return { status: 202, body: await lifecycle.body(c.store, record), headers: op.headers };
}

async function remove(c: ArmContext, lifecycle: WebPubSubLifecycle): Promise<ArmResult> {
  const sub = c.params.subscriptionId!;
  const rg = c.params.resourceGroupName!;
  const name = c.params.resourceName!;
  const record = await c.store.transaction(async (tx) => {
    const existing = await findWebPubSub(tx, sub, rg, name);
    if (!existing) return undefined;
    if (existing.provisioningState !== "Failed" && !terminalStates.has(existing.provisioningState))
      throw busy(existing);
    const deleting: WebPubSubRecord = { ...existing, provisioningState: "Deleting" };
    await tx.put(recordKey(existing), webPubSubStoreType, deleting);
    return deleting;
  });
  // Deleting what does not exist succeeds with 204, as in Azure.
  if (!record) return { status: 204 };
  const op = await c.operations.start(c, scopeOf(c, record), async () => {
    await lifecycle.remove(record);
    return { status: 204 };
  });
  return { status: 202, headers: op.headers };
}

export function resourceRoutes(lifecycle: WebPubSubLifecycle): ArmRoute[] {
  const versions = webPubSubApiVersions;
  return [
    { method: "PUT", path: resourcePath, apiVersions: versions, handler: (c) => put(c, lifecycle) },
    { method: "PATCH", path: resourcePath, apiVersions: versions, handler: (c) => patch(c, lifecycle) },
    { method: "DELETE", path: resourcePath, apiVersions: versions, handler: (c) => remove(c, lifecycle) },
    {
      method: "GET",
      path: resourcePath,
      apiVersions: versions,
      handler: async (c) => {
        const record = await requireWebPubSub(
          c.store,
          c.params.subscriptionId!,
          c.params.resourceGroupName!,
          c.params.resourceName!,
        );
        return { status: 200, body: await lifecycle.body(c.store, record) };
      },
    },
    {
      method: "GET",
      path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.SignalRService/webPubSub",
      apiVersions: versions,
      handler: async (c) => {
        await requireResourceGroup(c.store, c.params.subscriptionId!, c.params.resourceGroupName!);
        const records = await listWebPubSub(c.store, c.params.subscriptionId!, c.params.resourceGroupName!);
        return pageOf(c, await Promise.all(records.map((r) => lifecycle.body(c.store, r))));
      },
    },
    {
      method: "GET",
      path: "/subscriptions/{subscriptionId}/providers/Microsoft.SignalRService/webPubSub",
      apiVersions: versions,
      handler: async (c) => {
        const records = await listWebPubSub(c.store, c.params.subscriptionId!);
        return pageOf(c, await Promise.all(records.map((r) => lifecycle.body(c.store, r))));
      },
    },
  ];
}
