// Test helpers for the data-plane server: a server on 127.0.0.1:0 with a scriptable upstream
// that records every event, client tokens minted with jose, and raw `ws` clients that collect
// what they receive. Every wait is bounded.
import { SignJWT } from "jose";
import { WebSocket, type RawData } from "ws";
import { AccessKeyRing } from "../../../src/dataplane/domain/accessKeys.js";
import { defaultHubSettings, type HubSettings } from "../../../src/dataplane/domain/hubSettings.js";
import type { MessagePayload } from "../../../src/dataplane/domain/messages.js";
import type {
  ConnectOutcome,
  ConnectRequest,
  EventConnectionContext,
  UpstreamEvents,
  UserEventOutcome,
} from "../../../src/dataplane/ports/upstreamEvents.js";
import {
  createDataPlaneServer,
  type DataPlaneServer,
  type DataPlaneServerOptions,
} from "../../../src/dataplane/server/dataPlaneServer.js";
import { createRestHandler } from "../../../src/dataplane/rest/restHandler.js";
import { TraceBus } from "../../../src/trace/traceBus.js";

export const testKeys = {
  primary: "dataplane-primary-key-0123456789abcdefghijkl",
  secondary: "dataplane-secondary-key-0123456789abcdefghij",
};

export interface RecordedEvent {
  readonly kind: "connect" | "connected" | "disconnected" | "userEvent";
  readonly context: EventConnectionContext;
  readonly event?: string;
  readonly payload?: MessagePayload;
  readonly reason?: string;
  readonly request?: ConnectRequest;
}

/** An upstream whose answers the test sets; it records every call. */
export class ScriptedUpstream implements UpstreamEvents {
  readonly events: RecordedEvent[] = [];
  connectAnswer: ((context: EventConnectionContext, request: ConnectRequest) => ConnectOutcome) | null = null;
  userEventAnswer: (
    context: EventConnectionContext,
    event: string,
    payload: MessagePayload,
  ) => UserEventOutcome = () => ({ kind: "noHandler" });

  handlesConnect(): boolean {
    return this.connectAnswer !== null;
  }

  async connect(context: EventConnectionContext, request: ConnectRequest): Promise<ConnectOutcome> {
    this.events.push({ kind: "connect", context, request });
    return this.connectAnswer ? this.connectAnswer(context, request) : { kind: "noHandler" };
  }

  connected(context: EventConnectionContext): void {
    this.events.push({ kind: "connected", context });
  }

  disconnected(context: EventConnectionContext, reason: string): void {
    this.events.push({ kind: "disconnected", context, reason });
  }

  async userEvent(
    context: EventConnectionContext,
    event: string,
    payload: MessagePayload,
  ): Promise<UserEventOutcome> {
    this.events.push({ kind: "userEvent", context, event, payload });
    return this.userEventAnswer(context, event, payload);
  }

  of(kind: RecordedEvent["kind"], connectionId?: string): RecordedEvent[] {
    return this.events.filter(
      (event) =>
        event.kind === kind && (connectionId === undefined || event.context.connectionId === connectionId),
    );
  }
}

export interface TestServer {
  readonly server: DataPlaneServer;
  readonly upstream: ScriptedUpstream;
  readonly trace: TraceBus;
  readonly keys: AccessKeyRing;
  readonly hubs: Map<string, HubSettings>;
  readonly port: number;
  readonly httpsPort: number | null;
  /** `http://localhost:{port}` */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Starts a server; `withRest` wires the project's REST handler so the server SDK can call it. */
export async function startTestServer(
  overrides: Partial<DataPlaneServerOptions> = {},
  withRest = false,
): Promise<TestServer> {
  const upstream = new ScriptedUpstream();
  const trace = new TraceBus();
  const keys = new AccessKeyRing(testKeys);
  const hubs = new Map<string, HubSettings>();
  const holder: { server?: DataPlaneServer } = {};
  const restHandler = withRest
    ? createRestHandler({
        hubs: (hub) => (holder.server as DataPlaneServer).hubs(hub),
        keys,
        trace,
        resourceName: "contoso-webpubsub",
        skipApiVersionCheck: false,
      })
    : undefined;
  const server = createDataPlaneServer({
    resourceName: "contoso-webpubsub",
    keys,
    hubSettings: { get: (hub) => hubs.get(hub.toLowerCase()) ?? defaultHubSettings },
    upstream,
    trace,
    host: "127.0.0.1",
    httpPort: 0,
    publicHostname: "localhost",
    ...(restHandler ? { restHandler } : {}),
    ...overrides,
  });
  holder.server = server;
  const started = await server.start();
  return {
    server,
    upstream,
    trace,
    keys,
    hubs,
    port: started.httpPort,
    httpsPort: started.httpsPort,
    endpoint: `http://localhost:${started.httpPort}`,
    close: () => server.close(),
  };
}

export interface TokenOptions {
  readonly audience?: string;
  readonly userId?: string;
  readonly roles?: string[] | string;
  readonly groups?: string[] | string;
  readonly key?: string;
  /** Seconds from now; negative = already expired. */
  readonly expiresIn?: number;
  readonly omitExpiry?: boolean;
}

export async function mintToken(port: number, hub: string, options: TokenOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = {};
  if (options.roles !== undefined) claims.role = options.roles;
  if (options.groups !== undefined) claims["webpubsub.group"] = options.groups;
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setAudience(options.audience ?? `http://localhost:${port}/client/hubs/${hub}`);
  if (options.userId !== undefined) jwt = jwt.setSubject(options.userId);
  if (!options.omitExpiry)
    jwt = jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresIn ?? 3600));
  return jwt.sign(Buffer.from(options.key ?? testKeys.primary, "utf8"));
}

/** A raw `ws` client that keeps every frame and the close it saw. */
export class RawClient {
  readonly frames: { data: Buffer; isBinary: boolean }[] = [];
  closed: { code: number; reason: string } | null = null;
  readonly opened: Promise<void>;
  private readonly closedPromise: Promise<{ code: number; reason: string }>;

  constructor(
    readonly socket: WebSocket,
    /** The status of a refused handshake, once known. */
    readonly refusal: Promise<{ status: number; body: string } | null>,
  ) {
    socket.on("message", (data: RawData, isBinary: boolean) => {
      this.frames.push({ data: data as Buffer, isBinary });
    });
    this.closedPromise = new Promise((resolve) => {
      socket.on("close", (code, reason) => {
        this.closed = { code, reason: reason.toString() };
        resolve(this.closed);
      });
    });
    this.opened = new Promise((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    // Refused handshakes are expected in many tests; only an awaited `opened` reports them.
    this.opened.catch(() => undefined);
  }

  /** Parsed JSON of every text frame so far. */
  json(): Record<string, unknown>[] {
    return this.frames
      .filter((f) => !f.isBinary)
      .map((f) => JSON.parse(f.data.toString("utf8")) as Record<string, unknown>);
  }

  send(value: unknown): void {
    this.socket.send(typeof value === "string" ? value : JSON.stringify(value));
  }

  async waitForJson(
    predicate: (message: Record<string, unknown>) => boolean,
    timeoutMs = 5000,
  ): Promise<Record<string, unknown>> {
    let found: Record<string, unknown> | undefined;
    await waitFor(() => (found = this.json().find(predicate)) !== undefined, timeoutMs);
    return found as Record<string, unknown>;
  }

  waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    return withTimeout(this.closedPromise, timeoutMs, "the socket to close");
  }

  close(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.terminate();
    }
  }
}

/** Opens a raw client; `protocols` may be empty for a plain WebSocket client. */
export function openRaw(
  url: string,
  protocols: string[] = [],
  headers: Record<string, string> = {},
): RawClient {
  const socket = new WebSocket(url, protocols, { headers, maxPayload: 8 * 1024 * 1024 });
  const refusal = new Promise<{ status: number; body: string } | null>((resolve) => {
    socket.once("open", () => resolve(null));
    socket.once("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.once("error", () => undefined);
  });
  socket.on("error", () => undefined);
  return new RawClient(socket, refusal);
}

/** Connects and waits for the `connected` system message of a subprotocol client. */
export async function connectJson(
  testServer: TestServer,
  hub: string,
  token: TokenOptions = {},
  protocol = "json.webpubsub.azure.v1",
): Promise<{ client: RawClient; connectionId: string; connected: Record<string, unknown> }> {
  const jwt = await mintToken(testServer.port, hub, token);
  const client = openRaw(`ws://localhost:${testServer.port}/client/hubs/${hub}?access_token=${jwt}`, [
    protocol,
  ]);
  await client.opened;
  const connected = await client.waitForJson((m) => m.type === "system" && m.event === "connected");
  return { client, connectionId: connected.connectionId as string, connected };
}

export async function waitFor(check: () => boolean, timeoutMs = 5000, what = "a condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
