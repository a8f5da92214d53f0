// The proxy limit: a minimal keep-alive reverse proxy on node:http in front of one upstream
// (performance.md §3.2 measured this shape at 10–14k round trips/s per core). The upstream's
// origin comes in the UPSTREAM_URL environment variable.
import http from "node:http";
import { serveCommands } from "../harness/childRpc.js";
import { listenLoopback } from "./readBody.js";

const upstream = new URL(process.env.UPSTREAM_URL ?? "");
// noDelay: the request head and body go out as separate writes; with Nagle on, the second one
// waits for the upstream's delayed ACK (~40 ms on Linux loopback).
const agent = new http.Agent({ keepAlive: true, maxSockets: 128, noDelay: true });

const server = http.createServer((request, response) => {
  const outbound = http.request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: request.method,
      path: request.url,
      headers: request.headers,
      agent,
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  outbound.on("error", () => {
    if (!response.headersSent) response.writeHead(502);
    response.end();
  });
  request.pipe(outbound);
});
server.keepAliveTimeout = 60_000;

const port = await listenLoopback(server);
serveCommands({}, { port });
