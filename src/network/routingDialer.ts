// The egress dialer of one Web PubSub resource inside the emulated network. A call to
// `{site}.azurewebsites.net` goes to the site front end; the socket is bound to the loopback alias
// of the resource's VNet address when the name resolves to an approved private endpoint (path
// `private`), otherwise to the alias of the resource's public outbound address (path `public`).
// The front end reads that peer address back, so the path is a property of the TCP connection.
// Every other host is dialled directly.
import { aliasForPublicOutbound, aliasForVnetAddress } from "./addressPlan.js";
import {
  createDirectDialer,
  type DialCallback,
  type DialPath,
  type DialTarget,
  type EgressDialer,
} from "./egressDialer.js";
import type { ManagedNetwork } from "./managedNetwork.js";

/** Where the emulated App Service front end listens (real loopback sockets). */
export interface SiteFrontEndpoint {
  readonly host: string;
  readonly httpPort: number;
  readonly httpsPort: number;
}

export interface RoutingDialerOptions {
  readonly network: ManagedNetwork;
  readonly resourceId: string;
  /** The front end, or a function giving it (it may start after the dialer is built). */
  readonly siteFront: SiteFrontEndpoint | (() => SiteFrontEndpoint | undefined);
  /** Extra CA (the local CA) trusted for TLS, including the front end's `*.azurewebsites.net`. */
  readonly ca?: string;
  readonly connectTimeoutMs?: number;
  /** Dialer for hosts outside the emulated network; default a direct dialer with the same CA. */
  readonly direct?: EgressDialer;
}

function dialError(code: string, message: string): NodeJS.ErrnoException {
  const error = new Error(message) as NodeJS.ErrnoException;
  error.code = code;
  return error;
}

export function createRoutingDialer(options: RoutingDialerOptions): EgressDialer {
  const { network, resourceId } = options;
  // The resource has its VNet (and so its addresses) from the moment it can dial.
  network.attachResource(resourceId);
  const base = { ca: options.ca, connectTimeoutMs: options.connectTimeoutMs };
  const direct = options.direct ?? createDirectDialer(base);
  const bound = new Map<string, EgressDialer>();
  const boundDialer = (localAddress: string, path: DialPath): EgressDialer => {
    const cacheKey = `${path} ${localAddress}`;
    let dialer = bound.get(cacheKey);
    if (!dialer) {
      dialer = createDirectDialer({ ...base, localAddress, path });
      bound.set(cacheKey, dialer);
    }
    return dialer;
  };
  const front = (): SiteFrontEndpoint | undefined =>
    typeof options.siteFront === "function" ? options.siteFront() : options.siteFront;

  return {
    connect(target: DialTarget, callback: DialCallback): void {
      const resolution = network.resolve(resourceId, target.host);
      if (!resolution.found) {
        callback(dialError("ENOTFOUND", `getaddrinfo ENOTFOUND ${target.host}: ${resolution.reason}`), null);
        return;
      }
      if (resolution.path === "direct") {
        direct.connect(target, callback);
        return;
      }
      const endpoint = front();
      if (!endpoint) {
        callback(
          dialError("ECONNREFUSED", `the site front end is not running; cannot reach ${target.host}`),
          null,
        );
        return;
      }
      const defaultPort = target.protocol === "https:" ? 443 : 80;
      if (target.port !== defaultPort) {
        callback(
          dialError(
            "ECONNREFUSED",
            `${target.host} answers only on port 80 (http) and 443 (https), as App Service does; port ${target.port} refused`,
          ),
          null,
        );
        return;
      }
      const vnet = network.attachResource(resourceId);
      const isPrivate = resolution.path === "private";
      const source = isPrivate ? vnet.addresses.serviceAddress : vnet.addresses.publicOutboundAddress;
      const alias = isPrivate
        ? aliasForVnetAddress(vnet.addresses.serviceAddress)
        : aliasForPublicOutbound(vnet.addresses.index);
      const note = isPrivate
        ? `private endpoint ${resolution.privateEndpoint?.name ?? "?"}: ${source} → ${resolution.address} (${target.host} → ${resolution.siteName}.privatelink.azurewebsites.net)`
        : `public: ${source} → ${resolution.address} (${resolution.reason})`;
      boundDialer(alias, resolution.path).connect(
        {
          protocol: target.protocol,
          host: endpoint.host,
          port: target.protocol === "https:" ? endpoint.httpsPort : endpoint.httpPort,
          servername: target.servername ?? target.host,
        },
        (error, dialed) => {
          if (error || !dialed) {
            callback(error ?? new Error("dialer returned no socket"), null);
            return;
          }
          callback(null, { socket: dialed.socket, route: { ...dialed.route, note } });
        },
      );
    },
    onRoutesChanged(listener: () => void): () => void {
      return network.onRoutesChanged(resourceId, listener);
    },
  };
}
