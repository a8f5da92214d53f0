// End to end: real @azure/web-pubsub-client clients against the data plane server wired to the
// event dispatcher, with an upstream written with @azure/web-pubsub-express.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { WebPubSubClient } from "@azure/web-pubsub-client";
import { WebPubSubEventHandler } from "@azure/web-pubsub-express";
import express from "express";
import { createDataPlaneServer, type DataPlaneServer } from "../../src/dataplane/server/dataPlaneServer.js";
import {
  createHarness,
  listenCounted,
  waitFor,
  type CountedServer,
  type Harness,
} from "./support/upstreamHarness.js";

// Short keep-alive timers: the client SDK's timers keep the process alive for one interval after stop().
const clientOptions = { autoReconnect: false, keepAliveIntervalInMs: 1000, keepAliveTimeoutInMs: 3000 };

describe("clients, data plane and upstream together", () => {
  let upstream: CountedServer;
  let harness: Harness;
  let server: DataPlaneServer;
  let serviceClient: WebPubSubServiceClient;
  const clients: WebPubSubClient[] = [];
  let eventHandler:
    ((req: express.Request, res: express.Response, next: express.NextFunction) => void) | undefined;

  before(async () => {
    const app = express();
    app.use((req, res, next) => (eventHandler ? eventHandler(req, res, next) : next()));
    upstream = await listenCounted(http.createServer(app));
    harness = createHarness();
    harness.setHandlers("chat", [
      {
        urlTemplate: `${upstream.url}/api/webpubsub/hubs/{hub}/{event}`,
        userEventPattern: "*",
        systemEvents: ["connect", "connected", "disconnected"],
      },
    ]);
    server = createDataPlaneServer({
      resourceName: "contoso-webpubsub",
      keys: harness.keys,
      hubSettings: {
        get: (hub) =>
          harness.hubs.get(hub.toLowerCase()) ?? {
            eventHandlers: [],
            anonymousConnectPolicy: "deny",
            webSocketKeepAliveIntervalInSeconds: 20,
          },
      },
      upstream: harness.events,
      trace: harness.trace,
      host: "127.0.0.1",
      httpPort: 0,
      publicHostname: "localhost",
    });
    const started = await server.start();
    const endpoint = `http://localhost:${started.httpPort}`;
    eventHandler = new WebPubSubEventHandler("chat", {
      allowedEndpoints: [endpoint],
      handleConnect(req, res) {
        if (req.context.userId === "mallory") {
          res.fail(401, "mallory may not connect");
          return;
        }
        res.success({
          userId: `upstream-${req.context.userId ?? "anonymous"}`,
          groups: ["room-a"],
          roles: ["webpubsub.sendToGroup.room-a"],
        });
      },
      handleUserEvent(req, res) {
        res.success(`echo:${String(req.data)}`, "text");
      },
    }).getMiddleware();
    serviceClient = new WebPubSubServiceClient(
      `Endpoint=${endpoint};AccessKey=${harness.keys.keys.primary};Version=1.0;`,
      "chat",
      { allowInsecureConnection: true },
    );
  });

  after(async () => {
    for (const client of clients) client.stop();
    await server?.close();
    await harness?.events.close();
    await upstream?.close();
  });

  async function startClient(
    userId: string,
  ): Promise<{ client: WebPubSubClient; connectedUserId: Promise<string> }> {
    const { url } = await serviceClient.getClientAccessToken({ userId });
    const client = new WebPubSubClient(url, clientOptions);
    clients.push(client);
    const connectedUserId = new Promise<string>((resolve) =>
      client.on("connected", (e) => resolve(e.userId)),
    );
    await client.start();
    return { client, connectedUserId };
  }

  it("the upstream sets the user id and groups of a connecting client", async () => {
    const alice = await startClient("alice");
    assert.equal(await alice.connectedUserId, "upstream-alice");
    const bob = await startClient("bob");
    await bob.connectedUserId;
    const received = new Promise<unknown>((resolve) =>
      alice.client.on("group-message", (e) => resolve(e.message.data)),
    );
    // bob may send to room-a (role from the upstream); alice is in room-a (group from the upstream).
    await bob.client.sendToGroup("room-a", "hello room", "text");
    assert.equal(await received, "hello room");
  });

  it("a connect refused by the upstream fails the client's start", async () => {
    const { url } = await serviceClient.getClientAccessToken({ userId: "mallory" });
    const client = new WebPubSubClient(url, clientOptions);
    clients.push(client);
    await assert.rejects(client.start());
  });

  it("a user event is answered back to the client", async () => {
    const carol = await startClient("carol");
    await carol.connectedUserId;
    const reply = new Promise<unknown>((resolve) =>
      carol.client.on("server-message", (e) => resolve(e.message.data)),
    );
    await carol.client.sendEvent("shout", "hi", "text");
    assert.equal(await reply, "echo:hi");
    await waitFor(() => harness.records("upstream.call").some((r) => r.details?.event === "shout"));
  });
});
