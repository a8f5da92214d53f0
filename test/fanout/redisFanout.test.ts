// Two data-plane servers of the same resource, on different ports, sharing the Redis at
// 127.0.0.1:6379 through the Redis fan-out: REST sends, client group sends, close and group
// operations reach connections held by either node. Each run uses its own channel prefix. When
// Redis is not reachable these tests fail (they never skip) and say how to start it.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { Redis } from "ioredis";
import { noUpstream } from "../../src/dataplane/ports/upstreamEvents.js";
import { compileFilter } from "../../src/dataplane/rest/odataFilter.js";
import type { Delivery } from "../../src/fanout/fanout.js";
import { createRedisFanout, type RedisFanout } from "../../src/fanout/redis/redisFanout.js";
import {
  PROTOBUF,
  RawClient,
  accessKeys,
  clientToken,
  startServer,
  type Downstream,
  type TestServer,
} from "../dataplane/protobuf/support/protobufClient.js";

const redisUrl = "redis://127.0.0.1:6379";
const channelPrefix = `wpslink-test-${process.pid}-${randomUUID()}`;
const resourceName = "cluster1";
const hub = "clusterhub";
const roles = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"];

async function redisFanout(errors: Error[]): Promise<RedisFanout> {
  try {
    return await createRedisFanout({
      url: redisUrl,
      channelPrefix,
      resourceName,
      compileFilter,
      requestTimeoutMs: 3000,
      onError: (error) => errors.push(error),
    });
  } catch (error) {
    throw new Error(
      `These tests need Redis on 127.0.0.1:6379. Start it with \`redis-server --port 6379 --daemonize yes\` ` +
        `(or \`docker run -d -p 6379:6379 redis:7\`). ${(error as Error).message}`,
    );
  }
}

function sdk(server: TestServer): WebPubSubServiceClient {
  return new WebPubSubServiceClient(
    `Endpoint=${server.endpoint};AccessKey=${accessKeys.primary};Version=1.0;`,
    hub,
    {
      allowInsecureConnection: true,
    },
  );
}

describe("Redis fan-out across two data-plane nodes", () => {
  const errorsA: Error[] = [];
  const errorsB: Error[] = [];
  let fanoutA: RedisFanout;
  let fanoutB: RedisFanout;
  let nodeA: TestServer;
  let nodeB: TestServer;
  let restA: WebPubSubServiceClient;
  let restB: WebPubSubServiceClient;
  const clients: RawClient[] = [];

  async function connect(node: TestServer, subprotocol: string, sub: string): Promise<RawClient> {
    const token = await clientToken(node.audience(hub), { sub, role: roles });
    const client = await RawClient.connect(node.clientUrl(hub, token), subprotocol);
    clients.push(client);
    return client;
  }

  async function connectionIdOf(client: RawClient): Promise<string> {
    return (await client.connected()).connectionId;
  }

  before(async () => {
    fanoutA = await redisFanout(errorsA);
    fanoutB = await redisFanout(errorsB);
    nodeA = await startServer({
      upstream: noUpstream,
      fanout: fanoutA,
      restHubs: fanoutA.clusterHubs,
      resourceName,
    });
    nodeB = await startServer({
      upstream: noUpstream,
      fanout: fanoutB,
      restHubs: fanoutB.clusterHubs,
      resourceName,
    });
    assert.notEqual(nodeA.port, nodeB.port);
    restA = sdk(nodeA);
    restB = sdk(nodeB);
  });

  after(async () => {
    for (const client of clients) client.close();
    await nodeA?.server.close();
    await nodeB?.server.close();
    await fanoutA?.close();
    await fanoutB?.close();
  });

  it("REST sends on one node reach clients held by either node", async () => {
    const onA = await connect(nodeA, PROTOBUF, "user-a");
    const onB = await connect(nodeB, PROTOBUF, "user-b");
    const jsonOnB = await connect(nodeB, "json.webpubsub.azure.v1", "user-b2");
    const idB = await connectionIdOf(onB);
    await onA.connected();
    await jsonOnB.next((f) => f.type === "system");

    await restA.sendToAll({ to: "everyone" });
    for (const client of [onA, onB])
      await client.next<Downstream>((f) => f.dataMessage?.data.textData === '{"to":"everyone"}');
    await jsonOnB.next((f) => f.type === "message" && JSON.stringify(f.data) === '{"to":"everyone"}');

    await restA.sendToUser("user-b", "to user b", { contentType: "text/plain" });
    await restA.sendToConnection(idB, new Uint8Array([1, 2, 3]).buffer);
    await onB.next<Downstream>((f) => f.dataMessage?.data.textData === "to user b");
    const binary = await onB.next<Downstream>((f) => f.dataMessage?.data.binaryData !== undefined);
    assert.deepEqual(binary.frame.dataMessage?.data.binaryData, Buffer.from([1, 2, 3]));

    // excluded crosses nodes too: B's client is skipped, the sentinel after it arrives.
    await restA.sendToAll("not for b", { contentType: "text/plain", excludedConnections: [idB] });
    await restA.sendToAll("sentinel", { contentType: "text/plain" });
    await onB.next<Downstream>((f) => f.dataMessage?.data.textData === "sentinel");
    await onA.next<Downstream>((f) => f.dataMessage?.data.textData === "not for b");
    assert.equal(
      onB.dataMessages().some((m) => m.data.textData === "not for b"),
      false,
    );
  });

  it("a client's group send on one node reaches members on the other, in order", async () => {
    const sender = await connect(nodeA, PROTOBUF, "sender");
    const member = await connect(nodeB, PROTOBUF, "member");
    const jsonMember = await connect(nodeB, "json.webpubsub.azure.v1", "json-member");
    await Promise.all([sender.connected(), member.connected(), jsonMember.next((f) => f.type === "system")]);
    member.send({ joinGroupMessage: { group: "room", ackId: 1 } });
    jsonMember.socket.send(JSON.stringify({ type: "joinGroup", group: "room", ackId: 1 }));
    sender.send({ joinGroupMessage: { group: "room", ackId: 1 } });
    await Promise.all([member.ack(1), sender.ack(1), jsonMember.next((f) => f.type === "ack")]);

    const count = 50;
    for (let n = 0; n < count; n++) {
      sender.send({ sendToGroupMessage: { group: "room", noEcho: true, data: { textData: `m${n}` } } });
    }
    await member.next<Downstream>((f) => f.dataMessage?.data.textData === `m${count - 1}`);
    const received = member.dataMessages().filter((m) => m.group === "room");
    assert.deepEqual(
      received.map((m) => m.data.textData),
      Array.from({ length: count }, (_, n) => `m${n}`),
    );
    await jsonMember.next(
      (f) => f.type === "message" && f.data === `m${count - 1}` && f.fromUserId === "sender",
    );
    assert.equal(sender.dataMessages().length, 0, "noEcho holds across nodes");
  });

  it("close, group and permission operations act on connections held by the other node", async () => {
    const onA = await connect(nodeA, PROTOBUF, "ops-a");
    const onB = await connect(nodeB, PROTOBUF, "ops-b");
    const [idA, idB] = [await connectionIdOf(onA), await connectionIdOf(onB)];

    assert.equal(await restA.connectionExists(idB), true);
    assert.equal(await restB.connectionExists(idA), true);
    assert.equal(await restA.userExists("ops-b"), true);
    assert.equal(await restA.connectionExists("no-such-connection"), false);

    await restA.group("g2").addConnection(idB);
    await restB.group("g2").addConnection(idA);
    assert.equal(await restA.groupExists("g2"), true);
    const members: string[] = [];
    for await (const member of await restA.group("g2").listConnections()) members.push(member.connectionId);
    assert.deepEqual(members, [idA, idB].sort());

    await restB.group("g2").sendToAll("group via b", { contentType: "text/plain" });
    for (const client of [onA, onB])
      await client.next<Downstream>((f) => f.dataMessage?.data.textData === "group via b");

    await restA.group("g2").removeConnection(idB);
    await restA.group("g2").sendToAll("after removal", { contentType: "text/plain" });
    await onA.next<Downstream>((f) => f.dataMessage?.data.textData === "after removal");
    await restA.sendToConnection(idB, "sentinel 2", { contentType: "text/plain" });
    await onB.next<Downstream>((f) => f.dataMessage?.data.textData === "sentinel 2");
    assert.equal(
      onB.dataMessages().some((m) => m.data.textData === "after removal"),
      false,
    );

    await restA.grantPermission(idB, "sendToGroup", { targetName: "special" });
    assert.equal(await restA.hasPermission(idB, "sendToGroup", { targetName: "special" }), true);
    await restA.revokePermission(idB, "sendToGroup", { targetName: "special" });
    assert.equal(await restA.hasPermission(idB, "sendToGroup", { targetName: "special" }), false);

    await restA.closeConnection(idB, { reason: "closed from node a" });
    const disconnected = await onB.next<Downstream>(
      (f) => f.systemMessage?.disconnectedMessage !== undefined,
    );
    assert.match(disconnected.frame.systemMessage?.disconnectedMessage?.reason ?? "", /closed from node a/);
    assert.equal((await onB.closed).code, 1000);
    assert.equal(await restA.connectionExists(idB), false);

    await restB.closeUserConnections("ops-a");
    assert.equal((await onA.closed).code, 1000);
  });

  it("the receiving node gets one delivery per send with the payload intact", async () => {
    const seenOnA: Delivery[] = [];
    const seenOnB: Delivery[] = [];
    const stopA = fanoutA.subscribe((delivery) => seenOnA.push(delivery));
    const stopB = fanoutB.subscribe((delivery) => seenOnB.push(delivery));
    try {
      const payload = Buffer.alloc(256 * 1024);
      for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff;
      await restA.sendToAll(payload.buffer.slice(payload.byteOffset, payload.byteOffset + payload.length));
      const deadline = Date.now() + 3000;
      while (seenOnB.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(seenOnA.length, 1, "the sending node delivers locally once and ignores its own echo");
      assert.equal(seenOnB.length, 1, "the other node receives it once");
      const [delivery] = seenOnB as [Delivery];
      assert.equal(delivery.hub, hub);
      assert.deepEqual(delivery.target, { kind: "all" });
      assert.equal(delivery.message.payload.dataType, "binary");
      assert.ok(delivery.message.payload.data.equals(payload));
    } finally {
      stopA();
      stopB();
    }
  });

  it("filtered sends reach matching connections on every node, and only those", async () => {
    const onA = await connect(nodeA, PROTOBUF, "filter-a");
    const onB = await connect(nodeB, PROTOBUF, "filter-b");
    const otherOnB = await connect(nodeB, PROTOBUF, "filter-c");
    const [idA, idB, idC] = [
      await connectionIdOf(onA),
      await connectionIdOf(onB),
      await connectionIdOf(otherOnB),
    ];

    // Sent on A, matches only B's connection: A's and C's must not get it.
    await restA.sendToAll("only b", { contentType: "text/plain", filter: "userId eq 'filter-b'" });
    // Sent on B, matches A's and C's connections (one per node).
    await restB.sendToAll("a and c", {
      contentType: "text/plain",
      filter: `connectionId eq '${idA}' or connectionId eq '${idC}'`,
    });
    await restB.group("froom").addConnection(idA);
    await restA.group("froom").addConnection(idB);
    await restA.group("froom").sendToAll("group, not b", {
      contentType: "text/plain",
      filter: `connectionId ne '${idB}'`,
    });
    for (const client of [onA, onB, otherOnB])
      await restA.sendToConnection(await connectionIdOf(client), "sentinel", { contentType: "text/plain" });
    for (const client of [onA, onB, otherOnB])
      await client.next<Downstream>((f) => f.dataMessage?.data.textData === "sentinel");

    const texts = (client: RawClient) =>
      client
        .dataMessages()
        .map((m) => m.data.textData)
        .filter((t) => t !== "sentinel");
    assert.deepEqual(texts(onA), ["a and c", "group, not b"]);
    assert.deepEqual(texts(onB), ["only b"]);
    assert.deepEqual(texts(otherOnB), ["a and c"]);
  });

  it("filtered bulk group operations run the filter on every node", async () => {
    const onA = await connect(nodeA, PROTOBUF, "bulk-a");
    const onB = await connect(nodeB, PROTOBUF, "bulk-b");
    // bulk-c (on B) matches none of the filters below and must stay out of every group.
    const otherOnB = await connect(nodeB, PROTOBUF, "bulk-c");
    const [idA, idB, _idC] = [
      await connectionIdOf(onA),
      await connectionIdOf(onB),
      await connectionIdOf(otherOnB),
    ];
    const members = async (group: string): Promise<string[]> => {
      const ids: string[] = [];
      for await (const member of await restA.group(group).listConnections()) ids.push(member.connectionId);
      return ids;
    };

    // From node A: every connection of users bulk-a and bulk-b, held by both nodes.
    await restA.addConnectionsToGroups(["bulk1", "bulk2"], "userId eq 'bulk-a' or userId eq 'bulk-b'");
    assert.deepEqual(await members("bulk1"), [idA, idB].sort());
    assert.deepEqual(await members("bulk2"), [idA, idB].sort());

    // From node B: remove from bulk1 whoever is in bulk2 and is not on B's first connection.
    await restB.removeConnectionsFromGroups(["bulk1"], `'bulk2' in groups and connectionId ne '${idB}'`);
    assert.deepEqual(await members("bulk1"), [idB]);
    assert.deepEqual(await members("bulk2"), [idA, idB].sort());

    // An empty filter selects every connection of every node.
    await restB.removeConnectionsFromGroups(["bulk2"], "");
    assert.equal(await restA.groupExists("bulk2"), false);
  });

  it("a filter that does not parse is refused with 400 before it reaches any node", async () => {
    const noRetries = new WebPubSubServiceClient(
      `Endpoint=${nodeA.endpoint};AccessKey=${accessKeys.primary};Version=1.0;`,
      hub,
      { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } },
    );
    await assert.rejects(
      noRetries.sendToAll("filtered", { contentType: "text/plain", filter: "userId eq" }),
      (error: { statusCode?: number }) => error.statusCode === 400,
    );
    await assert.rejects(
      noRetries.addConnectionsToGroups(["g"], "userId eq"),
      (error: { statusCode?: number }) => error.statusCode === 400,
    );
  });

  it("a filtered delivery without its text is refused rather than reaching only some nodes", async () => {
    await assert.rejects(
      fanoutA.publish({
        hub,
        target: { kind: "all" },
        message: { from: "server", payload: { dataType: "text", data: Buffer.from("x") } },
        filter: () => true,
      }),
      /filter text/,
    );
    const cluster = fanoutA.clusterHubs(nodeA.server.hubs.bind(nodeA.server))(hub);
    await assert.rejects(
      cluster.addConnectionsToGroups(["g"], () => true),
      /filter's text/,
    );
  });

  it("foreign bytes on the channel are reported, and the nodes keep working", async () => {
    const intruder = new Redis(redisUrl);
    try {
      await intruder.publish(`${channelPrefix}:${resourceName}:hub:${hub}`, Buffer.from("not an envelope"));
    } finally {
      intruder.disconnect();
    }
    const client = await connect(nodeB, PROTOBUF, "after-junk");
    await client.connected();
    await restA.sendToUser("after-junk", "still working", { contentType: "text/plain" });
    await client.next<Downstream>((f) => f.dataMessage?.data.textData === "still working");
    assert.ok(errorsA.length > 0 && errorsB.length > 0, "both nodes reported the foreign message");
  });

  it("start-up fails with how to start Redis when it is not reachable", async () => {
    await assert.rejects(
      createRedisFanout({
        url: "redis://127.0.0.1:1",
        channelPrefix,
        resourceName,
        compileFilter,
        connectTimeoutMs: 500,
      }),
      /cannot reach redis:\/\/127\.0\.0\.1:1 .*redis-server --port 6379/s,
    );
  });
});
