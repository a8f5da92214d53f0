// Pieces of the end-to-end scenario the composition root will own: a data-plane host whose
// resources dial through their VNet, plus small helpers shared by the scenario tests.
import type { WebPubSubDataPlaneHost } from "../../../src/arm/webpubsub/dataPlaneHost.js";
import {
  startResourceDataPlane,
  type ResourceDataPlane,
} from "../../../src/composition/resourceDataPlane.js";
import type { ManagedNetwork } from "../../../src/network/managedNetwork.js";
import { createRoutingDialer } from "../../../src/network/routingDialer.js";
import type { LocalCa } from "../../../src/pki/localCa.js";
import type { SiteFront } from "../../../src/sitefront/siteFrontServer.js";
import type { TraceBus } from "../../../src/trace/traceBus.js";

// A refused event is the outcome under test: the client must not retry it for seconds.
export const clientOptions = {
  autoReconnect: false,
  autoRejoinGroups: false,
  messageRetryOptions: { maxRetries: 0 },
  // The client's keep-alive delays outlive stop() (20 s and 40 s by default) and would hold the test process.
  keepAliveIntervalInMs: 500,
  keepAliveTimeoutInMs: 1500,
};

export async function until<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

/** A data-plane host like the composition root's: one real data plane per resource, dialling through its VNet. */
export function dataPlaneHost(
  ca: LocalCa,
  trace: TraceBus,
  front: () => SiteFront,
  network: ManagedNetwork,
  running: Map<string, ResourceDataPlane>,
): WebPubSubDataPlaneHost {
  const certificate = ca.issue(["localhost", "127.0.0.1"]);
  const find = (id: string): ResourceDataPlane | undefined => running.get(id.toLowerCase());
  return {
    async start(spec) {
      const plane = await startResourceDataPlane({
        resourceId: spec.resourceId,
        name: spec.name,
        keys: spec.keys,
        hubs: spec.hubs,
        host: "127.0.0.1",
        publicHostname: "localhost",
        httpPort: spec.httpPort,
        httpsPort: null,
        certificate,
        trace,
        dialer: createRoutingDialer({
          network,
          resourceId: spec.resourceId,
          siteFront: () => front().endpoint(),
          ca: ca.certPem,
        }),
        skipApiVersionCheck: false,
      });
      running.set(spec.resourceId.toLowerCase(), plane);
      return { httpPort: plane.httpPort, httpsPort: null };
    },
    async stop(id) {
      await find(id)?.close();
      running.delete(id.toLowerCase());
    },
    async setKeys(id, keys) {
      find(id)?.keys.replace(keys);
    },
    async setHubs(id, hubs) {
      find(id)?.hubSettings.replace(hubs);
    },
    async setAccess() {
      // Data-plane access settings are not part of this scenario.
    },
  };
}
