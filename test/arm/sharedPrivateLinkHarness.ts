// The management plane with the three providers of the private path (webPubSub, Microsoft.Web,
// shared private link resources) over one store, plus the managed network, built the way the
// composition root is expected to build them. `restart()` reopens the domains on the same store.
import { WebPubSubManagementClient } from "@azure/arm-webpubsub";
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { createLocalCredential } from "../../src/arm/auth/localCredential.js";
import { registerWebProvider } from "../../src/arm/web/registerWebProvider.js";
import { WebSiteService } from "../../src/arm/web/webSiteService.js";
import { registerSharedPrivateLinkResources } from "../../src/arm/webpubsub/sharedPrivateLinkRoutes.js";
import { SharedPrivateLinkService } from "../../src/arm/webpubsub/sharedPrivateLinkService.js";
import type { WebPubSubDataPlaneHost } from "../../src/arm/webpubsub/dataPlaneHost.js";
import {
  registerWebPubSubProvider,
  type WebPubSubProvider,
} from "../../src/arm/webpubsub/webPubSubProvider.js";
import { ManagedNetwork } from "../../src/network/managedNetwork.js";
import { openSqliteStore } from "../../src/store/sqliteStore.js";
import type { Store } from "../../src/store/store.js";
import type { TraceBus } from "../../src/trace/traceBus.js";
import { startArmHarness, type ArmHarness } from "./support/armHarness.js";
import { FakeDataPlaneHost } from "./support/fakeDataPlaneHost.js";

export interface PrivateLinkStack {
  readonly harness: ArmHarness;
  readonly store: Store;
  readonly web: WebSiteService;
  readonly spe: SharedPrivateLinkService;
  readonly network: ManagedNetwork;
  readonly provider: WebPubSubProvider;
  readonly wps: WebPubSubManagementClient;
  readonly appService: WebSiteManagementClient;
  close(): Promise<void>;
}

export interface PrivateLinkStackOptions {
  readonly store?: Store;
  /** Builds the data-plane host (given the managed network); default a fake that starts nothing. */
  readonly makeHost?: (network: ManagedNetwork) => WebPubSubDataPlaneHost;
  readonly transitionDelayMs?: number;
  readonly propagationDelayMs?: number;
  readonly pageSize?: number;
  readonly trace?: TraceBus;
}

export async function startPrivateLinkStack(
  options: PrivateLinkStackOptions = {},
): Promise<PrivateLinkStack> {
  const store = options.store ?? openSqliteStore({ path: ":memory:" });
  const web = await WebSiteService.open({
    store,
    transitionDelayMs: options.transitionDelayMs ?? 20,
    trace: options.trace,
  });
  const network = new ManagedNetwork({ siteExists: (name) => web.siteExists(name) });
  const spe = await SharedPrivateLinkService.open({
    store,
    web,
    network,
    propagationDelayMs: options.propagationDelayMs ?? 20,
    trace: options.trace,
  });
  let provider: WebPubSubProvider | undefined;
  const harness = await startArmHarness({
    store,
    pageSize: options.pageSize ?? 100,
    register: (runtime) => {
      registerWebProvider(runtime, web);
      provider = registerWebPubSubProvider(runtime, {
        host: options.makeHost?.(network) ?? new FakeDataPlaneHost(),
        publicHostname: "localhost",
      });
      provider.addHooks(registerSharedPrivateLinkResources(runtime, spe));
    },
  });
  if (!provider) throw new Error("the webPubSub provider was not registered");
  const credential = createLocalCredential({ managementUrl: harness.url });
  const subscriptionId = "00000000-0000-0000-0000-000000000000";
  const registered = provider;
  return {
    harness,
    store,
    web,
    spe,
    network,
    provider: registered,
    wps: new WebPubSubManagementClient(credential, subscriptionId, {
      endpoint: harness.url,
      credentialScopes: [`${harness.url}/.default`],
    }),
    appService: new WebSiteManagementClient(credential, subscriptionId, { endpoint: harness.url }),
    async close() {
      spe.close();
      web.close();
      await registered.stopAll();
      await harness.close();
      if (!options.store) await store.close();
    },
  };
}
