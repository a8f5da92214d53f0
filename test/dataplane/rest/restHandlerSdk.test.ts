// The REST handler driven by the unmodified `@azure/web-pubsub` SDK over HTTP (with
// allowInsecureConnection) and HTTPS (test CA): every public method of WebPubSubServiceClient and
// WebPubSubGroup reaches the right hub operation with the right arguments, and the SDK accepts
// every answer (it throws on any status other than the one it expects).
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { WebPubSubServiceClient, odata } from "@azure/web-pubsub";
import type { TokenCredential } from "@azure/core-auth";
import { jwtVerify } from "jose";
import { primaryKey, startRestHarness, type RestHarness } from "./support/restHarness.js";

/** The SDK's generated operation for `:generateToken` (public only through Entra credentials). */
interface GeneratedTokenApi {
  client: {
    webPubSub: {
      generateClientToken(
        hub: string,
        options: {
          userId?: string;
          roles?: string[];
          groups?: string[];
          expirationTimeInMinutes?: number;
          clientType?: string;
        },
      ): Promise<{ token?: string }>;
    };
  };
}

interface RestErrorFields {
  statusCode?: number;
  code?: string;
}

/** A token shaped like an Entra ID access token (RS256 header; the signature is never checked). */
function unsignedEntraToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "RS256", typ: "JWT", kid: "k" })}.${part({ aud: "https://webpubsub.azure.com", exp: now + 3600 })}.c2ln`;
}

function connectionString(endpoint: string): string {
  return `Endpoint=${endpoint};AccessKey=${primaryKey};Version=1.0;`;
}

describe("REST handler with the @azure/web-pubsub SDK", () => {
  let harness: RestHarness;
  let service: WebPubSubServiceClient;
  let secure: WebPubSubServiceClient;

  before(async () => {
    harness = await startRestHarness();
    service = new WebPubSubServiceClient(connectionString(harness.httpUrl), "hub1", {
      allowInsecureConnection: true,
    });
    secure = new WebPubSubServiceClient(connectionString(harness.httpsUrl), "hub1");
  });
  after(async () => harness.close());
  beforeEach(() => {
    harness.hubs.reset();
    harness.hubs.addConnection("conn1", "user1", ["g1"]);
    harness.hubs.addConnection("conn2", "user2", ["g1", "g2"]);
    harness.hubs.addConnection("conn3", null, []);
  });

  it("sends JSON, text and binary to all, with excluded, filter and ttl", async () => {
    await service.sendToAll(
      { hello: "world" },
      { excludedConnections: ["conn2", "conn9"], messageTtlSeconds: 30 },
    );
    let call = harness.hubs.last();
    assert.equal(call.op, "sendToAll");
    assert.equal(call.hub, "hub1");
    assert.deepEqual(call.args, [{ excluded: ["conn2", "conn9"], ttlSeconds: 30 }]);
    assert.deepEqual(call.message, { dataType: "json", text: '{"hello":"world"}' });

    await service.sendToAll("plain text", { contentType: "text/plain", filter: odata`userId eq ${"user1"}` });
    call = harness.hubs.last();
    assert.deepEqual(call.message, { dataType: "text", text: "plain text" });
    // The filter's text travels with the compiled filter so other nodes can compile it again.
    assert.deepEqual(call.args, [{ filter: "compiled", filterText: "userId eq 'user1'" }]);
    assert.deepEqual(call.selected, ["conn1"]);

    await service.sendToAll(new Uint8Array([1, 2, 3, 250]), { filter: "'g2' in groups or userId eq null" });
    call = harness.hubs.last();
    assert.deepEqual(call.message, {
      dataType: "binary",
      text: Buffer.from([1, 2, 3, 250]).toString("base64"),
    });
    assert.deepEqual(call.selected, ["conn2", "conn3"]);

    await service.sendToAll("a JSON string");
    assert.deepEqual(harness.hubs.last().message, { dataType: "json", text: '"a JSON string"' });
  });

  it("sends to a group, a user and a connection, decoding path segments once", async () => {
    await service.group("g 1/x").sendToAll("to group", {
      contentType: "text/plain",
      excludedConnections: ["conn1"],
      filter: "userId ne 'user3'",
      messageTtlSeconds: 300,
    });
    let call = harness.hubs.last();
    assert.equal(call.op, "sendToGroup");
    assert.deepEqual(call.args, [
      "g 1/x",
      { excluded: ["conn1"], filter: "compiled", filterText: "userId ne 'user3'", ttlSeconds: 300 },
    ]);

    await service.sendToUser(
      "user 1/%2F",
      { n: 1 },
      { filter: "connectionId eq 'conn1'", messageTtlSeconds: 0 },
    );
    call = harness.hubs.last();
    assert.equal(call.op, "sendToUser");
    assert.deepEqual(call.args, [
      "user 1/%2F",
      { filter: "compiled", filterText: "connectionId eq 'conn1'" },
    ]);
    assert.deepEqual(call.selected, ["conn1"]);

    await service.sendToConnection("conn3", "hi", { contentType: "text/plain", messageTtlSeconds: 5 });
    call = harness.hubs.last();
    assert.equal(call.op, "sendToConnection");
    assert.deepEqual(call.args, ["conn3", { ttlSeconds: 5 }]);
    assert.deepEqual(call.message, { dataType: "text", text: "hi" });
  });

  it("answers the exists checks with 200 and 404", async () => {
    assert.equal(await service.connectionExists("conn1"), true);
    assert.equal(await service.connectionExists("nope"), false);
    assert.equal(await service.groupExists("g2"), true);
    assert.equal(await service.groupExists("g9"), false);
    assert.equal(await service.userExists("user2"), true);
    assert.equal(await service.userExists("user9"), false);
  });

  it("closes connections with reason and excluded", async () => {
    await service.closeConnection("conn1", { reason: "bye now" });
    assert.deepEqual(harness.hubs.last().args, ["conn1", "bye now"]);
    // The generated operations read `excluded` although the typed options leave it out.
    const hubClose = { reason: "maintenance", excluded: ["conn1", "conn3"] };
    await service.closeAllConnections(hubClose);
    assert.deepEqual(harness.hubs.last(), { hub: "hub1", op: "closeAllConnections", args: [hubClose] });
    const userClose = { reason: "kicked", excluded: ["conn9"] };
    await service.closeUserConnections("user2", userClose);
    assert.deepEqual(harness.hubs.last().args, ["user2", userClose]);
    const groupClose = { reason: "group closed", excluded: ["conn2"] };
    await service.group("g1").closeAllConnections(groupClose);
    assert.deepEqual(harness.hubs.last().args, ["g1", groupClose]);
  });

  it("adds and removes connections and users in groups", async () => {
    await service.group("g3").addConnection("conn3");
    assert.deepEqual(harness.hubs.last().args, ["conn3", "g3"]);
    await assert.rejects(
      service.group("g3").addConnection("missing"),
      (error: Error & { statusCode?: number }) => {
        assert.equal(error.statusCode, 404);
        return true;
      },
    );
    await service.group("g3").removeConnection("conn3");
    assert.equal(harness.hubs.last().op, "removeConnectionFromGroup");
    await service.group("g3").addUser("user1");
    assert.deepEqual(harness.hubs.last().args, ["user1", "g3"]);
    await service.group("g3").removeUser("user1");
    assert.deepEqual(harness.hubs.last(), { hub: "hub1", op: "removeUserFromGroup", args: ["user1", "g3"] });
    await service.removeUserFromAllGroups("user1");
    assert.equal(harness.hubs.last().op, "removeUserFromAllGroups");
    await service.removeConnectionFromAllGroups("conn2");
    assert.deepEqual(harness.hubs.last().args, ["conn2"]);
  });

  it("adds and removes filtered connections to and from groups in bulk", async () => {
    await service.addConnectionsToGroups(["a", "b"], "userId eq 'user1' or userId eq null");
    let call = harness.hubs.last();
    assert.deepEqual(
      [call.op, call.args, call.selected],
      ["addConnectionsToGroups", [["a", "b"]], ["conn1", "conn3"]],
    );
    await service.removeConnectionsFromGroups(["g1"], "'g2' in groups");
    call = harness.hubs.last();
    assert.deepEqual(
      [call.op, call.args, call.selected],
      ["removeConnectionsFromGroups", [["g1"]], ["conn2"]],
    );
  });

  it("grants, checks and revokes permissions with and without targetName", async () => {
    await service.grantPermission("conn1", "joinLeaveGroup", { targetName: "g5" });
    assert.deepEqual(harness.hubs.last().args, ["conn1", "joinLeaveGroup", "g5"]);
    assert.equal(await service.hasPermission("conn1", "joinLeaveGroup", { targetName: "g5" }), true);
    assert.equal(await service.hasPermission("conn1", "sendToGroup"), false);
    await service.grantPermission("conn1", "sendToGroup");
    assert.equal(await service.hasPermission("conn1", "sendToGroup"), true);
    await service.revokePermission("conn1", "joinLeaveGroup", { targetName: "g5" });
    assert.deepEqual(harness.hubs.last().args, ["conn1", "joinLeaveGroup", "g5"]);
    assert.equal(await service.hasPermission("conn1", "joinLeaveGroup", { targetName: "g5" }), false);
    await assert.rejects(service.grantPermission("ghost", "sendToGroup"), { statusCode: 404 });
  });

  it("lists group members page by page, honouring maxPageSize and top", async () => {
    for (let i = 0; i < 7; i += 1) harness.hubs.addConnection(`m${i}`, i % 2 === 0 ? `u${i}` : null, ["big"]);
    const all: { connectionId: string; userId?: string }[] = [];
    for await (const member of await service.group("big").listConnections({ maxPageSize: 3 }))
      all.push(member);
    assert.deepEqual(
      all.map((m) => m.connectionId),
      ["m0", "m1", "m2", "m3", "m4", "m5", "m6"],
    );
    assert.equal(all[0]?.userId, "u0");
    assert.equal(all[1]?.userId, undefined);
    assert.equal(harness.hubs.calls.filter((c) => c.op === "listGroupConnections").length, 3);

    const limited: string[] = [];
    for await (const member of await service.group("big").listConnections({ maxPageSize: 2, top: 5 })) {
      limited.push(member.connectionId);
    }
    assert.deepEqual(limited, ["m0", "m1", "m2", "m3", "m4"]);
  });

  it("issues client tokens through :generateToken", async () => {
    const api = (service as unknown as GeneratedTokenApi).client.webPubSub;
    const response = await api.generateClientToken("hub1", {
      userId: "alice",
      roles: ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup.g1"],
      groups: ["g1", "g 2"],
      expirationTimeInMinutes: 5,
    });
    assert.ok(response.token);
    const { payload, protectedHeader } = await jwtVerify(response.token, Buffer.from(primaryKey, "utf8"), {
      audience: `${harness.httpUrl}/client/hubs/hub1`,
    });
    assert.equal(protectedHeader.alg, "HS256");
    assert.equal(payload.sub, "alice");
    assert.deepEqual(payload.role, ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup.g1"]);
    assert.deepEqual(payload["webpubsub.group"], ["g1", "g 2"]);
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 300);
    assert.equal(payload.iss, undefined);

    const bare = await api.generateClientToken("hub1", {});
    const decoded = await jwtVerify(bare.token ?? "", Buffer.from(primaryKey, "utf8"));
    assert.equal(decoded.payload.sub, undefined);
    assert.equal(decoded.payload.role, undefined);
    assert.equal((decoded.payload.exp ?? 0) - (decoded.payload.iat ?? 0), 3600);
  });

  it("works over HTTPS with the local CA", async () => {
    await secure.sendToAll({ over: "tls" });
    assert.deepEqual(harness.hubs.last().message, { dataType: "json", text: '{"over":"tls"}' });
    assert.equal(await secure.connectionExists("conn2"), true);
    assert.equal(await secure.userExists("nobody"), false);
    await secure.group("g1").addUser("user1");
    await secure.closeConnection("conn2", { reason: "tls bye" });
    assert.deepEqual(harness.hubs.last().args, ["conn2", "tls bye"]);
    const members: string[] = [];
    for await (const member of await secure.group("g1").listConnections({ maxPageSize: 1 })) {
      members.push(member.connectionId);
    }
    assert.deepEqual(members, ["conn1", "conn2"]);
    const token = await (secure as unknown as GeneratedTokenApi).client.webPubSub.generateClientToken(
      "hub1",
      {},
    );
    const { payload } = await jwtVerify(token.token ?? "", Buffer.from(primaryKey, "utf8"));
    assert.equal(payload.aud, `${harness.httpsUrl}/client/hubs/hub1`);
  });

  it("surfaces the service's error code and message through the SDK's RestError", async () => {
    const badHub = new WebPubSubServiceClient(connectionString(harness.httpUrl), "bad-hub", {
      allowInsecureConnection: true,
    });
    await assert.rejects(
      badHub.sendToAll("x", { contentType: "text/plain" }),
      (error: Error & RestErrorFields) => {
        assert.equal(error.statusCode, 400);
        assert.equal(error.code, "Error.BadRequest");
        assert.match(error.message, /Invalid hub name 'bad-hub'/);
        return true;
      },
    );
    await assert.rejects(
      service.sendToAll({}, { messageTtlSeconds: 301 }),
      (error: Error & RestErrorFields) => {
        assert.equal(error.statusCode, 400);
        assert.match(error.message, /messageTtlSeconds/);
        return true;
      },
    );
    await assert.rejects(service.sendToAll({}, { filter: "userId eq" }), /position 9/);
    await assert.rejects(service.group("   ").addUser("user1"), { statusCode: 400 });
  });

  it("refuses Microsoft Entra ID credentials with a 401 that says what to use", async () => {
    const entra: TokenCredential = {
      getToken: async () => ({ token: unsignedEntraToken(), expiresOnTimestamp: Date.now() + 3600_000 }),
    };
    const client = new WebPubSubServiceClient(harness.httpsUrl, entra, "hub1");
    await assert.rejects(
      client.sendToAll("x", { contentType: "text/plain" }),
      (error: Error & RestErrorFields) => {
        assert.equal(error.statusCode, 401);
        assert.equal(error.code, "Error.Unauthorized");
        assert.match(error.message, /Entra ID tokens are not supported/);
        return true;
      },
    );
    assert.equal(harness.hubs.calls.length, 0);
  });

  it("accepts the secondary key and traces one rest record per call", async () => {
    const withSecondary = new WebPubSubServiceClient(
      `Endpoint=${harness.httpUrl};AccessKey=${harness.keys.keys.secondary};Version=1.0;`,
      "Hub_2",
      { allowInsecureConnection: true },
    );
    const before = harness.trace.snapshot((r) => r.category === "rest").length;
    await withSecondary.sendToUser("user1", "x", { contentType: "text/plain" });
    assert.equal(harness.hubs.last().hub, "Hub_2");
    await new Promise((resolve) => setImmediate(resolve));
    const records = harness.trace.snapshot((r) => r.category === "rest").slice(before);
    assert.equal(records.length, 1);
    const [record] = records;
    assert.equal(record?.kind, "rest.call");
    assert.equal(record?.hub, "Hub_2");
    assert.equal(record?.resource, "test-webpubsub");
    assert.equal(record?.details?.operation, "sendToUser");
    assert.equal(record?.details?.status, 202);
    assert.equal(record?.details?.apiVersion, "2024-12-01");
  });
});
