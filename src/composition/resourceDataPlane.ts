// Assembles the data plane of one Web PubSub resource from its parts: the WebSocket and REST
// listener, the event-handler dispatcher behind the upstream port, and the live settings
// (keys, hubs) that the management plane may change while it runs.
import { AccessKeyRing, type AccessKeys } from "../dataplane/domain/accessKeys.js";
import {
  defaultHubSettings,
  type HubSettings,
  type HubSettingsSource,
} from "../dataplane/domain/hubSettings.js";
import { createDataPlaneServer } from "../dataplane/server/dataPlaneServer.js";
import { createRestHandler } from "../dataplane/rest/restHandler.js";
import { createUpstreamEvents } from "../events/createUpstreamEvents.js";
import type { EgressDialer } from "../network/egressDialer.js";
import type { TraceBus } from "../trace/traceBus.js";
import type { ServerCertificate } from "../pki/localCa.js";

/** Hub settings held in memory and replaced as a whole; hub names are case-insensitive. */
export class MutableHubSettings implements HubSettingsSource {
  private hubs = new Map<string, HubSettings>();

  constructor(initial: ReadonlyMap<string, HubSettings> = new Map()) {
    this.replace(initial);
  }

  replace(hubs: ReadonlyMap<string, HubSettings>): void {
    this.hubs = new Map([...hubs].map(([name, settings]) => [name.toLowerCase(), settings]));
  }

  get(hub: string): HubSettings {
    return this.hubs.get(hub.toLowerCase()) ?? defaultHubSettings;
  }
}

export interface ResourceDataPlaneOptions {
  readonly resourceId: string;
  readonly name: string;
  readonly keys: AccessKeys;
  readonly hubs: ReadonlyMap<string, HubSettings>;
  readonly host: string;
  readonly publicHostname: string;
  readonly httpPort: number;
  readonly httpsPort: number | null;
  readonly certificate: ServerCertificate;
  readonly trace: TraceBus;
  readonly dialer: EgressDialer;
  readonly skipApiVersionCheck: boolean;
}

export interface ResourceDataPlane {
  readonly httpPort: number;
  readonly httpsPort: number | null;
  readonly keys: AccessKeyRing;
  readonly hubSettings: MutableHubSettings;
  connectionCount(): number;
  close(): Promise<void>;
}

export async function startResourceDataPlane(options: ResourceDataPlaneOptions): Promise<ResourceDataPlane> {
  const keys = new AccessKeyRing(options.keys);
  const hubSettings = new MutableHubSettings(options.hubs);
  const upstream = createUpstreamEvents({
    resourceName: options.name,
    keys,
    hubSettings,
    trace: options.trace,
    dialer: options.dialer,
  });
  const restHandler = createRestHandler({
    // Called per request, after `server` below exists.
    hubs: (hub) => server.hubs(hub),
    keys,
    trace: options.trace,
    resourceName: options.name,
    skipApiVersionCheck: options.skipApiVersionCheck,
  });
  const server = createDataPlaneServer({
    resourceName: options.name,
    keys,
    hubSettings,
    upstream,
    trace: options.trace,
    host: options.host,
    httpPort: options.httpPort,
    publicHostname: options.publicHostname,
    restHandler,
    ...(options.httpsPort === null
      ? {}
      : { https: { port: options.httpsPort, key: options.certificate.key, cert: options.certificate.cert } }),
  });
  const started = await server.start();
  const running = server;
  return {
    httpPort: started.httpPort,
    httpsPort: started.httpsPort,
    keys,
    hubSettings,
    connectionCount: () => running.connectionCount(),
    close: async () => {
      await running.close();
      await upstream.close();
    },
  };
}
