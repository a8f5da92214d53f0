// A WebSocket client over a bare TCP socket, for frames no WebSocket library will send: unmasked
// frames, reserved opcodes, invalid UTF-8. It completes the handshake, writes raw bytes, and
// reports the close frame (code) the server answers with.
import { createHash, randomBytes } from "node:crypto";
import net from "node:net";

export interface RawSocketClient {
  /** Writes bytes as they are. */
  write(bytes: Buffer): void;
  /** The code of the server's close frame, or null if the socket ended without one. */
  closeCode(timeoutMs?: number): Promise<number | null>;
  destroy(): void;
}

/** A masked client frame (FIN set) with the given opcode and payload. */
export function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] as number)));
  return Buffer.concat([header, mask, masked]);
}

/** The code of the first close frame in `bytes`; null for a close frame without code; undefined if none yet. */
function findCloseCode(bytes: Buffer): number | null | undefined {
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = (bytes[at] as number) & 0x0f;
    let length = (bytes[at + 1] as number) & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      start += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at + 2));
      start += 8;
    }
    if (start + length > bytes.length) return undefined;
    if (opcode === 8) return length >= 2 ? bytes.readUInt16BE(start) : null;
    at = start + length;
  }
  return undefined;
}

export async function openRawSocket(port: number, path: string, protocol: string): Promise<RawSocketClient> {
  const socket = net.connect(port, "127.0.0.1");
  const key = randomBytes(16).toString("base64");
  let received = Buffer.alloc(0);
  let upgraded = false;
  const ended = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  socket.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => {
      socket.write(
        [
          `GET ${path} HTTP/1.1`,
          `Host: localhost:${port}`,
          "Upgrade: websocket",
          "Connection: Upgrade",
          `Sec-WebSocket-Key: ${key}`,
          "Sec-WebSocket-Version: 13",
          `Sec-WebSocket-Protocol: ${protocol}`,
          "",
          "",
        ].join("\r\n"),
      );
    });
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (upgraded) return;
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = received.subarray(0, end).toString();
      received = received.subarray(end + 4);
      upgraded = true;
      const accept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
      if (head.startsWith("HTTP/1.1 101") && head.includes(accept)) resolve();
      else reject(new Error(`handshake refused: ${head.split("\r\n")[0]}`));
    });
  });
  return {
    write: (bytes) => socket.write(bytes),
    async closeCode(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const code = findCloseCode(received);
        if (code !== undefined) return code;
        if (socket.destroyed || Date.now() > deadline) return null;
        await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 10))]);
      }
    },
    destroy: () => socket.destroy(),
  };
}
