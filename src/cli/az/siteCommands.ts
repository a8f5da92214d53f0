// `wpslink webapp|functionapp create|show|list|delete|update`: App Service sites fronted by
// wpslink's site front end. `--backend-url` (wpslink's own) says where the user's real app
// listens; it is kept as the app setting WPSLINK_BACKEND_URL.
import { Option, type Command } from "commander";
import {
  addLeaf,
  nameOption,
  resourceGroupOption,
  tagsFrom,
  type CliSession,
  type RunContext,
} from "./commandKit.js";
import { apiVersions, parseResourceId, planPath, sitePath, webProviderPath } from "./armPaths.js";
import { UsageError } from "./errors.js";
import { getResource, listAll, writeResource } from "./operations.js";
import { flattenProperties, resourceGroupOfId } from "./resultShape.js";

const v = apiVersions.web;
export const backendUrlSetting = "WPSLINK_BACKEND_URL";

type SiteKind = "webapp" | "functionapp";

function isKind(site: unknown, kind: SiteKind): boolean {
  const k = String((site as { kind?: unknown }).kind ?? "").toLowerCase();
  return kind === "functionapp" ? k.includes("functionapp") : !k.includes("functionapp");
}

/** az's table view of sites: Name, Location, State, ResourceGroup, DefaultHostName, AppServicePlan. */
export function siteTable(result: unknown): unknown {
  const row = (site: Record<string, unknown>): Record<string, unknown> => ({
    Name: site.name,
    Location: site.location,
    State: site.state,
    ResourceGroup: site.resourceGroup ?? resourceGroupOfId(String(site.id ?? "")),
    DefaultHostName: site.defaultHostName,
    AppServicePlan: String(site.serverFarmId ?? "")
      .split("/")
      .pop(),
  });
  return Array.isArray(result)
    ? result.map((s) => row(s as Record<string, unknown>))
    : row(result as Record<string, unknown>);
}

function validBackendUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return value;
  } catch {
    // fall through to the usage error
  }
  throw new UsageError(
    `argument --backend-url: '${value}' is not an http(s) URL, e.g. http://localhost:7071`,
  );
}

function withBackendUrl(siteConfig: Record<string, unknown>, url: string): Record<string, unknown> {
  const settings = Array.isArray(siteConfig.appSettings)
    ? (siteConfig.appSettings as { name: string; value: string }[]).filter(
        (s) => s.name !== backendUrlSetting,
      )
    : [];
  return { ...siteConfig, appSettings: [...settings, { name: backendUrlSetting, value: url }] };
}

function registerSiteGroup(program: Command, kind: SiteKind, session: CliSession): void {
  const label = kind === "functionapp" ? "function app" : "web app";
  const group = program.command(kind).description(`Manage ${label}s (Microsoft.Web/sites)`);
  const path = (c: RunContext): string => sitePath(c.subscription, c.req("resourceGroup"), c.req("name"));
  const base = (): Option[] => [nameOption(`name of the ${label}`), resourceGroupOption()];
  const shown = (body: unknown): unknown => flattenProperties(body);

  addLeaf(
    group,
    "create",
    {
      description: `Create a ${label}`,
      options: [
        ...base(),
        new Option("-p, --plan <plan>", "name or resource id of the App Service plan"),
        new Option("--backend-url <url>", "wpslink: where your app listens, e.g. http://localhost:7071"),
        new Option("--tags <tags...>", "space-separated tags: key[=value]"),
      ],
      required: ["name", "resourceGroup", "plan"],
      tableTransformer: siteTable,
      examples: [
        `wpslink ${kind} create -g contoso -n contoso-func --plan contoso-plan --backend-url http://localhost:7071`,
      ],
      run: async (c) => {
        const planArg = c.req("plan");
        const parsed = planArg.startsWith("/") ? parseResourceId(planArg) : undefined;
        const planUrl = parsed ? planArg : planPath(c.subscription, c.req("resourceGroup"), planArg);
        const planBody = (await getResource(c, planUrl, v)) as {
          id?: string;
          location?: string;
          properties?: { reserved?: boolean };
        };
        const linux = planBody.properties?.reserved === true;
        const siteKind =
          kind === "functionapp"
            ? linux
              ? "functionapp,linux"
              : "functionapp"
            : linux
              ? "app,linux"
              : "app";
        let siteConfig: Record<string, unknown> = {};
        const backend = c.str("backendUrl");
        if (backend !== undefined) siteConfig = withBackendUrl(siteConfig, validBackendUrl(backend));
        const body = {
          location: planBody.location,
          kind: siteKind,
          ...(c.options.tags ? { tags: tagsFrom(c.options.tags as string[]) } : {}),
          properties: { serverFarmId: planBody.id ?? planUrl, siteConfig },
        };
        return shown(await writeResource(c, "PUT", path(c), v, body));
      },
    },
    session,
  );
  addLeaf(
    group,
    "show",
    {
      description: `Get the details of a ${label}`,
      options: base(),
      required: ["name", "resourceGroup"],
      tableTransformer: siteTable,
      run: async (c) => shown(await getResource(c, path(c), v)),
    },
    session,
  );
  addLeaf(
    group,
    "list",
    {
      description: `List ${label}s`,
      options: [resourceGroupOption()],
      tableTransformer: siteTable,
      run: async (c) =>
        (await listAll(c, webProviderPath(c.subscription, c.str("resourceGroup"), "sites"), v))
          .filter((site) => isKind(site, kind))
          .map(shown),
    },
    session,
  );
  addLeaf(
    group,
    "delete",
    {
      description: `Delete a ${label}`,
      options: base(),
      required: ["name", "resourceGroup"],
      run: async (c) => {
        await writeResource(c, "DELETE", path(c), v);
        return undefined;
      },
    },
    session,
  );
  addLeaf(
    group,
    "update",
    {
      description: `Update a ${label}: its backend URL or public network access`,
      options: [
        ...base(),
        new Option("--backend-url <url>", "wpslink: where your app listens, e.g. http://localhost:7071"),
        new Option("--public-network-access <value>", "public network access").choices([
          "Enabled",
          "Disabled",
        ]),
        new Option("--tags <tags...>", 'space-separated tags: key[=value]; "" clears them'),
      ],
      required: ["name", "resourceGroup"],
      tableTransformer: siteTable,
      run: async (c) => {
        const current = (await getResource(c, path(c), v)) as Record<string, unknown>;
        const properties = { ...((current.properties ?? {}) as Record<string, unknown>) };
        let siteConfig = { ...((properties.siteConfig ?? {}) as Record<string, unknown>) };
        const backend = c.str("backendUrl");
        if (backend !== undefined) siteConfig = withBackendUrl(siteConfig, validBackendUrl(backend));
        const access = c.str("publicNetworkAccess");
        if (access !== undefined) {
          properties.publicNetworkAccess = access;
          siteConfig.publicNetworkAccess = access;
        }
        const body = {
          location: current.location,
          kind: current.kind,
          tags: c.options.tags !== undefined ? tagsFrom(c.options.tags as string[]) : current.tags,
          properties: {
            serverFarmId: properties.serverFarmId,
            ...(properties.publicNetworkAccess === undefined
              ? {}
              : { publicNetworkAccess: properties.publicNetworkAccess }),
            siteConfig,
          },
        };
        return shown(await writeResource(c, "PUT", path(c), v, body));
      },
    },
    session,
  );
}

export function registerSiteCommands(program: Command, session: CliSession): void {
  registerSiteGroup(program, "functionapp", session);
  registerSiteGroup(program, "webapp", session);
}
