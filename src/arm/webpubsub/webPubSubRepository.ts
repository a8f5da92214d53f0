// Reading Web PubSub resources and hubs from the store. Exported for the providers of child
// resources (shared private link resources) that need their parent.
import type { StoreReader } from "../../store/store.js";
import { armErrors } from "../runtime/armError.js";
import { requireResourceGroup } from "../runtime/resourceGroups.js";
import {
  hubKey,
  hubStoreType,
  webPubSubArmType,
  webPubSubKey,
  webPubSubStoreType,
  type HubRecord,
  type WebPubSubRecord,
} from "./webPubSubModel.js";

export async function findWebPubSub(
  reader: StoreReader,
  subscriptionId: string,
  resourceGroup: string,
  name: string,
): Promise<WebPubSubRecord | undefined> {
  return (await reader.get<WebPubSubRecord>(webPubSubKey(subscriptionId, resourceGroup, name)))?.value;
}

/** The resource, or ARM's 404 (`ResourceGroupNotFound` or `ResourceNotFound`). */
export async function requireWebPubSub(
  reader: StoreReader,
  subscriptionId: string,
  resourceGroup: string,
  name: string,
): Promise<WebPubSubRecord> {
  await requireResourceGroup(reader, subscriptionId, resourceGroup);
  const record = await findWebPubSub(reader, subscriptionId, resourceGroup, name);
  if (!record) throw armErrors.resourceNotFound(webPubSubArmType, name, resourceGroup);
  return record;
}

export function recordKey(record: WebPubSubRecord): string {
  return webPubSubKey(record.subscriptionId, record.resourceGroup, record.name);
}

export async function listHubs(reader: StoreReader, record: WebPubSubRecord): Promise<HubRecord[]> {
  const entries = await reader.list<HubRecord>({ prefix: `${recordKey(record)}/hubs/`, type: hubStoreType });
  return entries.map((e) => e.value);
}

export async function findHub(
  reader: StoreReader,
  record: WebPubSubRecord,
  hub: string,
): Promise<HubRecord | undefined> {
  return (await reader.get<HubRecord>(hubKey(recordKey(record), hub)))?.value;
}

/** Every resource of a subscription (all groups), or of one group when given. */
export async function listWebPubSub(
  reader: StoreReader,
  subscriptionId: string,
  resourceGroup?: string,
): Promise<WebPubSubRecord[]> {
  const prefix =
    resourceGroup === undefined
      ? `/subscriptions/${subscriptionId}/resourcegroups/`
      : `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/providers/${webPubSubArmType}/`;
  const entries = await reader.list<WebPubSubRecord>({
    prefix: prefix.toLowerCase(),
    type: webPubSubStoreType,
  });
  return entries.map((e) => e.value);
}

/** Every resource in the store (for restore at start). */
export async function listAllWebPubSub(reader: StoreReader): Promise<WebPubSubRecord[]> {
  const entries = await reader.list<WebPubSubRecord>({ prefix: "/subscriptions/", type: webPubSubStoreType });
  return entries.map((e) => e.value);
}
