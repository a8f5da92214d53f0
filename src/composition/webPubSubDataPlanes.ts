// The production `WebPubSubDataPlaneHost`: one real data plane per Web PubSub resource, its
// event handlers dialling upstreams through the resource's managed VNet (the routing dialer), so
// calls to a site take the private path once a shared private endpoint is approved.
import type {
  DataPlaneAccessSettings,
  StartedDataPlane,
  WebPubSubDataPlaneHost,
  WebPubSubDataPlaneSpec,
} from "../arm/webpubsub/dataPlaneHost.js";
import type { ManagedIdentityTokenIssuer } from "../events/managedIdentity.js";
import type { ManagedNetwork } from "../network/managedNetwork.js";
import { createRoutingDialer, type SiteFrontEndpoint } from "../network/routingDialer.js";
import type { ServerCertificate } from "../pki/localCa.js";
import type { TraceBus } from "../trace/traceBus.js";
import { startResourceDataPlane, type ResourceDataPlane } from "./resourceDataPlane.js";

export interface WebPubSubDataPlanesOptions {
  readonly host: string;
  readonly publicHostname: string;
  readonly certificate: ServerCertificate;
  readonly caPem: string;
  readonly trace: TraceBus;
  readonly network: ManagedNetwork;
  readonly siteFront: () => SiteFrontEndpoint | undefined;
  readonly tokenIssuer: ManagedIdentityTokenIssuer;
  readonly skipApiVersionCheck: boolean;
  /** Scale-out: every resource's data plane shares messages and operations with other nodes here. */
  readonly redisUrl?: string;
  /** Problems of a resource's Redis fan-out after start. */
  readonly onFanoutError?: (resourceName: string, error: Error) => void;
}

export class WebPubSubDataPlanes implements WebPubSubDataPlaneHost {
  private readonly running = new Map<string, ResourceDataPlane>();

  constructor(private readonly options: WebPubSubDataPlanesOptions) {}

  async start(spec: WebPubSubDataPlaneSpec): Promise<StartedDataPlane> {
    const key = spec.resourceId.toLowerCase();
    await this.running.get(key)?.close();
    const o = this.options;
    const plane = await startResourceDataPlane({
      resourceId: spec.resourceId,
      name: spec.name,
      keys: spec.keys,
      hubs: spec.hubs,
      host: o.host,
      publicHostname: o.publicHostname,
      httpPort: spec.httpPort,
      httpsPort: spec.httpsPort,
      certificate: o.certificate,
      trace: o.trace,
      dialer: createRoutingDialer({
        network: o.network,
        resourceId: spec.resourceId,
        siteFront: o.siteFront,
        ca: o.caPem,
      }),
      tokenIssuer: o.tokenIssuer,
      skipApiVersionCheck: o.skipApiVersionCheck,
      ...(o.redisUrl !== undefined ? { redisUrl: o.redisUrl } : {}),
      ...(o.onFanoutError ? { onFanoutError: (error: Error) => o.onFanoutError?.(spec.name, error) } : {}),
    });
    plane.setAccess(spec.access);
    this.running.set(key, plane);
    return { httpPort: plane.httpPort, httpsPort: plane.httpsPort };
  }

  async stop(resourceId: string): Promise<void> {
    const key = resourceId.toLowerCase();
    const plane = this.running.get(key);
    this.running.delete(key);
    await plane?.close();
  }

  async setKeys(resourceId: string, keys: { primary: string; secondary: string }): Promise<void> {
    this.running.get(resourceId.toLowerCase())?.keys.replace(keys);
  }

  async setHubs(resourceId: string, hubs: Parameters<WebPubSubDataPlaneHost["setHubs"]>[1]): Promise<void> {
    this.running.get(resourceId.toLowerCase())?.hubSettings.replace(hubs);
  }

  async setAccess(resourceId: string, access: DataPlaneAccessSettings): Promise<void> {
    this.running.get(resourceId.toLowerCase())?.setAccess(access);
  }

  /** The running data plane of a resource (tests, introspection). */
  get(resourceId: string): ResourceDataPlane | undefined {
    return this.running.get(resourceId.toLowerCase());
  }

  async closeAll(): Promise<void> {
    const planes = [...this.running.values()];
    this.running.clear();
    await Promise.all(planes.map((plane) => plane.close()));
  }
}
