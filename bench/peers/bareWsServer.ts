// The limit peer: a bare `ws` server that speaks the `json.webpubsub.azure.v1` subset the load
// clients use (connected message, joinGroup with ack, sendToGroup) and publishes through
// `POST /api/groups/{group}`. A message is framed once and the same Buffer is written to every
// member's socket, which performance.md measured as the fastest plain-Node fan-out.
import http from "node:http";
import type net from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { serveCommands } from "../harness/childRpc.js";
import { listenLoopback, readBody } from "./readBody.js";

const groups = new Map<string, Set<net.Socket>>();

/** An unmasked, final text frame holding `payload`. */
function serverTextFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, header);
  return frame;
}

function publish(group: string, envelope: object): void {
  const members = groups.get(group);
  if (!members) return;
  const frame = serverTextFrame(Buffer.from(JSON.stringify(envelope)));
  for (const socket of members) socket.write(frame);
}

/** ws keeps the TCP socket private; writing to it directly is the point of this peer. */
function rawSocket(ws: WebSocket): net.Socket {
  return (ws as unknown as { _socket: net.Socket })._socket;
}

const server = http.createServer((request, response) => {
  const match = /^\/api\/groups\/([^/?]+)/.exec(request.url ?? "");
  if (request.method !== "POST" || !match) {
    response.writeHead(404).end();
    return;
  }
  const group = decodeURIComponent(match[1] as string);
  readBody(request).then(
    (body) => {
      publish(group, { type: "message", from: "server", dataType: "text", data: body.toString("utf8") });
      response.writeHead(202).end();
    },
    () => response.writeHead(400).end(),
  );
});

const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false });
let nextId = 0;
wss.on("connection", (ws) => {
  const socket = rawSocket(ws);
  const joined: string[] = [];
  ws.send(JSON.stringify({ type: "system", event: "connected", connectionId: `c${nextId++}` }));
  ws.on("message", (data, isBinary) => {
    if (isBinary) return;
    let message: { type?: string; group?: string; ackId?: number; data?: unknown };
    try {
      message = JSON.parse(data.toString()) as typeof message;
    } catch {
      ws.close(1003, "not JSON");
      return;
    }
    if (message.type === "joinGroup" && typeof message.group === "string") {
      let members = groups.get(message.group);
      if (!members) groups.set(message.group, (members = new Set()));
      members.add(socket);
      joined.push(message.group);
      if (message.ackId !== undefined)
        ws.send(JSON.stringify({ type: "ack", ackId: message.ackId, success: true }));
    } else if (message.type === "sendToGroup" && typeof message.group === "string") {
      publish(message.group, {
        type: "message",
        from: "group",
        group: message.group,
        dataType: "text",
        data: message.data,
      });
    }
  });
  ws.on("close", () => {
    for (const group of joined) groups.get(group)?.delete(socket);
  });
});

const port = await listenLoopback(server);
serveCommands({}, { port });
