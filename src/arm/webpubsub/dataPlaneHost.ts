// The port through which the webPubSub provider runs real data planes. The composition root
// implements it with `startResourceDataPlane` (one WebSocket/REST listener per resource); unit
// tests use a fake that records calls. Resource ids are passed as stored (ARM casing).
import type { AccessKeys } from "../../dataplane/domain/accessKeys.js";
import type { HubSettings } from "../../dataplane/domain/hubSettings.js";

/** Settings of a resource that its data plane may enforce. */
export interface DataPlaneAccessSettings {
  /** `true` refuses access-key based auth (client tokens signed with keys, REST with keys). */
  readonly disableLocalAuth: boolean;
  readonly publicNetworkAccess: "Enabled" | "Disabled";
}

export interface WebPubSubDataPlaneSpec {
  readonly resourceId: string;
  readonly name: string;
  readonly keys: AccessKeys;
  /** Hub name (caller's casing) → live settings. */
  readonly hubs: ReadonlyMap<string, HubSettings>;
  readonly access: DataPlaneAccessSettings;
  /** Ports to bind; 0 picks a free one. A restart asks for the ports the resource had before. */
  readonly httpPort: number;
  readonly httpsPort: number;
}

export interface StartedDataPlane {
  readonly httpPort: number;
  /** null when the host serves the resource over HTTP only. */
  readonly httpsPort: number | null;
}

export interface WebPubSubDataPlaneHost {
  /** Starts the data plane of a resource; rejects when it cannot (e.g. port in use). */
  start(spec: WebPubSubDataPlaneSpec): Promise<StartedDataPlane>;
  /** Closes its connections and frees its ports; a no-op for an unknown id. */
  stop(resourceId: string): Promise<void>;
  /** New keys take effect at once: tokens signed with a replaced key are refused from now on. */
  setKeys(resourceId: string, keys: AccessKeys): Promise<void>;
  /** Replaces every hub's live settings (hubs absent from the map get the defaults). */
  setHubs(resourceId: string, hubs: ReadonlyMap<string, HubSettings>): Promise<void>;
  /** Applies access settings; hosts that cannot enforce them must say so in their docs. */
  setAccess(resourceId: string, access: DataPlaneAccessSettings): Promise<void>;
}
