// Reads one parsed JSON frame of a JSON subprotocol client into an `InboundMessage`. Anything the
// service would refuse (unknown `type`, missing or mistyped fields) throws `ProtocolError` 1007.
import type { DataType, MessagePayload } from "../domain/messages.js";
import { ProtocolError, type InboundMessage } from "./clientMessages.js";

type JsonObject = Record<string, unknown>;

/**
 * Requests of newer clients (web-pubsub-client 1.1: streaming, group state) that wpslink knows
 * but does not implement. They are answered with a `NotSupported` ack (when they carry an ackId)
 * instead of closing the connection as an unknown type would.
 */
export class UnsupportedRequest extends Error {
  constructor(
    readonly requestType: string,
    readonly ackId: bigint | undefined,
  ) {
    super(
      `The '${requestType}' request is not supported by wpslink (streaming and group state are not implemented).`,
    );
    this.name = "UnsupportedRequest";
  }
}

const knownUnsupported: ReadonlySet<string> = new Set([
  "streamData",
  "streamEnd",
  "setGroupState",
  "subscribeGroupState",
  "unsubscribeGroupState",
]);

function invalid(message: string): ProtocolError {
  return new ProtocolError(message, 1007);
}

function requiredString(frame: JsonObject, field: string): string {
  const value = frame[field];
  if (typeof value !== "string")
    throw invalid(`"${field}" must be a string in a "${String(frame.type)}" message`);
  return value;
}

function optionalAckId(frame: JsonObject): { ackId?: bigint } {
  const value = frame.ackId;
  if (value === undefined || value === null) return {};
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw invalid(`"ackId" must be a non-negative integer`);
  }
  return { ackId: BigInt(value) };
}

function readMetadata(frame: JsonObject): { metadata?: Record<string, string> } {
  const value = frame.metadata;
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw invalid(`"metadata" must be an object`);
  const metadata: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value as JsonObject)) {
    if (typeof entry !== "string") throw invalid(`metadata "${key}" must be a string`);
    metadata[key] = entry;
  }
  return Object.keys(metadata).length > 0 ? { metadata } : {};
}

const dataTypes: ReadonlySet<string> = new Set<DataType>(["json", "text", "binary", "protobuf"]);

/** The payload of a frame; undefined when it carries no `data` and `allowMissing` is set. */
function readPayload(frame: JsonObject, allowMissing: boolean): MessagePayload | undefined {
  const rawType = frame.dataType ?? "json";
  if (typeof rawType !== "string" || !dataTypes.has(rawType)) {
    throw invalid(`"dataType" must be one of json, text, binary, protobuf`);
  }
  const dataType = rawType as DataType;
  const data = frame.data;
  if (data === undefined) {
    if (allowMissing) return undefined;
    throw invalid(`"data" is required in a "${String(frame.type)}" message`);
  }
  switch (dataType) {
    case "json":
      return { dataType, data: Buffer.from(JSON.stringify(data)) };
    case "text":
      if (typeof data !== "string") throw invalid(`"data" must be a string when "dataType" is text`);
      return { dataType, data: Buffer.from(data, "utf8") };
    case "binary":
    case "protobuf":
      if (typeof data !== "string")
        throw invalid(`"data" must be a base64 string when "dataType" is ${dataType}`);
      return { dataType, data: Buffer.from(data, "base64") };
  }
}

export function readJsonInbound(parsed: unknown): InboundMessage {
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalid("A message must be a JSON object");
  }
  const frame = parsed as JsonObject;
  const type = frame.type;
  switch (type) {
    case "joinGroup":
    case "leaveGroup":
      return { type, group: requiredString(frame, "group"), ...optionalAckId(frame) };
    case "sendToGroup": {
      const noEcho = frame.noEcho ?? false;
      if (typeof noEcho !== "boolean") throw invalid(`"noEcho" must be a boolean`);
      const ttl = frame.ttlSeconds;
      if (ttl !== undefined && ttl !== null && (typeof ttl !== "number" || !Number.isInteger(ttl))) {
        throw invalid(`"ttlSeconds" must be an integer`);
      }
      return {
        type,
        group: requiredString(frame, "group"),
        ...optionalAckId(frame),
        noEcho,
        payload: readPayload(frame, false) as MessagePayload,
        ...(typeof ttl === "number" ? { ttlSeconds: ttl } : {}),
        ...readMetadata(frame),
      };
    }
    case "event": {
      const payload = readPayload(frame, true);
      return {
        type,
        event: requiredString(frame, "event"),
        ...optionalAckId(frame),
        ...(payload ? { payload } : {}),
        ...readMetadata(frame),
      };
    }
    case "sequenceAck": {
      const sequenceId = frame.sequenceId;
      if (typeof sequenceId !== "number" || !Number.isInteger(sequenceId) || sequenceId < 0) {
        throw invalid(`"sequenceId" must be a non-negative integer`);
      }
      return { type, sequenceId: BigInt(sequenceId) };
    }
    case "ping":
      return { type };
    case "invoke": {
      const payload = readPayload(frame, true);
      const target = frame.target ?? "event";
      if (typeof target !== "string") throw invalid(`"target" must be a string`);
      return {
        type,
        invocationId: requiredString(frame, "invocationId"),
        target,
        event: requiredString(frame, "event"),
        ...(payload ? { payload } : {}),
      };
    }
    case "cancelInvocation":
      return { type, invocationId: requiredString(frame, "invocationId") };
    default:
      if (typeof type === "string" && knownUnsupported.has(type)) {
        const { ackId } = optionalAckId(frame);
        throw new UnsupportedRequest(type, ackId);
      }
      throw invalid(
        typeof type === "string" ? `Unknown message type "${type}"` : `A message needs a string "type"`,
      );
  }
}
