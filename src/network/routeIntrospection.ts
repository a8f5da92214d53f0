// Answers "from resource R, how does host H resolve and which path would a call take": the data
// behind the `/_wpslink/network/route` introspection endpoint, and a plain HTTP handler for it.
import type { IncomingMessage, ServerResponse } from "node:http";
import { aliasForPublicOutbound, aliasForVnetAddress } from "./addressPlan.js";
import type { ManagedNetwork } from "./managedNetwork.js";

export interface RouteExplanation {
  readonly resourceId: string;
  readonly host: string;
  readonly resolves: boolean;
  readonly path: "direct" | "public" | "private" | null;
  readonly records: readonly { name: string; type: string; value: string }[];
  /** The address the upstream sees as the source (a label), or null for direct/unresolved. */
  readonly sourceAddress: string | null;
  /** The real loopback address the socket is bound to. */
  readonly socketLocalAddress: string | null;
  readonly vnet: { readonly addressSpace: string; readonly serviceAddress: string } | null;
  readonly privateEndpoint: {
    readonly name: string;
    readonly address: string;
    readonly status: string;
  } | null;
  readonly reason: string;
}

export function explainRoute(network: ManagedNetwork, resourceId: string, host: string): RouteExplanation {
  const resolution = network.resolve(resourceId, host);
  const vnet = network.vnet(resourceId);
  const vnetView = vnet
    ? { addressSpace: vnet.addresses.addressSpace, serviceAddress: vnet.addresses.serviceAddress }
    : null;
  if (!resolution.found) {
    return {
      resourceId,
      host,
      resolves: false,
      path: null,
      records: [],
      sourceAddress: null,
      socketLocalAddress: null,
      vnet: vnetView,
      privateEndpoint: null,
      reason: resolution.reason,
    };
  }
  const isPrivate = resolution.path === "private";
  const emulated = resolution.path !== "direct" && vnet !== undefined;
  return {
    resourceId,
    host,
    resolves: true,
    path: resolution.path,
    records: resolution.records,
    sourceAddress: !emulated
      ? null
      : isPrivate
        ? vnet.addresses.serviceAddress
        : vnet.addresses.publicOutboundAddress,
    socketLocalAddress: !emulated
      ? null
      : isPrivate
        ? aliasForVnetAddress(vnet.addresses.serviceAddress)
        : aliasForPublicOutbound(vnet.addresses.index),
    vnet: vnetView,
    privateEndpoint: resolution.privateEndpoint
      ? {
          name: resolution.privateEndpoint.name,
          address: resolution.privateEndpoint.address,
          status: resolution.privateEndpoint.status,
        }
      : null,
    reason: resolution.reason,
  };
}

/**
 * Handles `GET {prefix}?resource=<ARM id>&host=<host name>` (prefix default
 * `/_wpslink/network/route`). Returns false when the request is not for it.
 */
export function handleRouteIntrospection(
  network: ManagedNetwork,
  request: IncomingMessage,
  response: ServerResponse,
  prefix = "/_wpslink/network/route",
): boolean {
  const url = new URL(request.url ?? "/", "http://localhost");
  if (url.pathname !== prefix) return false;
  const send = (status: number, body: unknown): void => {
    response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    response.end(JSON.stringify(body));
  };
  if (request.method !== "GET") {
    send(405, { error: { code: "MethodNotAllowed", message: `use GET on ${prefix}` } });
    return true;
  }
  const resourceId = url.searchParams.get("resource");
  const host = url.searchParams.get("host");
  if (!resourceId || !host) {
    send(400, {
      error: {
        code: "MissingParameter",
        message: `give both query parameters: ${prefix}?resource=<Web PubSub resource id>&host=<host name>`,
      },
    });
    return true;
  }
  if (!network.vnet(resourceId)) {
    send(404, { error: { code: "ResourceNotFound", message: `${resourceId} has no managed VNet` } });
    return true;
  }
  send(200, explainRoute(network, resourceId, host));
  return true;
}
