// The unmodified @azure/web-pubsub-client (1.0.4 on Node 20) against the data-plane server, with
// tokens from the unmodified @azure/web-pubsub server SDK and its REST calls served by the REST
// handler: groups, group messages, acks (including Duplicate and Forbidden), events, invocations,
// server sends, and the upstream's connected/disconnected events.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import {
  SendMessageError,
  WebPubSubClient,
  WebPubSubJsonProtocol,
  type WebPubSubClientOptions,
} from "@azure/web-pubsub-client";
import {
  startTestServer,
  testKeys,
  waitFor,
  withTimeout,
  type TestServer,
} from "./support/dataPlaneHarness.js";

const hub = "sdk";
const baseOptions: WebPubSubClientOptions = {
  autoReconnect: false,
  keepAliveIntervalInMs: 1000,
  keepAliveTimeoutInMs: 3000,
  messageRetryOptions: { maxRetries: 0 },
};

describe("@azure/web-pubsub-client against the data plane", () => {
  let t: TestServer;
  let service: WebPubSubServiceClient;
  const clients: WebPubSubClient[] = [];

  before(async () => {
    t = await startTestServer({ recoveryWindowMs: 500 }, true);
    service = new WebPubSubServiceClient(
      `Endpoint=${t.endpoint};AccessKey=${testKeys.primary};Version=1.0;`,
      hub,
      {
        allowInsecureConnection: true,
      },
    );
  });

  after(async () => {
    for (const client of clients) client.stop();
    await t.close();
  });

  async function start(
    userId: string,
    roles: string[] = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"],
    options: WebPubSubClientOptions = {},
  ): Promise<{ client: WebPubSubClient; connectionId: string }> {
    const { url } = await service.getClientAccessToken({ userId, roles });
    const client = new WebPubSubClient(url, { ...baseOptions, ...options });
    clients.push(client);
    const connected = new Promise<string>((resolve) =>
      client.on("connected", (e) => resolve(e.connectionId)),
    );
    await client.start();
    return { client, connectionId: await withTimeout(connected, 5000, "connected") };
  }

  it("joins, sends to and leaves groups with acks, over the default reliable protocol", async () => {
    const alice = await start("alice");
    const bob = await start("bob");
    const received: unknown[] = [];
    bob.client.on("group-message", (e) => received.push(e.message.data));
    await alice.client.joinGroup("room");
    await bob.client.joinGroup("room");
    const result = await alice.client.sendToGroup("room", { n: 1 }, "json");
    assert.equal(result.isDuplicated, false);
    await alice.client.sendToGroup("room", "text!", "text");
    await alice.client.sendToGroup("room", new Uint8Array([1, 2, 3]).buffer, "binary");
    await waitFor(() => received.length === 3, 5000, "three group messages");
    assert.deepEqual(received[0], { n: 1 });
    assert.equal(received[1], "text!");
    assert.deepEqual([...new Uint8Array(received[2] as ArrayBuffer)], [1, 2, 3]);
    const duplicate = await alice.client.sendToGroup("room", "again", "text", { ackId: result.ackId });
    assert.equal(duplicate.isDuplicated, true);
    await bob.client.leaveGroup("room");
    await alice.client.sendToGroup("room", "after-leave", "text");
    await alice.client.sendToGroup("room", "noecho", "text", { noEcho: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(received.length, 3, "bob left the group and the duplicate was not delivered");
  });

  it("reports Forbidden to the caller", async () => {
    const limited = await start("limited", []);
    await assert.rejects(limited.client.joinGroup("secret"), (error: unknown) => {
      assert.ok(error instanceof SendMessageError);
      assert.equal(error.errorDetail?.name, "Forbidden");
      return true;
    });
  });

  it("sends events upstream and gets replies, also through invokeEvent and the non-reliable protocol", async () => {
    t.upstream.userEventAnswer = (_c, event, payload) =>
      event === "shout"
        ? {
            kind: "ok",
            reply: {
              dataType: "json",
              data: Buffer.from(JSON.stringify({ heard: payload.data.toString() })),
            },
          }
        : { kind: "noHandler" };
    try {
      for (const protocol of [undefined, WebPubSubJsonProtocol()]) {
        const carol = await start("carol", [], protocol ? { protocol } : {});
        const reply = new Promise<unknown>((resolve) =>
          carol.client.on("server-message", (e) => resolve(e.message.data)),
        );
        await carol.client.sendEvent("shout", "hey", "text");
        assert.deepEqual(await withTimeout(reply, 5000, "reply"), { heard: "hey" });
        const invoked = await carol.client.invokeEvent("shout", "inv", "text");
        assert.deepEqual(invoked.data, { heard: "inv" });
        await assert.rejects(carol.client.sendEvent("unhandled", "x", "text"), SendMessageError);
      }
    } finally {
      t.upstream.userEventAnswer = () => ({ kind: "noHandler" });
    }
  });

  it("receives what the server SDK sends through the REST API", async () => {
    const dave = await start("dave");
    const erin = await start("erin");
    const got: { who: string; data: unknown; from: string }[] = [];
    dave.client.on("server-message", (e) => got.push({ who: "dave", data: e.message.data, from: "server" }));
    erin.client.on("server-message", (e) => got.push({ who: "erin", data: e.message.data, from: "server" }));
    // REST sends, to a group too, reach PubSub clients as server messages (reference §1.8).
    // REST sends, to a group too, reach PubSub clients as server messages (reference §1.8).
    dave.client.on("group-message", (e) => got.push({ who: "dave", data: e.message.data, from: "group" }));
    await service.sendToAll({ all: true });
    await service.sendToUser("erin", "for erin", { contentType: "text/plain" });
    await service.sendToConnection(dave.connectionId, "for dave", { contentType: "text/plain" });
    await service.group("rest-group").addConnection(dave.connectionId);
    await service.group("rest-group").sendToAll("to the group", { contentType: "text/plain" });
    await service.sendToAll({ excluded: true }, { filter: "userId eq 'erin'" });
    await waitFor(() => got.length >= 6, 5000, "six deliveries");
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(got.map((g) => `${g.who}:${g.from}:${JSON.stringify(g.data)}`).sort(), [
      'dave:server:"for dave"',
      'dave:server:"to the group"',
      'dave:server:{"all":true}',
      'erin:server:"for erin"',
      'erin:server:{"all":true}',
      'erin:server:{"excluded":true}',
    ]);
    assert.equal(await service.userExists("dave"), true);
    assert.equal(await service.connectionExists(dave.connectionId), true);
  });

  it("a connection closed through the REST API is not recovered (1008) and the SDK reconnects and rejoins", async () => {
    const { client, connectionId } = await start("grace", ["webpubsub.joinLeaveGroup"], {
      autoReconnect: true,
    });
    const connections: string[] = [connectionId];
    const disconnected: string[] = [];
    client.on("connected", (e) => connections.push(e.connectionId));
    client.on("disconnected", (e) => disconnected.push(e.message?.message ?? ""));
    await client.joinGroup("comeback");
    await service.closeConnection(connectionId, { reason: "maintenance" });
    await waitFor(() => connections.length === 2, 10_000, "a new connection");
    assert.notEqual(connections[1], connectionId);
    assert.deepEqual(disconnected, ["maintenance"]);
    const got = new Promise<unknown>((resolve) => client.on("group-message", (e) => resolve(e.message.data)));
    await waitFor(
      () => t.trace.snapshot((r) => r.connectionId === connections[1] && r.kind === "connected").length === 1,
    );
    // autoRejoinGroups puts the new connection back into the group (bounded poll).
    for (
      let i = 0;
      i < 100 && (await t.server.hubs(hub).listGroupConnections("comeback")).length === 0;
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await t.server.hubs(hub).sendToGroup("comeback", {
      from: "group",
      group: "comeback",
      payload: { dataType: "text", data: Buffer.from("welcome back") },
    });
    assert.equal(await withTimeout(got, 5000, "group message after rejoin"), "welcome back");
    assert.ok(
      t.trace.snapshot((r) => r.kind === "recovery.refused" && r.connectionId === connectionId).length >= 1,
    );
  });

  it("fires connected once and disconnected once per connection, after the client stops", async () => {
    const frank = await start("frank");
    await waitFor(() => t.upstream.of("connected", frank.connectionId).length === 1);
    const stopped = new Promise((resolve) => frank.client.on("stopped", resolve));
    frank.client.stop();
    await withTimeout(stopped, 5000, "stopped");
    // A reliable connection is held for the recovery window (500 ms here) before it ends.
    await waitFor(() => t.upstream.of("disconnected", frank.connectionId).length === 1, 5000, "disconnected");
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(t.upstream.of("disconnected", frank.connectionId).length, 1);
    assert.equal(await service.connectionExists(frank.connectionId), false);
  });
});
