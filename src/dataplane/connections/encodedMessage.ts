// One data message on its way to many connections, encoded lazily and at most once per wire
// format: the plain WebSocket frame, each subprotocol's whole frame, and for reliable
// subprotocols the shared body that each connection prefixes with its own sequence id.
import type { DataMessage } from "../domain/messages.js";
import type { ClientCodec } from "../protocol/clientMessages.js";
import type { SequencedDataEncoding } from "../protocol/jsonCodec.js";
import { frame } from "./webSocketFrame.js";

export class EncodedDataMessage {
  private plain: Buffer | undefined;
  // Nearly every recipient of a broadcast uses the same codec: the last frame is kept in fields so
  // that each recipient costs no map lookup; the maps are made only for a second codec.
  private lastCodec: ClientCodec | undefined;
  private lastFrame: Buffer | undefined;
  private frames: Map<ClientCodec, Buffer> | undefined;
  private bodies: Map<ClientCodec, Buffer> | undefined;

  constructor(
    readonly message: DataMessage,
    /** Epoch milliseconds after which a buffered copy is not worth resending; 0 = never. */
    readonly expiresAt = 0,
  ) {}

  /** Plain clients get the payload itself: text (and JSON text) as a text frame, bytes as binary. */
  plainFrame(): Buffer {
    if (!this.plain) {
      const { dataType, data } = this.message.payload;
      this.plain = frame(data, dataType === "binary" || dataType === "protobuf");
    }
    return this.plain;
  }

  /** The whole frame for a subprotocol connection without sequence ids. */
  codecFrame(codec: ClientCodec): Buffer {
    if (codec === this.lastCodec) return this.lastFrame as Buffer;
    let bytes = this.frames?.get(codec);
    if (!bytes) {
      bytes = frame(codec.encode({ type: "message", message: this.message }), codec.binary);
      (this.frames ??= new Map()).set(codec, bytes);
    }
    this.lastCodec = codec;
    this.lastFrame = bytes;
    return bytes;
  }

  /** The sequence-less body a reliable connection completes with its own prefix. */
  codecBody(codec: ClientCodec & SequencedDataEncoding): Buffer {
    let body = this.bodies?.get(codec);
    if (!body) {
      body = codec.encodeDataBody(this.message);
      (this.bodies ??= new Map()).set(codec, body);
    }
    return body;
  }
}
