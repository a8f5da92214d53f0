// One logical client connection: identity, groups, permissions, upstream state, and the socket it
// is attached to right now. A reliable connection outlives its socket: when the socket drops it
// is held (still a member of its groups, still buffering messages) until the client recovers it
// or the recovery window ends.
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { ConnectionPermissions } from "../auth/connectionPermissions.js";
import type { ConnectionView } from "../domain/hubOperations.js";
import type { EventConnectionContext } from "../ports/upstreamEvents.js";
import type { ClientCodec, OutboundMessage } from "../protocol/clientMessages.js";
import { hasSequencedDataEncoding } from "../protocol/jsonCodec.js";
import { AckLedger } from "./ackLedger.js";
import type { EncodedDataMessage } from "./encodedMessage.js";
import { GroupMemberships } from "./groupMemberships.js";
import { ReliableBuffer, type BufferedMessage, type ReliableLimits } from "./reliableBuffer.js";
import { SocketOutbox, type FlushScheduler, type OutboxOverflowListener } from "./socketOutbox.js";
import { frame, frameHeadWithPrefix, frameHeader } from "./webSocketFrame.js";

const noGroups: ReadonlySet<string> = new Set();

export type ConnectionStatus = "live" | "held" | "closed";

/** What a connection needs from the server that owns it. */
export interface ConnectionOwner {
  readonly scheduler: FlushScheduler;
  readonly outboxLimitBytes: number;
  readonly reliableLimits: ReliableLimits;
  /** The socket cannot keep up or the resend buffer is full: end the connection for good. */
  overloaded(connection: ClientConnection, reason: string): void;
}

export interface ConnectionInit {
  readonly connectionId: string;
  readonly hub: string;
  readonly userId: string | null;
  readonly codec: ClientCodec | null;
  /** The negotiated subprotocol (a codec's name, or a custom one a plain client offered). */
  readonly subprotocol: string | null;
  readonly permissions: ConnectionPermissions;
  readonly connectionState: string | null;
  readonly reconnectionToken: string | null;
  readonly origin: string;
  /** Raw-client mode `sendToGroup`: the group its frames go to. */
  readonly rawSendGroup: string | null;
  /** Raw-client mode `sendToGroup` with `noEcho=true`: its own frames do not come back to it. */
  readonly rawNoEcho?: boolean;
}

export class ClientConnection implements ConnectionView, OutboxOverflowListener {
  readonly connectionId: string;
  readonly hub: string;
  readonly userId: string | null;
  /** Group memberships; made on the first join (the hub index keeps it in step). */
  private groupSet: GroupMemberships | undefined;
  readonly protocol: string | null;
  readonly codec: ClientCodec | null;
  readonly permissions: ConnectionPermissions;
  readonly reconnectionToken: string | null;
  readonly origin: string;
  readonly rawSendGroup: string | null;
  readonly rawNoEcho: boolean;
  readonly acks = new AckLedger();
  readonly reliable: ReliableBuffer | null;
  connectionState: string | null;
  status: ConnectionStatus = "live";
  /** Milliseconds: last frame or pong from the client, last ping we sent. */
  lastSeen = Date.now();
  lastPing = Date.now();
  holdTimer: NodeJS.Timeout | undefined;
  /** Invocations still waiting for their upstream answer (made on first use). */
  private invocations: Set<string> | undefined;
  private webSocket: WebSocket | null = null;
  private outbox: SocketOutbox | null = null;

  constructor(
    init: ConnectionInit,
    private readonly owner: ConnectionOwner,
  ) {
    this.connectionId = init.connectionId;
    this.hub = init.hub;
    this.userId = init.userId;
    this.codec = init.codec;
    this.protocol = init.subprotocol;
    this.permissions = init.permissions;
    this.connectionState = init.connectionState;
    this.reconnectionToken = init.reconnectionToken;
    this.origin = init.origin;
    this.rawSendGroup = init.rawSendGroup;
    this.rawNoEcho = init.rawNoEcho ?? false;
    this.reliable = init.codec?.reliable ? new ReliableBuffer(owner.reliableLimits) : null;
  }

  get groups(): ReadonlySet<string> {
    return this.groupSet?.asSet() ?? noGroups;
  }

  /** The groups this connection is in, without making a `Set` (for this module's own loops). */
  groupNames(): Iterable<string> {
    return this.groupSet?.names() ?? noGroups;
  }

  /** False when already a member. Only `HubIndex` calls this, so both views stay in step. */
  addGroup(group: string): boolean {
    return (this.groupSet ??= new GroupMemberships()).add(group);
  }

  /** False when not a member. */
  removeGroup(group: string): boolean {
    return this.groupSet?.delete(group) ?? false;
  }

  clearGroups(): void {
    this.groupSet = undefined;
  }

  openInvocation(invocationId: string): void {
    (this.invocations ??= new Set()).add(invocationId);
  }

  /** True when the invocation was still open (not cancelled, not answered). */
  closeInvocation(invocationId: string): boolean {
    return this.invocations?.delete(invocationId) ?? false;
  }

  get socket(): WebSocket | null {
    return this.webSocket;
  }

  eventContext(): EventConnectionContext {
    return {
      hub: this.hub,
      connectionId: this.connectionId,
      userId: this.userId,
      subprotocol: this.protocol,
      connectionState: this.connectionState,
      origin: this.origin,
    };
  }

  /** Binds the connection to a (new) socket; `raw` is the TCP/TLS socket under `webSocket`. */
  attach(webSocket: WebSocket, raw: Duplex): void {
    this.webSocket = webSocket;
    // The connection itself listens for overflow (no closure per socket).
    this.outbox = new SocketOutbox(raw, this.owner.scheduler, this.owner.outboxLimitBytes, this);
    this.status = "live";
    this.lastSeen = Date.now();
    this.lastPing = this.lastSeen;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
  }

  /** The socket's outbox went over its limit: the client is not reading. */
  outboxOverflowed(): void {
    this.owner.overloaded(this, "SlowClient: the client does not read its messages fast enough");
  }

  /** Forgets the socket (it closed or is being replaced); returns it. */
  detach(): WebSocket | null {
    const webSocket = this.webSocket;
    this.outbox?.discard();
    this.outbox = null;
    this.webSocket = null;
    return webSocket;
  }

  /** Sends a non-data message (ack, system, pong, invoke response) to the attached socket. */
  send(message: OutboundMessage): void {
    if (!this.outbox || !this.codec) return;
    this.outbox.push(frame(this.codec.encode(message), this.codec.binary));
  }

  /** Sends raw bytes as one frame to a plain WebSocket client. */
  sendRaw(payload: Buffer, binary: boolean): void {
    this.outbox?.push(frame(payload, binary));
  }

  /** Delivers a data message; reliable connections number and buffer it even while held. */
  deliver(encoded: EncodedDataMessage): void {
    const codec = this.codec;
    if (!codec) {
      this.outbox?.push(encoded.plainFrame());
      return;
    }
    if (!this.reliable) {
      this.outbox?.push(encoded.codecFrame(codec));
      return;
    }
    const sequenceId = this.reliable.nextSequenceId();
    let entry: BufferedMessage;
    if (hasSequencedDataEncoding(codec)) {
      const body = encoded.codecBody(codec);
      entry = {
        sequenceId,
        head: frameHeadWithPrefix(codec.sequencePrefix(sequenceId), body.length, codec.binary),
        body,
        expiresAt: encoded.expiresAt,
      };
    } else {
      const payload = codec.encode({
        type: "message",
        message: encoded.message,
        sequenceId: BigInt(sequenceId),
      });
      entry = {
        sequenceId,
        head: frameHeader(payload.length, codec.binary),
        body: payload,
        expiresAt: encoded.expiresAt,
      };
    }
    if (!this.reliable.add(entry)) {
      this.owner.overloaded(this, "The connection has too many unacknowledged messages to stay recoverable");
      return;
    }
    this.writeBuffered(entry);
  }

  /**
   * After a recovery: every unacknowledged message again, in order, except those whose TTL ran
   * out meanwhile (the client accepts gaps in sequence ids). Returns how many were resent.
   */
  replay(): number {
    const now = Date.now();
    let resent = 0;
    for (const entry of this.reliable?.pending() ?? []) {
      if (entry.expiresAt !== 0 && entry.expiresAt < now) continue;
      this.writeBuffered(entry);
      resent++;
    }
    return resent;
  }

  private writeBuffered(entry: BufferedMessage): void {
    const outbox = this.outbox;
    if (!outbox) return;
    if (outbox.push(entry.head)) outbox.push(entry.body);
  }

  /** Writes what is queued, then closes the socket with a close frame. */
  closeSocket(code: number, reason: string): void {
    const webSocket = this.webSocket;
    this.outbox?.flush();
    this.detach();
    if (webSocket) closeQuietly(webSocket, code, reason);
  }
}

/** Close reasons are limited to 123 bytes by the protocol; `ws` throws on longer ones. */
export function closeQuietly(webSocket: WebSocket, code: number, reason: string): void {
  let text = reason;
  while (Buffer.byteLength(text) > 123) text = text.slice(0, -1);
  try {
    webSocket.close(code, text);
  } catch {
    webSocket.terminate();
  }
}
