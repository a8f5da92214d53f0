// json.reliable.webpubsub.azure.v1: sequence ids, sequenceAck, recovery of a dropped connection
// with awps_connection_id + awps_reconnection_token (by the unmodified client SDK through a relay
// the test cuts, and by raw clients), and every refused recovery closing with 1008.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { WebPubSubClient } from "@azure/web-pubsub-client";
import { DropProxy } from "./support/dropProxy.js";
import {
  connectJson,
  mintToken,
  openRaw,
  startTestServer,
  testKeys,
  waitFor,
  withTimeout,
  type RawClient,
  type TestServer,
} from "./support/dataPlaneHarness.js";

const hub = "reliable";
const reliable = "json.reliable.webpubsub.azure.v1";
const text = (value: string) => ({
  from: "server" as const,
  payload: { dataType: "text" as const, data: Buffer.from(value) },
});

describe("reliable subprotocol and recovery", () => {
  let t: TestServer;
  let proxy: DropProxy;
  const raws: RawClient[] = [];
  const sdkClients: WebPubSubClient[] = [];

  before(async () => {
    t = await startTestServer({
      recoveryWindowMs: 1500,
      reliableLimits: { maxMessages: 50, maxBytes: 1024 * 1024 },
    });
    proxy = new DropProxy(t.port);
    await proxy.start();
  });

  after(async () => {
    for (const client of sdkClients) client.stop();
    for (const client of raws) client.close();
    await proxy.close();
    await t.close();
  });

  it("loses no message when the client SDK's socket drops mid-stream", async () => {
    const service = new WebPubSubServiceClient(
      `Endpoint=${t.endpoint};AccessKey=${testKeys.primary};Version=1.0;`,
      hub,
      {
        allowInsecureConnection: true,
      },
    );
    const { url } = await service.getClientAccessToken({
      userId: "rel",
      roles: ["webpubsub.joinLeaveGroup"],
    });
    // The client reaches the server through the relay; its recovery URL goes the same way.
    const client = new WebPubSubClient(url.replace(`:${t.port}/`, `:${proxy.port}/`), {
      autoReconnect: false,
      keepAliveIntervalInMs: 1000,
      keepAliveTimeoutInMs: 3000,
    });
    sdkClients.push(client);
    let connectedEvents = 0;
    let disconnectedEvents = 0;
    const received: string[] = [];
    client.on("connected", () => connectedEvents++);
    client.on("disconnected", () => disconnectedEvents++);
    client.on("group-message", (e) => received.push(e.message.data as string));
    await client.start();
    await client.joinGroup("stream");
    const ops = t.server.hubs(hub);
    const total = 40;
    for (let i = 0; i < total; i++) {
      await ops.sendToGroup("stream", { ...text(`m${i}`), from: "group", group: "stream" });
      if (i === 15) {
        await waitFor(() => received.length >= 10, 5000, "some messages before the drop");
        proxy.dropAll();
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitFor(() => received.length >= total, 10_000, "every message after recovery");
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(
      received,
      Array.from({ length: total }, (_, i) => `m${i}`),
    );
    assert.equal(connectedEvents, 1, "the SDK saw one connection (recovered, not replaced)");
    assert.equal(disconnectedEvents, 0);
    const recovered = t.trace.snapshot((r) => r.kind === "recovered");
    assert.equal(recovered.length, 1);
    assert.equal(t.upstream.of("disconnected", recovered[0]?.connectionId).length, 0);
  });

  it("numbers data messages from 1, prunes acknowledged ones, and replays the rest on recovery", async () => {
    const { client, connectionId, connected } = await connectJson(t, hub, { userId: "raw-rel" }, reliable);
    raws.push(client);
    const token = connected.reconnectionToken;
    assert.equal(typeof token, "string");
    const ops = t.server.hubs(hub);
    for (const value of ["a", "b", "c"]) await ops.sendToConnection(connectionId, text(value));
    await waitFor(() => client.json().filter((m) => m.type === "message").length === 3);
    const messages = client.json().filter((m) => m.type === "message");
    assert.deepEqual(
      messages.map((m) => [m.sequenceId, m.data]),
      [
        [1, "a"],
        [2, "b"],
        [3, "c"],
      ],
    );
    // Acks and system messages carry no sequence id.
    assert.equal(connected.sequenceId, undefined);
    client.send({ type: "sequenceAck", sequenceId: 2 });
    client.send({ type: "ping" });
    await client.waitForJson((m) => m.type === "pong");
    client.socket.terminate();
    await waitFor(
      () =>
        t.trace.snapshot((r) => r.kind === "connection.held" && r.connectionId === connectionId).length === 1,
    );
    // Sent while the client is away: buffered.
    await ops.sendToConnection(connectionId, text("d"));
    const jwt = await mintToken(t.port, hub, { userId: "raw-rel" });
    const back = openRaw(
      `ws://localhost:${t.port}/client/hubs/${hub}?access_token=${jwt}&awps_connection_id=${encodeURIComponent(connectionId)}&awps_reconnection_token=${encodeURIComponent(String(token))}`,
      [reliable],
    );
    raws.push(back);
    await back.opened;
    assert.equal(back.socket.protocol, reliable);
    await waitFor(() => back.json().filter((m) => m.type === "message").length === 2);
    assert.deepEqual(
      back.json().map((m) => [m.sequenceId, m.data]),
      [
        [3, "c"],
        [4, "d"],
      ],
    );
    await ops.sendToConnection(connectionId, text("e"));
    await waitFor(() => back.json().some((m) => m.sequenceId === 5 && m.data === "e"));
    assert.equal(t.upstream.of("connected", connectionId).length, 1, "recovery does not re-fire connected");
    assert.equal(t.upstream.of("disconnected", connectionId).length, 0);
  });

  it("skips buffered messages whose TTL ran out while the client was away", async () => {
    const { client, connectionId, connected } = await connectJson(t, hub, { userId: "ttl" }, reliable);
    raws.push(client);
    client.socket.terminate();
    await waitFor(
      () =>
        t.trace.snapshot((r) => r.kind === "connection.held" && r.connectionId === connectionId).length === 1,
    );
    const ops = t.server.hubs(hub);
    await ops.sendToConnection(connectionId, text("short-lived"), { ttlSeconds: 1 });
    await ops.sendToConnection(connectionId, text("kept"));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const jwt = await mintToken(t.port, hub);
    const back = openRaw(
      `ws://localhost:${t.port}/client/hubs/${hub}?access_token=${jwt}&awps_connection_id=${connectionId}&awps_reconnection_token=${String(connected.reconnectionToken)}`,
      [reliable],
    );
    raws.push(back);
    await back.waitForJson((m) => m.data === "kept");
    assert.deepEqual(
      back.json().map((m) => [m.sequenceId, m.data]),
      [[2, "kept"]],
    );
    const delivered = t.trace.snapshot((r) => r.kind === "delivered" && r.hub === hub).at(-1);
    assert.equal(delivered?.details?.recipients, 1);
  });

  it("closes refused recoveries with 1008 after the handshake: wrong token, unknown id, expired window", async () => {
    const { client, connectionId, connected } = await connectJson(t, hub, { userId: "r2" }, reliable);
    raws.push(client);
    const jwt = await mintToken(t.port, hub);
    const recoveryUrl = (id: string, token: string) =>
      `ws://localhost:${t.port}/client/hubs/${hub}?access_token=${jwt}&awps_connection_id=${encodeURIComponent(id)}&awps_reconnection_token=${encodeURIComponent(token)}`;
    client.socket.terminate();
    for (const [id, token, reason] of [
      [connectionId, "forged-token", /reconnection token/],
      ["no-such-connection", String(connected.reconnectionToken), /cannot be recovered/],
    ] as const) {
      const attempt = openRaw(recoveryUrl(id, token), [reliable]);
      raws.push(attempt);
      await attempt.opened;
      const closed = await attempt.waitClosed();
      assert.equal(closed.code, 1008);
      assert.match(closed.reason, reason);
    }
    // After the recovery window the connection is gone for good: disconnected fires once.
    await waitFor(() => t.upstream.of("disconnected", connectionId).length === 1, 5000, "window expiry");
    const late = openRaw(recoveryUrl(connectionId, String(connected.reconnectionToken)), [reliable]);
    raws.push(late);
    await late.opened;
    assert.equal((await late.waitClosed()).code, 1008);
    assert.equal(t.upstream.of("disconnected", connectionId).length, 1);
  });

  it("ends a connection whose unacknowledged messages exceed the resend buffer", async () => {
    const { client, connectionId, connected } = await connectJson(t, hub, { userId: "greedy" }, reliable);
    raws.push(client);
    const ops = t.server.hubs(hub);
    for (let i = 0; i < 60; i++) await ops.sendToConnection(connectionId, text(`x${i}`));
    const closed = await withTimeout(client.waitClosed(), 5000, "close");
    assert.ok(closed.code === 1008 || closed.code === 1006, `close code ${closed.code}`);
    await waitFor(() => t.upstream.of("disconnected", connectionId).length === 1);
    const jwt = await mintToken(t.port, hub);
    const attempt = openRaw(
      `ws://localhost:${t.port}/client/hubs/${hub}?access_token=${jwt}&awps_connection_id=${connectionId}&awps_reconnection_token=${String(connected.reconnectionToken)}`,
      [reliable],
    );
    raws.push(attempt);
    await attempt.opened;
    assert.equal((await attempt.waitClosed()).code, 1008);
  });
});
