// Unit tests: the JSON codec's decoding of every client message (and refusals with 1003/1007),
// its encoding of every service message, client token audiences, and role-based permissions
// including wildcard group patterns.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { audienceMatches } from "../../src/dataplane/auth/clientToken.js";
import { ConnectionPermissions } from "../../src/dataplane/auth/connectionPermissions.js";
import { compileGroupPattern } from "../../src/dataplane/auth/groupPattern.js";
import { ProtocolError } from "../../src/dataplane/protocol/clientMessages.js";
import { jsonCodec, jsonReliableCodec } from "../../src/dataplane/protocol/jsonCodec.js";

const decode = (value: unknown) => jsonReliableCodec.decode(Buffer.from(JSON.stringify(value)), false);
const encoded = (value: Parameters<typeof jsonCodec.encode>[0]) =>
  JSON.parse(jsonCodec.encode(value).toString()) as unknown;

describe("JSON codec", () => {
  it("decodes every client message the SDK sends", () => {
    assert.deepEqual(decode({ type: "joinGroup", group: "g1", ackId: 1 }), {
      type: "joinGroup",
      group: "g1",
      ackId: 1n,
    });
    assert.deepEqual(decode({ type: "leaveGroup", group: "g1" }), { type: "leaveGroup", group: "g1" });
    const send = decode({
      type: "sendToGroup",
      group: "g",
      ackId: 6,
      dataType: "json",
      data: { a: 1 },
      noEcho: true,
    });
    assert.equal(send.type, "sendToGroup");
    if (send.type === "sendToGroup") {
      assert.equal(send.noEcho, true);
      assert.equal(send.payload.data.toString(), '{"a":1}');
    }
    const binary = decode({
      type: "event",
      event: "e",
      dataType: "binary",
      data: "AQI=",
      metadata: { k: "v" },
    });
    assert.ok(binary.type === "event" && binary.payload);
    assert.deepEqual([...binary.payload.data], [1, 2]);
    assert.deepEqual(binary.metadata, { k: "v" });
    const noData = decode({ type: "event", event: "e" });
    assert.ok(noData.type === "event" && noData.payload === undefined);
    const defaultJson = decode({ type: "sendToGroup", group: "g", data: "str" });
    assert.ok(defaultJson.type === "sendToGroup" && defaultJson.payload.dataType === "json");
    assert.equal(defaultJson.type === "sendToGroup" && defaultJson.payload.data.toString(), '"str"');
    assert.deepEqual(decode({ type: "sequenceAck", sequenceId: 2 }), { type: "sequenceAck", sequenceId: 2n });
    assert.deepEqual(decode({ type: "ping" }), { type: "ping" });
    assert.deepEqual(decode({ type: "invoke", invocationId: "1", target: "event", event: "e" }), {
      type: "invoke",
      invocationId: "1",
      target: "event",
      event: "e",
    });
    assert.deepEqual(decode({ type: "cancelInvocation", invocationId: "1" }), {
      type: "cancelInvocation",
      invocationId: "1",
    });
  });

  it("refuses what the service refuses, with the close code to use", () => {
    const refusals: [Buffer, boolean, number][] = [
      [Buffer.from("{"), false, 1007],
      [Buffer.from("[1]"), false, 1007],
      [Buffer.from('{"type":"nope"}'), false, 1007],
      [Buffer.from('{"group":"g"}'), false, 1007],
      [Buffer.from('{"type":"joinGroup","group":"g","ackId":-1}'), false, 1007],
      [Buffer.from('{"type":"sendToGroup","group":"g","dataType":"text","data":5}'), false, 1007],
      [Buffer.from('{"type":"sendToGroup","group":"g","noEcho":"yes","data":1}'), false, 1007],
      [Buffer.from('{"type":"ping"}'), true, 1003],
    ];
    for (const [frame, isBinary, code] of refusals) {
      assert.throws(
        () => jsonReliableCodec.decode(frame, isBinary),
        (error: unknown) => error instanceof ProtocolError && error.closeCode === code,
        frame.toString(),
      );
    }
    assert.throws(
      () => jsonCodec.decode(Buffer.from('{"type":"sequenceAck","sequenceId":1}'), false),
      ProtocolError,
    );
  });

  it("encodes every service message in the documented shape", () => {
    assert.deepEqual(encoded({ type: "ack", ackId: 3n, success: true }), {
      type: "ack",
      ackId: 3,
      success: true,
    });
    assert.deepEqual(
      encoded({ type: "ack", ackId: 4n, success: false, error: { name: "Forbidden", message: "no" } }),
      { type: "ack", ackId: 4, success: false, error: { name: "Forbidden", message: "no" } },
    );
    assert.deepEqual(
      encoded({ type: "connected", connectionId: "c", userId: null, reconnectionToken: "t" }),
      {
        type: "system",
        event: "connected",
        userId: null,
        connectionId: "c",
        reconnectionToken: "t",
      },
    );
    assert.deepEqual(encoded({ type: "disconnected", reason: "bye" }), {
      type: "system",
      event: "disconnected",
      message: "bye",
    });
    assert.deepEqual(encoded({ type: "pong" }), { type: "pong" });
    assert.deepEqual(
      encoded({
        type: "message",
        sequenceId: 9n,
        message: {
          from: "group",
          group: "g",
          fromUserId: null,
          payload: { dataType: "protobuf", data: Buffer.from([7]) },
          metadata: { a: "b" },
        },
      }),
      {
        sequenceId: 9,
        type: "message",
        from: "group",
        group: "g",
        fromUserId: null,
        dataType: "protobuf",
        data: "Bw==",
        metadata: { a: "b" },
      },
    );
    assert.deepEqual(
      encoded({
        type: "message",
        message: { from: "server", payload: { dataType: "text", data: Buffer.from('say "hi"') } },
      }),
      { type: "message", from: "server", dataType: "text", data: 'say "hi"' },
    );
    assert.deepEqual(
      encoded({
        type: "invokeResponse",
        invocationId: "7",
        success: false,
        error: { name: "InternalServerError", message: "x" },
      }),
      {
        type: "invokeResponse",
        invocationId: "7",
        success: false,
        error: { name: "InternalServerError", message: "x" },
      },
    );
    const body = jsonReliableCodec.encodeDataBody({
      from: "server",
      payload: { dataType: "json", data: Buffer.from("[1]") },
    });
    assert.deepEqual(JSON.parse(jsonReliableCodec.sequencePrefix(12) + body.toString()), {
      sequenceId: 12,
      type: "message",
      from: "server",
      dataType: "json",
      data: [1],
    });
  });
});

describe("client token audience", () => {
  const rule = { hub: "chat", hosts: ["localhost:8080", "contoso.localhost:8443"] };
  it("accepts the service's client URL in either scheme and any case, and nothing else", () => {
    for (const aud of [
      "http://localhost:8080/client/hubs/chat",
      "https://LOCALHOST:8080/client/hubs/Chat/",
      "https://contoso.localhost:8443/client/hubs/chat",
    ]) {
      assert.equal(audienceMatches(aud, rule), true, aud);
    }
    for (const aud of [
      "http://localhost:8081/client/hubs/chat",
      "http://localhost:8080/client/hubs/other",
      "http://localhost:8080/api/hubs/chat",
      "ftp://localhost:8080/client/hubs/chat",
      "not a url",
    ]) {
      assert.equal(audienceMatches(aud, rule), false, aud);
    }
    assert.equal(audienceMatches("https://svc/client/hubs/chat", { hub: "chat", hosts: ["svc:443"] }), true);
  });
});

describe("roles and permissions", () => {
  it("matches wildcard group patterns as documented", () => {
    const matcher = (pattern: string) => {
      const compiled = compileGroupPattern(pattern);
      assert.equal(typeof compiled, "function", pattern);
      return compiled as (group: string) => boolean;
    };
    assert.equal(matcher("a.*")("a.b"), true);
    assert.equal(matcher("a.*")("a.b.c"), false);
    assert.equal(matcher("a.**")("a.b.c"), true);
    assert.equal(matcher("a.?")("a.b"), true);
    assert.equal(matcher("a.?")("a.bc"), false);
    assert.equal(matcher("a.?")("a.."), false);
    assert.equal(matcher("lit\\*")("lit*"), true);
    assert.equal(matcher("lit\\*")("litx"), false);
    assert.equal(matcher("Case")("case"), false);
    assert.equal(typeof compileGroupPattern("a\\b"), "string");
    assert.equal(typeof compileGroupPattern("*.*.*.**"), "function", "five stars are allowed");
    assert.equal(typeof compileGroupPattern("*.*.*.*.**"), "string", "six are not");
  });

  it("combines global, scoped and wildcard roles with run-time grants and revocations", () => {
    const permissions = new ConnectionPermissions([
      "webpubsub.sendToGroup",
      "webpubsub.joinLeaveGroup.one",
      "webpubsub.joinLeaveGroups.rooms.*",
      "webpubsub.unknown",
    ]);
    assert.equal(permissions.has("sendToGroup", "any"), true);
    assert.equal(permissions.has("sendToGroup"), true);
    assert.equal(permissions.has("joinLeaveGroup", "one"), true);
    assert.equal(permissions.has("joinLeaveGroup", "rooms.a"), true);
    assert.equal(permissions.has("joinLeaveGroup", "two"), false);
    assert.equal(permissions.has("joinLeaveGroup"), false);
    permissions.revoke("sendToGroup", "secret");
    assert.equal(permissions.has("sendToGroup", "secret"), false);
    assert.equal(permissions.has("sendToGroup", "other"), true);
    assert.equal(permissions.has("sendToGroup"), false, "no longer covers every group");
    permissions.grant("sendToGroup", "secret");
    assert.equal(permissions.has("sendToGroup", "secret"), true);
    permissions.revoke("joinLeaveGroup");
    assert.equal(permissions.has("joinLeaveGroup", "one"), false);
    assert.equal(permissions.has("joinLeaveGroup", "rooms.a"), false);
  });
});
