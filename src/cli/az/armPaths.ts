// ARM resource paths and the api-versions the Azure CLI sends for them.

export const apiVersions = {
  /** azure-mgmt-webpubsub as vendored by the az webpubsub extension; also @azure/arm-webpubsub 1.2.0. */
  webPubSub: "2024-03-01",
  /** azure-mgmt-web as used by az appservice/webapp/functionapp. */
  web: "2024-04-01",
  /** azure-mgmt-resource (az group). */
  resources: "2022-09-01",
} as const;

const seg = encodeURIComponent;

export function resourceGroupPath(subscription: string, group: string): string {
  return `/subscriptions/${seg(subscription)}/resourceGroups/${seg(group)}`;
}

export function webPubSubPath(subscription: string, group: string, name: string): string {
  return `${resourceGroupPath(subscription, group)}/providers/Microsoft.SignalRService/webPubSub/${seg(name)}`;
}

export function webPubSubListPath(subscription: string, group?: string): string {
  return group
    ? `${resourceGroupPath(subscription, group)}/providers/Microsoft.SignalRService/webPubSub`
    : `/subscriptions/${seg(subscription)}/providers/Microsoft.SignalRService/webPubSub`;
}

export function webProviderPath(
  subscription: string,
  group: string | undefined,
  type: "sites" | "serverfarms",
): string {
  return group
    ? `${resourceGroupPath(subscription, group)}/providers/Microsoft.Web/${type}`
    : `/subscriptions/${seg(subscription)}/providers/Microsoft.Web/${type}`;
}

export function sitePath(subscription: string, group: string, name: string): string {
  return `${webProviderPath(subscription, group, "sites")}/${seg(name)}`;
}

export function planPath(subscription: string, group: string, name: string): string {
  return `${webProviderPath(subscription, group, "serverfarms")}/${seg(name)}`;
}

/** Parts of a (possibly child) ARM resource id. */
export interface ParsedResourceId {
  readonly subscription: string;
  readonly resourceGroup: string;
  readonly namespace: string;
  readonly type: string;
  readonly name: string;
  /** Child type/name pairs after the top-level resource. */
  readonly children: readonly { type: string; name: string }[];
}

export function parseResourceId(id: string): ParsedResourceId | undefined {
  const match =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)((?:\/[^/]+\/[^/]+)*)\/?$/i.exec(
      id,
    );
  if (!match) return undefined;
  const rest = (match[6] ?? "").split("/").filter(Boolean);
  const children: { type: string; name: string }[] = [];
  for (let i = 0; i + 1 < rest.length; i += 2)
    children.push({ type: rest[i]!, name: decodeURIComponent(rest[i + 1]!) });
  return {
    subscription: match[1]!,
    resourceGroup: decodeURIComponent(match[2]!),
    namespace: match[3]!,
    type: match[4]!,
    name: decodeURIComponent(match[5]!),
    children,
  };
}
