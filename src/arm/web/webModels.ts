// What the Microsoft.Web provider stores for plans, sites and site private endpoint connections,
// and the ARM bodies it answers with (shapes from @azure/arm-appservice 19 and the live recording
// summarised in reference/controlplane.md §5).
import { siteFrontPublicAddress } from "../../network/addressPlan.js";
import type { PlanSku } from "./planSkus.js";

export interface ResourceName {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

export interface StoredPlan extends ResourceName {
  readonly id: string;
  readonly location: string;
  readonly kind: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly sku: Pick<PlanSku, "name" | "tier" | "size" | "family"> & { readonly capacity: number };
  /** Writable plan properties as given (reserved, perSiteScaling, zoneRedundant, ...). */
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface StoredSite extends ResourceName {
  readonly id: string;
  readonly location: string;
  readonly kind: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly serverFarmId: string;
  /** `Enabled`, `Disabled`, or null/"" (unset). */
  readonly publicNetworkAccess: string | null;
  readonly httpsOnly: boolean;
  readonly enabled: boolean;
  readonly siteConfig: Readonly<Record<string, unknown>>;
  readonly lastModifiedTimeUtc: string;
  /** Set by the stop/start actions; absent means Running (records written before it existed). */
  readonly runState?: "Running" | "Stopped";
}

/** A site serves requests when it is enabled and not stopped. */
export function siteState(site: StoredSite): "Running" | "Stopped" {
  return site.enabled && site.runState !== "Stopped" ? "Running" : "Stopped";
}

export type ConnectionStatus =
  "Pending" | "Approving" | "Approved" | "Rejecting" | "Rejected" | "Disconnecting";

export interface ConnectionOwner {
  /** The Web PubSub resource whose shared private link resource created the endpoint. */
  readonly resourceId: string;
  readonly sharedPrivateLinkName: string;
}

export interface StoredConnection {
  readonly id: string;
  readonly name: string;
  readonly siteId: string;
  readonly status: ConnectionStatus;
  readonly description: string | null;
  readonly actionsRequired: string;
  readonly provisioningState: string;
  /** The private endpoint's address (shown in `ipAddresses` once approved). */
  readonly address: string;
  readonly privateEndpointId: string;
  readonly owner: ConnectionOwner | null;
  /** When a transition (Approving, Rejecting, Disconnecting) completes, ms since the epoch. */
  readonly transitionDueAt: number | null;
  /** Last change of status, ms since the epoch. */
  readonly changedAt: number;
}

/** The app setting that holds a site's backend URL (emulator extension). */
export const backendUrlSetting = "WPSLINK_BACKEND_URL";

export const planType = "Microsoft.Web/serverfarms";
export const siteType = "Microsoft.Web/sites";
export const connectionType = "Microsoft.Web/sites/privateEndpointConnections";

export function planId(r: ResourceName): string {
  return `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/${planType}/${r.name}`;
}

export function siteId(r: ResourceName): string {
  return `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/${siteType}/${r.name}`;
}

const resourceIdPattern = (type: string): RegExp =>
  new RegExp(
    `^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/${type.replace(/[./]/g, "\\$&")}/([^/]+)$`,
    "i",
  );

export function parsePlanId(id: string): ResourceName | undefined {
  const m = resourceIdPattern(planType).exec(id);
  return m ? { subscriptionId: m[1]!, resourceGroup: m[2]!, name: m[3]! } : undefined;
}

export function parseSiteId(id: string): ResourceName | undefined {
  const m = resourceIdPattern(siteType).exec(id);
  return m ? { subscriptionId: m[1]!, resourceGroup: m[2]!, name: m[3]! } : undefined;
}

export const storeKey = (id: string): string => id.toLowerCase();
export const connectionKey = (siteIdValue: string, name: string): string =>
  `${siteIdValue}/privateEndpointConnections/${name}`.toLowerCase();

/** The backend URL from a site's app settings (array or map form), or null. */
export function backendUrlOf(site: StoredSite): string | null {
  const settings = site.siteConfig.appSettings;
  if (Array.isArray(settings)) {
    for (const item of settings as { name?: unknown; value?: unknown }[]) {
      if (item && item.name === backendUrlSetting && typeof item.value === "string") return item.value;
    }
  }
  return null;
}

export function planBody(plan: StoredPlan, numberOfSites: number): Record<string, unknown> {
  return {
    id: plan.id,
    name: plan.name,
    type: planType,
    kind: plan.kind,
    location: plan.location,
    tags: plan.tags,
    sku: plan.sku,
    properties: {
      ...plan.properties,
      status: "Ready",
      provisioningState: "Succeeded",
      numberOfSites,
      numberOfWorkers: plan.sku.capacity,
      maximumNumberOfWorkers: 30,
      geoRegion: plan.location,
      resourceGroup: plan.resourceGroup,
      reserved: plan.properties.reserved ?? false,
    },
  };
}

export function connectionBody(
  c: StoredConnection,
  location: string,
  embedded = false,
): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    type: connectionType,
    location,
    properties: {
      provisioningState: c.provisioningState,
      privateEndpoint: { id: c.privateEndpointId },
      privateLinkServiceConnectionState: {
        status: c.status,
        description: c.description,
        actionsRequired: c.actionsRequired,
      },
      ipAddresses: c.status === "Approved" ? [c.address] : [],
      // The copy embedded in the site body shows groupIds null, as App Service does.
      groupIds: embedded ? null : ["sites"],
    },
  };
}

export function siteBody(
  site: StoredSite,
  plan: StoredPlan | undefined,
  connections: readonly StoredConnection[],
): Record<string, unknown> {
  const defaultHostName = `${site.name.toLowerCase()}.azurewebsites.net`;
  const scm = `${site.name.toLowerCase()}.scm.azurewebsites.net`;
  return {
    id: site.id,
    name: site.name,
    type: siteType,
    kind: site.kind,
    location: site.location,
    tags: site.tags,
    properties: {
      state: siteState(site),
      enabled: site.enabled,
      hostNames: [defaultHostName],
      enabledHostNames: [defaultHostName, scm],
      defaultHostName,
      hostNameSslStates: [
        { name: defaultHostName, sslState: "Disabled", hostType: "Standard" },
        { name: scm, sslState: "Disabled", hostType: "Repository" },
      ],
      usageState: "Normal",
      availabilityState: "Normal",
      serverFarmId: site.serverFarmId,
      sku: plan?.sku.tier ?? null,
      resourceGroup: site.resourceGroup,
      httpsOnly: site.httpsOnly,
      publicNetworkAccess: site.publicNetworkAccess,
      siteConfig: { ...site.siteConfig, publicNetworkAccess: site.publicNetworkAccess },
      inboundIpAddress: siteFrontPublicAddress,
      outboundIpAddresses: siteFrontPublicAddress,
      possibleOutboundIpAddresses: siteFrontPublicAddress,
      lastModifiedTimeUtc: site.lastModifiedTimeUtc,
      privateEndpointConnections: connections.map((c) => connectionBody(c, site.location, true)),
    },
  };
}
