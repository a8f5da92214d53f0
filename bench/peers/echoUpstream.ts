// The event-handler upstream of the upstream-path scenarios: answers the abuse-protection OPTIONS
// request, and echoes every user event's body back as text/plain so wpslink sends it to the
// client as the event's reply. It counts requests, so the harness can cross-check.
import http from "node:http";
import { serveCommands } from "../harness/childRpc.js";
import { listenLoopback, readBody } from "./readBody.js";

let events = 0;
const forwardedFor = new Map<string, number>();

const server = http.createServer((request, response) => {
  if (request.method === "OPTIONS") {
    response.writeHead(200, { "WebHook-Allowed-Origin": "*" }).end();
    return;
  }
  readBody(request).then(
    (body) => {
      events++;
      const via = String(request.headers["x-forwarded-for"] ?? "(none)");
      forwardedFor.set(via, (forwardedFor.get(via) ?? 0) + 1);
      response.writeHead(200, { "content-type": "text/plain", "content-length": body.length }).end(body);
    },
    () => response.writeHead(400).end(),
  );
});
server.keepAliveTimeout = 60_000;

const port = await listenLoopback(server);
serveCommands(
  {
    /** Events answered so far, and by which X-Forwarded-For they came (the path they took). */
    stats: () => ({ events, forwardedFor: Object.fromEntries(forwardedFor) }),
  },
  { port },
);
