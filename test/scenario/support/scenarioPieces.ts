// Pieces of the end-to-end scenario: the composition root's data-plane host, whose resources dial
// through their VNet, plus small helpers shared by the scenario tests.
import type { WebPubSubDataPlaneHost } from "../../../src/arm/webpubsub/dataPlaneHost.js";
import type { ResourceDataPlane } from "../../../src/composition/resourceDataPlane.js";
import { WebPubSubDataPlanes } from "../../../src/composition/webPubSubDataPlanes.js";
import { createLocalManagedIdentity } from "../../../src/events/localManagedIdentity.js";
import type { ManagedNetwork } from "../../../src/network/managedNetwork.js";
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

/**
 * The composition root's data-plane host (one real data plane per resource, dialling through its
 * VNet), plus a map of the running planes that the tests read.
 */
export function dataPlaneHost(
  ca: LocalCa,
  trace: TraceBus,
  front: () => SiteFront,
  network: ManagedNetwork,
  running: Map<string, ResourceDataPlane>,
): WebPubSubDataPlaneHost {
  const planes = new WebPubSubDataPlanes({
    host: "127.0.0.1",
    publicHostname: "localhost",
    certificate: ca.issue(["localhost", "127.0.0.1"]),
    caPem: ca.certPem,
    trace,
    network,
    siteFront: () => front().endpoint(),
    tokenIssuer: createLocalManagedIdentity(),
    skipApiVersionCheck: false,
  });
  return {
    async start(spec) {
      const started = await planes.start(spec);
      const plane = planes.get(spec.resourceId);
      if (plane) running.set(spec.resourceId.toLowerCase(), plane);
      return started;
    },
    async stop(id) {
      await planes.stop(id);
      running.delete(id.toLowerCase());
    },
    setKeys: (id, keys) => planes.setKeys(id, keys),
    setHubs: (id, hubs) => planes.setHubs(id, hubs),
    setAccess: (id, access) => planes.setAccess(id, access),
  };
}
