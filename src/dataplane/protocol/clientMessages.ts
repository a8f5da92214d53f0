// The messages a PubSub client (JSON or protobuf subprotocol) exchanges with the service, as
// one neutral model. Each subprotocol codec decodes frames into `InboundMessage` and encodes
// `OutboundMessage` into frames; the connection logic never sees the wire format.
import type { DataMessage, MessagePayload } from "../domain/messages.js";

export type InboundMessage =
  | { readonly type: "joinGroup"; readonly group: string; readonly ackId?: bigint }
  | { readonly type: "leaveGroup"; readonly group: string; readonly ackId?: bigint }
  | {
      readonly type: "sendToGroup";
      readonly group: string;
      readonly ackId?: bigint;
      readonly noEcho: boolean;
      readonly payload: MessagePayload;
      readonly ttlSeconds?: number;
      readonly metadata?: Readonly<Record<string, string>>;
    }
  | {
      readonly type: "event";
      readonly event: string;
      readonly ackId?: bigint;
      /** Absent when the client sent no data. */
      readonly payload?: MessagePayload;
      readonly metadata?: Readonly<Record<string, string>>;
    }
  | { readonly type: "sequenceAck"; readonly sequenceId: bigint }
  | { readonly type: "ping" }
  | {
      readonly type: "invoke";
      readonly invocationId: string;
      readonly target: string;
      readonly event: string;
      readonly payload?: MessagePayload;
    }
  | { readonly type: "cancelInvocation"; readonly invocationId: string };

export interface AckError {
  /** Forbidden, Duplicate, InternalServerError, BadRequest, ... */
  readonly name: string;
  readonly message: string;
}

export type OutboundMessage =
  | { readonly type: "ack"; readonly ackId: bigint; readonly success: boolean; readonly error?: AckError }
  | { readonly type: "message"; readonly message: DataMessage; readonly sequenceId?: bigint }
  | {
      readonly type: "connected";
      readonly connectionId: string;
      readonly userId: string | null;
      readonly reconnectionToken?: string;
    }
  | { readonly type: "disconnected"; readonly reason: string }
  | { readonly type: "pong" }
  | {
      readonly type: "invokeResponse";
      readonly invocationId: string;
      readonly success: boolean;
      readonly payload?: MessagePayload;
      readonly error?: AckError;
    };

/** Thrown by a codec for a frame it cannot decode; the connection closes with `closeCode`. */
export class ProtocolError extends Error {
  constructor(
    message: string,
    /** 1003 wrong frame type, 1007 unparsable payload. */
    readonly closeCode: 1003 | 1007,
  ) {
    super(message);
    this.name = "ProtocolError";
  }
}

/** One subprotocol's wire format. */
export interface ClientCodec {
  readonly subprotocol: string;
  readonly reliable: boolean;
  /** Whether frames are binary (protobuf) or text (JSON). */
  readonly binary: boolean;
  decode(frame: Buffer, isBinary: boolean): InboundMessage;
  encode(message: OutboundMessage): Buffer;
}
