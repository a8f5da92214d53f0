// Client frame → neutral `InboundMessage` for the protobuf subprotocols. Only wire-level checks
// live here (frame type, protobuf syntax, UTF-8 of text, JSON of json data, a parsable Any);
// permissions, group-name and TTL rules belong to the connection logic, shared with JSON clients.
import { isUtf8 } from "node:buffer";
import type protobuf from "protobufjs";
import type { MessagePayload } from "../domain/messages.js";
import { ProtocolError, type InboundMessage } from "./clientMessages.js";
import { protobufWireTypes } from "./protobufSchema.js";
import { uint64FromWire } from "./protobufWireValues.js";

// The decoded objects as the wire view produces them (camelCase names; the MessageData members
// are Buffers, see protobufSchema.ts). protobufjs types decoded messages as a bare `Message`, so
// these interfaces describe what its generated decoder sets.
type Uint64 = protobuf.Long | number;
type StringMap = Readonly<Record<string, string>>;

interface WireMessageData {
  /** Name of the member that is set (protobufjs's oneof getter). */
  readonly data?: "textData" | "binaryData" | "protobufData" | "jsonData";
  readonly textData?: Buffer;
  readonly binaryData?: Buffer;
  readonly protobufData?: Buffer;
  readonly jsonData?: Buffer;
}

interface WireUpstream {
  readonly message?: string;
  readonly sendToGroupMessage?: {
    group: string;
    ackId: Uint64;
    data: WireMessageData | null;
    noEcho: boolean | null;
    ttlSeconds: number | null;
    metadata: StringMap;
    stream: object | null;
  };
  readonly eventMessage?: {
    event: string;
    data: WireMessageData | null;
    ackId: Uint64;
    metadata: StringMap;
    stream: object | null;
  };
  readonly joinGroupMessage?: { group: string; ackId: Uint64 };
  readonly leaveGroupMessage?: { group: string; ackId: Uint64 };
  readonly sequenceAckMessage?: { sequenceId: Uint64 };
  readonly invokeEventMessage?: {
    event: string;
    invocationId: string;
    data: WireMessageData | null;
    stream: object | null;
  };
  readonly cancelInvocationMessage?: { invocationId: string };
}

/** Upstream members wpslink recognises but does not implement (preview features). */
const UNSUPPORTED_MEMBERS: Readonly<Record<string, string>> = {
  streamDataMessage: "stream_data_message (streaming)",
  streamEndMessage: "stream_end_message (streaming)",
  setGroupStateMessage: "set_group_state_message (group state)",
  subscribeGroupStateMessage: "subscribe_group_state_message (group state)",
  unsubscribeGroupStateMessage: "unsubscribe_group_state_message (group state)",
};

function invalid(message: string): ProtocolError {
  return new ProtocolError(message, 1007);
}

/** proto3 `optional` fields are present only as own properties of the decoded object. */
function has(object: object, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, field);
}

function optionalAckId(request: { ackId: Uint64 }): { ackId?: bigint } {
  return has(request, "ackId") ? { ackId: uint64FromWire(request.ackId) } : {};
}

function optionalMetadata(metadata: StringMap): { metadata?: StringMap } {
  return Object.keys(metadata).length > 0 ? { metadata } : {};
}

function rejectStream(request: { stream: object | null }, what: string): void {
  if (request.stream) throw invalid(`${what} with 'stream' (streaming) is not supported by wpslink`);
}

function decodePayload(data: WireMessageData, where: string): MessagePayload {
  switch (data.data) {
    case "textData": {
      const bytes = data.textData as Buffer;
      if (!isUtf8(bytes)) throw invalid(`${where}.text_data is not valid UTF-8`);
      return { dataType: "text", data: bytes };
    }
    case "jsonData": {
      const bytes = data.jsonData as Buffer;
      if (!isUtf8(bytes)) throw invalid(`${where}.json_data is not valid UTF-8`);
      try {
        JSON.parse(bytes.toString("utf8"));
      } catch {
        throw invalid(`${where}.json_data is not valid JSON`);
      }
      return { dataType: "json", data: bytes };
    }
    case "binaryData":
      return { dataType: "binary", data: data.binaryData as Buffer };
    case "protobufData": {
      const bytes = data.protobufData as Buffer;
      try {
        protobufWireTypes.any.decode(bytes);
      } catch {
        throw invalid(`${where}.protobuf_data is not a valid google.protobuf.Any`);
      }
      return { dataType: "protobuf", data: bytes };
    }
    default:
      throw invalid(`${where} sets none of text_data, binary_data, protobuf_data, json_data`);
  }
}

function decodeMessage(upstream: WireUpstream): InboundMessage {
  switch (upstream.message) {
    case "joinGroupMessage":
    case "leaveGroupMessage": {
      const request = upstream[upstream.message] as { group: string; ackId: Uint64 };
      const type = upstream.message === "joinGroupMessage" ? "joinGroup" : "leaveGroup";
      return { type, group: request.group, ...optionalAckId(request) };
    }
    case "sendToGroupMessage": {
      const request = upstream.sendToGroupMessage as NonNullable<WireUpstream["sendToGroupMessage"]>;
      rejectStream(request, "send_to_group_message");
      const metadata = optionalMetadata(request.metadata);
      let payload: MessagePayload;
      if (request.data) payload = decodePayload(request.data, "send_to_group_message.data");
      // A metadata-only publish carries an empty text payload (as Microsoft's emulator does).
      else if (metadata.metadata) payload = { dataType: "text", data: Buffer.alloc(0) };
      else throw invalid("send_to_group_message.data is required");
      return {
        type: "sendToGroup",
        group: request.group,
        ...optionalAckId(request),
        noEcho: request.noEcho === true,
        payload,
        ...(has(request, "ttlSeconds") ? { ttlSeconds: request.ttlSeconds as number } : {}),
        ...metadata,
      };
    }
    case "eventMessage": {
      const request = upstream.eventMessage as NonNullable<WireUpstream["eventMessage"]>;
      rejectStream(request, "event_message");
      return {
        type: "event",
        event: request.event,
        ...optionalAckId(request),
        ...(request.data ? { payload: decodePayload(request.data, "event_message.data") } : {}),
        ...optionalMetadata(request.metadata),
      };
    }
    case "sequenceAckMessage": {
      const request = upstream.sequenceAckMessage as NonNullable<WireUpstream["sequenceAckMessage"]>;
      return { type: "sequenceAck", sequenceId: uint64FromWire(request.sequenceId) };
    }
    case "pingMessage":
      return { type: "ping" };
    case "invokeEventMessage": {
      const request = upstream.invokeEventMessage as NonNullable<WireUpstream["invokeEventMessage"]>;
      rejectStream(request, "invoke_event_message");
      return {
        type: "invoke",
        invocationId: request.invocationId,
        target: "event",
        event: request.event,
        ...(request.data ? { payload: decodePayload(request.data, "invoke_event_message.data") } : {}),
      };
    }
    case "cancelInvocationMessage": {
      const request = upstream.cancelInvocationMessage as NonNullable<
        WireUpstream["cancelInvocationMessage"]
      >;
      return { type: "cancelInvocation", invocationId: request.invocationId };
    }
    default: {
      const unsupported = upstream.message ? UNSUPPORTED_MEMBERS[upstream.message] : undefined;
      if (unsupported) throw invalid(`UpstreamMessage.${unsupported} is not supported by wpslink`);
      throw invalid("The frame is not an UpstreamMessage with a known message member set");
    }
  }
}

/** Decodes one client frame; throws `ProtocolError` (1003 text frame, 1007 bad payload). */
export function decodeUpstreamFrame(frame: Buffer, isBinary: boolean): InboundMessage {
  if (!isBinary) {
    throw new ProtocolError("The protobuf subprotocols accept binary frames only, not text frames", 1003);
  }
  let upstream: WireUpstream;
  try {
    // The generated decoder sets exactly the fields described by WireUpstream.
    upstream = protobufWireTypes.upstream.decode(frame) as unknown as WireUpstream;
  } catch (error) {
    throw invalid(`The frame is not a valid UpstreamMessage: ${(error as Error).message}`);
  }
  return decodeMessage(upstream);
}
