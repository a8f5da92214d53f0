// Minimal WebSocket framing for the load clients (RFC 6455): encode masked client frames and read
// server frames. Reading can skip payloads without copying them, so a socket that only counts
// deliveries costs a header parse per frame.

export const opcodeText = 0x1;
export const opcodeBinary = 0x2;
export const opcodeClose = 0x8;
export const opcodePing = 0x9;
export const opcodePong = 0xa;

/**
 * A client frame. RFC 6455 requires clients to mask, but any key is allowed; the all-zero key makes
 * masking the identity, so the payload is copied once and never XORed.
 */
export function encodeClientFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + 4 + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) {
    frame[1] = 0x80 | length;
  } else if (length < 65536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.writeUInt32BE(0, headerLength);
  payload.copy(frame, headerLength + 4);
  return frame;
}

/** Called per complete frame header; `payload` is null when the reader skips payloads. */
export type FrameSink = (opcode: number, payload: Buffer | null, length: number) => void;

export class FrameReader {
  /** When false, data payloads are skipped (control frames are always read whole). */
  wantPayload: boolean;
  private pending: Buffer | null = null;
  private skip = 0;

  constructor(
    private readonly sink: FrameSink,
    wantPayload: boolean,
  ) {
    this.wantPayload = wantPayload;
  }

  push(chunk: Buffer): void {
    let offset = 0;
    if (this.skip > 0) {
      offset = Math.min(this.skip, chunk.length);
      this.skip -= offset;
      if (offset === chunk.length) return;
    }
    let buffer = chunk;
    if (this.pending) {
      buffer = Buffer.concat([this.pending, chunk.subarray(offset)]);
      offset = 0;
      this.pending = null;
    }
    const end = buffer.length;
    while (offset < end) {
      const available = end - offset;
      if (available < 2) break;
      const first = buffer[offset] as number;
      let length = (buffer[offset + 1] as number) & 0x7f;
      let header = 2;
      if (length === 126) {
        if (available < 4) break;
        length = buffer.readUInt16BE(offset + 2);
        header = 4;
      } else if (length === 127) {
        if (available < 10) break;
        length = Number(buffer.readBigUInt64BE(offset + 2));
        header = 10;
      }
      const opcode = first & 0x0f;
      if (this.wantPayload || opcode >= 0x8) {
        if (available < header + length) break;
        this.sink(opcode, buffer.subarray(offset + header, offset + header + length), length);
        offset += header + length;
      } else {
        if (available < header) break;
        this.sink(opcode, null, length);
        if (available < header + length) {
          this.skip = header + length - available;
          return;
        }
        offset += header + length;
      }
    }
    if (offset < end) this.pending = buffer.subarray(offset);
  }
}
