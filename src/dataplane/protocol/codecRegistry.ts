// The PubSub subprotocols the data plane speaks, by the name a client offers in
// `Sec-WebSocket-Protocol`. A client that offers none of them is a plain WebSocket client.
// To add a subprotocol, add its codec here.
import type { ClientCodec } from "./clientMessages.js";
import { jsonCodec, jsonReliableCodec } from "./jsonCodec.js";
import { createProtobufCodec, PROTOBUF_RELIABLE_SUBPROTOCOL, PROTOBUF_SUBPROTOCOL } from "./protobufCodec.js";

const codecs: ReadonlyMap<string, ClientCodec> = new Map<string, ClientCodec>([
  [jsonCodec.subprotocol, jsonCodec],
  [jsonReliableCodec.subprotocol, jsonReliableCodec],
  [PROTOBUF_SUBPROTOCOL, createProtobufCodec({ reliable: false })],
  [PROTOBUF_RELIABLE_SUBPROTOCOL, createProtobufCodec({ reliable: true })],
]);

/** The codec of a subprotocol name (exact, case-sensitive as the service compares it). */
export function codecFor(subprotocol: string): ClientCodec | undefined {
  return codecs.get(subprotocol);
}

export function supportedSubprotocols(): string[] {
  return [...codecs.keys()];
}
