// Everything the scenario needs behind the portal, built from the committed pieces the way the
// composition root builds them: the management listener (with the portal mounted) and the three
// providers of the private path, the managed network, the App Service front end, and real data
// planes whose event dispatchers dial through their resource's routing egress dialer.
import { loadOrCreateLocalCa, type LocalCa } from "../../../src/pki/localCa.js";
import { openSqliteStore } from "../../../src/store/sqliteStore.js";
import { TraceBus } from "../../../src/trace/traceBus.js";
import { WebSiteService } from "../../../src/arm/web/webSiteService.js";
import { registerWebProvider } from "../../../src/arm/web/registerWebProvider.js";
import { ManagedNetwork } from "../../../src/network/managedNetwork.js";
import { createRoutingDialer } from "../../../src/network/routingDialer.js";
import { SharedPrivateLinkService } from "../../../src/arm/webpubsub/sharedPrivateLinkService.js";
import { registerSharedPrivateLinkResources } from "../../../src/arm/webpubsub/sharedPrivateLinkRoutes.js";
import {
  registerWebPubSubProvider,
  type WebPubSubProvider,
} from "../../../src/arm/webpubsub/webPubSubProvider.js";
import type { WebPubSubDataPlaneHost } from "../../../src/arm/webpubsub/dataPlaneHost.js";
import {
  startResourceDataPlane,
  type ResourceDataPlane,
} from "../../../src/composition/resourceDataPlane.js";
import {
  createSiteFront,
  siteFrontCertificateNames,
  type SiteFront,
} from "../../../src/sitefront/siteFrontServer.js";
import { startManagementStack, type ManagementStack } from "./managementStack.js";

export interface PrivatePathStack {
  readonly management: ManagementStack;
  readonly trace: TraceBus;
  readonly siteFront: SiteFront;
  /** The HTTP port of a resource's data plane, by resource id. */
  dataPlanePort(resourceId: string): number | undefined;
  close(): Promise<void>;
}

/** One real data plane per resource (HTTP on loopback), dialling upstreams from inside its VNet. */
class RoutedDataPlaneHost implements WebPubSubDataPlaneHost {
  readonly planes = new Map<string, ResourceDataPlane>();

  constructor(
    private readonly ca: LocalCa,
    private readonly trace: TraceBus,
    private readonly network: ManagedNetwork,
    private readonly siteFront: () => SiteFront | undefined,
  ) {}

  async start(
    spec: Parameters<WebPubSubDataPlaneHost["start"]>[0],
  ): Promise<{ httpPort: number; httpsPort: null }> {
    const plane = await startResourceDataPlane({
      resourceId: spec.resourceId,
      name: spec.name,
      keys: spec.keys,
      hubs: spec.hubs,
      host: "127.0.0.1",
      publicHostname: "localhost",
      httpPort: spec.httpPort,
      httpsPort: null,
      certificate: this.ca.issue(["localhost", "127.0.0.1"]),
      trace: this.trace,
      dialer: createRoutingDialer({
        network: this.network,
        resourceId: spec.resourceId,
        siteFront: () => this.siteFront()?.endpoint(),
        ca: this.ca.certPem,
      }),
      skipApiVersionCheck: false,
    });
    this.planes.set(spec.resourceId.toLowerCase(), plane);
    return { httpPort: plane.httpPort, httpsPort: null };
  }

  async stop(resourceId: string): Promise<void> {
    await this.planes.get(resourceId.toLowerCase())?.close();
    this.planes.delete(resourceId.toLowerCase());
  }

  async setKeys(resourceId: string, keys: Parameters<WebPubSubDataPlaneHost["setKeys"]>[1]): Promise<void> {
    this.planes.get(resourceId.toLowerCase())?.keys.replace(keys);
  }

  async setHubs(resourceId: string, hubs: Parameters<WebPubSubDataPlaneHost["setHubs"]>[1]): Promise<void> {
    this.planes.get(resourceId.toLowerCase())?.hubSettings.replace(hubs);
  }

  async setAccess(): Promise<void> {
    // Data-plane network access settings play no part in the portal's scenario.
  }
}

export async function startPrivatePathStack(
  options: { transitionDelayMs?: number; propagationDelayMs?: number } = {},
): Promise<PrivatePathStack> {
  const ca = loadOrCreateLocalCa(process.env.WPSLINK_TEST_CA_DIR ?? null);
  const store = openSqliteStore({ path: ":memory:" });
  const trace = new TraceBus(20_000);
  const web = await WebSiteService.open({
    store,
    transitionDelayMs: options.transitionDelayMs ?? 500,
    trace,
  });
  const network = new ManagedNetwork({ siteExists: (name) => web.siteExists(name) });
  const spe = await SharedPrivateLinkService.open({
    store,
    web,
    network,
    propagationDelayMs: options.propagationDelayMs ?? 1000,
    trace,
  });
  // The front end only needs the site directory, so it starts first and the rest can refer to it.
  const front = createSiteFront({
    directory: web,
    certificate: ca.issue(siteFrontCertificateNames),
    host: "127.0.0.1",
    httpPort: 0,
    httpsPort: 0,
    trace,
    backendCa: ca.certPem,
  });
  await front.start();
  const host = new RoutedDataPlaneHost(ca, trace, network, () => front);
  let provider: WebPubSubProvider | undefined;
  const management = await startManagementStack({
    store,
    trace,
    register: (runtime) => {
      registerWebProvider(runtime, web);
      provider = registerWebPubSubProvider(runtime, { host, publicHostname: "localhost" });
      provider.addHooks(registerSharedPrivateLinkResources(runtime, spe));
    },
    siteRequestLog: (site) => front.requestLog(site),
  });
  return {
    management,
    trace,
    siteFront: front,
    dataPlanePort: (resourceId) => host.planes.get(resourceId.toLowerCase())?.httpPort,
    async close() {
      spe.close();
      web.close();
      await provider?.stopAll();
      await front.close();
      await management.close();
      await store.close();
    },
  };
}
