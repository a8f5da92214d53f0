// Opens a WebSocket over a plain TCP socket with a hand-written HTTP/1.1 upgrade, so a load
// client pays for nothing but the bytes. The caller reads frames from the returned socket.
import net from "node:net";
import { randomBytes } from "node:crypto";

export interface UpgradeTarget {
  readonly host: string;
  readonly port: number;
  /** Path and query, e.g. `/client/hubs/bench?access_token=…`. */
  readonly path: string;
  /** Host header value (the JWT audience of wpslink depends on it). */
  readonly hostHeader: string;
  readonly subprotocol?: string;
  readonly localAddress?: string;
}

export interface OpenWebSocket {
  readonly socket: net.Socket;
  /** Bytes that arrived after the 101 response (already frames). */
  readonly leftover: Buffer;
}

export function openWebSocket(target: UpgradeTarget, timeoutMs = 15_000): Promise<OpenWebSocket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({
      host: target.host,
      port: target.port,
      ...(target.localAddress ? { localAddress: target.localAddress } : {}),
    });
    socket.setNoDelay(true);
    let received: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => fail(new Error(`no WebSocket upgrade within ${timeoutMs} ms`)), timeoutMs);
    function fail(error: Error): void {
      clearTimeout(timer);
      socket.removeAllListeners("data");
      socket.destroy();
      reject(error);
    }
    socket.once("error", fail);
    socket.once("connect", () => {
      const lines = [
        `GET ${target.path} HTTP/1.1`,
        `Host: ${target.hostHeader}`,
        "Upgrade: websocket",
        "Connection: Upgrade",
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
        "Sec-WebSocket-Version: 13",
      ];
      if (target.subprotocol) lines.push(`Sec-WebSocket-Protocol: ${target.subprotocol}`);
      socket.write(lines.join("\r\n") + "\r\n\r\n");
    });
    socket.on("data", function onData(chunk: Buffer) {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) {
        if (received.length > 16_384) fail(new Error("upgrade response header too large"));
        return;
      }
      const head = received.subarray(0, end).toString("latin1");
      if (!/^HTTP\/1\.1 101/.test(head)) {
        fail(new Error(`upgrade refused: ${head.split("\r\n")[0]} ${received.subarray(end + 4).toString()}`));
        return;
      }
      clearTimeout(timer);
      socket.removeListener("data", onData);
      socket.removeListener("error", fail);
      resolve({ socket, leftover: received.subarray(end + 4) });
    });
  });
}
