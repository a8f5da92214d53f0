// The json.webpubsub.azure.v1 subprotocol with raw `ws` clients: every request type and its ack,
// roles (all groups, one group, wildcard), Duplicate and Forbidden acks, user events and their
// replies, ping/pong, and the close codes for malformed, unknown, binary and oversize frames.
// After every misbehaving client, a bystander is still served.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  connectJson,
  mintToken,
  openRaw,
  waitFor,
  type RawClient,
  type TestServer,
  startTestServer,
} from "./support/dataPlaneHarness.js";
import { maskedFrame, openRawSocket } from "./support/rawFrames.js";

const hub = "proto";
const allRoles = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"];

describe("json.webpubsub.azure.v1", () => {
  let t: TestServer;
  let bystander: RawClient;
  const opened: RawClient[] = [];

  before(async () => {
    t = await startTestServer();
    bystander = (await connectJson(t, hub, { userId: "bystander", roles: allRoles })).client;
    opened.push(bystander);
    bystander.send({ type: "joinGroup", group: "lobby", ackId: 1 });
    await bystander.waitForJson((m) => m.type === "ack" && m.ackId === 1);
  });

  after(async () => {
    for (const client of opened) client.close();
    await t.close();
  });

  async function client(userId: string, roles: string[] = allRoles): Promise<{ c: RawClient; id: string }> {
    const { client: c, connectionId } = await connectJson(t, hub, { userId, roles });
    opened.push(c);
    return { c, id: connectionId };
  }

  let probe = 0;
  async function bystanderStillServed(): Promise<void> {
    const text = `probe-${++probe}`;
    const { c } = await client(`prober-${probe}`);
    c.send({ type: "sendToGroup", group: "lobby", dataType: "text", data: text, ackId: 1 });
    await waitFor(
      () => bystander.json().some((m) => m.group === "lobby" && m.data === text),
      5000,
      "bystander",
    );
  }

  it("sends connected first, then acks join, publish and leave, and delivers group messages", async () => {
    const alice = await client("alice");
    const bob = await client("bob");
    const first = alice.c.json()[0];
    assert.deepEqual(first, { type: "system", event: "connected", userId: "alice", connectionId: alice.id });
    alice.c.send({ type: "joinGroup", group: "g1", ackId: 1 });
    bob.c.send({ type: "joinGroup", group: "g1", ackId: 1 });
    await alice.c.waitForJson((m) => m.type === "ack" && m.ackId === 1);
    assert.deepEqual(await bob.c.waitForJson((m) => m.type === "ack" && m.ackId === 1), {
      type: "ack",
      ackId: 1,
      success: true,
    });
    bob.c.send({
      type: "sendToGroup",
      group: "g1",
      ackId: 2,
      dataType: "json",
      data: { a: [1, "x"] },
      noEcho: false,
    });
    const received = await alice.c.waitForJson((m) => m.type === "message");
    assert.deepEqual(received, {
      type: "message",
      from: "group",
      group: "g1",
      fromUserId: "bob",
      dataType: "json",
      data: { a: [1, "x"] },
    });
    await bob.c.waitForJson((m) => m.type === "message" && m.group === "g1");
    // noEcho keeps the sender out; binary data travels as base64.
    bob.c.send({
      type: "sendToGroup",
      group: "g1",
      ackId: 3,
      dataType: "binary",
      data: "AQID",
      noEcho: true,
    });
    await alice.c.waitForJson((m) => m.dataType === "binary" && m.data === "AQID");
    await bob.c.waitForJson((m) => m.type === "ack" && m.ackId === 3);
    assert.equal(bob.c.json().filter((m) => m.type === "message").length, 1);
    alice.c.send({ type: "leaveGroup", group: "g1", ackId: 4 });
    await alice.c.waitForJson((m) => m.type === "ack" && m.ackId === 4);
    assert.deepEqual(
      (await t.server.hubs(hub).listGroupConnections("g1")).map((v) => v.connectionId),
      [bob.id],
    );
    // Without an ackId nothing comes back, but the request runs.
    const acksBefore = alice.c.json().filter((m) => m.type === "ack").length;
    alice.c.send({ type: "joinGroup", group: "g2" });
    alice.c.send({ type: "ping" });
    await alice.c.waitForJson((m) => m.type === "pong");
    assert.equal(await t.server.hubs(hub).groupExists("g2"), true);
    assert.equal(alice.c.json().filter((m) => m.type === "ack").length, acksBefore);
  });

  it("answers Forbidden without the role, and honours group-scoped and wildcard roles", async () => {
    const scoped = await client("scoped", [
      "webpubsub.joinLeaveGroup.room-1",
      "webpubsub.sendToGroup.room-1",
      "webpubsub.joinLeaveGroups.team.*",
      "webpubsub.sendToGroups.logs.**",
    ]);
    const requests: [Record<string, unknown>, boolean][] = [
      [{ type: "joinGroup", group: "room-1" }, true],
      [{ type: "joinGroup", group: "room-2" }, false],
      [{ type: "joinGroup", group: "team.red" }, true],
      [{ type: "joinGroup", group: "team.red.deep" }, false],
      [{ type: "sendToGroup", group: "room-1", dataType: "text", data: "x" }, true],
      [{ type: "sendToGroup", group: "room-2", dataType: "text", data: "x" }, false],
      [{ type: "sendToGroup", group: "logs.a.b.c", dataType: "text", data: "x" }, true],
      [{ type: "leaveGroup", group: "lobby" }, false],
    ];
    let ackId = 10;
    for (const [request, allowed] of requests) {
      const id = ++ackId;
      scoped.c.send({ ...request, ackId: id });
      const ack = await scoped.c.waitForJson((m) => m.type === "ack" && m.ackId === id);
      assert.equal(ack.success, allowed, JSON.stringify(request));
      if (!allowed) assert.equal((ack.error as { name: string }).name, "Forbidden");
    }
    // Permissions granted and revoked at run time.
    const ops = t.server.hubs(hub);
    assert.equal(await ops.grantPermission(scoped.id, "joinLeaveGroup", "room-2"), true);
    scoped.c.send({ type: "joinGroup", group: "room-2", ackId: 100 });
    assert.equal((await scoped.c.waitForJson((m) => m.ackId === 100)).success, true);
    await ops.revokePermission(scoped.id, "joinLeaveGroup", "team.blue");
    scoped.c.send({ type: "joinGroup", group: "team.blue", ackId: 101 });
    assert.equal((await scoped.c.waitForJson((m) => m.ackId === 101)).success, false);
    scoped.c.send({ type: "joinGroup", group: "team.green", ackId: 102 });
    assert.equal((await scoped.c.waitForJson((m) => m.ackId === 102)).success, true);
    // Bad group names get BadRequest.
    scoped.c.send({ type: "joinGroup", group: "   ", ackId: 103 });
    assert.equal(
      ((await scoped.c.waitForJson((m) => m.ackId === 103)).error as { name: string }).name,
      "BadRequest",
    );
  });

  it("answers a repeated ackId with Duplicate without running it again", async () => {
    const dup = await client("dup");
    const member = await client("member");
    member.c.send({ type: "joinGroup", group: "dups", ackId: 1 });
    await member.c.waitForJson((m) => m.ackId === 1);
    dup.c.send({ type: "sendToGroup", group: "dups", dataType: "text", data: "once", ackId: 7 });
    await dup.c.waitForJson((m) => m.ackId === 7 && m.success === true);
    dup.c.send({ type: "sendToGroup", group: "dups", dataType: "text", data: "once", ackId: 7 });
    await waitFor(() => dup.c.json().filter((m) => m.ackId === 7).length === 2);
    const second = dup.c.json().filter((m) => m.ackId === 7)[1];
    assert.equal(second?.success, false);
    assert.deepEqual(second?.error, {
      name: "Duplicate",
      message: "Message with ack-id: 7 has been processed",
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(member.c.json().filter((m) => m.data === "once").length, 1);
    // A failed request may be retried with the same ackId.
    dup.c.send({ type: "joinGroup", group: "", ackId: 8 });
    await dup.c.waitForJson((m) => m.ackId === 8);
    dup.c.send({ type: "joinGroup", group: "ok-now", ackId: 8 });
    await waitFor(() => dup.c.json().filter((m) => m.ackId === 8).length === 2);
    assert.equal(dup.c.json().filter((m) => m.ackId === 8)[1]?.success, true);
  });

  it("raises user events upstream and returns the reply before the ack", async () => {
    t.upstream.userEventAnswer = (_context, event, payload) => {
      if (event === "echo") {
        return {
          kind: "ok",
          reply: { dataType: "text", data: Buffer.from(`echo:${payload.data.toString()}`) },
        };
      }
      if (event === "fail") return { kind: "failed", status: 500, message: "boom" };
      if (event === "state") return { kind: "ok", connectionState: "s2" };
      return { kind: "noHandler" };
    };
    const ev = await client("ev");
    ev.c.send({ type: "event", event: "echo", dataType: "text", data: "hi", ackId: 1 });
    await ev.c.waitForJson((m) => m.ackId === 1);
    const frames = ev.c.json();
    const replyAt = frames.findIndex((m) => m.type === "message" && m.from === "server");
    const ackAt = frames.findIndex((m) => m.ackId === 1);
    assert.ok(replyAt >= 0 && replyAt < ackAt, "reply before ack");
    assert.deepEqual(frames[replyAt], { type: "message", from: "server", dataType: "text", data: "echo:hi" });
    const recorded = t.upstream.of("userEvent", ev.id).at(-1);
    assert.equal(recorded?.payload?.dataType, "text");
    ev.c.send({ type: "event", event: "fail", dataType: "json", data: { x: 1 }, ackId: 2 });
    const failed = await ev.c.waitForJson((m) => m.ackId === 2);
    assert.equal((failed.error as { name: string }).name, "InternalServerError");
    ev.c.send({ type: "event", event: "nobody", dataType: "text", data: "", ackId: 3 });
    assert.equal(
      ((await ev.c.waitForJson((m) => m.ackId === 3)).error as { name: string }).name,
      "InternalServerError",
    );
    ev.c.send({ type: "event", event: "state", dataType: "text", data: "", ackId: 4 });
    await ev.c.waitForJson((m) => m.ackId === 4 && m.success === true);
    ev.c.send({ type: "event", event: "echo", dataType: "text", data: "again" });
    await waitFor(() => t.upstream.of("userEvent", ev.id).length === 5);
    assert.equal(t.upstream.of("userEvent", ev.id)[4]?.context.connectionState, "s2");
    // invoke maps to the same event and answers with invokeResponse.
    ev.c.send({
      type: "invoke",
      invocationId: "i1",
      target: "event",
      event: "echo",
      dataType: "text",
      data: "inv",
    });
    const response = await ev.c.waitForJson((m) => m.type === "invokeResponse");
    assert.deepEqual(response, {
      type: "invokeResponse",
      invocationId: "i1",
      success: true,
      dataType: "text",
      data: "echo:inv",
    });
    t.upstream.userEventAnswer = () => ({ kind: "noHandler" });
  });

  it("answers requests of newer clients it does not implement with a NotSupported ack, keeping the connection", async () => {
    const newer = await client("newer");
    newer.c.send({ type: "setGroupState", group: "g", state: { a: 1 }, ackId: 5 });
    const ack = await newer.c.waitForJson((m) => m.ackId === 5);
    assert.equal(ack.success, false);
    assert.equal((ack.error as { name: string }).name, "NotSupported");
    newer.c.send({ type: "streamData", streamId: "s", streamSequenceId: 1, dataType: "text", data: "x" });
    newer.c.send({ type: "ping" });
    await newer.c.waitForJson((m) => m.type === "pong");
    assert.equal(newer.c.closed, null);
    assert.ok(t.trace.snapshot((r) => r.kind === "unsupported").length >= 2);
  });

  it("answers ping with pong", async () => {
    const pinger = await client("pinger");
    pinger.c.send({ type: "ping" });
    assert.deepEqual(await pinger.c.waitForJson((m) => m.type === "pong"), { type: "pong" });
  });

  it("closes malformed, unknown, binary and oversize frames with the documented codes, serving others", async () => {
    const cases: [string, (c: RawClient) => void, number][] = [
      ["not JSON", (c) => c.send("{not json"), 1007],
      ["unknown type", (c) => c.send({ type: "teleport", to: "mars" }), 1007],
      ["missing field", (c) => c.send({ type: "joinGroup" }), 1007],
      ["bad dataType", (c) => c.send({ type: "sendToGroup", group: "g", dataType: "xml", data: "x" }), 1007],
      ["sequenceAck on a non-reliable protocol", (c) => c.send({ type: "sequenceAck", sequenceId: 1 }), 1007],
      ["binary frame", (c) => c.socket.send(Buffer.from([1, 2, 3]), { binary: true }), 1003],
      [
        "oversize",
        (c) => c.send({ type: "event", event: "big", dataType: "text", data: "x".repeat(1024 * 1024) }),
        1009,
      ],
    ];
    for (const [name, misbehave, code] of cases) {
      const bad = await client(`bad-${code}`);
      misbehave(bad.c);
      const closed = await bad.c.waitClosed();
      assert.equal(closed.code, code, name);
      await waitFor(
        () => t.upstream.of("disconnected", bad.id).length === 1,
        3000,
        `disconnected for ${name}`,
      );
      if (code === 1007 || code === 1003) {
        const disconnected = bad.c.json().find((m) => m.event === "disconnected");
        assert.ok(disconnected, `${name}: disconnected system message`);
      }
      await bystanderStillServed();
    }
    assert.ok(t.trace.snapshot((r) => r.kind === "protocol.error").length >= cases.length);
  });

  it("closes malformed WebSocket frames with 1002 and invalid UTF-8 with 1007, serving others", async () => {
    const cases: [string, Buffer, number][] = [
      ["unmasked client frame", Buffer.concat([Buffer.from([0x81, 2]), Buffer.from("{}")]), 1002],
      ["reserved opcode", maskedFrame(0x3, Buffer.from("x")), 1002],
      ["invalid UTF-8 in a text frame", maskedFrame(0x1, Buffer.from([0xc3, 0x28])), 1007],
      ["unknown message type, hand-framed", maskedFrame(0x1, Buffer.from('{"type":"warp"}')), 1007],
    ];
    for (const [name, bytes, code] of cases) {
      const jwt = await mintToken(t.port, hub, { userId: "framer" });
      const raw = await openRawSocket(
        t.port,
        `/client/hubs/${hub}?access_token=${jwt}`,
        "json.webpubsub.azure.v1",
      );
      raw.write(bytes);
      assert.equal(await raw.closeCode(), code, name);
      raw.destroy();
      await bystanderStillServed();
    }
  });

  it("plain WebSocket clients raise the message event and get its reply as a frame", async () => {
    t.upstream.userEventAnswer = (_c, event, payload) =>
      event === "message"
        ? {
            kind: "ok",
            reply: { dataType: payload.dataType, data: Buffer.concat([Buffer.from("re:"), payload.data]) },
          }
        : { kind: "noHandler" };
    const token = await mintToken(t.port, hub, { userId: "plain", roles: allRoles });
    const plain = openRaw(`ws://localhost:${t.port}/client/hubs/${hub}?access_token=${token}`);
    opened.push(plain);
    await plain.opened;
    assert.equal(plain.socket.protocol, "");
    plain.socket.send("hello");
    await waitFor(() => plain.frames.length === 1);
    assert.equal(plain.frames[0]?.data.toString(), "re:hello");
    assert.equal(plain.frames[0]?.isBinary, false);
    plain.socket.send(Buffer.from([9, 9]), { binary: true });
    await waitFor(() => plain.frames.length === 2);
    assert.equal(plain.frames[1]?.isBinary, true);
    // Group messages reach plain clients as their payload alone.
    const plainId = t.upstream.of("connected").find((e) => e.context.userId === "plain")
      ?.context.connectionId;
    assert.ok(plainId);
    await t.server.hubs(hub).addConnectionToGroup(plainId, "plain-room");
    await t.server.hubs(hub).sendToGroup("plain-room", {
      from: "server",
      payload: { dataType: "json", data: Buffer.from('"quoted"') },
    });
    await waitFor(() => plain.frames.length === 3);
    assert.equal(plain.frames[2]?.data.toString(), '"quoted"');
    // With no handler, a plain client's message closes it with 1011.
    t.upstream.userEventAnswer = () => ({ kind: "noHandler" });
    plain.socket.send("nobody listens");
    assert.equal((await plain.waitClosed()).code, 1011);
    await bystanderStillServed();
  });

  it("plain clients in sendToGroup mode publish to their group", async () => {
    const token = await mintToken(t.port, hub, { userId: "raw-pub", roles: ["webpubsub.sendToGroup.lobby"] });
    const publisher = openRaw(
      `ws://localhost:${t.port}/client/hubs/${hub}?access_token=${token}&webpubsub_mode=sendToGroup&group=lobby`,
    );
    opened.push(publisher);
    await publisher.opened;
    publisher.socket.send("raw to lobby");
    const got = await bystander.waitForJson((m) => m.data === "raw to lobby");
    assert.equal(got.fromUserId, "raw-pub");
    assert.equal(got.dataType, "text");
    // A member of the group gets its own frames back unless it asked for noEcho.
    const echoUrl = (noEcho: boolean) =>
      `ws://localhost:${t.port}/client/hubs/${hub}?access_token=${token}&webpubsub_mode=sendToGroup&group=lobby${noEcho ? "&noEcho=true" : ""}`;
    for (const noEcho of [false, true]) {
      const member = openRaw(echoUrl(noEcho));
      opened.push(member);
      await member.opened;
      const memberId = t.upstream.of("connected").at(-1)?.context.connectionId as string;
      await t.server.hubs(hub).addConnectionToGroup(memberId, "lobby");
      member.socket.send(`echo-${noEcho}`);
      await bystander.waitForJson((m) => m.data === `echo-${noEcho}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(
        member.frames.some((f) => f.data.toString() === `echo-${noEcho}`),
        !noEcho,
      );
    }
  });
});
