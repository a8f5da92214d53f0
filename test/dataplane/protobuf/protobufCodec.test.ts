// The protobuf subprotocol codec against an independent encoding: the test compiles the schema
// file itself with protobufjs reflection (string members kept as strings, no wire view) and
// checks a few frames against bytes worked out by hand from the protobuf wire format.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import protobuf from "protobufjs";
import type { DataMessage } from "../../../src/dataplane/domain/messages.js";
import { ProtocolError, type InboundMessage } from "../../../src/dataplane/protocol/clientMessages.js";
import { createProtobufCodec } from "../../../src/dataplane/protocol/protobufCodec.js";

const schemaPath = fileURLToPath(
  new URL("../../../src/dataplane/protocol/proto/webpubsub.v1.proto", import.meta.url),
);
const root = protobuf.loadSync(schemaPath);
const Upstream = root.lookupType("azure.webpubsub.UpstreamMessage");
const Downstream = root.lookupType("azure.webpubsub.DownstreamMessage");
const Any = root.lookupType("google.protobuf.Any");

const codec = createProtobufCodec({ reliable: false });
const reliableCodec = createProtobufCodec({ reliable: true });
const MAX_UINT64 = (1n << 64n) - 1n;

/** A client frame built with the reference types. */
function upstream(message: Record<string, unknown>): Buffer {
  const typed = Upstream.fromObject(message);
  const error = Upstream.verify(typed);
  assert.equal(error, null, `test message is invalid: ${error}`);
  return Buffer.from(Upstream.encode(typed).finish());
}

/** A service frame read back with the reference types, as a plain object (uint64 as strings). */
function downstream(frame: Buffer): Record<string, unknown> {
  return Downstream.toObject(Downstream.decode(frame), { longs: String, bytes: Buffer });
}

function decode(message: Record<string, unknown>): InboundMessage {
  return codec.decode(upstream(message), true);
}

function protocolError(run: () => unknown, closeCode: 1003 | 1007, text: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ProtocolError, `expected ProtocolError, got ${String(error)}`);
    assert.equal(error.closeCode, closeCode);
    assert.match(error.message, text);
    return true;
  });
}

const anyBytes = Buffer.from(
  Any.encode({
    type_url: "type.googleapis.com/azure.webpubsub.TestMessage",
    value: Buffer.from([8, 1]),
  }).finish(),
);

describe("protobuf codec identity", () => {
  it("the test's Any matches the bytes printed in the subprotocol reference", () => {
    // reference-protobuf-webpubsub-subprotocol, "Publish protobuf data": 0A 2F <type url> 12 02 08 01.
    // (protobufjs's built-in Any keeps the schema's snake_case names: type_url, value.)
    const documented = Buffer.concat([
      Buffer.from([0x0a, 0x2f]),
      Buffer.from("type.googleapis.com/azure.webpubsub.TestMessage"),
      Buffer.from([0x12, 0x02, 0x08, 0x01]),
    ]);
    assert.deepEqual(anyBytes, documented);
  });

  it("names both subprotocols and says frames are binary", () => {
    assert.equal(codec.subprotocol, "protobuf.webpubsub.azure.v1");
    assert.equal(codec.reliable, false);
    assert.equal(reliableCodec.subprotocol, "protobuf.reliable.webpubsub.azure.v1");
    assert.equal(reliableCodec.reliable, true);
    assert.equal(codec.binary && reliableCodec.binary, true);
  });
});

describe("protobuf decode (client → service)", () => {
  it("joinGroup and leaveGroup, with and without ackId", () => {
    assert.deepEqual(decode({ joinGroupMessage: { group: "g1", ackId: 7 } }), {
      type: "joinGroup",
      group: "g1",
      ackId: 7n,
    });
    assert.deepEqual(decode({ joinGroupMessage: { group: "g1" } }), { type: "joinGroup", group: "g1" });
    assert.deepEqual(decode({ leaveGroupMessage: { group: "g 2", ackId: "18446744073709551615" } }), {
      type: "leaveGroup",
      group: "g 2",
      ackId: MAX_UINT64,
    });
    // ackId 0 is a real id when present (proto3 optional keeps presence).
    assert.deepEqual(decode({ leaveGroupMessage: { group: "g", ackId: 0 } }), {
      type: "leaveGroup",
      group: "g",
      ackId: 0n,
    });
  });

  it("hand-computed joinGroup bytes", () => {
    // field 6 (len) → 0x32, length 5: group "g" (0x0a 0x01 0x67), ack_id 5 (0x10 0x05)
    const frame = Buffer.from([0x32, 0x05, 0x0a, 0x01, 0x67, 0x10, 0x05]);
    assert.deepEqual(codec.decode(frame, true), { type: "joinGroup", group: "g", ackId: 5n });
  });

  it("sendToGroup with every data type, noEcho, ttl and metadata", () => {
    assert.deepEqual(
      decode({
        sendToGroupMessage: {
          group: "g",
          ackId: 3,
          data: { textData: "héllo" },
          noEcho: true,
          ttlSeconds: 60,
          metadata: { k: "v" },
        },
      }),
      {
        type: "sendToGroup",
        group: "g",
        ackId: 3n,
        noEcho: true,
        payload: { dataType: "text", data: Buffer.from("héllo") },
        ttlSeconds: 60,
        metadata: { k: "v" },
      },
    );
    assert.deepEqual(decode({ sendToGroupMessage: { group: "g", data: { jsonData: '{"a":[1,2]}' } } }), {
      type: "sendToGroup",
      group: "g",
      noEcho: false,
      payload: { dataType: "json", data: Buffer.from('{"a":[1,2]}') },
    });
    assert.deepEqual(
      decode({ sendToGroupMessage: { group: "g", data: { binaryData: Buffer.from([1, 2, 3]) } } }),
      {
        type: "sendToGroup",
        group: "g",
        noEcho: false,
        payload: { dataType: "binary", data: Buffer.from([1, 2, 3]) },
      },
    );
    const withAny = decode({
      sendToGroupMessage: {
        group: "g",
        noEcho: false,
        data: {
          protobufData: { type_url: "type.googleapis.com/azure.webpubsub.TestMessage", value: [8, 1] },
        },
      },
    });
    assert.deepEqual(withAny, {
      type: "sendToGroup",
      group: "g",
      noEcho: false,
      payload: { dataType: "protobuf", data: anyBytes },
    });
    // Empty text is a real payload (oneof members keep presence).
    assert.deepEqual(decode({ sendToGroupMessage: { group: "g", data: { textData: "" } } }), {
      type: "sendToGroup",
      group: "g",
      noEcho: false,
      payload: { dataType: "text", data: Buffer.alloc(0) },
    });
  });

  it("a metadata-only publish carries empty text", () => {
    assert.deepEqual(decode({ sendToGroupMessage: { group: "g", metadata: { a: "1" } } }), {
      type: "sendToGroup",
      group: "g",
      noEcho: false,
      payload: { dataType: "text", data: Buffer.alloc(0) },
      metadata: { a: "1" },
    });
  });

  it("payload bytes are views of the received frame, not copies", () => {
    const frame = upstream({
      sendToGroupMessage: { group: "g", data: { binaryData: Buffer.alloc(4096, 7) } },
    });
    const message = codec.decode(frame, true);
    assert.equal(message.type, "sendToGroup");
    if (message.type !== "sendToGroup") return;
    assert.equal(message.payload.data.buffer, frame.buffer);
    assert.equal(message.payload.data.length, 4096);
  });

  it("event with and without data", () => {
    assert.deepEqual(
      decode({ eventMessage: { event: "chat", ackId: 9, data: { textData: "hi" }, metadata: { m: "1" } } }),
      {
        type: "event",
        event: "chat",
        ackId: 9n,
        payload: { dataType: "text", data: Buffer.from("hi") },
        metadata: { m: "1" },
      },
    );
    assert.deepEqual(decode({ eventMessage: { event: "poke" } }), { type: "event", event: "poke" });
    assert.deepEqual(decode({ eventMessage: { event: "bin", data: { binaryData: Buffer.from([0xff]) } } }), {
      type: "event",
      event: "bin",
      payload: { dataType: "binary", data: Buffer.from([0xff]) },
    });
  });

  it("sequenceAck, ping, invoke and cancelInvocation", () => {
    assert.deepEqual(decode({ sequenceAckMessage: { sequenceId: 42 } }), {
      type: "sequenceAck",
      sequenceId: 42n,
    });
    assert.deepEqual(decode({ sequenceAckMessage: { sequenceId: "9223372036854775808" } }), {
      type: "sequenceAck",
      sequenceId: 1n << 63n,
    });
    assert.deepEqual(decode({ pingMessage: {} }), { type: "ping" });
    // field 9 (len) with an empty body
    assert.deepEqual(codec.decode(Buffer.from([0x4a, 0x00]), true), { type: "ping" });
    assert.deepEqual(
      decode({ invokeEventMessage: { event: "ask", invocationId: "1", data: { textData: "q" } } }),
      {
        type: "invoke",
        invocationId: "1",
        target: "event",
        event: "ask",
        payload: { dataType: "text", data: Buffer.from("q") },
      },
    );
    assert.deepEqual(decode({ cancelInvocationMessage: { invocationId: "1" } }), {
      type: "cancelInvocation",
      invocationId: "1",
    });
  });

  it("both subprotocols decode the same way", () => {
    const frame = upstream({ joinGroupMessage: { group: "g", ackId: 1 } });
    assert.deepEqual(reliableCodec.decode(frame, true), codec.decode(frame, true));
  });
});

describe("protobuf decode refusals", () => {
  it("a text frame closes with 1003", () => {
    protocolError(() => codec.decode(upstream({ pingMessage: {} }), false), 1003, /binary frames only/);
    protocolError(() => reliableCodec.decode(Buffer.from('{"type":"ping"}'), false), 1003, /binary/);
  });

  it("bytes that are not an UpstreamMessage close with 1007", () => {
    protocolError(
      () => codec.decode(Buffer.from([0xff, 0xff, 0xff]), true),
      1007,
      /not a valid UpstreamMessage/,
    );
    protocolError(() => codec.decode(Buffer.from([0x32, 0x10, 0x0a]), true), 1007, /not a valid/);
    protocolError(() => codec.decode(Buffer.alloc(0), true), 1007, /known message member/);
    // Field 20 is not part of the schema: nothing known is set.
    protocolError(() => codec.decode(Buffer.from([0xa2, 0x01, 0x00]), true), 1007, /known message member/);
  });

  it("unsupported preview members close with 1007 and say why", () => {
    protocolError(
      () => decode({ streamDataMessage: { streamId: "s", data: { textData: "x" } } }),
      1007,
      /stream_data_message \(streaming\) is not supported/,
    );
    protocolError(() => decode({ subscribeGroupStateMessage: { group: "g" } }), 1007, /group state/);
    protocolError(
      () =>
        decode({ sendToGroupMessage: { group: "g", data: { textData: "x" }, stream: { streamId: "s" } } }),
      1007,
      /streaming\) is not supported/,
    );
  });

  it("bad payloads close with 1007", () => {
    protocolError(() => decode({ sendToGroupMessage: { group: "g" } }), 1007, /data is required/);
    protocolError(() => decode({ sendToGroupMessage: { group: "g", data: {} } }), 1007, /sets none of/);
    protocolError(
      () => decode({ eventMessage: { event: "e", data: { jsonData: "{nope" } } }),
      1007,
      /not valid JSON/,
    );
    // send_to_group_message { group "g", data { text_data = 0xff 0xfe } }: invalid UTF-8
    const badText = Buffer.from([
      0x0a, 0x0a, 0x0a, 0x01, 0x67, 0x1a, 0x04, 0x0a, 0x02, 0xff, 0xfe, 0x20, 0x00,
    ]);
    badText[1] = badText.length - 2;
    protocolError(() => codec.decode(badText, true), 1007, /text_data is not valid UTF-8/);
    // protobuf_data whose bytes are not an Any (a truncated field)
    const badAny = Buffer.from([0x0a, 0x00, 0x0a, 0x01, 0x67, 0x1a, 0x03, 0x1a, 0x01, 0x0a]);
    badAny[1] = badAny.length - 2;
    protocolError(() => codec.decode(badAny, true), 1007, /not a valid google.protobuf.Any/);
  });
});

function groupMessage(overrides: Partial<DataMessage> = {}): DataMessage {
  return {
    from: "group",
    group: "g1",
    fromUserId: "alice",
    payload: { dataType: "text", data: Buffer.from("hello") },
    ...overrides,
  };
}

describe("protobuf encode (service → client)", () => {
  it("acks, with the service's error names", () => {
    assert.deepEqual(downstream(codec.encode({ type: "ack", ackId: 1n, success: true })), {
      ackMessage: { ackId: "1", success: true },
    });
    // Hand-computed: field 1 (len 4) { ack_id 1, success true }
    assert.deepEqual(
      codec.encode({ type: "ack", ackId: 1n, success: true }),
      Buffer.from([0x0a, 0x04, 0x08, 0x01, 0x10, 0x01]),
    );
    for (const name of ["Forbidden", "Duplicate", "InternalServerError", "BadRequest"]) {
      const frame = codec.encode({
        type: "ack",
        ackId: MAX_UINT64,
        success: false,
        error: { name, message: "m" },
      });
      assert.deepEqual(downstream(frame), {
        ackMessage: { ackId: MAX_UINT64.toString(), success: false, error: { name, message: "m" } },
      });
    }
  });

  it("messages from a group and from the server with every data type", () => {
    assert.deepEqual(downstream(codec.encode({ type: "message", message: groupMessage() })), {
      dataMessage: { from: "group", group: "g1", data: { textData: "hello" } },
    });
    const json = {
      from: "server" as const,
      payload: { dataType: "json" as const, data: Buffer.from('{"a":1}') },
    };
    // JSON reaches protobuf clients as text_data holding the serialised JSON (documented mapping).
    assert.deepEqual(downstream(codec.encode({ type: "message", message: json })), {
      dataMessage: { from: "server", data: { textData: '{"a":1}' } },
    });
    const binary = {
      from: "server" as const,
      payload: { dataType: "binary" as const, data: Buffer.from([0, 1, 2]) },
    };
    assert.deepEqual(downstream(codec.encode({ type: "message", message: binary })), {
      dataMessage: { from: "server", data: { binaryData: Buffer.from([0, 1, 2]) } },
    });
    const proto = groupMessage({ payload: { dataType: "protobuf", data: anyBytes }, metadata: { k: "v" } });
    assert.deepEqual(downstream(codec.encode({ type: "message", message: proto })), {
      dataMessage: {
        from: "group",
        group: "g1",
        metadata: { k: "v" },
        data: {
          protobufData: {
            type_url: "type.googleapis.com/azure.webpubsub.TestMessage",
            value: Buffer.from([8, 1]),
          },
        },
      },
    });
  });

  it("hand-computed server text message", () => {
    // data_message (0x12, len 14) { from "server" (0x0a 0x06 ...), data (0x1a 0x04) { text_data "hi" } }
    const frame = codec.encode({
      type: "message",
      message: { from: "server", payload: { dataType: "text", data: Buffer.from("hi") } },
    });
    const expected = Buffer.concat([
      Buffer.from([0x12, 0x0e, 0x0a, 0x06]),
      Buffer.from("server"),
      Buffer.from([0x1a, 0x04, 0x0a, 0x02]),
      Buffer.from("hi"),
    ]);
    assert.deepEqual(frame, expected);
  });

  it("sequence ids per recipient from one cached body", () => {
    const message = groupMessage({ payload: { dataType: "binary", data: Buffer.alloc(300, 5) } });
    const ids = [1n, 127n, 128n, 300n, 1n << 35n, MAX_UINT64];
    const frames = ids.map((sequenceId) => reliableCodec.encode({ type: "message", message, sequenceId }));
    frames.forEach((frame, index) => {
      const decoded = downstream(frame) as { dataMessage: Record<string, unknown> };
      assert.equal(decoded.dataMessage.sequenceId, String(ids[index]));
      assert.equal(decoded.dataMessage.group, "g1");
      assert.deepEqual((decoded.dataMessage.data as { binaryData: Buffer }).binaryData, Buffer.alloc(300, 5));
    });
    // The frame without a sequence id is not affected by the ones with.
    const unsequenced = downstream(codec.encode({ type: "message", message })) as { dataMessage: object };
    assert.equal("sequenceId" in unsequenced.dataMessage, false);
  });

  it("connected (with and without user, reconnection token), disconnected, pong", () => {
    assert.deepEqual(
      downstream(
        reliableCodec.encode({
          type: "connected",
          connectionId: "c1",
          userId: "u1",
          reconnectionToken: "tok",
        }),
      ),
      {
        systemMessage: {
          connectedMessage: { connectionId: "c1", userId: "u1", reconnectionToken: "tok" },
        },
      },
    );
    assert.deepEqual(downstream(codec.encode({ type: "connected", connectionId: "c2", userId: null })), {
      systemMessage: { connectedMessage: { connectionId: "c2", userId: "" } },
    });
    assert.deepEqual(downstream(codec.encode({ type: "disconnected", reason: "closed by server" })), {
      systemMessage: { disconnectedMessage: { reason: "closed by server" } },
    });
    // Hand-computed: field 4 (len 0)
    assert.deepEqual(codec.encode({ type: "pong" }), Buffer.from([0x22, 0x00]));
    assert.deepEqual(downstream(codec.encode({ type: "pong" })), { pongMessage: {} });
  });

  it("invokeResponse with data or error", () => {
    assert.deepEqual(
      downstream(
        codec.encode({
          type: "invokeResponse",
          invocationId: "1",
          success: true,
          payload: { dataType: "text", data: Buffer.from("answer") },
        }),
      ),
      {
        invokeResponseMessage: {
          invocationId: "1",
          success: true,
          data: { textData: "answer" },
        },
      },
    );
    assert.deepEqual(
      downstream(
        codec.encode({
          type: "invokeResponse",
          invocationId: "2",
          success: false,
          error: { name: "BadRequest", message: "no" },
        }),
      ),
      {
        invokeResponseMessage: {
          invocationId: "2",
          success: false,
          error: { name: "BadRequest", message: "no" },
        },
      },
    );
  });
});
