// ARM resource ids and the few facts the portal reads from them.

export const subscriptionId = "00000000-0000-0000-0000-000000000000";

export const apiVersions = {
  webPubSub: "2024-03-01",
  web: "2025-05-01",
} as const;

export interface ParsedId {
  readonly subscription: string;
  readonly resourceGroup: string;
  readonly provider: string;
  /** e.g. `webPubSub`, `sites` (the first type segment after the provider). */
  readonly type: string;
  readonly name: string;
}

export function parseResourceId(id: string): ParsedId | null {
  const match =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)/i.exec(id);
  if (!match) return null;
  const [, subscription = "", resourceGroup = "", provider = "", type = "", name = ""] = match;
  return { subscription, resourceGroup, provider, type, name };
}

export type ResourceKind = "webPubSub" | "functionApp" | "webApp" | "plan" | "other";

export function resourceKind(type: string, kind?: string | null): ResourceKind {
  const t = type.toLowerCase();
  if (t === "microsoft.signalrservice/webpubsub") return "webPubSub";
  if (t === "microsoft.web/serverfarms") return "plan";
  if (t === "microsoft.web/sites")
    return (kind ?? "").toLowerCase().includes("functionapp") ? "functionApp" : "webApp";
  return "other";
}

export const kindLabels: Readonly<Record<ResourceKind, string>> = {
  webPubSub: "Web PubSub Service",
  functionApp: "Function App",
  webApp: "App Service",
  plan: "App Service plan",
  other: "Resource",
};

export function apiVersionFor(id: string): string {
  return parseResourceId(id)?.provider.toLowerCase() === "microsoft.web"
    ? apiVersions.web
    : apiVersions.webPubSub;
}
