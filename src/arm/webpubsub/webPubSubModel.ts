// How a Web PubSub resource and its hubs are stored, and how they look on the wire
// (`WebPubSubResource`, `WebPubSubHub`, `WebPubSubKeys`; reference §2.2–2.3).
import { randomBytes } from "node:crypto";
import type { AccessKeys } from "../../dataplane/domain/accessKeys.js";
import type { ArmCaller } from "../auth/armCaller.js";
import type { ResourceSku } from "./skuCatalog.js";

export const webPubSubNamespace = "Microsoft.SignalRService";
/** The type string real responses use (capital W and P). */
export const webPubSubArmType = "Microsoft.SignalRService/WebPubSub";
export const webPubSubStoreType = "microsoft.signalrservice/webpubsub";
export const hubArmType = "Microsoft.SignalRService/WebPubSub/hubs";
export const hubStoreType = "microsoft.signalrservice/webpubsub/hubs";

export type ProvisioningState = "Succeeded" | "Failed" | "Canceled" | "Creating" | "Updating" | "Deleting";

export const terminalStates: ReadonlySet<ProvisioningState> = new Set(["Succeeded", "Failed", "Canceled"]);

export interface SystemData {
  readonly createdBy: string;
  readonly createdByType: string;
  readonly createdAt: string;
  readonly lastModifiedBy: string;
  readonly lastModifiedByType: string;
  readonly lastModifiedAt: string;
}

/** The user-settable properties (what PUT replaces and PATCH merges). */
export interface WebPubSubSettableProperties {
  readonly publicNetworkAccess: "Enabled" | "Disabled";
  readonly disableLocalAuth: boolean;
  readonly disableAadAuth: boolean;
  readonly tls: { readonly clientCertEnabled: boolean };
  readonly liveTraceConfiguration?: unknown;
  readonly resourceLogConfiguration?: unknown;
  readonly networkACLs?: unknown;
  readonly regionEndpointEnabled: "Enabled" | "Disabled";
  readonly resourceStopped: "true" | "false";
}

export interface ManagedIdentityRecord {
  readonly type: "None" | "SystemAssigned" | "UserAssigned";
  readonly principalId?: string;
  readonly tenantId?: string;
  readonly userAssignedIdentities?: Readonly<Record<string, { principalId: string; clientId: string }>>;
}

export interface WebPubSubRecord {
  /** ARM id in the casing of the create request. */
  readonly id: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly kind: "WebPubSub";
  readonly sku: ResourceSku;
  readonly identity?: ManagedIdentityRecord;
  readonly provisioningState: ProvisioningState;
  readonly properties: WebPubSubSettableProperties;
  readonly keys: AccessKeys;
  /** Ports of the running data plane (asked for again after a restart); 0 = not started yet. */
  readonly ports: { readonly http: number; readonly https: number | null };
  readonly systemData: SystemData;
}

export interface HubProperties {
  readonly eventHandlers: readonly unknown[];
  readonly eventListeners: readonly unknown[];
  readonly anonymousConnectPolicy: "allow" | "deny";
  readonly webSocketKeepAliveIntervalInSeconds: number;
}

export interface HubRecord {
  readonly id: string;
  readonly name: string;
  readonly properties: HubProperties;
  readonly systemData: SystemData;
}

export function webPubSubId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${webPubSubArmType}/${name}`;
}

/** Store key of a resource: its id lower-cased. Children live under `${key}/`. */
export function webPubSubKey(subscriptionId: string, resourceGroup: string, name: string): string {
  return webPubSubId(subscriptionId, resourceGroup, name).toLowerCase();
}

export function hubKey(resourceKey: string, hub: string): string {
  return `${resourceKey}/hubs/${hub.toLowerCase()}`;
}

/** Global name index: Web PubSub names are unique (they are DNS names in Azure). */
export function nameIndexKey(name: string): string {
  return `wpslink:names/webpubsub/${name.toLowerCase()}`;
}

/** A 44-character base64 key like Azure's. */
export function newAccessKey(): string {
  return randomBytes(32).toString("base64");
}

export function systemDataFor(caller: ArmCaller, previous?: SystemData): SystemData {
  const now = new Date().toISOString();
  return {
    createdBy: previous?.createdBy ?? caller.name,
    createdByType: previous?.createdByType ?? caller.type,
    createdAt: previous?.createdAt ?? now,
    lastModifiedBy: caller.name,
    lastModifiedByType: caller.type,
    lastModifiedAt: now,
  };
}

export interface PublicAddress {
  /** Host clients use (e.g. `localhost`). */
  readonly hostName: string;
}

/** The endpoint the connection strings name: HTTPS when the data plane has it. */
export function dataPlaneEndpoint(record: WebPubSubRecord, address: PublicAddress): string {
  return record.ports.https
    ? `https://${address.hostName}:${record.ports.https}`
    : `http://${address.hostName}:${record.ports.http}`;
}

export function keysBody(record: WebPubSubRecord, address: PublicAddress): Record<string, string> {
  const endpoint = dataPlaneEndpoint(record, address);
  const connectionString = (key: string) => `Endpoint=${endpoint};AccessKey=${key};Version=1.0;`;
  return {
    primaryKey: record.keys.primary,
    secondaryKey: record.keys.secondary,
    primaryConnectionString: connectionString(record.keys.primary),
    secondaryConnectionString: connectionString(record.keys.secondary),
  };
}

export function resourceBody(
  record: WebPubSubRecord,
  address: PublicAddress,
  extraProperties: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const port = record.ports.https ?? record.ports.http;
  return {
    id: record.id,
    name: record.name,
    type: webPubSubArmType,
    location: record.location,
    tags: record.tags,
    sku: record.sku,
    kind: record.kind,
    ...(record.identity ? { identity: record.identity } : {}),
    systemData: record.systemData,
    properties: {
      provisioningState: record.provisioningState,
      externalIP: "127.0.0.1",
      hostName: address.hostName,
      publicPort: port,
      serverPort: port,
      version: "1.0",
      privateEndpointConnections: [],
      sharedPrivateLinkResources: [],
      ...record.properties,
      ...extraProperties,
    },
  };
}

export function hubBody(hub: HubRecord): Record<string, unknown> {
  return {
    id: hub.id,
    name: hub.name,
    type: hubArmType,
    systemData: hub.systemData,
    properties: hub.properties,
  };
}
