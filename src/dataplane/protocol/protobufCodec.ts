// The `protobuf.webpubsub.azure.v1` and `protobuf.reliable.webpubsub.azure.v1` subprotocols: binary
// frames holding an UpstreamMessage (client → service) or a DownstreamMessage (service → client)
// of the service's published schema (proto/webpubsub.v1.proto), compiled with protobufjs.
// The two differ only in reliability (sequence ids, sequenceAck, recovery), which the connection
// logic drives; the codec writes `sequence_id` whenever a message carries one.
import type { ClientCodec } from "./clientMessages.js";
import { decodeUpstreamFrame } from "./protobufDecode.js";
import { encodeDownstreamFrame } from "./protobufEncode.js";

export const PROTOBUF_SUBPROTOCOL = "protobuf.webpubsub.azure.v1";
export const PROTOBUF_RELIABLE_SUBPROTOCOL = "protobuf.reliable.webpubsub.azure.v1";

/**
 * A codec for one of the two protobuf subprotocols. `decode` throws `ProtocolError` with 1003
 * for a text frame and 1007 for bytes that are not a usable UpstreamMessage. Frames returned by
 * `encode` may be shared between sockets (and the pong frame between calls): never modify them.
 */
export function createProtobufCodec(options: { reliable: boolean }): ClientCodec {
  return {
    subprotocol: options.reliable ? PROTOBUF_RELIABLE_SUBPROTOCOL : PROTOBUF_SUBPROTOCOL,
    reliable: options.reliable,
    binary: true,
    decode: decodeUpstreamFrame,
    encode: encodeDownstreamFrame,
  };
}
