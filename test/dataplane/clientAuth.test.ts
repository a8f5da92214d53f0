// Client authentication before the WebSocket handshake: token checks (signature with either
// key, expiry, audience), the anonymous policy, URL forms, and the blocking `connect` event.
// A client connected at the start must keep being served after every refusal.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  connectJson,
  mintToken,
  openRaw,
  testKeys,
  waitFor,
  type RawClient,
  type TestServer,
  startTestServer,
} from "./support/dataPlaneHarness.js";

const hub = "chat";
const messageFrom = (client: RawClient, text: string): boolean =>
  client.json().some((m) => m.type === "message" && m.data === text);

describe("client authentication", () => {
  let t: TestServer;
  let keeper: RawClient;
  const opened: RawClient[] = [];

  before(async () => {
    t = await startTestServer();
    keeper = (await connectJson(t, hub, { userId: "keeper" })).client;
    opened.push(keeper);
  });

  after(async () => {
    for (const client of opened) client.close();
    await t.close();
  });

  async function refused(url: string, protocols: string[] = ["json.webpubsub.azure.v1"], headers = {}) {
    const client = openRaw(url, protocols, headers);
    opened.push(client);
    const refusal = await client.refusal;
    assert.ok(refusal, "the handshake should have been refused");
    return { status: refusal.status, body: JSON.parse(refusal.body) as { code: string; message: string } };
  }

  async function keeperStillServed(text: string): Promise<void> {
    await t.server
      .hubs(hub)
      .sendToAll({ from: "server", payload: { dataType: "text", data: Buffer.from(text) } });
    await waitFor(() => messageFrom(keeper, text), 5000, `keeper to receive ${text}`);
  }

  it("refuses a missing token with 401 when the hub denies anonymous clients", async () => {
    const { status, body } = await refused(`ws://localhost:${t.port}/client/hubs/${hub}`);
    assert.equal(status, 401);
    assert.equal(body.code, "Unauthorized");
    assert.match(body.message, /access token is required/);
    await keeperStillServed("after-missing");
  });

  it("refuses an expired token, a forged one, one without exp and one for another audience", async () => {
    const expired = await mintToken(t.port, hub, { expiresIn: -600 });
    const forged = await mintToken(t.port, hub, { key: "not-the-key-0123456789abcdefghijklmnopq" });
    const noExpiry = await mintToken(t.port, hub, { omitExpiry: true });
    const otherHub = await mintToken(t.port, "otherhub");
    const otherHost = await mintToken(t.port, hub, {
      audience: `http://evil.example.com/client/hubs/${hub}`,
    });
    const cases: [string, RegExp][] = [
      [expired, /expired/],
      [forged, /signature/],
      [noExpiry, /exp/],
      [otherHub, /audience/],
      [otherHost, /audience/],
      ["not-a-jwt", /well-formed|invalid/],
    ];
    for (const [token, reason] of cases) {
      const { status, body } = await refused(
        `ws://localhost:${t.port}/client/hubs/${hub}?access_token=${token}`,
      );
      assert.equal(status, 401);
      assert.match(body.message, reason);
    }
    await keeperStillServed("after-bad-tokens");
    const rejected = t.trace.snapshot((r) => r.kind === "connect.rejected");
    assert.ok(rejected.length >= cases.length);
  });

  it("accepts the secondary key, a bearer header, the query-hub URL, an https audience and any hub case", async () => {
    const secondary = await mintToken(t.port, hub, { key: testKeys.secondary, userId: "s" });
    const c1 = openRaw(`ws://localhost:${t.port}/client/hubs/${hub}?access_token=${secondary}`, [
      "json.webpubsub.azure.v1",
    ]);
    opened.push(c1);
    await c1.opened;
    const bearer = await mintToken(t.port, hub, { userId: "b" });
    const c2 = openRaw(`ws://localhost:${t.port}/client/hubs/${hub}`, ["json.webpubsub.azure.v1"], {
      Authorization: `Bearer ${bearer}`,
    });
    opened.push(c2);
    await c2.opened;
    const queryHub = await mintToken(t.port, hub, { userId: "q" });
    const c3 = openRaw(`ws://localhost:${t.port}/client/?hub=${hub}&access_token=${queryHub}`, [
      "json.webpubsub.azure.v1",
    ]);
    opened.push(c3);
    await c3.opened;
    const https = await mintToken(t.port, hub, { audience: `HTTPS://LOCALHOST:${t.port}/client/hubs/CHAT/` });
    const c4 = openRaw(`ws://localhost:${t.port}/client/hubs/Chat?access_token=${https}`, [
      "json.webpubsub.azure.v1",
    ]);
    opened.push(c4);
    await c4.opened;
    const connected = await c1.waitForJson((m) => m.event === "connected");
    assert.equal(connected.userId, "s");
    await waitFor(() => t.server.connectionCount() === 5, 3000, "five connections");
  });

  it("refuses tokens signed with a key that was regenerated, at once", async () => {
    const before = await mintToken(t.port, hub, { userId: "rotating" });
    t.keys.replace({
      primary: "regenerated-primary-key-0123456789abcdefghij",
      secondary: testKeys.secondary,
    });
    try {
      const { status, body } = await refused(
        `ws://localhost:${t.port}/client/hubs/${hub}?access_token=${before}`,
      );
      assert.equal(status, 401);
      assert.match(body.message, /signature/);
      const fresh = await mintToken(t.port, hub, { key: "regenerated-primary-key-0123456789abcdefghij" });
      const client = openRaw(`ws://localhost:${t.port}/client/hubs/${hub}?access_token=${fresh}`, [
        "json.webpubsub.azure.v1",
      ]);
      opened.push(client);
      await client.opened;
    } finally {
      t.keys.replace(testKeys);
    }
  });

  it("takes role and webpubsub.group as a single string as well as an array", async () => {
    const { client, connectionId } = await connectJson(t, hub, {
      userId: "single",
      roles: "webpubsub.joinLeaveGroup.solo",
      groups: "solo",
    });
    opened.push(client);
    assert.equal(await t.server.hubs(hub).hasPermission(connectionId, "joinLeaveGroup", "solo"), true);
    assert.equal(await t.server.hubs(hub).hasPermission(connectionId, "joinLeaveGroup", "other"), false);
    const members = await t.server.hubs(hub).listGroupConnections("solo");
    assert.deepEqual(
      members.map((m) => m.connectionId),
      [connectionId],
    );
  });

  it("lets anonymous clients in only when the hub allows it", async () => {
    t.hubs.set("open", {
      eventHandlers: [],
      anonymousConnectPolicy: "allow",
      webSocketKeepAliveIntervalInSeconds: 20,
    });
    const anonymous = openRaw(`ws://localhost:${t.port}/client/hubs/open`, ["json.webpubsub.azure.v1"]);
    opened.push(anonymous);
    const connected = await anonymous.waitForJson((m) => m.event === "connected");
    assert.equal(connected.userId, null);
    const { status } = await refused(`ws://localhost:${t.port}/client/hubs/closed`);
    assert.equal(status, 401);
  });

  it("answers 400 for a bad hub name, 404 for another path, 403 for a raw sendToGroup client without permission", async () => {
    assert.equal((await refused(`ws://localhost:${t.port}/client/hubs/1bad`)).status, 400);
    assert.equal((await refused(`ws://localhost:${t.port}/client/?nohub=1`)).status, 400);
    assert.equal((await refused(`ws://localhost:${t.port}/elsewhere`)).status, 404);
    const token = await mintToken(t.port, hub, { userId: "raw" });
    const forbidden = await refused(
      `ws://localhost:${t.port}/client/hubs/${hub}?access_token=${token}&webpubsub_mode=sendToGroup&group=g1`,
      [],
    );
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.code, "Forbidden");
    const badGroups = await mintToken(t.port, hub, { groups: ["   "] });
    assert.equal(
      (await refused(`ws://localhost:${t.port}/client/hubs/${hub}?access_token=${badGroups}`)).status,
      400,
    );
    await keeperStillServed("after-bad-requests");
  });

  it("waits for the connect event, forwards its refusal status and applies its answer", async () => {
    t.upstream.connectAnswer = (context) => {
      if (context.userId === "mallory") return { kind: "refused", status: 403, message: "mallory is banned" };
      if (context.userId === "broken") return { kind: "refused", status: 502, message: "upstream down" };
      return {
        kind: "accepted",
        userId: `upstream-${context.userId}`,
        groups: ["from-connect"],
        roles: ["webpubsub.sendToGroup.from-connect"],
        connectionState: "state-1",
      };
    };
    try {
      const mallory = await mintToken(t.port, hub, { userId: "mallory" });
      const refusal = await refused(
        `ws://localhost:${t.port}/client/hubs/${hub}?access_token=${mallory}&x=1`,
      );
      assert.equal(refusal.status, 403);
      assert.match(refusal.body.message, /banned/);
      const broken = await mintToken(t.port, hub, { userId: "broken" });
      assert.equal(
        (await refused(`ws://localhost:${t.port}/client/hubs/${hub}?access_token=${broken}`)).status,
        500,
      );

      const { client, connectionId, connected } = await connectJson(t, hub, {
        userId: "alice",
        roles: ["x.custom"],
      });
      opened.push(client);
      assert.equal(connected.userId, "upstream-alice");
      const connect = t.upstream.of("connect").at(-1);
      assert.ok(connect?.request);
      assert.equal(connect.request.query.access_token, undefined, "the token is not shown to the upstream");
      assert.deepEqual(connect.request.claims.sub, ["alice"]);
      assert.deepEqual(connect.request.claims.role, ["x.custom"]);
      assert.deepEqual(connect.request.subprotocols, ["json.webpubsub.azure.v1"]);
      const ops = t.server.hubs(hub);
      assert.equal(await ops.hasPermission(connectionId, "sendToGroup", "from-connect"), true);
      assert.equal((await ops.listGroupConnections("from-connect")).length, 1);
      await waitFor(() => t.upstream.of("connected", connectionId).length === 1);
      assert.equal(t.upstream.of("connected", connectionId)[0]?.context.connectionState, "state-1");
      // The refused clients never became connections: no connected/disconnected for them.
      assert.equal(t.upstream.of("connected").filter((e) => e.context.userId === "mallory").length, 0);
    } finally {
      t.upstream.connectAnswer = null;
    }
    await keeperStillServed("after-connect-event");
  });
});
