// The JSON subprotocols `json.webpubsub.azure.v1` and `json.reliable.webpubsub.azure.v1`: text
// frames holding one JSON object each. Decoding turns a frame into the neutral `InboundMessage`
// (a frame the service would refuse throws `ProtocolError`); encoding writes `OutboundMessage`s.
// Data messages can also be encoded in two parts (a shared body and a per-connection sequence
// prefix) so a broadcast to reliable clients serialises its payload once.
import type { DataMessage, DataType, MessagePayload } from "../domain/messages.js";
import {
  ProtocolError,
  type AckError,
  type ClientCodec,
  type InboundMessage,
  type OutboundMessage,
} from "./clientMessages.js";
import { readJsonInbound } from "./jsonInbound.js";

/** A codec that can encode a data message once and add the sequence id per connection. */
export interface SequencedDataEncoding {
  /** The data message without its sequence id; `sequencePrefix` + body is the whole frame payload. */
  encodeDataBody(message: DataMessage): Buffer;
  /** The ASCII text to write before the body so that the payload carries `sequenceId`. */
  sequencePrefix(sequenceId: number): string;
}

export function hasSequencedDataEncoding(codec: ClientCodec): codec is ClientCodec & SequencedDataEncoding {
  return typeof (codec as Partial<SequencedDataEncoding>).encodeDataBody === "function";
}

const openBrace = Buffer.from("{");

class JsonCodec implements ClientCodec, SequencedDataEncoding {
  readonly binary = false;

  constructor(
    readonly subprotocol: string,
    readonly reliable: boolean,
  ) {}

  decode(frame: Buffer, isBinary: boolean): InboundMessage {
    if (isBinary) {
      throw new ProtocolError(`${this.subprotocol} takes text frames only; a binary frame arrived`, 1003);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(frame.toString("utf8"));
    } catch {
      throw new ProtocolError("The frame is not valid JSON", 1007);
    }
    const message = readJsonInbound(parsed);
    if (message.type === "sequenceAck" && !this.reliable) {
      throw new ProtocolError(
        `sequenceAck is only valid on reliable subprotocols, not ${this.subprotocol}`,
        1007,
      );
    }
    return message;
  }

  encode(message: OutboundMessage): Buffer {
    switch (message.type) {
      case "message":
        return Buffer.concat([
          message.sequenceId === undefined ? openBrace : Buffer.from(`{"sequenceId":${message.sequenceId},`),
          this.encodeDataBody(message.message),
        ]);
      case "ack":
        return Buffer.from(
          `{"type":"ack","ackId":${message.ackId},"success":${message.success}${errorPart(message.error)}}`,
        );
      case "connected":
        return Buffer.from(
          JSON.stringify({
            type: "system",
            event: "connected",
            userId: message.userId,
            connectionId: message.connectionId,
            ...(message.reconnectionToken === undefined
              ? {}
              : { reconnectionToken: message.reconnectionToken }),
          }),
        );
      case "disconnected":
        return Buffer.from(
          JSON.stringify({ type: "system", event: "disconnected", message: message.reason }),
        );
      case "pong":
        return Buffer.from('{"type":"pong"}');
      case "invokeResponse": {
        const head = `{"type":"invokeResponse","invocationId":${JSON.stringify(message.invocationId)},"success":${message.success}`;
        const data = message.payload ? `,${payloadFields(message.payload)}` : "";
        return Buffer.from(`${head}${data}${errorPart(message.error)}}`);
      }
    }
  }

  encodeDataBody(message: DataMessage): Buffer {
    let text = `"type":"message","from":"${message.from}"`;
    if (message.from === "group") {
      text += `,"group":${JSON.stringify(message.group ?? "")},"fromUserId":${JSON.stringify(message.fromUserId ?? null)}`;
    }
    text += `,${payloadFields(message.payload)}`;
    if (message.metadata && Object.keys(message.metadata).length > 0) {
      text += `,"metadata":${JSON.stringify(message.metadata)}`;
    }
    return Buffer.from(`${text}}`);
  }

  sequencePrefix(sequenceId: number): string {
    return `{"sequenceId":${sequenceId},`;
  }
}

function errorPart(error: AckError | undefined): string {
  return error ? `,"error":${JSON.stringify({ name: error.name, message: error.message })}` : "";
}

/** `"dataType":…,"data":…` for a payload; JSON payloads are already serialised JSON text. */
function payloadFields(payload: MessagePayload): string {
  const dataType: DataType = payload.dataType;
  switch (dataType) {
    case "text":
      return `"dataType":"text","data":${JSON.stringify(payload.data.toString("utf8"))}`;
    case "json":
      return `"dataType":"json","data":${payload.data.length === 0 ? "null" : payload.data.toString("utf8")}`;
    case "binary":
    case "protobuf":
      return `"dataType":"${dataType}","data":"${payload.data.toString("base64")}"`;
  }
}

export const jsonCodec: ClientCodec & SequencedDataEncoding = new JsonCodec("json.webpubsub.azure.v1", false);
export const jsonReliableCodec: ClientCodec & SequencedDataEncoding = new JsonCodec(
  "json.reliable.webpubsub.azure.v1",
  true,
);
