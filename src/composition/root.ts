// The composition root: the one place that builds wpslink from its configuration and wires the
// bounded contexts together. Everything else receives its collaborators.
import { readFileSync } from "node:fs";
import { createBearerAuthenticator } from "../arm/auth/bearerAuthenticator.js";
import { createManagementServer } from "../arm/managementServer.js";
import type { WpslinkConfig } from "../config/schema.js";
import { removeRuntimeFile, writeRuntimeFile } from "../config/runtimeFile.js";
import { defaultHubSettings, type HubSettings } from "../dataplane/domain/hubSettings.js";
import { handleRouteIntrospection } from "../network/routeIntrospection.js";
import { loadOrCreateLocalCaAsync } from "../pki/localCa.js";
import { createPortalHandler } from "../portal/portalHandler.js";
import { defaultPortalDistDir } from "../portal/portalDist.js";
import { portalBasePath } from "../portal/staticPortal.js";
import { createLogger } from "../trace/logger.js";
import { TraceBus } from "../trace/traceBus.js";
import { loadOrCreateManagedIdentity, managedIdentityJwksHandler } from "./managedIdentity.js";
import { buildManagementPlane, firstHandler, type ManagementPlaneParts } from "./managementPlane.js";
import { connectionString, type StartSummary } from "./startSummary.js";
import { openWorkspace } from "./workspace.js";

export interface RunningWpslink {
  readonly summary: StartSummary;
  readonly trace: TraceBus;
  /** The management plane's parts (tests and introspection). */
  readonly parts: ManagementPlaneParts;
  close(): Promise<void>;
}

/** The package's version; the module runs from `src/` (tsx) or `dist/src/` (built). */
function packageVersion(): string {
  for (const relative of ["../../package.json", "../../../package.json"]) {
    try {
      const raw = readFileSync(new URL(relative, import.meta.url), "utf8");
      const parsed = JSON.parse(raw) as { name?: string; version?: string };
      if (parsed.name === "wpslink" && parsed.version) return parsed.version;
    } catch {
      // not at this level; try the next one
    }
  }
  throw new Error("wpslink's package.json was not found next to its code");
}

function hubsFromConfig(config: WpslinkConfig): Map<string, HubSettings> {
  return new Map(
    Object.entries(config.defaultResource.hubs).map(([name, hub]) => [
      name,
      { ...defaultHubSettings, ...hub } satisfies HubSettings,
    ]),
  );
}

/** A Redis URL fit to print: any password replaced. */
function redactPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

export async function startWpslink(config: WpslinkConfig): Promise<RunningWpslink> {
  const logger = createLogger(config.logLevel);
  const workspace = openWorkspace(config.location, config.inMemory);
  // The identity's key and the CA's keys are made on the thread pool at the same time.
  const identityPromise = loadOrCreateManagedIdentity(workspace.root);
  identityPromise.catch(() => undefined);
  const ca = await loadOrCreateLocalCaAsync(workspace.certificates);
  const trace = new TraceBus();
  const identity = await identityPromise;
  const parts = await buildManagementPlane({
    config,
    workspaceRoot: workspace.root,
    ca,
    trace,
    identity,
    logger,
  });
  const cleanups: (() => Promise<void> | void)[] = [() => parts.close(), () => workspace.dispose()];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const d = config.defaultResource;
    const resource = await parts.webPubSub.ensureDefaultResource({
      subscriptionId: d.subscriptionId,
      resourceGroup: d.resourceGroup,
      name: d.name,
      location: d.location,
      keys: { primary: d.primaryKey, secondary: d.secondaryKey },
      hubs: hubsFromConfig(config),
      httpPort: config.dataPlaneHttpPort,
      httpsPort: config.dataPlaneHttpsPort,
    });
    const restored = await parts.webPubSub.restore();
    for (const failure of restored.failed) logger.warn(failure, "a persisted resource could not start");

    const portal = createPortalHandler({
      distDir: defaultPortalDistDir(),
      trace,
      authenticator: createBearerAuthenticator({
        issuer: parts.issuer,
        acceptAnyBearer: config.acceptAnyBearer,
      }),
      siteRequestLog: (site) => parts.siteFront.requestLog(site),
    });
    const management = createManagementServer({
      host: config.host,
      port: config.managementPort,
      tls: parts.serverCertificate,
      publicHostname: config.publicHostname,
      arm: parts.arm,
      tokenIssuer: parts.issuer,
      extraHandlers: firstHandler(
        managedIdentityJwksHandler(identity),
        (req, res) => handleRouteIntrospection(parts.network, req, res),
        portal,
      ),
    });
    await management.start();
    cleanups.push(async () => {
      portal.close();
      await management.close();
    });
    if (workspace.root !== null) {
      const root = workspace.root;
      writeRuntimeFile(root, {
        pid: process.pid,
        managementUrl: management.url,
        caCertPath: ca.certPath ?? "",
        startedAt: new Date().toISOString(),
      });
      cleanups.push(() => removeRuntimeFile(root));
    }

    const site = parts.siteFront.endpoint();
    const host = config.publicHostname;
    const httpUrl = `http://${host}:${resource.httpPort}`;
    const httpsUrl = resource.httpsPort === null ? null : `https://${host}:${resource.httpsPort}`;
    const summary: StartSummary = {
      version: packageVersion(),
      host: config.host,
      workspace: workspace.root,
      caCertPath: ca.certPath ?? "",
      managementUrl: management.url,
      portalUrl: `${management.url}${portalBasePath}`,
      siteHttpUrl: site ? `http://${host}:${site.httpPort}` : null,
      siteHttpsUrl: site ? `https://${host}:${site.httpsPort}` : null,
      redisUrl: config.redisUrl ? redactPassword(config.redisUrl) : null,
      defaultResource: {
        resourceId: resource.id,
        name: d.name,
        httpUrl,
        httpsUrl,
        httpPort: resource.httpPort,
        httpsPort: resource.httpsPort,
        primaryKey: resource.keys.primary,
        secondaryKey: resource.keys.secondary,
        connectionString: httpsUrl ? connectionString(httpsUrl, resource.keys.primary) : null,
        httpConnectionString: connectionString(httpUrl, resource.keys.primary),
        healthUrl: `${httpUrl}/api/health`,
      },
    };
    let closed: Promise<void> | undefined;
    return {
      summary,
      trace,
      parts,
      close: () => (closed ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
