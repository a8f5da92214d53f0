// The ARM resource shapes the portal reads (the subset it shows), as the API returns them.

export interface ArmResource<P = Record<string, unknown>> {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly location?: string;
  readonly kind?: string | null;
  readonly tags?: Record<string, string>;
  readonly sku?: { name?: string; tier?: string; capacity?: number } | null;
  readonly properties?: P;
}

export interface WebPubSubProperties {
  provisioningState?: string;
  hostName?: string;
  publicPort?: number;
  serverPort?: number;
  externalIP?: string;
  version?: string;
  publicNetworkAccess?: string;
  disableLocalAuth?: boolean;
  disableAadAuth?: boolean;
}

export interface WebPubSubKeys {
  primaryKey?: string;
  secondaryKey?: string;
  primaryConnectionString?: string;
  secondaryConnectionString?: string;
}

export interface EventHandler {
  urlTemplate: string;
  userEventPattern?: string;
  systemEvents?: string[];
  auth?: { type?: string; managedIdentity?: { resource?: string } } | null;
}

export interface HubProperties {
  eventHandlers?: EventHandler[];
  anonymousConnectPolicy?: string;
  webSocketKeepAliveIntervalInSeconds?: number;
}

export interface SharedPrivateLinkProperties {
  groupId?: string;
  privateLinkResourceId?: string;
  requestMessage?: string;
  provisioningState?: string;
  status?: string;
}

export interface ShareableType {
  name?: string;
  properties?: { groupId?: string; type?: string; description?: string };
}

export interface PrivateLinkResourceProperties {
  groupId?: string;
  shareablePrivateLinkResourceTypes?: ShareableType[];
}

export interface SiteProperties {
  state?: string;
  defaultHostName?: string;
  serverFarmId?: string;
  publicNetworkAccess?: string | null;
  sku?: string;
  hostNames?: string[];
  outboundIpAddresses?: string;
  inboundIpAddress?: string;
}

export interface ConnectionState {
  status?: string;
  description?: string | null;
  actionsRequired?: string;
}

export interface PrivateEndpointConnectionProperties {
  provisioningState?: string;
  privateEndpoint?: { id?: string } | null;
  privateLinkServiceConnectionState?: ConnectionState;
  ipAddresses?: string[];
  groupIds?: string[] | null;
}
