// Hub settings as ARM models them (`Microsoft.SignalRService/webPubSub/hubs`). The data plane and
// the events dispatcher read them through `HubSettingsSource`; the config file supplies them for
// the default resource until ARM hub resources take over.

export type SystemEventName = "connect" | "connected" | "disconnected";

export type EventHandlerAuth =
  | { readonly type: "None" }
  | { readonly type: "ManagedIdentity"; readonly managedIdentity: { readonly resource: string } };

export interface EventHandlerSettings {
  readonly urlTemplate: string;
  /** `*`, a comma list, or empty/undefined for no user events. */
  readonly userEventPattern?: string;
  readonly systemEvents?: readonly SystemEventName[];
  readonly auth?: EventHandlerAuth;
}

export interface HubSettings {
  readonly eventHandlers: readonly EventHandlerSettings[];
  /** Default "deny". */
  readonly anonymousConnectPolicy: "allow" | "deny";
  /** 1–120, default 20. */
  readonly webSocketKeepAliveIntervalInSeconds: number;
}

export const defaultHubSettings: HubSettings = {
  eventHandlers: [],
  anonymousConnectPolicy: "deny",
  webSocketKeepAliveIntervalInSeconds: 20,
};

/** Where the live settings of a resource's hubs come from; hub names are case-insensitive. */
export interface HubSettingsSource {
  get(hub: string): HubSettings;
}
