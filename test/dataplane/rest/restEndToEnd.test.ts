// End to end: the unmodified `@azure/web-pubsub` SDK calls the REST API of a real data plane
// server, and real clients (raw `ws` with and without the JSON subprotocol, and
// `@azure/web-pubsub-client`) receive the effects: sends with filter and excluded, groups,
// users, closes with a reason, permissions, and `:generateToken` tokens accepted on connect.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { WebPubSubServiceClient, odata } from "@azure/web-pubsub";
import { WebPubSubClient } from "@azure/web-pubsub-client";
import { AccessKeyRing } from "../../../src/dataplane/domain/accessKeys.js";
import { defaultHubSettings } from "../../../src/dataplane/domain/hubSettings.js";
import { noUpstream } from "../../../src/dataplane/ports/upstreamEvents.js";
import { createRestHandler } from "../../../src/dataplane/rest/restHandler.js";
import {
  createDataPlaneServer,
  type DataPlaneServer,
} from "../../../src/dataplane/server/dataPlaneServer.js";
import { loadOrCreateLocalCa } from "../../../src/pki/localCa.js";
import { TraceBus } from "../../../src/trace/traceBus.js";
import { TestClient, jsonProtocol, waitUntil } from "./support/testClient.js";

const key = "E2EKEYE2EKEYE2EKEYE2EKEYE2EKEYE2EKEYE2EKEY0";
const hub = "chat";

/** The SDK's generated `:generateToken` operation (public only through Entra credentials). */
interface GeneratedTokenApi {
  client: {
    webPubSub: {
      generateClientToken(
        hub: string,
        options: { userId?: string; roles?: string[]; groups?: string[]; expirationTimeInMinutes?: number },
      ): Promise<{ token?: string }>;
    };
  };
}

describe("REST API end to end with real clients", () => {
  let server: DataPlaneServer;
  let service: WebPubSubServiceClient;
  let secureService: WebPubSubServiceClient;
  let httpEndpoint: string;
  let httpsEndpoint: string;
  const clients: TestClient[] = [];
  const sdkClients: WebPubSubClient[] = [];

  async function connect(
    options: {
      userId?: string;
      roles?: string[];
      groups?: string[];
      protocol?: string | null;
      secure?: boolean;
    } = {},
  ): Promise<TestClient> {
    const source = options.secure ? secureService : service;
    const { url } = await source.getClientAccessToken({
      ...(options.userId ? { userId: options.userId } : {}),
      ...(options.roles ? { roles: options.roles } : {}),
      ...(options.groups ? { groups: options.groups } : {}),
    });
    const client = await TestClient.open(
      url,
      options.protocol === undefined ? jsonProtocol : options.protocol,
    );
    clients.push(client);
    return client;
  }

  before(async () => {
    const keys = new AccessKeyRing({ primary: key, secondary: key.split("").reverse().join("") });
    const trace = new TraceBus();
    const certificate = loadOrCreateLocalCa(process.env.WPSLINK_TEST_CA_DIR ?? null).issue([
      "localhost",
      "127.0.0.1",
    ]);
    const started: { server?: DataPlaneServer } = {};
    const restHandler = createRestHandler({
      hubs: (name) => {
        if (!started.server) throw new Error("not started");
        return started.server.hubs(name);
      },
      keys,
      trace,
      resourceName: "e2e-webpubsub",
      skipApiVersionCheck: false,
    });
    server = createDataPlaneServer({
      resourceName: "e2e-webpubsub",
      keys,
      hubSettings: { get: () => defaultHubSettings },
      upstream: noUpstream,
      trace,
      host: "127.0.0.1",
      httpPort: 0,
      publicHostname: "localhost",
      restHandler,
      https: { port: 0, key: certificate.key, cert: certificate.cert },
    });
    started.server = server;
    const ports = await server.start();
    httpEndpoint = `http://127.0.0.1:${ports.httpPort}`;
    httpsEndpoint = `https://localhost:${ports.httpsPort}`;
    service = new WebPubSubServiceClient(`Endpoint=${httpEndpoint};AccessKey=${key};Version=1.0;`, hub, {
      allowInsecureConnection: true,
    });
    secureService = new WebPubSubServiceClient(
      `Endpoint=${httpsEndpoint};AccessKey=${key};Version=1.0;`,
      hub,
    );
  });

  after(async () => {
    for (const client of sdkClients) {
      const stopped = new Promise<void>((resolve) => client.on("stopped", () => resolve()));
      client.stop();
      await stopped;
    }
    for (const client of clients) client.close();
    await server.close();
  });

  it("answers the health probe through the data plane listener", async () => {
    const response = await fetch(`${httpEndpoint}/api/health`, { method: "HEAD" });
    assert.equal(response.status, 200);
  });

  it("sends to all with a filter and excluded connections", async () => {
    const [a, b, c] = [
      await connect({ userId: "fa" }),
      await connect({ userId: "fb" }),
      await connect({ userId: "fc" }),
    ];
    await service.sendToAll(
      { step: 1 },
      { filter: odata`userId ne ${"fc"}`, excludedConnections: [b.connectionId] },
    );
    await service.sendToAll({ step: "marker" }, { filter: "startswith(userId, 'f')" });
    assert.deepEqual((await a.nextData()).data, { step: 1 });
    assert.deepEqual((await a.nextData()).data, { step: "marker" });
    // b and c see the marker first: the filtered send never reached them.
    assert.deepEqual((await b.nextData()).data, { step: "marker" });
    assert.deepEqual((await c.nextData()).data, { step: "marker" });
  });

  it("delivers text, JSON and binary to a plain WebSocket client as text and binary frames", async () => {
    const raw = await connect({ userId: "plain", protocol: null });
    await service.sendToUser("plain", "hello text", { contentType: "text/plain" });
    await service.sendToUser("plain", { j: true });
    await service.sendToUser("plain", new Uint8Array([0, 1, 2, 255]));
    assert.deepEqual(await raw.nextFrame(), { binary: false, text: "hello text" });
    assert.deepEqual(await raw.nextFrame(), { binary: false, text: '{"j":true}' });
    const binary = await raw.nextFrame();
    assert.equal(binary.binary, true);
    assert.deepEqual([...Buffer.from(binary.text, "base64")], [0, 1, 2, 255]);
  });

  it("manages groups: add connection and user, list, exists, bulk add with filter, remove", async () => {
    const one = await connect({ userId: "g-one" });
    const two = await connect({ userId: "g-two" });
    const three = await connect({ userId: "g-three" });
    const group = service.group("room 1");
    assert.equal(await service.groupExists("room 1"), false);
    await group.addConnection(one.connectionId);
    await group.addUser("g-two");
    assert.equal(await service.groupExists("room 1"), true);
    const members: string[] = [];
    for await (const member of await group.listConnections({ maxPageSize: 1 }))
      members.push(member.connectionId);
    assert.deepEqual(members.sort(), [one.connectionId, two.connectionId].sort());

    await group.sendToAll("to the room", {
      contentType: "text/plain",
      excludedConnections: [two.connectionId],
    });
    await service.sendToAll("marker", { contentType: "text/plain", filter: "startswith(userId, 'g-')" });
    const got = (await one.nextData()) as { from: string; data: unknown; dataType: string };
    assert.deepEqual([got.from, got.dataType, got.data], ["server", "text", "to the room"]);
    assert.equal((await one.nextData()).data, "marker");
    assert.equal((await two.nextData()).data, "marker");
    assert.equal((await three.nextData()).data, "marker");

    await service.addConnectionsToGroups(["room 2"], "userId eq 'g-three'");
    await service.group("room 2").sendToAll({ room: 2 });
    assert.deepEqual((await three.nextData()).data, { room: 2 });

    await group.removeConnection(one.connectionId);
    await service.removeUserFromAllGroups("g-two");
    assert.equal(await service.groupExists("room 1"), false);
    await service.removeConnectionsFromGroups(["room 2"], "");
    assert.equal(await service.groupExists("room 2"), false);
  });

  it("sends to users and connections and checks that they exist", async () => {
    const first = await connect({ userId: "carol" });
    const second = await connect({ userId: "carol" });
    assert.equal(await service.userExists("carol"), true);
    assert.equal(await service.connectionExists(first.connectionId), true);
    assert.equal(await service.connectionExists("no-such-connection"), false);
    await service.sendToUser("carol", { hi: "carol" });
    assert.deepEqual((await first.nextData()).data, { hi: "carol" });
    assert.deepEqual((await second.nextData()).data, { hi: "carol" });
    await service.sendToConnection(second.connectionId, "only you", { contentType: "text/plain" });
    await service.sendToUser("carol", "marker", { contentType: "text/plain" });
    assert.equal((await first.nextData()).data, "marker");
    assert.equal((await second.nextData()).data, "only you");
  });

  it("closes a connection, a user's connections and a group with the given reason", async () => {
    const lone = await connect({ userId: "closer-1" });
    await service.closeConnection(lone.connectionId, { reason: "done for today" });
    assert.deepEqual(await lone.closed(), { disconnected: "done for today", code: 1000 });

    const u1 = await connect({ userId: "kick" });
    const u2 = await connect({ userId: "kick" });
    const u3 = await connect({ userId: "kick" });
    await service.closeUserConnections("kick", { reason: "kicked out" });
    assert.equal((await u1.closed()).disconnected, "kicked out");
    assert.equal((await u2.closed()).disconnected, "kicked out");
    assert.equal((await u3.closed()).disconnected, "kicked out");
    assert.equal(await service.userExists("kick"), false);

    const member = await connect({ userId: "gm", groups: ["closing"] });
    const spared = await connect({ userId: "gm2", groups: ["closing"] });
    // `excluded` is read by the SDK's generated operation though its typed options omit it.
    const closeOptions = { reason: "group over", excluded: [spared.connectionId] };
    await service.group("closing").closeAllConnections(closeOptions);
    assert.equal((await member.closed()).disconnected, "group over");
    assert.equal(await service.connectionExists(spared.connectionId), true);
  });

  it("grants, checks and revokes permissions that clients then use", async () => {
    const client = await connect({ userId: "perm" });
    assert.equal((await client.request({ type: "joinGroup", group: "vip" })).error?.name, "Forbidden");
    assert.equal(
      await service.hasPermission(client.connectionId, "joinLeaveGroup", { targetName: "vip" }),
      false,
    );
    await service.grantPermission(client.connectionId, "joinLeaveGroup", { targetName: "vip" });
    assert.equal(
      await service.hasPermission(client.connectionId, "joinLeaveGroup", { targetName: "vip" }),
      true,
    );
    assert.equal((await client.request({ type: "joinGroup", group: "vip" })).success, true);
    assert.equal((await client.request({ type: "joinGroup", group: "other" })).error?.name, "Forbidden");
    await service.revokePermission(client.connectionId, "joinLeaveGroup", { targetName: "vip" });
    assert.equal((await client.request({ type: "leaveGroup", group: "vip" })).error?.name, "Forbidden");
    await assert.rejects(service.grantPermission("ghost", "sendToGroup"), { statusCode: 404 });
  });

  it("issues tokens with :generateToken that a raw client and the client SDK connect with", async () => {
    const api = (service as unknown as GeneratedTokenApi).client.webPubSub;
    const { token } = await api.generateClientToken(hub, {
      userId: "gen-user",
      roles: ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"],
      groups: ["gen-group"],
    });
    assert.ok(token);
    const raw = await TestClient.open(
      `${httpEndpoint.replace("http", "ws")}/client/hubs/${hub}?access_token=${token}`,
      jsonProtocol,
    );
    clients.push(raw);
    assert.equal(raw.userId, "gen-user");
    await service.group("gen-group").sendToAll("initial group works", { contentType: "text/plain" });
    assert.equal((await raw.nextData()).data, "initial group works");

    const received: unknown[] = [];
    const sdkClient = new WebPubSubClient(
      {
        getClientAccessUrl: async () => {
          const fresh = await api.generateClientToken(hub, {
            userId: "sdk-user",
            roles: ["webpubsub.joinLeaveGroup"],
          });
          return `${httpEndpoint.replace("http", "ws")}/client/hubs/${hub}?access_token=${fresh.token ?? ""}`;
        },
      },
      {
        // Short keep-alive timers: the SDK's background tasks finish their current wait after
        // stop(), and the default 40 s monitor interval would hold the test process open.
        keepAliveIntervalInMs: 1000,
        keepAliveTimeoutInMs: 3000,
      },
    );
    sdkClients.push(sdkClient);
    sdkClient.on("server-message", (event) => void received.push(event.message.data));
    sdkClient.on("group-message", (event) => void received.push(event.message.data));
    await sdkClient.start();
    await sdkClient.joinGroup("sdk-group");
    await service.sendToUser("sdk-user", { to: "sdk" });
    await service.group("sdk-group").sendToAll("group hello", { contentType: "text/plain" });
    await waitUntil(() => received.length >= 2, 5000, "the client SDK receives both messages");
    assert.deepEqual(received, [{ to: "sdk" }, "group hello"]);

    const secureToken = await (
      secureService as unknown as GeneratedTokenApi
    ).client.webPubSub.generateClientToken(hub, {
      userId: "tls-user",
    });
    const overTls = await TestClient.open(
      `${httpsEndpoint.replace("https", "wss")}/client/hubs/${hub}?access_token=${secureToken.token ?? ""}`,
      jsonProtocol,
    );
    clients.push(overTls);
    await secureService.sendToUser("tls-user", "secure hello", { contentType: "text/plain" });
    assert.equal((await overTls.nextData()).data, "secure hello");
  });
});
