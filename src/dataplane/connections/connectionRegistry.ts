// Every connection of one resource on this node, by hub, with their life cycle: a connection is
// added once accepted, may be held while a reliable client recovers, and ends exactly once
// (then `disconnected` goes upstream). It is also this node's deliverer for the fan-out port:
// a delivery is encoded once per wire format and queued on each recipient's socket.
import type { Fanout, Delivery } from "../../fanout/fanout.js";
import type { TraceBus } from "../../trace/traceBus.js";
import type { DataMessage } from "../domain/messages.js";
import type { UpstreamEvents } from "../ports/upstreamEvents.js";
import { type ClientConnection, type ConnectionOwner } from "./clientConnection.js";
import { EncodedDataMessage } from "./encodedMessage.js";
import { HubIndex } from "./hubIndex.js";
import type { ReliableLimits } from "./reliableBuffer.js";
import { FlushScheduler } from "./socketOutbox.js";

export interface RegistryOptions {
  readonly resourceName: string;
  readonly upstream: UpstreamEvents;
  readonly trace: TraceBus;
  readonly fanout: Fanout;
  /** How long a dropped reliable connection waits for its client to recover it. */
  readonly recoveryWindowMs: number;
  readonly outboxLimitBytes: number;
  readonly reliableLimits: ReliableLimits;
}

/** How a connection ends: the close frame to send (if a socket is attached) and the reason. */
export interface Ending {
  readonly code: number;
  readonly reason: string;
  /** Send the `disconnected` system message first (subprotocol clients). */
  readonly tellClient: boolean;
  /**
   * The socket is not keeping up: the close frame is queued behind what it has not read yet, and
   * the socket is dropped after this many milliseconds whether or not the client read it.
   */
  readonly dropAfterMs?: number;
}

/** How long a slow client's socket may take to read its close frame before it is dropped. */
const slowClientDropMs = 2000;

export class ConnectionRegistry implements ConnectionOwner {
  readonly scheduler = new FlushScheduler();
  readonly outboxLimitBytes: number;
  readonly reliableLimits: ReliableLimits;
  private readonly hubs = new Map<string, HubIndex>();
  private readonly unsubscribe: () => void;
  private total = 0;

  constructor(private readonly options: RegistryOptions) {
    this.outboxLimitBytes = options.outboxLimitBytes;
    this.reliableLimits = options.reliableLimits;
    this.unsubscribe = options.fanout.subscribe((delivery) => this.deliver(delivery));
  }

  /** The index of a hub (hub names are case-insensitive). */
  hub(hub: string): HubIndex {
    const key = hub.toLowerCase();
    let index = this.hubs.get(key);
    if (!index) {
      index = new HubIndex(key);
      this.hubs.set(key, index);
    }
    return index;
  }

  /** The index of a hub if it has connections now. */
  existing(hub: string): HubIndex | undefined {
    return this.hubs.get(hub.toLowerCase());
  }

  find(hub: string, connectionId: string): ClientConnection | undefined {
    return this.hubs.get(hub.toLowerCase())?.connections.get(connectionId);
  }

  count(): number {
    return this.total;
  }

  add(connection: ClientConnection): void {
    this.hub(connection.hub).add(connection);
    this.total++;
  }

  /** Ends a connection for good (server side): tells the client, closes, fires `disconnected`. */
  end(connection: ClientConnection, ending: Ending): void {
    if (connection.status === "closed") return;
    connection.status = "closed";
    if (connection.holdTimer) clearTimeout(connection.holdTimer);
    const webSocket = connection.socket;
    if (ending.tellClient) connection.send({ type: "disconnected", reason: ending.reason });
    connection.closeSocket(ending.code, ending.reason);
    if (webSocket && ending.dropAfterMs !== undefined)
      setTimeout(() => webSocket.terminate(), ending.dropAfterMs).unref();
    this.forget(connection, ending.reason);
  }

  /** The client closed or lost its socket: reliable connections wait to be recovered. */
  socketClosed(connection: ClientConnection, code: number, reason: string): void {
    if (connection.status !== "live") return;
    connection.detach();
    const why = `The client closed the connection (${code}${reason ? ` ${reason}` : ""})`;
    if (!connection.reliable) {
      connection.status = "closed";
      this.forget(connection, why);
      return;
    }
    connection.status = "held";
    this.traceConnection(connection, "connection.held", { code, reason });
    connection.holdTimer = setTimeout(() => {
      if (connection.status !== "held") return;
      connection.status = "closed";
      this.forget(connection, `${why}; it was not recovered within ${this.options.recoveryWindowMs} ms`);
    }, this.options.recoveryWindowMs);
    connection.holdTimer.unref();
  }

  overloaded(connection: ClientConnection, reason: string): void {
    this.traceConnection(connection, "connection.overloaded", { reason });
    // Messages were lost, so the connection cannot be recovered: 1008 (the code that stops client
    // SDK recovery) if the client ever reads that far; the socket is dropped soon either way.
    this.end(connection, { code: 1008, reason, tellClient: false, dropAfterMs: slowClientDropMs });
  }

  /** Ends every connection (service shutdown). */
  endAll(code: number, reason: string): void {
    for (const index of this.hubs.values()) {
      for (const connection of [...index.connections.values()]) {
        this.end(connection, { code, reason, tellClient: true });
      }
    }
  }

  close(): void {
    this.unsubscribe();
  }

  deliver(delivery: Delivery): void {
    const index = this.hubs.get(delivery.hub);
    if (!index) return;
    let recipients: Iterable<ClientConnection>;
    switch (delivery.target.kind) {
      case "all":
        recipients = index.connections.values();
        break;
      case "group":
        recipients = index.groupMembers(delivery.target.group);
        break;
      case "user":
        recipients = index.userConnections(delivery.target.userId);
        break;
      case "connection": {
        const one = index.connections.get(delivery.target.connectionId);
        recipients = one ? [one] : [];
        break;
      }
    }
    const excluded = delivery.excluded && delivery.excluded.length > 0 ? new Set(delivery.excluded) : null;
    const filter = delivery.filter;
    const ttl = delivery.ttlSeconds ?? 0;
    const encoded = new EncodedDataMessage(delivery.message, ttl > 0 ? Date.now() + ttl * 1000 : 0);
    let count = 0;
    for (const connection of recipients) {
      if (connection.status === "closed") continue;
      if (excluded?.has(connection.connectionId)) continue;
      if (filter && !filter(connection)) continue;
      connection.deliver(encoded);
      count++;
    }
    // One record per delivery (not per recipient) keeps the hot path cheap.
    this.options.trace.publish({
      category: "message",
      kind: "delivered",
      resource: this.options.resourceName,
      hub: delivery.hub,
      ...(delivery.senderConnectionId ? { connectionId: delivery.senderConnectionId } : {}),
      details: {
        target: delivery.target,
        from: delivery.message.from,
        dataType: delivery.message.payload.dataType,
        bytes: delivery.message.payload.data.length,
        recipients: count,
      },
    });
  }

  /** A data message for one connection only (an upstream's reply to its event). */
  deliverTo(connection: ClientConnection, message: DataMessage): void {
    connection.deliver(new EncodedDataMessage(message));
  }

  /** The socket broke the protocol and `ws` is closing it: the connection ends without recovery. */
  faulted(connection: ClientConnection, reason: string): void {
    if (connection.status === "closed") return;
    connection.status = "closed";
    if (connection.holdTimer) clearTimeout(connection.holdTimer);
    connection.detach();
    this.traceConnection(connection, "protocol.error", { reason });
    this.forget(connection, reason);
  }

  /** Connections attached to a socket now. */
  *liveConnections(): Generator<ClientConnection> {
    for (const index of this.hubs.values()) {
      for (const connection of index.connections.values()) if (connection.status === "live") yield connection;
    }
  }

  private forget(connection: ClientConnection, reason: string): void {
    const index = this.hubs.get(connection.hub.toLowerCase());
    if (index?.connections.get(connection.connectionId) === connection) {
      index.remove(connection);
      this.total--;
      if (index.isEmpty) this.hubs.delete(index.hub);
    }
    this.traceConnection(connection, "disconnected", { reason });
    try {
      this.options.upstream.disconnected(connection.eventContext(), reason);
    } catch (error) {
      // Fire-and-forget: a failing dispatcher must not stop the connection from ending.
      this.traceConnection(connection, "upstream.failed", { event: "disconnected", reason: String(error) });
    }
  }

  traceConnection(connection: ClientConnection, kind: string, details: Record<string, unknown>): void {
    this.options.trace.publish({
      category: "connection",
      kind,
      resource: this.options.resourceName,
      hub: connection.hub,
      connectionId: connection.connectionId,
      details: { userId: connection.userId, subprotocol: connection.protocol, ...details },
    });
  }
}
