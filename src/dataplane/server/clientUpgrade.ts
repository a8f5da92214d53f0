// The life of a client's upgrade request: authenticate (token, or the hub's anonymous policy),
// run the blocking `connect` event, pick the subprotocol, complete the WebSocket handshake and
// register the connection; or, for a reliable client coming back, recover its connection.
// Every refusal before the handshake is an HTTP status with a `{code,message}` body; a refused
// recovery is a handshake followed by close code 1008, the only code that stops client retries.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket, WebSocketServer } from "ws";
import type { TraceBus } from "../../trace/traceBus.js";
import { verifyClientToken, type ClientIdentity } from "../auth/clientToken.js";
import { ConnectionPermissions } from "../auth/connectionPermissions.js";
import { ClientConnection, closeQuietly } from "../connections/clientConnection.js";
import type { ConnectionRegistry } from "../connections/connectionRegistry.js";
import { groupNameProblem, type InboundMessages } from "../connections/inboundMessages.js";
import type { AccessKeyRing } from "../domain/accessKeys.js";
import type { HubSettingsSource } from "../domain/hubSettings.js";
import type { UpstreamEvents } from "../ports/upstreamEvents.js";
import { codecFor } from "../protocol/codecRegistry.js";
import { localAuthRefusal, networkRefusal, type ClientAccessSettings } from "./clientAccess.js";
import { refuseUpgrade } from "./upgradeRefusal.js";
import { headersForConnect, parseUpgrade, queryForConnect, type ClientRequest } from "./upgradeRequest.js";

export interface ListenerInfo {
  readonly scheme: "http" | "https";
  readonly port: number;
}

export interface ClientUpgradeDependencies {
  readonly resourceName: string;
  readonly keys: AccessKeyRing;
  readonly hubSettings: HubSettingsSource;
  readonly upstream: UpstreamEvents;
  readonly trace: TraceBus;
  readonly registry: ConnectionRegistry;
  readonly inbound: InboundMessages;
  readonly webSockets: WebSocketServer;
  readonly publicHostname: string;
  /** `host:port` names clients may address this service by, besides their own Host header. */
  readonly serviceHosts: () => string[];
  /** The resource's access settings, read on every upgrade. */
  readonly access: () => ClientAccessSettings;
}

/** The subprotocol to echo for each request being upgraded (read by `handleProtocols`). */
export const chosenSubprotocols = new WeakMap<IncomingMessage, string>();

export class ClientUpgrades {
  /** Set when the service shuts down: upgrades still waiting (token, connect event) are refused. */
  private stopped = false;
  /** Listeners shared by every socket of this server. */
  private readonly listeners: SocketListeners;
  private readonly origins = new Map<number, string>();

  constructor(private readonly deps: ClientUpgradeDependencies) {
    this.listeners = socketListeners(deps.registry, deps.inbound);
  }

  stop(): void {
    this.stopped = true;
  }

  /** `host:port` of a listener, made once per port so connections share the string. */
  private originOf(listener: ListenerInfo): string {
    let origin = this.origins.get(listener.port);
    if (origin === undefined) {
      origin = `${this.deps.publicHostname}:${listener.port}`;
      this.origins.set(listener.port, origin);
    }
    return origin;
  }

  /** True (after answering 503) when the service is shutting down. */
  private refusedForShutdown(socket: Duplex, hub: string): boolean {
    if (!this.stopped) return false;
    this.refuse(socket, hub, 503, "ServiceUnavailable", "The service is shutting down.");
    return true;
  }

  handle(request: IncomingMessage, socket: Duplex, head: Buffer, listener: ListenerInfo): void {
    this.accept(request, socket, head, listener).catch((error: unknown) => {
      refuseUpgrade(
        socket,
        500,
        "InternalServerError",
        error instanceof Error ? error.message : String(error),
      );
    });
  }

  private refuse(socket: Duplex, hub: string | null, status: number, code: string, message: string): void {
    this.deps.trace.publish({
      category: "connection",
      kind: "connect.rejected",
      resource: this.deps.resourceName,
      ...(hub ? { hub } : {}),
      details: { status, code, reason: message },
    });
    refuseUpgrade(socket, status, code, message);
  }

  private async accept(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    listener: ListenerInfo,
  ): Promise<void> {
    const parsed = parseUpgrade(request);
    // The network comes first: a blocked client learns nothing else (not even about its path).
    const blocked = networkRefusal(this.deps.access());
    if (blocked) {
      this.refuse(
        socket,
        parsed.ok ? parsed.request.hub : null,
        blocked.status,
        blocked.code,
        blocked.message,
      );
      return;
    }
    if (!parsed.ok) {
      this.refuse(socket, null, parsed.status, parsed.code, parsed.message);
      return;
    }
    const client = parsed.request;
    const offeredCodec = client.offeredSubprotocols.map((name) => codecFor(name)).find((codec) => codec);
    if (client.recovery && offeredCodec?.reliable) {
      this.recover(request, socket, head, client);
      return;
    }
    const identity = await this.authenticate(request, socket, client, listener);
    if (!identity) return;
    for (const group of identity.groups) {
      const problem = groupNameProblem(group);
      if (problem) {
        this.refuse(
          socket,
          client.hub,
          400,
          "BadRequest",
          `Invalid group '${group}' in the access token: ${problem}`,
        );
        return;
      }
    }

    const connectionId = randomBytes(16).toString("base64url");
    const origin = this.originOf(listener);
    let userId = identity.userId;
    let roles = identity.roles;
    let groups = identity.groups;
    let connectionState: string | null = null;
    // Without a `connect` handler the first PubSub subprotocol offered wins; a plain client
    // offering only custom names gets the first one echoed (it still is a plain client).
    let subprotocol: string | null = offeredCodec?.subprotocol ?? client.offeredSubprotocols[0] ?? null;

    if (this.deps.upstream.handlesConnect(client.hub)) {
      const outcome = await this.deps.upstream.connect(
        { hub: client.hub, connectionId, userId, subprotocol: null, connectionState: null, origin },
        {
          claims: identity.claims,
          query: queryForConnect(client.query),
          headers: headersForConnect(request),
          subprotocols: client.offeredSubprotocols,
          clientCertificates: [],
        },
      );
      if (socket.destroyed) return;
      if (outcome.kind === "refused") {
        const status = outcome.status >= 400 && outcome.status < 500 ? outcome.status : 500;
        this.refuse(
          socket,
          client.hub,
          status,
          status === 500 ? "InternalServerError" : "ConnectRefused",
          outcome.message,
        );
        return;
      }
      if (outcome.kind === "accepted") {
        if (outcome.userId !== undefined) userId = outcome.userId;
        if (outcome.roles !== undefined) roles = outcome.roles;
        if (outcome.groups !== undefined && outcome.groups.length > 0) groups = outcome.groups;
        if (outcome.connectionState !== undefined) connectionState = outcome.connectionState;
        if (outcome.subprotocol !== undefined && outcome.subprotocol !== "") {
          if (!client.offeredSubprotocols.includes(outcome.subprotocol)) {
            this.refuse(
              socket,
              client.hub,
              500,
              "InternalServerError",
              `The connect handler chose subprotocol '${outcome.subprotocol}', which the client did not offer.`,
            );
            return;
          }
          subprotocol = outcome.subprotocol;
        }
      }
    }

    const codec = subprotocol === null ? null : (codecFor(subprotocol) ?? null);
    const permissions = new ConnectionPermissions(roles);
    let rawSendGroup: string | null = null;
    if (!codec && client.query.get("webpubsub_mode") === "sendToGroup") {
      rawSendGroup = client.query.get("group") ?? "";
      const problem = groupNameProblem(rawSendGroup);
      if (problem) {
        this.refuse(
          socket,
          client.hub,
          400,
          "BadRequest",
          `webpubsub_mode=sendToGroup needs a valid 'group': ${problem}`,
        );
        return;
      }
      if (!permissions.has("sendToGroup", rawSendGroup)) {
        this.refuse(
          socket,
          client.hub,
          403,
          "Forbidden",
          `The client has no permission to send to group '${rawSendGroup}'.`,
        );
        return;
      }
    }

    const connection = new ClientConnection(
      {
        connectionId,
        hub: client.hub,
        userId,
        codec,
        subprotocol,
        permissions,
        connectionState,
        reconnectionToken: codec?.reliable ? randomBytes(24).toString("base64url") : null,
        origin,
        rawSendGroup,
        rawNoEcho: rawSendGroup !== null && client.query.get("noEcho")?.toLowerCase() === "true",
      },
      this.deps.registry,
    );
    if (subprotocol !== null) chosenSubprotocols.set(request, subprotocol);
    if (this.refusedForShutdown(socket, client.hub)) return;
    this.deps.webSockets.handleUpgrade(request, socket, head, (webSocket) => {
      try {
        this.opened(connection, webSocket, socket, groups, roles, listener);
      } catch (error) {
        const reason = `InternalServerError: ${error instanceof Error ? error.message : String(error)}`;
        this.deps.registry.end(connection, { code: 1011, reason, tellClient: false });
      }
    });
  }

  /** The handshake is done: register the connection, greet it, join its groups, tell the upstream. */
  private opened(
    connection: ClientConnection,
    webSocket: WebSocket,
    socket: Duplex,
    groups: readonly string[],
    roles: readonly string[],
    listener: ListenerInfo,
  ): void {
    const { codec, connectionId, userId } = connection;
    this.bind(connection, webSocket, socket);
    this.deps.registry.add(connection);
    if (codec) {
      connection.send({
        type: "connected",
        connectionId,
        userId,
        ...(connection.reconnectionToken ? { reconnectionToken: connection.reconnectionToken } : {}),
      });
    }
    const index = this.deps.registry.hub(connection.hub);
    for (const group of groups) index.join(connection, group);
    this.deps.registry.traceConnection(connection, "connected", { groups, roles, listener: listener.scheme });
    this.deps.upstream.connected(connection.eventContext());
  }

  /** The identity of the token, or null after refusing the request. */
  private async authenticate(
    request: IncomingMessage,
    socket: Duplex,
    client: ClientRequest,
    listener: ListenerInfo,
  ): Promise<ClientIdentity | null> {
    if (client.token === null) {
      if (this.deps.hubSettings.get(client.hub).anonymousConnectPolicy === "allow") {
        return { userId: null, roles: [], groups: [], claims: {} };
      }
      this.refuse(
        socket,
        client.hub,
        401,
        "Unauthorized",
        "An access token is required (query access_token or Authorization: Bearer); hub anonymousConnectPolicy is deny.",
      );
      return null;
    }
    const localAuthOff = localAuthRefusal(this.deps.access());
    if (localAuthOff) {
      this.refuse(socket, client.hub, localAuthOff.status, localAuthOff.code, localAuthOff.message);
      return null;
    }
    const hosts = new Set(this.deps.serviceHosts().map((host) => host.toLowerCase()));
    if (request.headers.host) hosts.add(request.headers.host.toLowerCase());
    hosts.add(`${this.deps.publicHostname.toLowerCase()}:${listener.port}`);
    const check = await verifyClientToken(client.token, this.deps.keys, {
      hub: client.hub,
      hosts: [...hosts],
    });
    if (socket.destroyed) return null;
    if (!check.ok) {
      this.refuse(socket, client.hub, 401, "Unauthorized", check.reason);
      return null;
    }
    return check.identity;
  }

  /** A reliable client reconnecting to its connection; refusals are close 1008 after the handshake. */
  private recover(request: IncomingMessage, socket: Duplex, head: Buffer, client: ClientRequest): void {
    const recovery = client.recovery as NonNullable<ClientRequest["recovery"]>;
    const connection = this.deps.registry.find(client.hub, recovery.connectionId);
    let failure: string | null = null;
    if (!connection || connection.status === "closed") {
      failure = `Connection '${recovery.connectionId}' cannot be recovered: it does not exist or has ended.`;
    } else if (!connection.reliable || !connection.reconnectionToken) {
      failure = "Only reliable subprotocol connections can be recovered.";
    } else if (!sameSecret(connection.reconnectionToken, recovery.reconnectionToken)) {
      failure = "The reconnection token is not valid for this connection.";
    } else if (!client.offeredSubprotocols.includes(connection.protocol ?? "")) {
      failure = `A recovered connection keeps its subprotocol ${connection.protocol}.`;
    }
    const offered = client.offeredSubprotocols.find((name) => codecFor(name)?.reliable);
    if (offered) chosenSubprotocols.set(request, offered);
    if (this.refusedForShutdown(socket, client.hub)) return;
    this.deps.webSockets.handleUpgrade(request, socket, head, (webSocket) => {
      if (failure !== null || !connection || connection.status === "closed") {
        this.deps.trace.publish({
          category: "connection",
          kind: "recovery.refused",
          resource: this.deps.resourceName,
          hub: client.hub,
          connectionId: recovery.connectionId,
          details: { reason: failure ?? "The connection ended during the handshake." },
        });
        closeQuietly(webSocket, 1008, failure ?? "The connection has ended.");
        return;
      }
      // The old socket may not have noticed it is dead yet; the new one replaces it.
      connection.detach()?.terminate();
      this.bind(connection, webSocket, socket);
      connection.replay();
      this.deps.registry.traceConnection(connection, "recovered", {
        replayed: connection.reliable?.size ?? 0,
      });
    });
  }

  private bind(connection: ClientConnection, webSocket: WebSocket, raw: Duplex): void {
    connection.attach(webSocket, raw);
    (webSocket as BoundWebSocket)[connectionOfSocket] = connection;
    const listeners = this.listeners;
    webSocket.on("message", listeners.message);
    webSocket.on("pong", listeners.pong);
    webSocket.on("error", listeners.error);
    webSocket.on("close", listeners.close);
  }
}

/**
 * The connection a socket was bound to, kept on the socket itself so that one set of listener
 * functions serves every socket (`ws` calls listeners with the socket as `this`), instead of four
 * closures per connection.
 */
const connectionOfSocket = Symbol("wpslink.connection");
type BoundWebSocket = WebSocket & { [connectionOfSocket]?: ClientConnection };

interface SocketListeners {
  message(this: WebSocket, data: unknown, isBinary: boolean): void;
  pong(this: WebSocket): void;
  error(this: WebSocket, error: Error): void;
  close(this: WebSocket, code: number, reason: Buffer): void;
}

function socketListeners(registry: ConnectionRegistry, inbound: InboundMessages): SocketListeners {
  return {
    message(data, isBinary) {
      const connection = (this as BoundWebSocket)[connectionOfSocket];
      if (!connection || connection.socket !== this) return;
      try {
        inbound.onFrame(connection, data as Buffer, isBinary);
      } catch (error) {
        // A fault of ours ends this connection only, never the process.
        const reason = `InternalServerError: ${error instanceof Error ? error.message : String(error)}`;
        registry.end(connection, { code: 1011, reason, tellClient: true });
      }
    },
    pong() {
      const connection = (this as BoundWebSocket)[connectionOfSocket];
      if (connection) connection.lastSeen = Date.now();
    },
    error(error) {
      // `ws` found a protocol violation (oversize message, bad frame, bad UTF-8) and closes the
      // socket with the matching code itself; the connection ends without recovery.
      const connection = (this as BoundWebSocket)[connectionOfSocket];
      if (connection && connection.socket === this) registry.faulted(connection, error.message);
    },
    close(code, reason) {
      const connection = (this as BoundWebSocket)[connectionOfSocket];
      if (connection && connection.socket === this)
        registry.socketClosed(connection, code, reason.toString());
    },
  };
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
