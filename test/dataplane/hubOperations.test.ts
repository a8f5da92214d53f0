// `HubOperations` as the REST API and upstream replies use it, over real connections: sends to
// all / group / user / connection with `excluded` and filters, membership of connections and
// users, bulk group changes, permissions, closes (with the disconnected system message), and
// listings.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { HubOperations } from "../../src/dataplane/domain/hubOperations.js";
import type { DataMessage } from "../../src/dataplane/domain/messages.js";
import {
  connectJson,
  startTestServer,
  waitFor,
  type RawClient,
  type TestServer,
} from "./support/dataPlaneHarness.js";

const hub = "ops";
const text = (value: string): DataMessage => ({
  from: "server",
  payload: { dataType: "text", data: Buffer.from(value) },
});
const received = (client: RawClient): string[] =>
  client
    .json()
    .filter((m) => m.type === "message")
    .map((m) => m.data as string);

describe("hub operations", () => {
  let t: TestServer;
  let ops: HubOperations;
  const c: Record<string, { client: RawClient; id: string }> = {};

  before(async () => {
    t = await startTestServer();
    ops = t.server.hubs("OPS");
    for (const [name, userId] of [
      ["a1", "ann"],
      ["a2", "ann"],
      ["b", "ben"],
      ["anon", undefined],
    ] as const) {
      const { client, connectionId } = await connectJson(t, hub, userId ? { userId } : {});
      c[name] = { client, id: connectionId };
    }
  });

  after(async () => {
    for (const { client } of Object.values(c)) client.close();
    await t.close();
  });

  const the = (name: string) => c[name] as { client: RawClient; id: string };

  /** Sends a marker to everyone and waits until each live client has it, so earlier sends have landed. */
  async function settle(names: string[]): Promise<void> {
    const marker = `marker-${Math.random()}`;
    await ops.sendToAll(text(marker));
    await waitFor(() => names.every((n) => received(the(n).client).includes(marker)), 5000, "marker");
  }

  it("sends to all, a user, a connection, with excluded ids and a filter", async () => {
    await ops.sendToAll(text("all"), { excluded: [the("b").id] });
    await ops.sendToUser("ann", text("to-ann"));
    await ops.sendToConnection(the("b").id, text("to-b"));
    await ops.sendToAll(text("filtered"), { filter: (v) => v.userId === null });
    await ops.sendToUser("nobody", text("lost"));
    await settle(["a1", "a2", "b", "anon"]);
    const strip = (n: string) => received(the(n).client).filter((m) => !m.startsWith("marker-"));
    assert.deepEqual(strip("a1"), ["all", "to-ann"]);
    assert.deepEqual(strip("a2"), ["all", "to-ann"]);
    assert.deepEqual(strip("b"), ["to-b"]);
    assert.deepEqual(strip("anon"), ["all", "filtered"]);
    assert.equal(await ops.userExists("ann"), true);
    assert.equal(await ops.userExists("nobody"), false);
    assert.equal(await ops.connectionExists(the("b").id), true);
    assert.equal(await ops.connectionExists("missing"), false);
  });

  it("manages group membership of connections and users, one by one and in bulk", async () => {
    assert.equal(await ops.addConnectionToGroup("missing", "g"), false);
    assert.equal(await ops.addConnectionToGroup(the("b").id, "g"), true);
    assert.equal(await ops.addUserToGroup("ann", "g"), true);
    assert.equal(await ops.addUserToGroup("nobody", "g"), false);
    assert.deepEqual(
      (await ops.listGroupConnections("g")).map((v) => v.connectionId),
      [the("a1").id, the("a2").id, the("b").id].sort(),
    );
    const listed = (await ops.listGroupConnections("g")).find((v) => v.connectionId === the("b").id);
    assert.equal(listed?.userId, "ben");
    assert.equal(listed?.protocol, "json.webpubsub.azure.v1");
    await ops.sendToGroup("g", text("to-g"), { excluded: [the("a1").id] });
    await ops.removeUserFromGroup("ann", "g");
    await ops.sendToGroup("g", text("to-g-2"));
    await settle(["a1", "a2", "b"]);
    assert.ok(received(the("a2").client).includes("to-g"));
    assert.ok(!received(the("a1").client).includes("to-g"));
    assert.ok(!received(the("a2").client).includes("to-g-2"));
    assert.ok(received(the("b").client).includes("to-g-2"));
    await ops.addConnectionsToGroups(["x", "y"], (v) => v.userId === "ann");
    assert.equal((await ops.listGroupConnections("x")).length, 2);
    await ops.removeConnectionsFromGroups(["x"]);
    assert.equal(await ops.groupExists("x"), false);
    assert.equal(await ops.groupExists("y"), true);
    await ops.removeUserFromAllGroups("ann");
    assert.equal(await ops.groupExists("y"), false);
    await ops.removeConnectionFromAllGroups(the("b").id);
    assert.equal(await ops.groupExists("g"), false);
  });

  it("grants, revokes and checks permissions", async () => {
    const id = the("b").id;
    assert.equal(await ops.grantPermission("missing", "sendToGroup"), false);
    assert.equal(await ops.hasPermission(id, "sendToGroup", "p"), false);
    assert.equal(await ops.grantPermission(id, "sendToGroup", "p"), true);
    assert.equal(await ops.hasPermission(id, "sendToGroup", "p"), true);
    assert.equal(await ops.hasPermission(id, "sendToGroup"), false);
    await ops.grantPermission(id, "sendToGroup");
    assert.equal(await ops.hasPermission(id, "sendToGroup"), true);
    await ops.revokePermission(id, "sendToGroup", "q");
    assert.equal(await ops.hasPermission(id, "sendToGroup", "q"), false);
    assert.equal(await ops.hasPermission(id, "sendToGroup", "r"), true);
    await ops.revokePermission(id, "sendToGroup");
    assert.equal(await ops.hasPermission(id, "sendToGroup", "p"), false);
    assert.equal(await ops.hasPermission(id, "joinLeaveGroup", "p"), false);
  });

  it("closes connections with the disconnected message first, and fires disconnected once each", async () => {
    await ops.addConnectionToGroup(the("a2").id, "closing");
    await ops.closeGroupConnections("closing", { reason: "bye group" });
    const closed = await the("a2").client.waitClosed();
    assert.equal(closed.code, 1000);
    assert.deepEqual(
      the("a2")
        .client.json()
        .find((m) => m.type === "system" && m.event === "disconnected"),
      { type: "system", event: "disconnected", message: "bye group" },
    );
    await ops.closeUserConnections("ann", { excluded: [the("a1").id] });
    await ops.closeConnection(the("anon").id);
    assert.equal((await the("anon").client.waitClosed()).code, 1000);
    await ops.closeAllConnections({ excluded: [the("b").id], reason: "all" });
    assert.equal((await the("a1").client.waitClosed()).code, 1000);
    assert.equal(t.server.connectionCount(), 1);
    await waitFor(() => t.upstream.of("disconnected").length === 3);
    for (const name of ["a1", "a2", "anon"])
      assert.equal(t.upstream.of("disconnected", the(name).id).length, 1);
    assert.equal(t.upstream.of("disconnected", the("a2").id)[0]?.reason, "bye group");
  });
});
