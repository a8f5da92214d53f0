// The listener itself: HTTPS next to HTTP (the client SDK over wss with the test CA), plain HTTP
// requests without a REST handler, subprotocol negotiation (custom names, a connect handler's
// choice), service-side keep-alive pings and ping timeouts, and shutdown closing every client
// with 1001 and firing disconnected once for each connection, held ones included.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { WebPubSubClient } from "@azure/web-pubsub-client";
import { loadOrCreateLocalCa } from "../../src/pki/localCa.js";
import { goingAwayCloseCode } from "../../src/dataplane/server/dataPlaneServer.js";
import { DropProxy } from "./support/dropProxy.js";
import {
  connectJson,
  mintToken,
  openRaw,
  startTestServer,
  testKeys,
  waitFor,
  withTimeout,
} from "./support/dataPlaneHarness.js";

describe("data-plane listener", () => {
  it("serves WebSocket clients over HTTPS with the local CA, and the SDK's wss URL works", async () => {
    const ca = loadOrCreateLocalCa(process.env.WPSLINK_TEST_CA_DIR ?? null);
    const certificate = ca.issue(["localhost", "127.0.0.1"]);
    const t = await startTestServer({ https: { port: 0, key: certificate.key, cert: certificate.cert } });
    const service = new WebPubSubServiceClient(
      `Endpoint=https://localhost:${t.httpsPort};AccessKey=${testKeys.secondary};Version=1.0;`,
      "secure",
    );
    const { url } = await service.getClientAccessToken({
      userId: "tls",
      roles: ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"],
    });
    assert.match(url, /^wss:\/\/localhost:\d+\/client\/hubs\/secure\?access_token=/u);
    const sdk = new WebPubSubClient(url, {
      autoReconnect: false,
      keepAliveIntervalInMs: 1000,
      keepAliveTimeoutInMs: 3000,
    });
    try {
      const echo = new Promise<unknown>((resolve) => sdk.on("group-message", (e) => resolve(e.message.data)));
      await sdk.start();
      await sdk.joinGroup("tls-group");
      await sdk.sendToGroup("tls-group", "over tls", "text");
      assert.equal(await withTimeout(echo, 5000, "echo"), "over tls");
      const connected = t.trace.snapshot((r) => r.kind === "connected").at(-1);
      assert.equal(connected?.details?.listener, "https");
      // Both listeners are the same service: a token minted for the HTTP endpoint works over HTTPS.
      const httpToken = await mintToken(t.port, "secure");
      const viaHttps = openRaw(
        `wss://localhost:${t.httpsPort}/client/hubs/secure?access_token=${httpToken}`,
        ["json.webpubsub.azure.v1"],
      );
      await viaHttps.opened;
      viaHttps.close();
    } finally {
      sdk.stop();
      await t.close();
    }
  });

  it("answers plain HTTP with 404 JSON when no REST handler is given, and 500 JSON when the handler throws", async () => {
    const t = await startTestServer();
    try {
      const response = await fetch(`http://127.0.0.1:${t.port}/api/health`);
      assert.equal(response.status, 404);
      assert.equal(((await response.json()) as { code: string }).code, "NotFound");
    } finally {
      await t.close();
    }
    const throwing = await startTestServer({
      restHandler: () => {
        throw new Error("handler bug");
      },
    });
    try {
      const response = await fetch(`http://127.0.0.1:${throwing.port}/api/health`);
      assert.equal(response.status, 500);
      assert.deepEqual(await response.json(), { code: "InternalServerError", message: "handler bug" });
      const again = await fetch(`http://127.0.0.1:${throwing.port}/api/health`);
      assert.equal(again.status, 500, "the listener is still up");
    } finally {
      await throwing.close();
    }
  });

  it("negotiates subprotocols: first supported offer, custom names for plain clients, the connect handler's pick", async () => {
    const t = await startTestServer();
    try {
      const jwt = await mintToken(t.port, "neg");
      const url = `ws://localhost:${t.port}/client/hubs/neg?access_token=${jwt}`;
      const both = openRaw(url, ["custom.v1", "json.reliable.webpubsub.azure.v1", "json.webpubsub.azure.v1"]);
      await both.opened;
      assert.equal(both.socket.protocol, "json.reliable.webpubsub.azure.v1");
      const custom = openRaw(url, ["custom.v1"]);
      await custom.opened;
      assert.equal(custom.socket.protocol, "custom.v1");
      t.upstream.connectAnswer = () => ({ kind: "accepted", subprotocol: "json.webpubsub.azure.v1" });
      const picked = openRaw(url, ["json.reliable.webpubsub.azure.v1", "json.webpubsub.azure.v1"]);
      await picked.opened;
      assert.equal(picked.socket.protocol, "json.webpubsub.azure.v1");
      const connected = await picked.waitForJson((m) => m.event === "connected");
      assert.equal(connected.reconnectionToken, undefined);
      t.upstream.connectAnswer = () => ({ kind: "accepted", subprotocol: "not-offered" });
      const bad = openRaw(url, ["json.webpubsub.azure.v1"]);
      assert.equal((await bad.refusal)?.status, 500);
      for (const client of [both, custom, picked]) client.close();
    } finally {
      await t.close();
    }
  });

  it("pings idle sockets every keep-alive interval and drops silent ones as PingTimeout", async () => {
    const t = await startTestServer();
    t.hubs.set("alive", {
      eventHandlers: [],
      anonymousConnectPolicy: "deny",
      webSocketKeepAliveIntervalInSeconds: 1,
    });
    const proxy = new DropProxy(t.port);
    await proxy.start();
    try {
      const healthy = await connectJson(t, "alive", { userId: "healthy" });
      let pings = 0;
      healthy.client.socket.on("ping", () => pings++);
      const jwt = await mintToken(t.port, "alive", { userId: "silent" });
      const silent = openRaw(`ws://localhost:${proxy.port}/client/hubs/alive?access_token=${jwt}`, [
        "json.webpubsub.azure.v1",
      ]);
      const silentId = (await silent.waitForJson((m) => m.event === "connected")).connectionId as string;
      proxy.stallServerSide();
      await waitFor(() => t.upstream.of("disconnected", silentId).length === 1, 8000, "ping timeout");
      assert.ok(pings >= 2, `healthy client got ${pings} pings`);
      assert.equal(await t.server.hubs("alive").connectionExists(healthy.connectionId), true);
      assert.equal(
        t.trace.snapshot((r) => r.kind === "connection.pingTimeout" && r.connectionId === silentId).length,
        1,
      );
      healthy.client.close();
      silent.close();
    } finally {
      await proxy.close();
      await t.close();
    }
  });

  it("closes every client with 1001 on shutdown and fires disconnected once per connection", async () => {
    const t = await startTestServer({ recoveryWindowMs: 60_000 });
    const plain = await connectJson(t, "bye", { userId: "p" });
    const reliable = await connectJson(t, "bye", { userId: "r" }, "json.reliable.webpubsub.azure.v1");
    const held = await connectJson(t, "bye", { userId: "h" }, "json.reliable.webpubsub.azure.v1");
    held.client.socket.terminate();
    await waitFor(() => t.trace.snapshot((r) => r.kind === "connection.held").length === 1);
    await t.close();
    for (const { client } of [plain, reliable]) {
      const closed = await client.waitClosed();
      assert.equal(closed.code, goingAwayCloseCode);
      assert.ok(client.json().some((m) => m.event === "disconnected"));
    }
    for (const { connectionId } of [plain, reliable, held]) {
      assert.equal(t.upstream.of("disconnected", connectionId).length, 1);
    }
    assert.equal(t.server.connectionCount(), 0);
  });

  it("refuses with 503 an upgrade whose connect event finishes after shutdown began", async () => {
    const t = await startTestServer();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let waiting = false;
    t.upstream.connectAnswer = () => ({ kind: "noHandler" });
    t.upstream.connect = async () => {
      waiting = true;
      await gate;
      return { kind: "noHandler" };
    };
    const jwt = await mintToken(t.port, "late");
    const late = openRaw(`ws://localhost:${t.port}/client/hubs/late?access_token=${jwt}`, [
      "json.webpubsub.azure.v1",
    ]);
    await waitFor(() => waiting, 5000, "the connect event");
    const closing = t.close();
    release();
    assert.equal((await late.refusal)?.status, 503);
    await closing;
    assert.equal(t.upstream.of("connected").length, 0);
  });
});
