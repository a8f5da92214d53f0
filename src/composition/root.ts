// The composition root: the one place that builds wpslink from its configuration and wires the
// bounded contexts together. Everything else receives its collaborators.
import { readFileSync } from "node:fs";
import type { WpslinkConfig } from "../config/schema.js";
import { loadOrCreateLocalCa } from "../pki/localCa.js";
import { TraceBus } from "../trace/traceBus.js";
import { createDirectDialer } from "../network/egressDialer.js";
import { defaultHubSettings, type HubSettings } from "../dataplane/domain/hubSettings.js";
import { openWorkspace } from "./workspace.js";
import { startResourceDataPlane } from "./resourceDataPlane.js";
import { connectionString, type StartSummary } from "./startSummary.js";

export interface RunningWpslink {
  readonly summary: StartSummary;
  readonly trace: TraceBus;
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

function urlHost(hostname: string, port: number): string {
  return `${hostname}:${port}`;
}

export async function startWpslink(config: WpslinkConfig): Promise<RunningWpslink> {
  const workspace = openWorkspace(config.location, config.inMemory);
  const ca = loadOrCreateLocalCa(workspace.certificates);
  const trace = new TraceBus();
  const names = [config.publicHostname, "localhost", "127.0.0.1", "::1"];
  const certificate = ca.issue([...new Set(names)]);
  const dialer = createDirectDialer({ ca: ca.certPem });

  const d = config.defaultResource;
  const resourceId = `/subscriptions/${d.subscriptionId}/resourceGroups/${d.resourceGroup}/providers/Microsoft.SignalRService/webPubSub/${d.name}`;
  const dataPlane = await startResourceDataPlane({
    resourceId,
    name: d.name,
    keys: { primary: d.primaryKey, secondary: d.secondaryKey },
    hubs: hubsFromConfig(config),
    host: config.host,
    publicHostname: config.publicHostname,
    httpPort: config.dataPlaneHttpPort,
    httpsPort: config.dataPlaneHttpsPort,
    certificate,
    trace,
    dialer,
    skipApiVersionCheck: config.skipApiVersionCheck,
  });

  const httpUrl = `http://${urlHost(config.publicHostname, dataPlane.httpPort)}`;
  const httpsUrl =
    dataPlane.httpsPort === null ? null : `https://${urlHost(config.publicHostname, dataPlane.httpsPort)}`;
  const summary: StartSummary = {
    version: packageVersion(),
    host: config.host,
    workspace: workspace.root,
    caCertPath: ca.certPath ?? "",
    managementUrl: null,
    portalUrl: null,
    siteHttpUrl: null,
    siteHttpsUrl: null,
    defaultResource: {
      resourceId,
      name: d.name,
      httpUrl,
      httpsUrl,
      httpPort: dataPlane.httpPort,
      httpsPort: dataPlane.httpsPort,
      primaryKey: d.primaryKey,
      secondaryKey: d.secondaryKey,
      connectionString: httpsUrl ? connectionString(httpsUrl, d.primaryKey) : null,
      httpConnectionString: connectionString(httpUrl, d.primaryKey),
      healthUrl: `${httpUrl}/api/health`,
    },
  };

  let closed = false;
  return {
    summary,
    trace,
    close: async () => {
      if (closed) return;
      closed = true;
      await dataPlane.close();
      workspace.dispose();
    },
  };
}
