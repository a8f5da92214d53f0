// Faults behind the data plane stay with the connection they concern: a fan-out that cannot
// publish answers the sender's ack with InternalServerError, and an upstream dispatcher that
// throws while a connection opens ends that connection only (1011); everyone else is served.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Fanout } from "../../src/fanout/fanout.js";
import { createInProcessFanout } from "../../src/fanout/inProcessFanout.js";
import {
  connectJson,
  mintToken,
  openRaw,
  startTestServer,
  waitFor,
  type RawClient,
  type TestServer,
} from "./support/dataPlaneHarness.js";

const roles = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"];

describe("fault isolation", () => {
  let t: TestServer;
  const clients: RawClient[] = [];

  before(async () => {
    const inner = createInProcessFanout();
    // A fan-out whose cluster link is down for one group.
    const fanout: Fanout = {
      publish: (delivery) =>
        delivery.target.kind === "group" && delivery.target.group === "unreachable"
          ? Promise.reject(new Error("the cluster link is down"))
          : inner.publish(delivery),
      subscribe: (listener) => inner.subscribe(listener),
      close: () => inner.close(),
    };
    t = await startTestServer({ fanout });
  });

  after(async () => {
    for (const client of clients) client.close();
    await t.close();
  });

  it("answers InternalServerError when the fan-out cannot take a group message", async () => {
    const { client } = await connectJson(t, "faults", { userId: "sender", roles });
    clients.push(client);
    client.send({ type: "sendToGroup", group: "unreachable", dataType: "text", data: "x", ackId: 1 });
    const ack = await client.waitForJson((m) => m.ackId === 1);
    assert.equal(ack.success, false);
    assert.deepEqual(ack.error, { name: "InternalServerError", message: "the cluster link is down" });
    client.send({ type: "joinGroup", group: "fine", ackId: 2 });
    client.send({ type: "sendToGroup", group: "fine", dataType: "text", data: "y", ackId: 3 });
    await client.waitForJson((m) => m.type === "message" && m.data === "y");
    const jwt = await mintToken(t.port, "faults", { userId: "raw", roles });
    const raw = openRaw(
      `ws://localhost:${t.port}/client/hubs/faults?access_token=${jwt}&webpubsub_mode=sendToGroup&group=unreachable`,
    );
    clients.push(raw);
    await raw.opened;
    raw.socket.send("lost");
    await waitFor(() => t.trace.snapshot((r) => r.kind === "publish.failed").length === 1);
    assert.equal(raw.closed, null);
  });

  it("ends only the connection whose connected event throws", async () => {
    const { client: bystander } = await connectJson(t, "faults", { userId: "bystander", roles });
    clients.push(bystander);
    const original = t.upstream.connected.bind(t.upstream);
    t.upstream.connected = (context) => {
      if (context.userId === "unlucky") throw new Error("dispatcher bug");
      original(context);
    };
    try {
      const jwt = await mintToken(t.port, "faults", { userId: "unlucky" });
      const unlucky = openRaw(`ws://localhost:${t.port}/client/hubs/faults?access_token=${jwt}`, [
        "json.webpubsub.azure.v1",
      ]);
      clients.push(unlucky);
      const closed = await unlucky.waitClosed();
      assert.equal(closed.code, 1011);
      assert.match(closed.reason, /dispatcher bug/);
    } finally {
      t.upstream.connected = original;
    }
    bystander.send({ type: "ping" });
    await bystander.waitForJson((m) => m.type === "pong");
  });
});
