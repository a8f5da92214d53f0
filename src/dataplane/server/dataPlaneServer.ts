// The data-plane listener of one Web PubSub resource: HTTP (and optionally HTTPS) where WebSocket
// upgrades on `/client/...` become client connections and every other request goes to the REST
// handler. It owns this node's connections and exposes them as `HubOperations`.
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { createInProcessFanout } from "../../fanout/inProcessFanout.js";
import type { Fanout } from "../../fanout/fanout.js";
import type { TraceBus } from "../../trace/traceBus.js";
import { ConnectionRegistry } from "../connections/connectionRegistry.js";
import { InboundMessages } from "../connections/inboundMessages.js";
import { LocalHubOperations } from "../connections/localHubOperations.js";
import { defaultReliableLimits, type ReliableLimits } from "../connections/reliableBuffer.js";
import type { AccessKeyRing } from "../domain/accessKeys.js";
import type { HubOperations } from "../domain/hubOperations.js";
import type { HubSettingsSource } from "../domain/hubSettings.js";
import type { RestHandler } from "../ports/restHandler.js";
import type { UpstreamEvents } from "../ports/upstreamEvents.js";
import { openClientAccess, type ClientAccessSettings } from "./clientAccess.js";
import { ClientUpgrades, chosenSubprotocols, type ListenerInfo } from "./clientUpgrade.js";
import { startKeepAlive } from "./keepAlive.js";

export type { ClientAccessSettings } from "./clientAccess.js";

/** The service's client message limit (1 MB); larger messages close the socket with 1009. */
export const maxClientMessageBytes = 1024 * 1024;
/** Close code for every client when the service shuts down (RFC 6455 "going away"). */
export const goingAwayCloseCode = 1001;

export interface DataPlaneServerOptions {
  readonly resourceName: string;
  readonly keys: AccessKeyRing;
  readonly hubSettings: HubSettingsSource;
  readonly upstream: UpstreamEvents;
  readonly trace: TraceBus;
  readonly host: string;
  /** 0 picks a free port. */
  readonly httpPort: number;
  readonly publicHostname: string;
  /** Receives every non-upgrade HTTP request; absent → 404 JSON. */
  readonly restHandler?: RestHandler;
  readonly https?: { readonly port: number; readonly key: string; readonly cert: string };
  /** Default: in-process. */
  readonly fanout?: Fanout;
  /** How long a dropped reliable connection waits for recovery (default 30 s). */
  readonly recoveryWindowMs?: number;
  /** Unsent bytes a socket may hold before it is dropped as a slow client (default 16 MiB). */
  readonly outboxLimitBytes?: number;
  readonly reliableLimits?: ReliableLimits;
  /**
   * The resource's `publicNetworkAccess` / `disableLocalAuth`, read on every client upgrade so a
   * change applies to the next one (default: open). Connections already open are kept.
   */
  readonly access?: () => ClientAccessSettings;
}

export interface DataPlaneServer {
  start(): Promise<{ httpPort: number; httpsPort: number | null }>;
  hubs(hub: string): HubOperations;
  connectionCount(): number;
  /** Ends every connection (close code 1001), then stops listening. */
  close(): Promise<void>;
}

const closeGraceMs = 1000;

export function createDataPlaneServer(options: DataPlaneServerOptions): DataPlaneServer {
  const fanout = options.fanout ?? createInProcessFanout();
  const registry = new ConnectionRegistry({
    resourceName: options.resourceName,
    upstream: options.upstream,
    trace: options.trace,
    fanout,
    recoveryWindowMs: options.recoveryWindowMs ?? 30_000,
    outboxLimitBytes: options.outboxLimitBytes ?? 16 * 1024 * 1024,
    reliableLimits: options.reliableLimits ?? defaultReliableLimits,
  });
  const inbound = new InboundMessages({
    resourceName: options.resourceName,
    registry,
    upstream: options.upstream,
    fanout,
    trace: options.trace,
  });
  const webSockets = new WebSocketServer({
    noServer: true,
    maxPayload: maxClientMessageBytes,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (_offered, request) => chosenSubprotocols.get(request) ?? false,
  });
  const ports = { http: 0, https: null as number | null };
  const upgrades = new ClientUpgrades({
    resourceName: options.resourceName,
    keys: options.keys,
    hubSettings: options.hubSettings,
    upstream: options.upstream,
    trace: options.trace,
    registry,
    inbound,
    webSockets,
    publicHostname: options.publicHostname,
    access: options.access ?? (() => openClientAccess),
    serviceHosts: () => [
      `${options.publicHostname}:${ports.http}`,
      ...(ports.https === null ? [] : [`${options.publicHostname}:${ports.https}`]),
    ],
  });
  const upgradedSockets = new Set<Duplex>();
  let stopKeepAlive: (() => void) | undefined;

  const onRequest = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    if (options.restHandler) {
      try {
        options.restHandler(request, response);
      } catch (error) {
        // A fault in one request must not take the listener down.
        if (!response.headersSent) {
          const message = error instanceof Error ? error.message : String(error);
          response
            .writeHead(500, { "Content-Type": "application/json; charset=utf-8" })
            .end(JSON.stringify({ code: "InternalServerError", message }));
        } else {
          response.destroy();
        }
      }
      return;
    }
    const body = JSON.stringify({
      code: "NotFound",
      message: `No resource at ${request.method} ${request.url}`,
    });
    response.writeHead(404, { "Content-Type": "application/json; charset=utf-8" }).end(body);
  };
  const onUpgrade =
    (listener: () => ListenerInfo) => (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      // An upgrade socket has no error listener of the HTTP server any more; a reset must not crash us.
      socket.on("error", () => undefined);
      upgradedSockets.add(socket);
      socket.once("close", () => upgradedSockets.delete(socket));
      upgrades.handle(request, socket, head, listener());
    };

  const httpServer = http.createServer(onRequest);
  httpServer.on(
    "upgrade",
    onUpgrade(() => ({ scheme: "http", port: ports.http })),
  );
  const httpsServer = options.https
    ? https.createServer({ key: options.https.key, cert: options.https.cert }, onRequest)
    : null;
  httpsServer?.on(
    "upgrade",
    onUpgrade(() => ({ scheme: "https", port: ports.https ?? 0 })),
  );

  const listen = (server: http.Server, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, options.host, () => {
        server.off("error", reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stop = (server: http.Server): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    async start() {
      ports.http = await listen(httpServer, options.httpPort);
      if (httpsServer && options.https) ports.https = await listen(httpsServer, options.https.port);
      stopKeepAlive = startKeepAlive(registry, options.hubSettings);
      return { httpPort: ports.http, httpsPort: ports.https };
    },
    hubs(hub: string): HubOperations {
      // Cheap and stateless: made per call so unknown hub names leave nothing behind.
      return new LocalHubOperations(hub, registry, fanout);
    },
    connectionCount: () => registry.count(),
    async close() {
      stopKeepAlive?.();
      upgrades.stop();
      registry.endAll(goingAwayCloseCode, "ServiceReload: the service is shutting down");
      registry.close();
      // Give clients a moment to answer the close frames, then drop what is left.
      const deadline = Date.now() + closeGraceMs;
      while (upgradedSockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const socket of upgradedSockets) socket.destroy();
      await Promise.all([stop(httpServer), httpsServer ? stop(httpsServer) : Promise.resolve()]);
      if (!options.fanout) await fanout.close();
    },
  };
}
