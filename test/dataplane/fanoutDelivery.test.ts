// Fan-out mechanics: a data message is encoded once per wire format and the same bytes reach
// every socket; frames queued in one tick leave in one write; a reliable broadcast shares its
// body between connections; a client that stops reading is dropped while the others get
// everything.
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { after, before, describe, it } from "node:test";
import type { WebSocket } from "ws";
import { ConnectionPermissions } from "../../src/dataplane/auth/connectionPermissions.js";
import { ClientConnection, type ConnectionOwner } from "../../src/dataplane/connections/clientConnection.js";
import { EncodedDataMessage } from "../../src/dataplane/connections/encodedMessage.js";
import { defaultReliableLimits } from "../../src/dataplane/connections/reliableBuffer.js";
import { FlushScheduler } from "../../src/dataplane/connections/socketOutbox.js";
import { frame, frameHeader } from "../../src/dataplane/connections/webSocketFrame.js";
import type { DataMessage } from "../../src/dataplane/domain/messages.js";
import type { ClientCodec, OutboundMessage } from "../../src/dataplane/protocol/clientMessages.js";
import { jsonCodec, jsonReliableCodec } from "../../src/dataplane/protocol/jsonCodec.js";
import { DropProxy } from "./support/dropProxy.js";
import {
  connectJson,
  mintToken,
  openRaw,
  startTestServer,
  waitFor,
  type RawClient,
  type TestServer,
} from "./support/dataPlaneHarness.js";

const message: DataMessage = {
  from: "group",
  group: "g",
  fromUserId: "u",
  payload: { dataType: "json", data: Buffer.from('{"n":1}') },
};

/** A socket stand-in that records each write() as one chunk. */
class RecordingSocket extends PassThrough {
  readonly writes: Buffer[] = [];
  override write(chunk: Buffer): boolean {
    this.writes.push(chunk);
    return true;
  }
}

function fakeConnection(
  codec: ClientCodec | null,
  overloaded: string[] = [],
): { connection: ClientConnection; socket: RecordingSocket } {
  const owner: ConnectionOwner = {
    scheduler: new FlushScheduler(),
    outboxLimitBytes: 1024 * 1024,
    reliableLimits: defaultReliableLimits,
    overloaded: (_c, reason) => overloaded.push(reason),
  };
  const connection = new ClientConnection(
    {
      connectionId: `c${Math.random()}`,
      hub: "h",
      userId: null,
      codec,
      subprotocol: codec?.subprotocol ?? null,
      permissions: new ConnectionPermissions([]),
      connectionState: null,
      reconnectionToken: null,
      origin: "localhost:1",
      rawSendGroup: null,
    },
    owner,
  );
  const socket = new RecordingSocket();
  connection.attach({ terminate: () => undefined } as unknown as WebSocket, socket);
  return { connection, socket };
}

/** The payloads of the unmasked frames in `bytes`. */
function unframe(bytes: Buffer): Buffer[] {
  const payloads: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    let length = (bytes[at + 1] as number) & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      start = at + 4;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at + 2));
      start = at + 10;
    }
    payloads.push(bytes.subarray(start, start + length));
    at = start + length;
  }
  return payloads;
}

const nextTick = () => new Promise((resolve) => setImmediate(resolve));

describe("encode once, frame once, one write per tick", () => {
  it("builds RFC 6455 headers for the three length forms", () => {
    assert.deepEqual([...frameHeader(5, false)], [0x81, 5]);
    assert.deepEqual([...frameHeader(300, true)], [0x82, 126, 1, 44]);
    assert.deepEqual([...frameHeader(70000, false)], [0x81, 127, 0, 0, 0, 0, 0, 1, 17, 112]);
    assert.deepEqual([...frame(Buffer.from("hi"), false)], [0x81, 2, 104, 105]);
  });

  it("encodes a broadcast once per subprotocol and writes the same bytes to every socket", async () => {
    let encodes = 0;
    const counting: ClientCodec = {
      ...jsonCodec,
      subprotocol: jsonCodec.subprotocol,
      reliable: false,
      binary: false,
      decode: (f, b) => jsonCodec.decode(f, b),
      encode: (m: OutboundMessage) => {
        encodes++;
        return jsonCodec.encode(m);
      },
    };
    const targets = Array.from({ length: 5 }, () => fakeConnection(counting));
    const encoded = new EncodedDataMessage(message);
    for (const { connection } of targets) connection.deliver(encoded);
    await nextTick();
    assert.equal(encodes, 1);
    const first = targets[0]?.socket.writes[0];
    assert.ok(first);
    for (const { socket } of targets) {
      assert.equal(socket.writes.length, 1);
      assert.equal(socket.writes[0], first, "the very same buffer");
    }
    const payload = JSON.parse(first.subarray(2).toString()) as Record<string, unknown>;
    assert.deepEqual(payload, {
      type: "message",
      from: "group",
      group: "g",
      fromUserId: "u",
      dataType: "json",
      data: { n: 1 },
    });
  });

  it("coalesces the frames queued for one socket in a tick into one write", async () => {
    const { connection, socket } = fakeConnection(jsonCodec);
    for (let i = 0; i < 10; i++) connection.deliver(new EncodedDataMessage(message));
    connection.send({ type: "pong" });
    assert.equal(socket.writes.length, 0, "nothing is written synchronously");
    await nextTick();
    assert.equal(socket.writes.length, 1);
    const expectedFrame = frame(jsonCodec.encode({ type: "message", message }), false);
    assert.equal(
      socket.writes[0]?.length,
      expectedFrame.length * 10 + frame(Buffer.from('{"type":"pong"}'), false).length,
    );
  });

  it("shares a reliable broadcast's body and adds each connection's own sequence id", async () => {
    const targets = Array.from({ length: 3 }, () => fakeConnection(jsonReliableCodec));
    const encoded = new EncodedDataMessage(message);
    targets[0]?.connection.deliver(new EncodedDataMessage(message));
    for (const { connection } of targets) connection.deliver(encoded);
    await nextTick();
    const bodies = targets.map(({ connection }) => connection.reliable?.pending().at(-1)?.body);
    assert.ok(bodies[0]);
    assert.equal(bodies[1], bodies[0]);
    assert.equal(bodies[2], bodies[0]);
    const sequenceIds = targets.map(({ socket }) =>
      socket.writes
        .flatMap((w) => unframe(w))
        .map((p) => (JSON.parse(p.toString()) as { sequenceId: number }).sequenceId),
    );
    assert.deepEqual(sequenceIds, [[1, 2], [1], [1]]);
  });

  it("reports a socket over its byte limit once, as an overloaded connection", () => {
    const overloaded: string[] = [];
    const { connection } = fakeConnection(jsonCodec, overloaded);
    const big = new EncodedDataMessage({
      from: "server",
      payload: { dataType: "binary", data: Buffer.alloc(400 * 1024) },
    });
    for (let i = 0; i < 5; i++) connection.deliver(big);
    assert.equal(overloaded.length, 1);
    assert.match(overloaded[0] ?? "", /SlowClient/);
  });
});

describe("slow clients on a real server", () => {
  let t: TestServer;
  let proxy: DropProxy;
  const clients: RawClient[] = [];

  before(async () => {
    t = await startTestServer({ outboxLimitBytes: 1024 * 1024 });
    proxy = new DropProxy(t.port);
    await proxy.start();
  });

  after(async () => {
    for (const client of clients) client.close();
    await proxy.close();
    await t.close();
  });

  it("drops a client that stops reading and keeps delivering to the others", async () => {
    const fast = await connectJson(t, "slow", { userId: "fast" });
    clients.push(fast.client);
    const jwt = await mintToken(t.port, "slow", { userId: "stalled" });
    const stalled = openRaw(`ws://localhost:${proxy.port}/client/hubs/slow?access_token=${jwt}`, [
      "json.webpubsub.azure.v1",
    ]);
    clients.push(stalled);
    await stalled.waitForJson((m) => m.event === "connected");
    const stalledId = (stalled.json()[0] as { connectionId: string }).connectionId;
    proxy.stallServerSide();
    const ops = t.server.hubs("slow");
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const count = 200;
    const started = Date.now();
    let resumed = false;
    for (let i = 0; i < count; i++) {
      await ops.sendToAll({ from: "server", payload: { dataType: "binary", data: chunk } });
      // One send per tick: the limit bounds what a socket has not taken, not a burst in one tick.
      await new Promise((resolve) => setImmediate(resolve));
      if (!resumed && t.trace.snapshot((r) => r.kind === "connection.overloaded").length > 0) {
        // Let the stalled client read again: behind its backlog it finds the close frame.
        proxy.resumeServerSide();
        resumed = true;
      }
    }
    await waitFor(
      () => fast.client.json().filter((m) => m.type === "message").length === count,
      15_000,
      "fast client",
    );
    const elapsed = Date.now() - started;
    await waitFor(
      () => t.upstream.of("disconnected", stalledId).length === 1,
      5000,
      "the stalled client to be dropped",
    );
    const overloaded = t.trace.snapshot(
      (r) => r.kind === "connection.overloaded" && r.connectionId === stalledId,
    );
    assert.equal(overloaded.length, 1);
    assert.equal(await ops.connectionExists(stalledId), false);
    assert.equal(await ops.connectionExists(fast.connectionId), true);
    assert.ok(elapsed < 10_000, `delivering ${count} x 64 KiB took ${elapsed} ms`);
    assert.ok(resumed);
    const closed = await stalled.waitClosed();
    assert.equal(closed.code, 1008, "a dropped slow client cannot recover");
    assert.match(closed.reason, /SlowClient/);
  });
});
