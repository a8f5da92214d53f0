// Server-to-client WebSocket frames built by hand (RFC 6455 §5.2: FIN set, no mask, no
// extensions), so a broadcast is framed once and the same bytes are written to every socket
// instead of each socket's `ws` sender framing (and copying) the payload again.

const finText = 0x81;
const finBinary = 0x82;

/** The header of one unfragmented frame carrying `length` payload bytes. */
export function frameHeader(length: number, binary: boolean): Buffer {
  const first = binary ? finBinary : finText;
  if (length < 126) {
    const header = Buffer.allocUnsafe(2);
    header[0] = first;
    header[1] = length;
    return header;
  }
  if (length < 65536) {
    const header = Buffer.allocUnsafe(4);
    header[0] = first;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.allocUnsafe(10);
  header[0] = first;
  header[1] = 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}

/** A whole frame (header and payload) in one buffer. */
export function frame(payload: Buffer, binary: boolean): Buffer {
  const header = frameHeader(payload.length, binary);
  return Buffer.concat([header, payload], header.length + payload.length);
}

/**
 * The start of a frame whose payload is the ASCII `prefix` followed by `bodyLength` more bytes:
 * header and prefix in one buffer, so a per-connection prefix costs one allocation.
 */
export function frameHeadWithPrefix(prefix: string, bodyLength: number, binary: boolean): Buffer {
  const header = frameHeader(prefix.length + bodyLength, binary);
  const head = Buffer.allocUnsafe(header.length + prefix.length);
  header.copy(head, 0);
  head.write(prefix, header.length, "latin1");
  return head;
}
