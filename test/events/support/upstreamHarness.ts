// Test helpers for the event-handler tests: an HTTP upstream that counts its open connections,
// a dispatcher wired to a direct dialer, connection contexts, and a bounded wait.
import type http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { AccessKeyRing } from "../../../src/dataplane/domain/accessKeys.js";
import type { EventHandlerSettings, HubSettings } from "../../../src/dataplane/domain/hubSettings.js";
import type { EventConnectionContext } from "../../../src/dataplane/ports/upstreamEvents.js";
import {
  createUpstreamEvents,
  type UpstreamEventsDispatcher,
} from "../../../src/events/createUpstreamEvents.js";
import type { ManagedIdentityTokenIssuer } from "../../../src/events/managedIdentity.js";
import type { UpstreamSettings } from "../../../src/events/upstreamSettings.js";
import { createDirectDialer, type EgressDialer } from "../../../src/network/egressDialer.js";
import { TraceBus, type TraceRecord } from "../../../src/trace/traceBus.js";

export const testOrigin = "contoso-webpubsub.localhost:8080";
export const testKeys = {
  primary: "primary-key-0123456789abcdef0123456789abcdef",
  secondary: "secondary-key-0123456789abcdef0123456789abcd",
};

export interface CountedServer {
  readonly server: http.Server;
  readonly url: string;
  readonly port: number;
  /** TCP connections open on the server right now. */
  openConnections(): number;
  /** TCP connections accepted since start. */
  acceptedConnections(): number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0 and counts connections. */
export async function listenCounted(server: http.Server): Promise<CountedServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  server.on("connection", (socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    port,
    openConnections: () => sockets.size,
    acceptedConnections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface Harness {
  readonly events: UpstreamEventsDispatcher;
  readonly trace: TraceBus;
  readonly keys: AccessKeyRing;
  readonly hubs: Map<string, HubSettings>;
  setHandlers(hub: string, handlers: EventHandlerSettings[]): void;
  records(kind?: string): TraceRecord[];
}

export function createHarness(
  options: {
    settings?: Partial<UpstreamSettings>;
    dialer?: EgressDialer;
    tokenIssuer?: ManagedIdentityTokenIssuer;
  } = {},
): Harness {
  const trace = new TraceBus(10_000);
  const keys = new AccessKeyRing(testKeys);
  const hubs = new Map<string, HubSettings>();
  const events = createUpstreamEvents({
    resourceName: "contoso-webpubsub",
    keys,
    hubSettings: {
      get: (hub) =>
        hubs.get(hub.toLowerCase()) ?? {
          eventHandlers: [],
          anonymousConnectPolicy: "deny",
          webSocketKeepAliveIntervalInSeconds: 20,
        },
    },
    trace,
    dialer: options.dialer ?? createDirectDialer(),
    ...(options.tokenIssuer ? { tokenIssuer: options.tokenIssuer } : {}),
    settings: { retryDelaysMs: [50, 100, 150], ...options.settings },
  });
  return {
    events,
    trace,
    keys,
    hubs,
    setHandlers(hub, handlers) {
      hubs.set(hub.toLowerCase(), {
        eventHandlers: handlers,
        anonymousConnectPolicy: "deny",
        webSocketKeepAliveIntervalInSeconds: 20,
      });
    },
    records: (kind) => trace.snapshot((r) => kind === undefined || r.kind === kind),
  };
}

export function connectionContext(overrides: Partial<EventConnectionContext> = {}): EventConnectionContext {
  return {
    hub: "chat",
    connectionId: "conn-" + Math.random().toString(36).slice(2, 10),
    userId: "alice",
    subprotocol: "json.webpubsub.azure.v1",
    connectionState: null,
    origin: testOrigin,
    ...overrides,
  };
}

export const emptyConnectRequest = {
  claims: {},
  query: {},
  headers: {},
  subprotocols: [] as string[],
  clientCertificates: [] as { thumbprint: string; content: string }[],
};

/** Polls `check` every 10 ms until it is true, failing after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
