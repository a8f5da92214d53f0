// Raw `ws` clients speaking protobuf.webpubsub.azure.v1 and protobuf.reliable.webpubsub.azure.v1
// against the real data-plane server: tokens, join/leave/publish/events with acks, data types
// across subprotocols, REST sends through the unmodified server SDK, sequence ids and recovery,
// and malformed frames that close only the offending connection.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import WebSocket from "ws";
import type { UpstreamEvents } from "../../../src/dataplane/ports/upstreamEvents.js";
import {
  AnyMessage,
  PROTOBUF,
  PROTOBUF_RELIABLE,
  RawClient,
  accessKeys,
  clientToken,
  startServer,
  type Downstream,
  type TestServer,
} from "./support/protobufClient.js";

const hub = "protohub";
const allRoles = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"];

/** Upstream double: event "echo" replies with its payload, "fail" fails, others have no handler. */
const upstream: UpstreamEvents = {
  handlesConnect: () => false,
  connect: async () => ({ kind: "noHandler" }),
  connected: () => undefined,
  disconnected: () => undefined,
  userEvent: async (_context, event, payload) => {
    if (event === "echo") return { kind: "ok", reply: payload };
    if (event === "fail") return { kind: "failed", status: 500, message: "upstream said no" };
    return { kind: "noHandler" };
  },
};

describe("protobuf subprotocols end to end", () => {
  let server: TestServer;
  let serviceClient: WebPubSubServiceClient;
  const clients: RawClient[] = [];

  async function connect(
    subprotocol: string,
    claims: Parameters<typeof clientToken>[1] = {},
  ): Promise<RawClient> {
    const token = await clientToken(server.audience(hub), claims);
    const client = await RawClient.connect(server.clientUrl(hub, token), subprotocol);
    clients.push(client);
    return client;
  }

  before(async () => {
    server = await startServer({ upstream });
    serviceClient = new WebPubSubServiceClient(
      `Endpoint=${server.endpoint};AccessKey=${accessKeys.primary};Version=1.0;`,
      hub,
      { allowInsecureConnection: true },
    );
  });

  after(async () => {
    for (const client of clients) client.close();
    await server.server.close();
  });

  it("connects with a token and gets the connected message first", async () => {
    const plain = await connect(PROTOBUF, { sub: "user-a" });
    const connected = await plain.connected();
    assert.equal(connected.userId, "user-a");
    assert.match(connected.connectionId, /\S+/);
    assert.equal(connected.reconnectionToken, undefined, "no reconnection token without reliability");
    assert.ok((plain.frames[0] as Downstream).systemMessage, "connected is the first frame");

    const reliable = await connect(PROTOBUF_RELIABLE);
    const reliableConnected = await reliable.connected();
    assert.equal(reliableConnected.userId, "");
    assert.ok(reliableConnected.reconnectionToken, "reliable connections get a reconnection token");
  });

  it("refuses a token with the wrong audience before the upgrade", async () => {
    const token = await clientToken(`${server.endpoint}/client/hubs/otherhub`);
    const socket = new WebSocket(server.clientUrl(hub, token), PROTOBUF);
    const status = await new Promise<number>((resolve) => {
      socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
      socket.on("open", () => resolve(101));
      socket.on("error", () => undefined);
    });
    socket.terminate();
    assert.equal(status, 401);
  });

  it("join, publish with every data type, noEcho, leave; acks with the service's error names", async () => {
    const sender = await connect(PROTOBUF, { sub: "sender", role: allRoles });
    const receiver = await connect(PROTOBUF, { role: ["webpubsub.joinLeaveGroup.g1"] });
    const json = await connect("json.webpubsub.azure.v1", { role: allRoles });
    const noRights = await connect(PROTOBUF);
    await Promise.all([
      sender.connected(),
      receiver.connected(),
      json.next((f) => f.type === "system" && f.event === "connected"),
      noRights.connected(),
    ]);

    sender.send({ joinGroupMessage: { group: "g1", ackId: 1 } });
    receiver.send({ joinGroupMessage: { group: "g1", ackId: 1 } });
    json.socket.send(JSON.stringify({ type: "joinGroup", group: "g1", ackId: 1 }));
    assert.deepEqual(await sender.ack(1), { ackId: "1", success: true });
    assert.deepEqual(await receiver.ack(1), { ackId: "1", success: true });
    await json.next((f) => f.type === "ack" && f.ackId === 1);

    noRights.send({ joinGroupMessage: { group: "g1", ackId: 7 } });
    const forbidden = await noRights.ack(7);
    assert.equal(forbidden.success, false);
    assert.equal(forbidden.error?.name, "Forbidden");
    // The same ackId again: not run twice, answered Duplicate.
    receiver.send({ joinGroupMessage: { group: "g1", ackId: 1 } });
    const duplicate = await receiver.next<Downstream>((f) => f.ackMessage?.error?.name === "Duplicate");
    assert.deepEqual(duplicate.frame.ackMessage, {
      ackId: "1",
      success: false,
      error: { name: "Duplicate", message: "Message with ack-id: 1 has been processed" },
    });

    // text, with noEcho: the sender does not get it back
    sender.send({ sendToGroupMessage: { group: "g1", ackId: 2, noEcho: true, data: { textData: "hello" } } });
    assert.deepEqual(await sender.ack(2), { ackId: "2", success: true });
    const text = await receiver.next<Downstream>((f) => f.dataMessage?.data.textData === "hello");
    assert.deepEqual(text.frame.dataMessage, { from: "group", group: "g1", data: { textData: "hello" } });
    const jsonText = await json.next((f) => f.type === "message" && f.data === "hello");
    assert.equal(jsonText.frame.dataType, "text");
    assert.equal(jsonText.frame.fromUserId, "sender");

    // binary, Any and json_data; echo on (the sender receives its own binary)
    const any = { type_url: "type.googleapis.com/test.Point", value: Buffer.from([8, 3]) };
    sender.send({
      sendToGroupMessage: { group: "g1", ackId: 3, data: { binaryData: Buffer.from([1, 2, 3]) } },
    });
    sender.send({ sendToGroupMessage: { group: "g1", ackId: 4, data: { protobufData: any } } });
    sender.send({
      sendToGroupMessage: { group: "g1", ackId: 5, data: { jsonData: '{"n":1}' }, metadata: { k: "v" } },
    });
    for (const ackId of [3, 4, 5]) assert.equal((await sender.ack(ackId)).success, true);
    await sender.next<Downstream>((f) => f.dataMessage?.data.binaryData !== undefined);
    const binary = await receiver.next<Downstream>((f) => f.dataMessage?.data.binaryData !== undefined);
    assert.deepEqual(binary.frame.dataMessage?.data.binaryData, Buffer.from([1, 2, 3]));
    const proto = await receiver.next<Downstream>((f) => f.dataMessage?.data.protobufData !== undefined);
    assert.deepEqual(proto.frame.dataMessage?.data.protobufData, any);
    const jsonData = await receiver.next<Downstream>((f) => f.dataMessage?.data.textData === '{"n":1}');
    assert.deepEqual(jsonData.frame.dataMessage?.metadata, { k: "v" });
    // The JSON client sees binary as base64, Any as base64 protobuf, and json_data as JSON.
    assert.equal((await json.next((f) => f.dataType === "binary")).frame.data, "AQID");
    const anyBytes = Buffer.from(AnyMessage.encode(AnyMessage.fromObject(any)).finish()).toString("base64");
    assert.equal((await json.next((f) => f.dataType === "protobuf")).frame.data, anyBytes);
    assert.deepEqual((await json.next((f) => f.dataType === "json")).frame.data, { n: 1 });

    // A JSON client's json message reaches protobuf clients as text_data with the serialised JSON.
    json.socket.send(
      JSON.stringify({ type: "sendToGroup", group: "g1", dataType: "json", data: { from: "json" } }),
    );
    await receiver.next<Downstream>((f) => f.dataMessage?.data.textData === '{"from":"json"}');

    // Without send permission on g2 and with a bad group name: Forbidden / BadRequest.
    receiver.send({ sendToGroupMessage: { group: "g1", ackId: 2, data: { textData: "nope" } } });
    assert.equal((await receiver.ack(2)).error?.name, "Forbidden");
    sender.send({ joinGroupMessage: { group: "   ", ackId: 6 } });
    assert.equal((await sender.ack(6)).error?.name, "BadRequest");

    receiver.send({ leaveGroupMessage: { group: "g1", ackId: 3 } });
    assert.equal((await receiver.ack(3)).success, true);
    const before = receiver.dataMessages().length;
    sender.send({ sendToGroupMessage: { group: "g1", ackId: 7, data: { textData: "after leave" } } });
    await json.next((f) => f.data === "after leave");
    assert.equal(receiver.dataMessages().length, before, "a member that left gets nothing more");
  });

  it("events with replies and failures, ping/pong", async () => {
    const client = await connect(PROTOBUF);
    await client.connected();
    client.send({ eventMessage: { event: "echo", ackId: 1, data: { textData: "ping me" } } });
    const reply = await client.next<Downstream>((f) => f.dataMessage?.from === "server");
    const ack = await client.ack(1);
    assert.deepEqual(reply.frame.dataMessage, { from: "server", data: { textData: "ping me" } });
    assert.equal(ack.success, true);
    assert.ok(
      client.frames.indexOf(reply.frame) <
        client.frames.findIndex((f) => (f as Downstream).ackMessage?.ackId === "1"),
      "the reply comes before the ack",
    );

    client.send({ eventMessage: { event: "echo", ackId: 2, data: { binaryData: Buffer.from([9]) } } });
    await client.next<Downstream>((f) => f.dataMessage?.data.binaryData?.[0] === 9);
    client.send({ eventMessage: { event: "fail", ackId: 3, data: { textData: "x" } } });
    assert.equal((await client.ack(3)).error?.name, "InternalServerError");
    client.send({ eventMessage: { event: "unhandled", ackId: 4 } });
    assert.equal((await client.ack(4)).error?.name, "InternalServerError");

    client.send({ pingMessage: {} });
    await client.next<Downstream>((f) => f.pongMessage !== undefined);
  });

  it("invocations answer with invoke_response_message", async () => {
    const client = await connect(PROTOBUF);
    await client.connected();
    client.send({ invokeEventMessage: { event: "echo", invocationId: "1", data: { textData: "question" } } });
    client.send({ invokeEventMessage: { event: "unhandled", invocationId: "2" } });
    const answered = await client.next<Downstream>((f) => f.invokeResponseMessage?.invocationId === "1");
    assert.deepEqual(answered.frame.invokeResponseMessage, {
      invocationId: "1",
      success: true,
      data: { textData: "question" },
    });
    const failed = await client.next<Downstream>((f) => f.invokeResponseMessage?.invocationId === "2");
    assert.equal(failed.frame.invokeResponseMessage?.success, false);
    assert.equal(failed.frame.invokeResponseMessage?.error?.name, "InternalServerError");
  });

  it("a frame over the 1 MB client message limit closes with 1009", async () => {
    const client = await connect(PROTOBUF, { role: allRoles });
    await client.connected();
    client.send({
      sendToGroupMessage: { group: "big", data: { binaryData: Buffer.alloc(1024 * 1024 + 1) } },
    });
    assert.equal((await client.closed).code, 1009);
  });

  it("REST sends through the server SDK reach protobuf clients with the documented data types", async () => {
    const client = await connect(PROTOBUF, { sub: "rest-user" });
    await client.connected();
    await serviceClient.sendToAll({ hello: "world" });
    await serviceClient.sendToUser("rest-user", "plain text", { contentType: "text/plain" });
    await serviceClient.sendToAll(new Uint8Array([7, 7]).buffer);
    await client.next<Downstream>((f) => f.dataMessage?.data.textData === '{"hello":"world"}');
    await client.next<Downstream>((f) => f.dataMessage?.data.textData === "plain text");
    const binary = await client.next<Downstream>((f) => f.dataMessage?.data.binaryData !== undefined);
    assert.deepEqual(binary.frame.dataMessage, { from: "server", data: { binaryData: Buffer.from([7, 7]) } });

    const { connectionId } = await client.connected();
    await serviceClient.closeConnection(connectionId, { reason: "bye" });
    const disconnected = await client.next<Downstream>(
      (f) => f.systemMessage?.disconnectedMessage !== undefined,
    );
    assert.match(disconnected.frame.systemMessage?.disconnectedMessage?.reason ?? "", /bye/);
    assert.equal((await client.closed).code, 1000);
  });

  it("reliable: sequence ids from 1, sequenceAck, recovery replays what was not acked", async () => {
    const client = await connect(PROTOBUF_RELIABLE, { sub: "reliable-user" });
    const { connectionId, reconnectionToken } = await client.connected();
    for (const n of [1, 2, 3])
      await serviceClient.sendToUser("reliable-user", `m${n}`, { contentType: "text/plain" });
    await client.next<Downstream>((f) => f.dataMessage?.data.textData === "m3");
    assert.deepEqual(
      client.dataMessages().map((m) => [m.sequenceId, m.data.textData]),
      [
        ["1", "m1"],
        ["2", "m2"],
        ["3", "m3"],
      ],
    );
    client.send({ sequenceAckMessage: { sequenceId: 2 } });
    await new Promise((resolve) => setTimeout(resolve, 100));

    client.socket.terminate();
    await client.closed;
    for (const n of [4, 5])
      await serviceClient.sendToUser("reliable-user", `m${n}`, { contentType: "text/plain" });

    const token = await clientToken(server.audience(hub), { sub: "reliable-user" });
    const recovery = `&awps_connection_id=${encodeURIComponent(connectionId)}&awps_reconnection_token=${encodeURIComponent(reconnectionToken ?? "")}`;
    const recovered = await RawClient.connect(server.clientUrl(hub, token, recovery), PROTOBUF_RELIABLE);
    clients.push(recovered);
    await recovered.next<Downstream>((f) => f.dataMessage?.data.textData === "m5");
    assert.deepEqual(
      recovered.dataMessages().map((m) => [m.sequenceId, m.data.textData]),
      [
        ["3", "m3"],
        ["4", "m4"],
        ["5", "m5"],
      ],
    );
    await serviceClient.sendToUser("reliable-user", "m6", { contentType: "text/plain" });
    const sixth = await recovered.next<Downstream>((f) => f.dataMessage?.data.textData === "m6");
    assert.equal(sixth.frame.dataMessage?.sequenceId, "6");

    const badRecovery = `&awps_connection_id=${encodeURIComponent(connectionId)}&awps_reconnection_token=forged`;
    const refused = await RawClient.connect(server.clientUrl(hub, token, badRecovery), PROTOBUF_RELIABLE);
    assert.equal((await refused.closed).code, 1008);
  });

  it("malformed and text frames close only that connection, with 1003 / 1007", async () => {
    const bystander = await connect(PROTOBUF, { sub: "bystander" });
    await bystander.connected();
    const cases: [string, (socket: WebSocket) => void, number][] = [
      ["text frame", (socket) => socket.send('{"type":"ping"}'), 1003],
      ["garbage bytes", (socket) => socket.send(Buffer.from([0xff, 0xff, 0xff])), 1007],
      ["unknown member", (socket) => socket.send(Buffer.from([0xa2, 0x01, 0x00])), 1007],
      ["empty frame", (socket) => socket.send(Buffer.alloc(0)), 1007],
    ];
    for (const [name, misbehave, code] of cases) {
      const offender = await connect(PROTOBUF);
      await offender.connected();
      misbehave(offender.socket);
      const closed = await offender.closed;
      assert.equal(closed.code, code, name);
      await offender.next<Downstream>((f) => f.systemMessage?.disconnectedMessage !== undefined);
      await serviceClient.sendToUser("bystander", `still here after ${name}`, { contentType: "text/plain" });
      await bystander.next<Downstream>((f) => f.dataMessage?.data.textData === `still here after ${name}`);
    }
    bystander.send({ pingMessage: {} });
    await bystander.next<Downstream>((f) => f.pongMessage !== undefined);
  });
});
