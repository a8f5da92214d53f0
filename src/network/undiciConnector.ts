// Lets undici open its connections through an `EgressDialer`: the returned function is undici's
// `connect` option (a `buildConnector.connector`). `onDialed` hears the route of every socket.
import type { Socket } from "node:net";
import type { buildConnector } from "undici";
import type { DialRoute, EgressDialer } from "./egressDialer.js";

export function undiciConnectorFor(
  dialer: EgressDialer,
  onDialed?: (socket: Socket, route: DialRoute) => void,
): buildConnector.connector {
  return (options, callback) => {
    const protocol = options.protocol === "https:" ? "https:" : "http:";
    const port = options.port ? Number(options.port) : protocol === "https:" ? 443 : 80;
    // undici passes IPv6 literals bracketed in `hostname`.
    const host = options.hostname.replace(/^\[(.*)\]$/, "$1");
    dialer.connect(
      { protocol, host, port, ...(options.servername ? { servername: options.servername } : {}) },
      (error, dialed) => {
        if (error || !dialed) {
          callback(error ?? new Error("dialer returned no socket"), null);
          return;
        }
        onDialed?.(dialed.socket, dialed.route);
        callback(null, dialed.socket);
      },
    );
  };
}
