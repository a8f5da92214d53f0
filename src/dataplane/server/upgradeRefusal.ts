// HTTP answers written straight to the socket of an upgrade request the service refuses before
// any WebSocket exists (bad token, unknown path, a `connect` handler's refusal).
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/** Writes `{code, message}` JSON with the status and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ code, message });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}`,
    "Content-Type: application/json; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
    "",
    "",
  ].join("\r\n");
  socket.end(head + body);
}
