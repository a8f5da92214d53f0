// Building a site's stored record from a PUT body (validated, merged with what is stored: a PUT
// without siteConfig keeps the config, as App Service does), and the view of a site the front
// end's access gate reads.
import type { SiteEntry } from "../../sitefront/siteDirectory.js";
import {
  backendUrlOf,
  parsePlanId,
  siteId,
  siteState,
  type ResourceName,
  type StoredConnection,
  type StoredPlan,
  type StoredSite,
} from "./webModels.js";
import { ProviderError, providerErrors } from "./webErrors.js";
import {
  asObject,
  checkPublicNetworkAccess,
  checkSiteConfig,
  checkTags,
  requireLocation,
} from "./webValidation.js";

export function buildSiteRecord(
  name: ResourceName,
  body: Record<string, unknown>,
  existing: StoredSite | undefined,
  findPlan: (id: string) => StoredPlan | undefined,
): StoredSite {
  const properties = asObject(body.properties, "properties");
  const serverFarmId = properties.serverFarmId ?? existing?.serverFarmId;
  if (typeof serverFarmId !== "string" || !parsePlanId(serverFarmId)) {
    throw providerErrors.badRequest(
      "InvalidRequestContent",
      "properties.serverFarmId is required: the ARM id of the App Service plan (/subscriptions/.../providers/Microsoft.Web/serverfarms/{plan}).",
      "properties.serverFarmId",
    );
  }
  const plan = findPlan(serverFarmId);
  if (!plan) {
    throw new ProviderError(
      404,
      "NotFound",
      `Cannot find ServerFarm with name ${parsePlanId(serverFarmId)?.name}. Create the plan first.`,
    );
  }
  const siteConfig = checkSiteConfig(properties.siteConfig);
  const { publicNetworkAccess: _ignored, ...mergedConfig } = {
    ...(existing?.siteConfig ?? {}),
    ...siteConfig,
  };
  const access =
    "publicNetworkAccess" in properties
      ? checkPublicNetworkAccess(properties.publicNetworkAccess, "properties.publicNetworkAccess")
      : "publicNetworkAccess" in siteConfig
        ? checkPublicNetworkAccess(
            siteConfig.publicNetworkAccess,
            "properties.siteConfig.publicNetworkAccess",
          )
        : (existing?.publicNetworkAccess ?? null);
  return {
    ...name,
    id: existing?.id ?? siteId(name),
    location: requireLocation(body),
    kind: typeof body.kind === "string" && body.kind !== "" ? body.kind : (existing?.kind ?? "app"),
    tags: checkTags(body.tags),
    serverFarmId: plan.id,
    publicNetworkAccess: access,
    httpsOnly:
      typeof properties.httpsOnly === "boolean" ? properties.httpsOnly : (existing?.httpsOnly ?? false),
    enabled: typeof properties.enabled === "boolean" ? properties.enabled : (existing?.enabled ?? true),
    siteConfig: mergedConfig,
    lastModifiedTimeUtc: new Date().toISOString(),
    ...(existing?.runState ? { runState: existing.runState } : {}),
  };
}

/** What the site front end needs of a site, from its record and its connections. */
export function siteEntryOf(site: StoredSite, connections: readonly StoredConnection[]): SiteEntry {
  const config = site.siteConfig;
  return {
    name: site.name.toLowerCase(),
    resourceId: site.id,
    backendUrl: backendUrlOf(site),
    state: siteState(site),
    publicNetworkAccess: site.publicNetworkAccess,
    ipSecurityRestrictions: Array.isArray(config.ipSecurityRestrictions)
      ? (config.ipSecurityRestrictions as SiteEntry["ipSecurityRestrictions"])
      : null,
    ipSecurityRestrictionsDefaultAction:
      typeof config.ipSecurityRestrictionsDefaultAction === "string"
        ? config.ipSecurityRestrictionsDefaultAction
        : null,
    httpsOnly: site.httpsOnly,
    approvedPrivateEndpointAddresses: connections
      .filter((c) => c.status === "Approved")
      .map((c) => c.address),
  };
}
