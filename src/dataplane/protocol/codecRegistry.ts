// The PubSub subprotocols the data plane speaks, by the name a client offers in
// `Sec-WebSocket-Protocol`. A client that offers none of them is a plain WebSocket client.
// To add a subprotocol, add its codec here.
import type { ClientCodec } from "./clientMessages.js";
import { jsonCodec, jsonReliableCodec } from "./jsonCodec.js";

const codecs: ReadonlyMap<string, ClientCodec> = new Map<string, ClientCodec>([
  [jsonCodec.subprotocol, jsonCodec],
  [jsonReliableCodec.subprotocol, jsonReliableCodec],
]);

/** The codec of a subprotocol name (exact, case-sensitive as the service compares it). */
export function codecFor(subprotocol: string): ClientCodec | undefined {
  return codecs.get(subprotocol);
}

export function supportedSubprotocols(): string[] {
  return [...codecs.keys()];
}
