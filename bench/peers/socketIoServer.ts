// The socket.io 4 peer: WebSocket transport only, no compression, heartbeats pushed beyond the
// run, and the upgrade request dropped after the handshake as socket.io's memory guide advises.
// Rooms play the part of groups; `POST /api/groups/{group}` publishes to a room.
import http from "node:http";
import { Server } from "socket.io";
import { serveCommands } from "../harness/childRpc.js";
import { listenLoopback, readBody } from "./readBody.js";

// socket.io takes over its own path (/socket.io/) and passes every other request on to this one.
const server = http.createServer((request, response) => {
  const match = /^\/api\/groups\/([^/?]+)/.exec(request.url ?? "");
  if (request.method !== "POST" || !match) {
    response.writeHead(404).end();
    return;
  }
  const group = decodeURIComponent(match[1] as string);
  readBody(request).then(
    (body) => {
      io.to(group).emit("m", body.toString("utf8"));
      response.writeHead(202).end();
    },
    () => response.writeHead(400).end(),
  );
});
const io = new Server(server, {
  transports: ["websocket"],
  perMessageDeflate: false,
  httpCompression: false,
  pingInterval: 600_000,
  pingTimeout: 600_000,
  serveClient: false,
});

io.engine.on("connection", (rawSocket: { request: unknown }) => {
  rawSocket.request = null;
});

io.on("connection", (socket) => {
  socket.on("join", (group: string, ack?: () => void) => {
    void socket.join(group);
    ack?.();
  });
  socket.on("send", (group: string, text: string) => {
    io.to(group).emit("m", text);
  });
});

const port = await listenLoopback(server);
serveCommands({}, { port });
