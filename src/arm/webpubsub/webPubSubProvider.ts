// Registers `Microsoft.SignalRService/webPubSub` on the ARM runtime and gives the composition
// root what it needs at start: make the default resource of `wpslink start` an ordinary ARM
// resource, and bring back the data planes of every persisted resource after a restart.
import type { AccessKeys } from "../../dataplane/domain/accessKeys.js";
import type { HubSettings } from "../../dataplane/domain/hubSettings.js";
import type { StoreTransaction } from "../../store/store.js";
import type { ArmCaller } from "../auth/armCaller.js";
import type { ArmRuntime } from "../runtime/armRuntime.js";
import { ensureResourceGroup } from "../runtime/resourceGroups.js";
import { actionRoutes } from "./actionRoutes.js";
import type { WebPubSubDataPlaneHost } from "./dataPlaneHost.js";
import { hubRoutes } from "./hubRoutes.js";
import { resourceRoutes } from "./resourceRoutes.js";
import {
  WebPubSubLifecycle,
  type LifecycleLog,
  type RestoreReport,
  type WebPubSubHooks,
} from "./webPubSubLifecycle.js";
import {
  hubKey,
  hubStoreType,
  nameIndexKey,
  systemDataFor,
  webPubSubId,
  webPubSubKey,
  webPubSubStoreType,
  type HubRecord,
  type WebPubSubRecord,
} from "./webPubSubModel.js";
import { findWebPubSub } from "./webPubSubRepository.js";

export interface WebPubSubProviderOptions {
  readonly host: WebPubSubDataPlaneHost;
  /** Host name put in `properties.hostName` and connection strings (e.g. `localhost`). */
  readonly publicHostname: string;
  readonly log?: LifecycleLog;
}

export interface DefaultResourceSpec {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  /** Used when the resource is created; an existing resource keeps its (possibly regenerated) keys. */
  readonly keys: AccessKeys;
  /**
   * Hubs from the config file, written at every start: the file wins for the hubs it names; hubs
   * created through ARM under other names are kept.
   */
  readonly hubs: ReadonlyMap<string, HubSettings>;
  /** The configured data-plane ports (they win over the stored ones at every start). */
  readonly httpPort: number;
  readonly httpsPort: number | null;
}

export interface DefaultResourceView {
  readonly id: string;
  readonly keys: AccessKeys;
  readonly httpPort: number;
  readonly httpsPort: number | null;
  /** True when this start created it. */
  readonly created: boolean;
}

export interface WebPubSubProvider {
  /** For providers of child resources: embed properties, clean up on delete. */
  addHooks(hooks: WebPubSubHooks): void;
  /** Creates the default resource if absent and starts its data plane on the configured ports. */
  ensureDefaultResource(spec: DefaultResourceSpec): Promise<DefaultResourceView>;
  /** Starts the data plane of every other persisted resource, on its previous ports when free (call once at start). */
  restore(): Promise<RestoreReport>;
  /** Stops every data plane (shutdown). */
  stopAll(): Promise<void>;
}

const startupCaller: ArmCaller = { id: "wpslink", name: "wpslink start", type: "Application", claims: {} };

/** Writes the hubs named in the configuration (the config file wins for the hubs it names). */
async function putConfiguredHubs(
  tx: StoreTransaction,
  record: WebPubSubRecord,
  hubs: ReadonlyMap<string, HubSettings>,
): Promise<void> {
  const key = webPubSubKey(record.subscriptionId, record.resourceGroup, record.name);
  for (const [hubName, settings] of hubs) {
    const previous = (await tx.get<HubRecord>(hubKey(key, hubName)))?.value;
    const hub: HubRecord = {
      id: `${record.id}/hubs/${previous?.name ?? hubName}`,
      name: previous?.name ?? hubName,
      properties: {
        eventHandlers: settings.eventHandlers.map((h) => ({ ...h })),
        eventListeners: [],
        anonymousConnectPolicy: settings.anonymousConnectPolicy,
        webSocketKeepAliveIntervalInSeconds: settings.webSocketKeepAliveIntervalInSeconds,
      },
      systemData: systemDataFor(startupCaller, previous?.systemData),
    };
    await tx.put(hubKey(key, hubName), hubStoreType, hub);
  }
}

export function registerWebPubSubProvider(
  runtime: ArmRuntime,
  options: WebPubSubProviderOptions,
): WebPubSubProvider {
  const store = runtime.store;
  const lifecycle = new WebPubSubLifecycle(
    store,
    options.host,
    { hostName: options.publicHostname },
    options.log,
  );
  runtime.routes.add(...resourceRoutes(lifecycle), ...hubRoutes(lifecycle), ...actionRoutes(lifecycle));

  return {
    addHooks: (hooks) => lifecycle.addHooks(hooks),
    async ensureDefaultResource(spec) {
      const key = webPubSubKey(spec.subscriptionId, spec.resourceGroup, spec.name);
      const { record, created } = await store.transaction(async (tx) => {
        const existing = await findWebPubSub(tx, spec.subscriptionId, spec.resourceGroup, spec.name);
        const ports = { http: spec.httpPort, https: spec.httpsPort };
        if (existing) {
          const next: WebPubSubRecord = { ...existing, ports };
          await tx.put(key, webPubSubStoreType, next);
          await putConfiguredHubs(tx, next, spec.hubs);
          return { record: next, created: false };
        }
        const owner = await tx.get<{ key: string }>(nameIndexKey(spec.name));
        if (owner && owner.value.key !== key) {
          throw new Error(
            `the default resource name '${spec.name}' is taken by ${owner.value.key}; choose another name in the configuration`,
          );
        }
        const group = await ensureResourceGroup(tx, spec.subscriptionId, spec.resourceGroup, spec.location);
        const systemData = systemDataFor(startupCaller);
        const next: WebPubSubRecord = {
          id: webPubSubId(spec.subscriptionId, group.name, spec.name),
          subscriptionId: spec.subscriptionId,
          resourceGroup: group.name,
          name: spec.name,
          location: spec.location,
          tags: { "wpslink-default": "true" },
          kind: "WebPubSub",
          sku: { name: "Standard_S1", tier: "Standard", size: "S1", capacity: 1 },
          provisioningState: "Succeeded",
          properties: {
            publicNetworkAccess: "Enabled",
            disableLocalAuth: false,
            disableAadAuth: false,
            tls: { clientCertEnabled: false },
            regionEndpointEnabled: "Enabled",
            resourceStopped: "false",
          },
          keys: spec.keys,
          ports,
          systemData,
        };
        await tx.put(key, webPubSubStoreType, next);
        await tx.put(nameIndexKey(spec.name), "wpslink/name-index", { key });
        await putConfiguredHubs(tx, next, spec.hubs);
        return { record: next, created: true };
      });
      // The configured ports are not negotiable: a taken port fails the start loudly.
      const running = await lifecycle.ensureRunning(record, { fallbackToFreePorts: false });
      return {
        id: running.id,
        keys: running.keys,
        httpPort: running.ports.http,
        httpsPort: running.ports.https,
        created,
      };
    },
    async restore() {
      return lifecycle.restore();
    },
    stopAll: () => lifecycle.stopAll(),
  };
}
