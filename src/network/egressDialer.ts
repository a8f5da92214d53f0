// The one door out of a Web PubSub resource: every outbound connection the service makes to an
// upstream (event handlers) is opened by an `EgressDialer`. The direct dialer below opens plain
// TCP/TLS connections; the shared-private-endpoint layer wraps or replaces it to route a target
// host over a private endpoint (binding the socket to the resource's VNet alias). Callers learn
// from the `DialRoute` which way the connection went, so the live trace can say it.
import net from "node:net";
import tls from "node:tls";

/** Where to connect. `host` is the name from the upstream URL (never a rewritten address). */
export interface DialTarget {
  readonly protocol: "http:" | "https:";
  readonly host: string;
  readonly port: number;
  /** TLS server name; defaults to `host` when it is a name (not an IP literal). */
  readonly servername?: string;
}

/** Which network path a connection took: no emulated network, the public internet, or a private endpoint. */
export type DialPath = "direct" | "public" | "private";

export interface DialRoute {
  readonly path: DialPath;
  /** Address and port of our end of the socket (the source address the upstream sees). */
  readonly localAddress: string;
  readonly localPort: number;
  /** Address and port actually connected to (after name resolution or private-endpoint mapping). */
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Optional words on why this path was chosen (e.g. the private endpoint's name). */
  readonly note?: string;
}

export interface DialedSocket {
  readonly socket: net.Socket;
  readonly route: DialRoute;
}

export type DialCallback = (error: Error | null, dialed: DialedSocket | null) => void;

export interface EgressDialer {
  /** Opens a connection; calls back exactly once with the connected (for https: TLS-established) socket. */
  connect(target: DialTarget, callback: DialCallback): void;
  /**
   * Optional: tells callers that routes changed (a private endpoint was approved or removed) so
   * they drop pooled keep-alive connections and dial again. Returns an unsubscribe function.
   */
  onRoutesChanged?(listener: () => void): () => void;
}

export interface DirectDialerOptions {
  /** PEM of an extra CA to trust for TLS (the local CA), on top of Node's default roots. */
  readonly ca?: string;
  /** Time allowed to establish the TCP (and TLS) connection. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Source address to bind (used by network layers that dial from a VNet alias). */
  readonly localAddress?: string;
  /** Path reported in the route; default "direct". */
  readonly path?: DialPath;
}

/** A dialer that connects straight to the target host. */
export function createDirectDialer(options: DirectDialerOptions = {}): EgressDialer {
  const ca = options.ca ? [...tls.rootCertificates, options.ca] : undefined;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const path = options.path ?? "direct";
  return {
    connect(target, callback) {
      dialSocket(target, { ca, connectTimeoutMs, path, localAddress: options.localAddress }, callback);
    },
  };
}

interface DialSettings {
  readonly ca: string[] | undefined;
  readonly connectTimeoutMs: number;
  readonly path: DialPath;
  readonly localAddress: string | undefined;
}

function dialSocket(target: DialTarget, settings: DialSettings, callback: DialCallback): void {
  let settled = false;
  const base = {
    host: target.host,
    port: target.port,
    ...(settings.localAddress ? { localAddress: settings.localAddress } : {}),
  };
  const socket: net.Socket =
    target.protocol === "https:"
      ? tls.connect({
          ...base,
          servername: target.servername ?? (net.isIP(target.host) ? undefined : target.host),
          ALPNProtocols: ["http/1.1"],
          ...(settings.ca ? { ca: settings.ca } : {}),
        })
      : net.connect(base);
  const finish = (error: Error | null): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.off("error", finish);
    if (error) {
      socket.destroy();
      callback(error, null);
      return;
    }
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    callback(null, {
      socket,
      route: {
        path: settings.path,
        localAddress: socket.localAddress ?? "",
        localPort: socket.localPort ?? 0,
        remoteAddress: socket.remoteAddress ?? "",
        remotePort: socket.remotePort ?? 0,
      },
    });
  };
  const timer = setTimeout(() => {
    const error = new Error(
      `connecting to ${target.host}:${target.port} timed out after ${settings.connectTimeoutMs} ms`,
    ) as NodeJS.ErrnoException;
    error.code = "ETIMEDOUT";
    finish(error);
  }, settings.connectTimeoutMs);
  socket.once("error", finish);
  socket.once(target.protocol === "https:" ? "secureConnect" : "connect", () => finish(null));
}
