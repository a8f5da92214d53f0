// ARM routes of Microsoft.Web/serverfarms and Microsoft.Web/sites (with the site's config/web and
// config/appsettings resources). Writes answer synchronously with the final body: the SDK's LRO
// poller for these PUTs is done at once when no operation headers come back.
import { ensureResourceGroup, requireResourceGroup } from "../runtime/resourceGroups.js";
import { armErrors } from "../runtime/armError.js";
import { pageOf } from "../runtime/paging.js";
import { noContent, ok, type ArmContext, type ArmRoute } from "../runtime/routeTable.js";
import type { StoreTransaction } from "../../store/store.js";
import { guarded } from "./armAdapter.js";
import { webApiVersions } from "./webApiVersions.js";
import { planBody, siteBody, siteId, type ResourceName, type StoredSite } from "./webModels.js";
import type { WebSiteService, WritePreparation } from "./webSiteService.js";
import { asObject, checkBackendUrl } from "./webValidation.js";
import { backendUrlSetting } from "./webModels.js";

const rgBase = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Web";
const subBase = "/subscriptions/{subscriptionId}/providers/Microsoft.Web";

export const nameOf = (c: ArmContext): ResourceName => ({
  subscriptionId: c.params.subscriptionId!,
  resourceGroup: c.params.resourceGroupName!,
  name: c.params.name!,
});

/** Creates the resource group on first use inside the write's transaction. */
function groupOnFirstUse(c: ArmContext): WritePreparation {
  return async (tx, location) => {
    // The service hands us the runtime store's own transaction object, typed by its narrower port.
    await ensureResourceGroup(
      tx as StoreTransaction,
      c.params.subscriptionId!,
      c.params.resourceGroupName!,
      location,
    );
  };
}

export function requireSite(web: WebSiteService, c: ArmContext): StoredSite {
  const name = nameOf(c);
  const site = web.getSite(siteId(name));
  if (!site) throw armErrors.resourceNotFound("Microsoft.Web/sites", name.name, name.resourceGroup);
  return site;
}

export function siteArm(web: WebSiteService, site: StoredSite): Record<string, unknown> {
  return siteBody(site, web.getPlan(site.serverFarmId), web.connections(site.id));
}

function configWebBody(site: StoredSite): Record<string, unknown> {
  return {
    id: `${site.id}/config/web`,
    name: "web",
    type: "Microsoft.Web/sites/config",
    location: site.location,
    properties: { ...site.siteConfig, appSettings: null, publicNetworkAccess: site.publicNetworkAccess },
  };
}

function appSettingsBody(site: StoredSite): Record<string, unknown> {
  const settings = Array.isArray(site.siteConfig.appSettings)
    ? (site.siteConfig.appSettings as { name: string; value: string }[])
    : [];
  return {
    id: `${site.id}/config/appsettings`,
    name: "appsettings",
    type: "Microsoft.Web/sites/config",
    location: site.location,
    properties: Object.fromEntries(settings.map((s) => [s.name, s.value])),
  };
}

export function planAndSiteRoutes(web: WebSiteService): ArmRoute[] {
  const route = (
    method: ArmRoute["method"],
    path: string,
    handler: (c: ArmContext) => ReturnType<ArmRoute["handler"]>,
  ): ArmRoute => ({
    method,
    path,
    apiVersions: webApiVersions,
    handler: guarded(handler),
  });
  const plan = `${rgBase}/serverfarms/{name}`;
  const site = `${rgBase}/sites/{name}`;
  return [
    route("PUT", plan, async (c) => {
      const { plan: stored } = await web.putPlan(nameOf(c), c.body, groupOnFirstUse(c));
      return ok(planBody(stored, web.numberOfSites(stored)));
    }),
    route("PATCH", plan, async (c) => {
      const name = nameOf(c);
      const existing = web.getPlan(
        `/subscriptions/${name.subscriptionId}/resourceGroups/${name.resourceGroup}/providers/Microsoft.Web/serverfarms/${name.name}`,
      );
      if (!existing)
        throw armErrors.resourceNotFound("Microsoft.Web/serverfarms", name.name, name.resourceGroup);
      const body = asObject(c.body, "body");
      const merged = {
        location: existing.location,
        kind: existing.kind,
        tags: body.tags ?? existing.tags,
        sku: body.sku ?? existing.sku,
        properties: { ...existing.properties, ...asObject(body.properties, "properties") },
      };
      const { plan: stored } = await web.putPlan(name, merged);
      return ok(planBody(stored, web.numberOfSites(stored)));
    }),
    route("GET", plan, async (c) => {
      const name = nameOf(c);
      const found = web.listPlans(name).find((p) => p.name.toLowerCase() === name.name.toLowerCase());
      if (!found)
        throw armErrors.resourceNotFound("Microsoft.Web/serverfarms", name.name, name.resourceGroup);
      return ok(planBody(found, web.numberOfSites(found)));
    }),
    route("DELETE", plan, async (c) => ((await web.deletePlan(nameOf(c))) ? ok(undefined) : noContent())),
    route("GET", `${rgBase}/serverfarms`, async (c) => {
      await requireResourceGroup(c.store, c.params.subscriptionId!, c.params.resourceGroupName!);
      const scope = { subscriptionId: c.params.subscriptionId!, resourceGroup: c.params.resourceGroupName! };
      return pageOf(
        c,
        web.listPlans(scope).map((p) => planBody(p, web.numberOfSites(p))),
      );
    }),
    route("GET", `${subBase}/serverfarms`, async (c) =>
      pageOf(
        c,
        web
          .listPlans({ subscriptionId: c.params.subscriptionId! })
          .map((p) => planBody(p, web.numberOfSites(p))),
      ),
    ),

    route("PUT", site, async (c) =>
      ok(siteArm(web, (await web.putSite(nameOf(c), c.body, groupOnFirstUse(c))).site)),
    ),
    route("PATCH", site, async (c) => ok(siteArm(web, await web.patchSite(nameOf(c), c.body)))),
    route("GET", site, async (c) => ok(siteArm(web, requireSite(web, c)))),
    route("DELETE", site, async (c) => ((await web.deleteSite(nameOf(c))) ? ok(undefined) : noContent())),
    route("GET", `${rgBase}/sites`, async (c) => {
      await requireResourceGroup(c.store, c.params.subscriptionId!, c.params.resourceGroupName!);
      const scope = { subscriptionId: c.params.subscriptionId!, resourceGroup: c.params.resourceGroupName! };
      return pageOf(
        c,
        web.listSites(scope).map((s) => siteArm(web, s)),
      );
    }),
    route("GET", `${subBase}/sites`, async (c) =>
      pageOf(
        c,
        web.listSites({ subscriptionId: c.params.subscriptionId! }).map((s) => siteArm(web, s)),
      ),
    ),

    route("GET", `${site}/config/web`, async (c) => ok(configWebBody(requireSite(web, c)))),
    ...(["PUT", "PATCH"] as const).map((method) =>
      route(method, `${site}/config/web`, async (c) => {
        const current = requireSite(web, c);
        const properties = asObject(asObject(c.body, "body").properties, "properties");
        const { publicNetworkAccess, ...config } = properties;
        const patch: Record<string, unknown> = { siteConfig: config };
        if (publicNetworkAccess !== undefined) patch.publicNetworkAccess = publicNetworkAccess;
        const { site: updated } = await web.putSite(nameOf(c), {
          location: current.location,
          tags: current.tags,
          properties: patch,
        });
        return ok(configWebBody(updated));
      }),
    ),
    route("PUT", `${site}/config/appsettings`, async (c) => {
      requireSite(web, c);
      const properties = asObject(asObject(c.body, "body").properties, "properties");
      const settings: Record<string, string> = {};
      for (const [k, v] of Object.entries(properties)) {
        if (typeof v !== "string")
          throw armErrors.badRequest(
            "InvalidRequestContent",
            `App setting '${k}' must be a string.`,
            `properties.${k}`,
          );
        if (k === backendUrlSetting) checkBackendUrl(v);
        settings[k] = v;
      }
      return ok(appSettingsBody(await web.putAppSettings(nameOf(c), settings)));
    }),
    route("POST", `${site}/stop`, async (c) => {
      await web.setRunState(nameOf(c), "Stopped");
      return ok(undefined);
    }),
    route("POST", `${site}/start`, async (c) => {
      await web.setRunState(nameOf(c), "Running");
      return ok(undefined);
    }),
    route("POST", `${site}/restart`, async (c) => {
      requireSite(web, c);
      return ok(undefined);
    }),
    route("POST", `${site}/config/appsettings/list`, async (c) => ok(appSettingsBody(requireSite(web, c)))),
    ...(["GET", "PUT", "PATCH", "DELETE"] as const).map((method) =>
      route(method, `${site}/slots/{slot}`, async () => {
        throw armErrors.notImplemented("Deployment slots (Microsoft.Web/sites/slots)");
      }),
    ),
  ];
}
