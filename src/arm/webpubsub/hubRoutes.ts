// Hubs of a Web PubSub resource (`.../webPubSub/{name}/hubs/{hub}`): their event-handler
// settings become the live settings of the resource's data plane as soon as the write finishes.
import type { StoreReader } from "../../store/store.js";
import { armErrors } from "../runtime/armError.js";
import { pageOf } from "../runtime/paging.js";
import type { ArmContext, ArmResult, ArmRoute } from "../runtime/routeTable.js";
import { parseBody, validateName } from "../runtime/validation.js";
import { hubPropertiesFrom } from "./hubSettingsMapping.js";
import { resourcePath } from "./resourceRoutes.js";
import type { WebPubSubLifecycle } from "./webPubSubLifecycle.js";
import { webPubSubApiVersions } from "./webPubSubApiVersions.js";
import {
  hubArmType,
  hubBody,
  hubKey,
  hubStoreType,
  systemDataFor,
  terminalStates,
  webPubSubNamespace,
  type HubRecord,
  type WebPubSubRecord,
} from "./webPubSubModel.js";
import { findHub, listHubs, recordKey, requireWebPubSub } from "./webPubSubRepository.js";
import { hubNameRule, hubPutBody } from "./webPubSubSchemas.js";

const hubPath = `${resourcePath}/hubs/{hubName}`;

function parent(c: ArmContext, reader: StoreReader = c.store): Promise<WebPubSubRecord> {
  return requireWebPubSub(
    reader,
    c.params.subscriptionId!,
    c.params.resourceGroupName!,
    c.params.resourceName!,
  );
}

function writable(record: WebPubSubRecord): void {
  if (!terminalStates.has(record.provisioningState) || record.provisioningState === "Failed") {
    throw armErrors.conflict(
      "AnotherOperationInProgress",
      `The resource '${record.name}' is in provisioning state '${record.provisioningState}'; its hubs can change when it is Succeeded.`,
    );
  }
}

async function putHub(c: ArmContext, lifecycle: WebPubSubLifecycle): Promise<ArmResult> {
  const hubName = c.params.hubName!;
  validateName(hubName, hubArmType, hubNameRule);
  const properties = hubPropertiesFrom(parseBody(hubPutBody, c.body));
  const { record, hub, existed } = await c.store.transaction(async (tx) => {
    const resource = await parent(c, tx);
    writable(resource);
    const previous = await findHub(tx, resource, hubName);
    const next: HubRecord = {
      id: `${resource.id}/hubs/${previous?.name ?? hubName}`,
      name: previous?.name ?? hubName,
      properties,
      systemData: systemDataFor(c.caller, previous?.systemData),
    };
    await tx.put(hubKey(recordKey(resource), hubName), hubStoreType, next);
    return { record: resource, hub: next, existed: previous !== undefined };
  });
  const op = await c.operations.start(
    c,
    { subscriptionId: record.subscriptionId, namespace: webPubSubNamespace, location: record.location },
    async () => {
      await lifecycle.applyHubs(record);
      return { status: 200, body: hubBody(hub) };
    },
  );
  return { status: existed ? 200 : 201, body: hubBody(hub), headers: op.headers };
}

async function deleteHub(c: ArmContext, lifecycle: WebPubSubLifecycle): Promise<ArmResult> {
  const hubName = c.params.hubName!;
  const record = await c.store.transaction(async (tx) => {
    const resource = await parent(c, tx);
    if (!(await findHub(tx, resource, hubName))) return undefined;
    writable(resource);
    await tx.delete(hubKey(recordKey(resource), hubName));
    return resource;
  });
  if (!record) return { status: 204 };
  const op = await c.operations.start(
    c,
    { subscriptionId: record.subscriptionId, namespace: webPubSubNamespace, location: record.location },
    async () => {
      await lifecycle.applyHubs(record);
      return { status: 204 };
    },
  );
  return { status: 202, headers: op.headers };
}

export function hubRoutes(lifecycle: WebPubSubLifecycle): ArmRoute[] {
  const versions = webPubSubApiVersions;
  return [
    { method: "PUT", path: hubPath, apiVersions: versions, handler: (c) => putHub(c, lifecycle) },
    { method: "DELETE", path: hubPath, apiVersions: versions, handler: (c) => deleteHub(c, lifecycle) },
    {
      method: "GET",
      path: hubPath,
      apiVersions: versions,
      handler: async (c) => {
        const record = await parent(c);
        const hub = await findHub(c.store, record, c.params.hubName!);
        if (!hub)
          throw armErrors.resourceNotFound(
            hubArmType,
            `${record.name}/${c.params.hubName!}`,
            record.resourceGroup,
          );
        return { status: 200, body: hubBody(hub) };
      },
    },
    {
      method: "GET",
      path: `${resourcePath}/hubs`,
      apiVersions: versions,
      handler: async (c) => pageOf(c, (await listHubs(c.store, await parent(c))).map(hubBody)),
    },
  ];
}
