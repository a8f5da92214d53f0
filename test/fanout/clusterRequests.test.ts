// Scatter/gather of hub operations over the Redis fan-out, with recording hub operations on each
// node: how answers combine, what crosses the wire, and the failure paths (a node that cannot
// answer, a subscriber that never answers, closing with requests in flight). Needs the Redis on
// 127.0.0.1:6379 and fails (never skips) without it.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import type { ConnectionView, HubOperations } from "../../src/dataplane/domain/hubOperations.js";
import { compileFilter } from "../../src/dataplane/rest/odataFilter.js";
import { createRedisFanout, type RedisFanout } from "../../src/fanout/redis/redisFanout.js";

const redisUrl = "redis://127.0.0.1:6379";
const channelPrefix = `wpslink-test-${process.pid}-${randomUUID()}`;

interface Call {
  readonly hub: string;
  readonly operation: string;
  readonly args: unknown[];
}

/** Hub operations of one node that record each call and answer from a fixed table. */
function recordingHubs(calls: Call[], answers: Partial<Record<keyof HubOperations, unknown>>) {
  return (hub: string): HubOperations =>
    new Proxy({ hub } as HubOperations, {
      get(target, property) {
        if (property === "hub") return hub;
        return async (...args: unknown[]) => {
          calls.push({ hub, operation: String(property), args });
          return answers[property as keyof HubOperations];
        };
      },
    });
}

async function fanout(
  resourceName: string,
  requestTimeoutMs = 2000,
  onError?: (error: Error) => void,
): Promise<RedisFanout> {
  try {
    return await createRedisFanout({
      url: redisUrl,
      channelPrefix,
      resourceName,
      compileFilter,
      requestTimeoutMs,
      ...(onError ? { onError } : {}),
    });
  } catch (error) {
    throw new Error(
      `These tests need Redis on 127.0.0.1:6379; start it with \`redis-server --port 6379 --daemonize yes\`. ${
        (error as Error).message
      }`,
    );
  }
}

describe("hub operations across nodes (scatter/gather)", () => {
  const opened: RedisFanout[] = [];
  const open = async (
    resourceName: string,
    requestTimeoutMs?: number,
    onError?: (error: Error) => void,
  ): Promise<RedisFanout> => {
    const created = await fanout(resourceName, requestTimeoutMs, onError);
    opened.push(created);
    return created;
  };

  before(async () => {
    // Fail early, with the message above, when Redis is not there.
    await open("probe");
  });

  after(async () => {
    for (const created of opened) await created.close();
  });

  it("combines answers: any node saying yes, every node running commands, listings merged", async () => {
    const callsA: Call[] = [];
    const callsB: Call[] = [];
    const view = (connectionId: string, groups: string[]): ConnectionView => ({
      connectionId,
      userId: null,
      groups: new Set(groups),
      protocol: null,
    });
    const a = await open("combine");
    const b = await open("combine");
    const hubsA = a.clusterHubs(
      recordingHubs(callsA, {
        connectionExists: false,
        grantPermission: false,
        listGroupConnections: [view("c-b", ["g"])],
      }),
    );
    b.clusterHubs(
      recordingHubs(callsB, {
        connectionExists: true,
        grantPermission: true,
        listGroupConnections: [view("c-a", ["g", "h"])],
      }),
    );

    assert.equal(await hubsA("Hub1").connectionExists("c1"), true);
    assert.equal(await hubsA("Hub1").grantPermission("c1", "sendToGroup"), true);
    await hubsA("Hub1").closeGroupConnections("g", { reason: "bye", excluded: ["x"] });
    const listed = await hubsA("Hub1").listGroupConnections("g");
    assert.deepEqual(
      listed.map((entry) => [entry.connectionId, [...entry.groups]]),
      [
        ["c-a", ["g", "h"]],
        ["c-b", ["g"]],
      ],
    );
    assert.ok(listed[0]?.groups instanceof Set);

    for (const calls of [callsA, callsB]) {
      assert.deepEqual(
        calls.map((call) => call.operation),
        ["connectionExists", "grantPermission", "closeGroupConnections", "listGroupConnections"],
      );
      // An absent optional argument arrives absent, not as null.
      assert.deepEqual(calls[1]?.args, ["c1", "sendToGroup", undefined]);
      assert.deepEqual(calls[2]?.args, ["g", { reason: "bye", excluded: ["x"] }]);
    }
  });

  it("a filtered bulk group operation reaches every node as text and is compiled there", async () => {
    const callsA: Call[] = [];
    const callsB: Call[] = [];
    const a = await open("bulkfilter");
    const b = await open("bulkfilter");
    const hubsA = a.clusterHubs(recordingHubs(callsA, {}));
    b.clusterHubs(recordingHubs(callsB, {}));
    const text = "userId eq 'u1' or 'vip' in groups";

    await hubsA("h").addConnectionsToGroups(["g1", "g2"], compileFilter(text), text);
    await hubsA("h").removeConnectionsFromGroups(["g1"]);

    const view = (userId: string, groups: string[]): ConnectionView => ({
      connectionId: `c-${userId}`,
      userId,
      groups: new Set(groups),
      protocol: null,
    });
    for (const calls of [callsA, callsB]) {
      const [add, remove] = calls;
      assert.equal(add?.operation, "addConnectionsToGroups");
      assert.deepEqual(add.args[0], ["g1", "g2"]);
      assert.equal(add.args[2], text);
      // The predicate was compiled on the receiving node from the text.
      const predicate = add.args[1] as (connection: ConnectionView) => boolean;
      assert.equal(typeof predicate, "function");
      assert.equal(predicate(view("u1", [])), true);
      assert.equal(predicate(view("u2", ["vip"])), true);
      assert.equal(predicate(view("u2", ["other"])), false);
      // Without a filter no predicate arrives: every connection is selected.
      assert.equal(remove?.operation, "removeConnectionsFromGroups");
      assert.deepEqual(remove.args, [["g1"]]);
    }
  });

  it("a filtered bulk group operation without its text is refused before reaching any node", async () => {
    const calls: Call[] = [];
    const a = await open("bulknotext");
    const hubs = a.clusterHubs(recordingHubs(calls, {}));
    await assert.rejects(
      hubs("h").removeConnectionsFromGroups(["g"], () => true),
      /needs the filter's text to reach other wpslink nodes/,
    );
    assert.deepEqual(calls, []);
  });

  it("a node that cannot run the operation makes it fail with that node's reason", async () => {
    const a = await open("unattached");
    await open("unattached"); // never calls clusterHubs
    const hubs = a.clusterHubs(recordingHubs([], { userExists: true }));
    await assert.rejects(hubs("h").userExists("u"), /has no hub operations attached/);
  });

  it("a subscriber that never answers makes the operation time out with how many answered", async () => {
    const a = await open("silent", 300);
    const hubs = a.clusterHubs(recordingHubs([], {}));
    const silent = new Redis(redisUrl);
    try {
      await silent.psubscribe(`${channelPrefix}:silent:hub:*`);
      await assert.rejects(hubs("h").removeUserFromAllGroups("u"), /1 of 2 nodes answered within 300 ms/);
    } finally {
      silent.disconnect();
    }
  });

  it("sends are not scattered: they go once through the node's own operations", async () => {
    const calls: Call[] = [];
    const a = await open("sends");
    const b = await open("sends");
    const hubs = a.clusterHubs(recordingHubs(calls, {}));
    b.clusterHubs(recordingHubs(calls, {}));
    await hubs("h").sendToGroup("g", {
      from: "server",
      payload: { dataType: "text", data: Buffer.from("x") },
    });
    assert.deepEqual(
      calls.map((call) => call.operation),
      ["sendToGroup"],
    );
  });

  it("closing rejects requests still waiting for answers", async () => {
    const a = await open("closing", 5000);
    const hubs = a.clusterHubs(recordingHubs([], {}));
    const silent = new Redis(redisUrl);
    try {
      await silent.psubscribe(`${channelPrefix}:closing:hub:*`);
      const refused = assert.rejects(hubs("h").closeAllConnections(), /closed before every node answered/);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await a.close();
      await refused;
      await assert.rejects(hubs("h").groupExists("g"), /closed/);
    } finally {
      silent.disconnect();
    }
  });

  it("a dropped subscription is reported, and deliveries resume after ioredis reconnects", async () => {
    const errors: Error[] = [];
    const a = await open("dropped");
    const b = await open("dropped", undefined, (error) => errors.push(error));
    const received: string[] = [];
    b.subscribe((delivery) => received.push(delivery.message.payload.data.toString()));
    const admin = new Redis(redisUrl);
    try {
      const clients = (await admin.call("CLIENT", "LIST")) as string;
      const line = clients.split("\n").find((entry) => entry.includes(`name=wpslink-fanout-sub-${b.nodeId}`));
      const id = /\bid=(\d+)/.exec(line ?? "")?.[1];
      assert.ok(id, "the subscriber connection is named after its node");
      await admin.call("CLIENT", "KILL", "ID", id);
    } finally {
      admin.disconnect();
    }
    const deadline = Date.now() + 5000;
    let sent = 0;
    while (!received.some((text) => text.startsWith("probe")) && Date.now() < deadline) {
      await a.publish({
        hub: "h",
        target: { kind: "all" },
        message: { from: "server", payload: { dataType: "text", data: Buffer.from(`probe ${sent++}`) } },
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(
      received.some((text) => text.startsWith("probe")),
      "deliveries resumed",
    );
    assert.equal(errors.length, 1, "one report per outage");
    assert.match(errors[0]?.message ?? "", /lost its subscription/);
  });
});
