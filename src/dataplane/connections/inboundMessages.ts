// What the service does with each frame a client sends: PubSub requests (join, leave, publish,
// events, invocations, sequence acks, pings) for subprotocol clients, user events (or group
// publishing in `sendToGroup` mode) for plain WebSocket clients. Requests with an ackId are
// answered with an ack carrying the service's error names.
import type { Fanout } from "../../fanout/fanout.js";
import type { TraceBus } from "../../trace/traceBus.js";
import type { MessagePayload, Permission } from "../domain/messages.js";
import type { UpstreamEvents } from "../ports/upstreamEvents.js";
import { ProtocolError, type AckError, type InboundMessage } from "../protocol/clientMessages.js";
import { UnsupportedRequest } from "../protocol/jsonInbound.js";
import type { ClientConnection } from "./clientConnection.js";
import type { ConnectionRegistry } from "./connectionRegistry.js";

export interface InboundDependencies {
  readonly resourceName: string;
  readonly registry: ConnectionRegistry;
  readonly upstream: UpstreamEvents;
  readonly fanout: Fanout;
  readonly trace: TraceBus;
}

const emptyPayload: MessagePayload = { dataType: "binary", data: Buffer.alloc(0) };

/** Group names as the service takes them: 1–1024 characters, not only whitespace. */
export function groupNameProblem(group: string): string | null {
  if (group.length === 0 || group.length > 1024) return "A group name must have 1 to 1024 characters.";
  if (/^\s+$/u.test(group)) return "A group name must not be only whitespace.";
  return null;
}

export class InboundMessages {
  constructor(private readonly deps: InboundDependencies) {}

  /** One frame from a client; malformed frames end only this connection. */
  onFrame(connection: ClientConnection, data: Buffer, isBinary: boolean): void {
    connection.lastSeen = Date.now();
    if (connection.status !== "live") return;
    const codec = connection.codec;
    if (!codec) {
      this.onPlainFrame(connection, data, isBinary);
      return;
    }
    let message: InboundMessage;
    try {
      message = codec.decode(data, isBinary);
    } catch (error) {
      if (error instanceof UnsupportedRequest) {
        this.traceMessage(connection, "unsupported", { type: error.requestType });
        if (error.ackId !== undefined) {
          const ackId = error.ackId;
          connection.send({
            type: "ack",
            ackId,
            success: false,
            error: { name: "NotSupported", message: error.message },
          });
        }
        return;
      }
      const code = error instanceof ProtocolError ? error.closeCode : 1007;
      const reason = error instanceof Error ? error.message : String(error);
      this.deps.registry.traceConnection(connection, "protocol.error", { code, reason });
      this.deps.registry.end(connection, { code, reason, tellClient: true });
      return;
    }
    this.onMessage(connection, message);
  }

  private onMessage(connection: ClientConnection, message: InboundMessage): void {
    switch (message.type) {
      case "ping":
        connection.send({ type: "pong" });
        return;
      case "sequenceAck":
        connection.reliable?.acknowledge(message.sequenceId);
        return;
      case "joinGroup":
      case "leaveGroup":
        this.traceMessage(connection, message.type, { group: message.group });
        this.acked(connection, message.ackId, () =>
          this.joinOrLeave(connection, message.type, message.group),
        );
        return;
      case "sendToGroup":
        this.traceMessage(connection, "sendToGroup", {
          group: message.group,
          bytes: message.payload.data.length,
        });
        this.ackedAsync(connection, message.ackId, () => this.publish(connection, message));
        return;
      case "event":
        this.traceMessage(connection, "event", { event: message.event });
        this.ackedAsync(connection, message.ackId, () =>
          this.userEvent(connection, message.event, message.payload ?? emptyPayload),
        );
        return;
      case "invoke":
        this.traceMessage(connection, "invoke", { event: message.event, invocationId: message.invocationId });
        void this.invoke(connection, message.invocationId, message.event, message.payload ?? emptyPayload);
        return;
      case "cancelInvocation":
        connection.closeInvocation(message.invocationId);
        return;
    }
  }

  /** Runs a synchronous request and acks it when it has an ackId. */
  private acked(connection: ClientConnection, ackId: bigint | undefined, run: () => AckError | null): void {
    if (ackId !== undefined && !connection.acks.begin(ackId)) {
      connection.send({ type: "ack", ackId, success: false, error: duplicate(ackId) });
      return;
    }
    const error = run();
    if (ackId === undefined) return;
    connection.acks.finish(ackId, error === null);
    connection.send({ type: "ack", ackId, success: error === null, ...(error ? { error } : {}) });
  }

  private ackedAsync(
    connection: ClientConnection,
    ackId: bigint | undefined,
    run: () => Promise<AckError | null>,
  ): void {
    if (ackId !== undefined && !connection.acks.begin(ackId)) {
      connection.send({ type: "ack", ackId, success: false, error: duplicate(ackId) });
      return;
    }
    void run()
      .catch((error: unknown) => internalError(error))
      .then((error) => {
        if (ackId === undefined) return;
        connection.acks.finish(ackId, error === null);
        connection.send({ type: "ack", ackId, success: error === null, ...(error ? { error } : {}) });
      });
  }

  private permitted(connection: ClientConnection, permission: Permission, group: string): AckError | null {
    const problem = groupNameProblem(group);
    if (problem) return { name: "BadRequest", message: problem };
    if (connection.permissions.has(permission, group)) return null;
    const action = permission === "joinLeaveGroup" ? "join or leave" : "send to";
    return { name: "Forbidden", message: `The connection has no permission to ${action} group '${group}'.` };
  }

  private joinOrLeave(
    connection: ClientConnection,
    type: "joinGroup" | "leaveGroup",
    group: string,
  ): AckError | null {
    const refused = this.permitted(connection, "joinLeaveGroup", group);
    if (refused) return refused;
    const index = this.deps.registry.hub(connection.hub);
    if (type === "joinGroup") index.join(connection, group);
    else index.leave(connection, group);
    return null;
  }

  /** Acked once the fan-out has taken it (at once in-process; once every node has it when clustered). */
  private async publish(
    connection: ClientConnection,
    message: Extract<InboundMessage, { type: "sendToGroup" }>,
  ): Promise<AckError | null> {
    const refused = this.permitted(connection, "sendToGroup", message.group);
    if (refused) return refused;
    if (message.ttlSeconds !== undefined && (message.ttlSeconds < 0 || message.ttlSeconds > 300)) {
      return { name: "BadRequest", message: "ttlSeconds must be between 0 and 300." };
    }
    await this.deps.fanout.publish({
      hub: connection.hub,
      target: { kind: "group", group: message.group },
      message: {
        from: "group",
        group: message.group,
        fromUserId: connection.userId,
        payload: message.payload,
        ...(message.metadata ? { metadata: message.metadata } : {}),
      },
      ...(message.noEcho ? { excluded: [connection.connectionId] } : {}),
      ...(message.ttlSeconds ? { ttlSeconds: message.ttlSeconds } : {}),
      senderConnectionId: connection.connectionId,
    });
    return null;
  }

  /** A user event upstream; a reply goes back as a server message before the ack. */
  private async userEvent(
    connection: ClientConnection,
    event: string,
    payload: MessagePayload,
  ): Promise<AckError | null> {
    const outcome = await this.deps.upstream.userEvent(connection.eventContext(), event, payload);
    if (connection.status === "closed") return null;
    switch (outcome.kind) {
      case "noHandler":
        return {
          name: "InternalServerError",
          message: `No event handler is registered for user event '${event}'.`,
        };
      case "failed":
        return { name: "InternalServerError", message: `The event handler failed: ${outcome.message}` };
      case "ok":
        if (outcome.connectionState !== undefined) connection.connectionState = outcome.connectionState;
        if (outcome.reply) {
          const reply = outcome.reply;
          this.deps.registry.deliverTo(connection, { from: "server", payload: reply });
        }
        return null;
    }
  }

  /** `invoke` maps to the same user event; its reply comes back as the invocation's result. */
  private async invoke(
    connection: ClientConnection,
    invocationId: string,
    event: string,
    payload: MessagePayload,
  ): Promise<void> {
    connection.openInvocation(invocationId);
    let response: Parameters<ClientConnection["send"]>[0];
    try {
      const outcome = await this.deps.upstream.userEvent(connection.eventContext(), event, payload);
      if (outcome.kind === "ok") {
        if (outcome.connectionState !== undefined) connection.connectionState = outcome.connectionState;
        response = {
          type: "invokeResponse",
          invocationId,
          success: true,
          ...(outcome.reply ? { payload: outcome.reply } : {}),
        };
      } else {
        const message =
          outcome.kind === "noHandler"
            ? `No event handler is registered for user event '${event}'.`
            : `The event handler failed: ${outcome.message}`;
        response = {
          type: "invokeResponse",
          invocationId,
          success: false,
          error: { name: "InternalServerError", message },
        };
      }
    } catch (error) {
      response = { type: "invokeResponse", invocationId, success: false, error: internalError(error) };
    }
    // A cancelled invocation gets no answer.
    if (connection.closeInvocation(invocationId)) connection.send(response);
  }

  /** Plain WebSocket clients: each frame is the `message` user event, or a group publish in sendToGroup mode. */
  private onPlainFrame(connection: ClientConnection, data: Buffer, isBinary: boolean): void {
    const payload: MessagePayload = { dataType: isBinary ? "binary" : "text", data };
    if (connection.rawSendGroup !== null) {
      void this.deps.fanout
        .publish({
          hub: connection.hub,
          target: { kind: "group", group: connection.rawSendGroup },
          message: { from: "group", group: connection.rawSendGroup, fromUserId: connection.userId, payload },
          ...(connection.rawNoEcho ? { excluded: [connection.connectionId] } : {}),
        })
        .catch((error: unknown) => {
          this.deps.registry.traceConnection(connection, "publish.failed", {
            reason: internalError(error).message,
          });
        });
      return;
    }
    this.traceMessage(connection, "event", { event: "message", bytes: data.length });
    void this.deps.upstream
      .userEvent(connection.eventContext(), "message", payload)
      .then((outcome) => {
        if (connection.status === "closed") return;
        if (outcome.kind === "ok") {
          if (outcome.connectionState !== undefined) connection.connectionState = outcome.connectionState;
          if (outcome.reply) connection.sendRaw(outcome.reply.data, outcome.reply.dataType === "binary");
          return;
        }
        // The service drops a plain client whose message no handler takes (EMU: close 1011).
        const reason =
          outcome.kind === "noHandler"
            ? "No event handler is registered for the 'message' event."
            : `The event handler failed: ${outcome.message}`;
        this.deps.registry.end(connection, { code: 1011, reason, tellClient: false });
      })
      .catch((error: unknown) => {
        this.deps.registry.end(connection, {
          code: 1011,
          reason: internalError(error).message,
          tellClient: false,
        });
      });
  }

  private traceMessage(connection: ClientConnection, kind: string, details: Record<string, unknown>): void {
    this.deps.trace.publish({
      category: "message",
      kind,
      resource: this.deps.resourceName,
      hub: connection.hub,
      connectionId: connection.connectionId,
      details,
    });
  }
}

function duplicate(ackId: bigint): AckError {
  return { name: "Duplicate", message: `Message with ack-id: ${ackId} has been processed` };
}

function internalError(error: unknown): AckError {
  return { name: "InternalServerError", message: error instanceof Error ? error.message : String(error) };
}
