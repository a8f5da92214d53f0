// A WebPubSubDataPlaneHost on the real data-plane server, for tests that check what a client
// of a resource created through ARM sees (the composition root has its own production host).
import { AccessKeyRing, type AccessKeys } from "../../../src/dataplane/domain/accessKeys.js";
import {
  defaultHubSettings,
  type HubSettings,
  type HubSettingsSource,
} from "../../../src/dataplane/domain/hubSettings.js";
import {
  createDataPlaneServer,
  type DataPlaneServer,
} from "../../../src/dataplane/server/dataPlaneServer.js";
import { createRestHandler } from "../../../src/dataplane/rest/restHandler.js";
import {
  createUpstreamEvents,
  type UpstreamEventsDispatcher,
} from "../../../src/events/createUpstreamEvents.js";
import { createDirectDialer } from "../../../src/network/egressDialer.js";
import type { ServerCertificate } from "../../../src/pki/localCa.js";
import { TraceBus } from "../../../src/trace/traceBus.js";
import type {
  DataPlaneAccessSettings,
  StartedDataPlane,
  WebPubSubDataPlaneHost,
  WebPubSubDataPlaneSpec,
} from "../../../src/arm/webpubsub/dataPlaneHost.js";

class LiveHubs implements HubSettingsSource {
  private hubs = new Map<string, HubSettings>();
  replace(hubs: ReadonlyMap<string, HubSettings>): void {
    this.hubs = new Map([...hubs].map(([name, settings]) => [name.toLowerCase(), settings]));
  }
  get(hub: string): HubSettings {
    return this.hubs.get(hub.toLowerCase()) ?? defaultHubSettings;
  }
}

interface Running {
  readonly server: DataPlaneServer;
  readonly upstream: UpstreamEventsDispatcher;
  readonly keys: AccessKeyRing;
  readonly hubs: LiveHubs;
}

export class RealDataPlaneHost implements WebPubSubDataPlaneHost {
  private readonly running = new Map<string, Running>();
  readonly trace = new TraceBus();

  constructor(private readonly certificate: ServerCertificate) {}

  async start(spec: WebPubSubDataPlaneSpec): Promise<StartedDataPlane> {
    const keys = new AccessKeyRing(spec.keys);
    const hubs = new LiveHubs();
    hubs.replace(spec.hubs);
    const upstream = createUpstreamEvents({
      resourceName: spec.name,
      keys,
      hubSettings: hubs,
      trace: this.trace,
      dialer: createDirectDialer(),
    });
    // The REST handler needs the server's hubs and the server needs the handler: a late binding.
    const late: { server?: DataPlaneServer } = {};
    const restHandler = createRestHandler({
      hubs: (hub) => late.server!.hubs(hub),
      keys,
      trace: this.trace,
      resourceName: spec.name,
      skipApiVersionCheck: false,
    });
    const server = createDataPlaneServer({
      resourceName: spec.name,
      keys,
      hubSettings: hubs,
      upstream,
      trace: this.trace,
      host: "127.0.0.1",
      httpPort: spec.httpPort,
      publicHostname: "localhost",
      restHandler,
      https: { port: spec.httpsPort, key: this.certificate.key, cert: this.certificate.cert },
    });
    late.server = server;
    const started = await server.start();
    this.running.set(spec.resourceId, { server, upstream, keys, hubs });
    return started;
  }

  async stop(resourceId: string): Promise<void> {
    const running = this.running.get(resourceId);
    if (!running) return;
    this.running.delete(resourceId);
    await running.server.close();
    await running.upstream.close();
  }

  async setKeys(resourceId: string, keys: AccessKeys): Promise<void> {
    this.running.get(resourceId)?.keys.replace(keys);
  }

  async setHubs(resourceId: string, hubs: ReadonlyMap<string, HubSettings>): Promise<void> {
    this.running.get(resourceId)?.hubs.replace(hubs);
  }

  async setAccess(_resourceId: string, _access: DataPlaneAccessSettings): Promise<void> {
    // The data-plane server has no switch for these yet; the tests here do not rely on them.
  }

  connectionCount(resourceId: string): number {
    return this.running.get(resourceId)?.server.connectionCount() ?? 0;
  }
}
