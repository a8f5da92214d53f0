// Scale-out: two real `wpslink start --redis-url` processes serve the same resource through the
// Redis on 127.0.0.1:6379. A client connected to node A receives what the server SDK asks of node
// B: a send to all, a group send, filtered sends and a filtered bulk group add, and a close. Each
// run names its resource uniquely so parallel runs do not share Redis channels. Fails (never
// skips) without Redis; `scripts/ensure-redis.sh` starts one.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { WebPubSubManagementClient } from "@azure/arm-webpubsub";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { WebPubSubClient, WebPubSubJsonProtocol } from "@azure/web-pubsub-client";
import { createLocalCredential } from "../../src/arm/auth/localCredential.js";
import { startWpslinkProcess, trustedWorkspace, type WpslinkProcess } from "../support/wpslinkProcess.js";

const redisUrl = "redis://127.0.0.1:6379";
const hub = "chat";
const waitMs = 10_000;

/** A config file naming the default resource uniquely for this run. */
function configFile(resourceName: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "wpslink-scaleout-")), "wpslink.json");
  writeFileSync(path, JSON.stringify({ defaultResource: { name: resourceName } }));
  return path;
}

/** Collects what a client receives and waits, bounded in time, for a given message. */
class Inbox {
  readonly received: unknown[] = [];
  private waiters: { match: (data: unknown) => boolean; resolve: () => void }[] = [];

  push(data: unknown): void {
    this.received.push(data);
    for (const waiter of [...this.waiters]) {
      if (!waiter.match(data)) continue;
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve();
    }
  }

  async next(expected: unknown): Promise<void> {
    const match = (data: unknown) => JSON.stringify(data) === JSON.stringify(expected);
    if (this.received.some(match)) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.waiters.push({ match, resolve })),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${JSON.stringify(expected)} did not arrive within ${waitMs} ms`)),
          waitMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  }
}

describe("two wpslink processes scaled out on Redis", () => {
  const resourceName = `scale-${randomUUID().slice(0, 8)}`;
  let nodeA: WpslinkProcess | undefined;
  let nodeB: WpslinkProcess | undefined;
  let serviceA: WebPubSubServiceClient;
  let serviceB: WebPubSubServiceClient;

  before(async () => {
    const config = configFile(resourceName);
    const start = () =>
      startWpslinkProcess(["--in-memory", "--redis-url", redisUrl, "--config", config], {
        env: { WPSLINK_FROM_SOURCE: "1" },
        timeoutMs: 60_000,
      });
    [nodeA, nodeB] = await Promise.all([start(), start()]);
    assert.notEqual(nodeA.summary.defaultResource.httpPort, nodeB.summary.defaultResource.httpPort);
    assert.equal(nodeA.summary.defaultResource.name, resourceName);
    const options = { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } };
    serviceA = new WebPubSubServiceClient(nodeA.summary.defaultResource.httpConnectionString, hub, options);
    serviceB = new WebPubSubServiceClient(nodeB.summary.defaultResource.httpConnectionString, hub, options);
  });

  after(async () => {
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
  });

  it("a client on node A receives sends, filtered sends and a close made through node B", async () => {
    const { url } = await serviceA.getClientAccessToken({
      userId: "alice",
      roles: ["webpubsub.joinLeaveGroup"],
    });
    // No keep-alive timers and no reconnect, so the close below is final and the process can exit.
    const client = new WebPubSubClient(url, {
      protocol: WebPubSubJsonProtocol(),
      autoReconnect: false,
      keepAliveIntervalInMs: 0,
      keepAliveTimeoutInMs: 0,
    });
    const inbox = new Inbox();
    client.on("server-message", (e) => inbox.push(e.message.data));
    client.on("group-message", (e) => inbox.push({ group: e.message.group, data: e.message.data }));
    const connected = new Promise<string>((resolve) =>
      client.on("connected", (e) => resolve(e.connectionId)),
    );
    const disconnected = new Promise<string>((resolve) =>
      client.on("disconnected", (e) => resolve(e.message?.message ?? "")),
    );
    const stopped = new Promise<void>((resolve) => client.on("stopped", () => resolve()));
    await client.start();
    try {
      const connectionId = await connected;
      assert.equal(await serviceB.connectionExists(connectionId), true, "node B sees A's connection");
      assert.equal(await serviceB.userExists("alice"), true);

      await serviceB.sendToAll({ to: "all" });
      await inbox.next({ to: "all" });

      await client.joinGroup("room");
      assert.equal(await serviceB.groupExists("room"), true);
      await serviceB.group("room").sendToAll("to the room", { contentType: "text/plain" });
      await inbox.next("to the room");

      // Filters run on node A against its connection: the miss never arrives, the hit does.
      await serviceB.sendToAll("filtered out", { contentType: "text/plain", filter: "userId eq 'bob'" });
      await serviceB.sendToAll("filtered in", { contentType: "text/plain", filter: "userId eq 'alice'" });
      await serviceB
        .group("room")
        .sendToAll("room, filtered in", { contentType: "text/plain", filter: "'room' in groups" });
      await inbox.next("filtered in");
      await inbox.next("room, filtered in");

      await serviceB.addConnectionsToGroups(["bulk"], "userId eq 'alice'");
      await serviceB.addConnectionsToGroups(["not-alice"], "userId ne 'alice'");
      assert.equal(await serviceB.groupExists("bulk"), true);
      assert.equal(await serviceB.groupExists("not-alice"), false);
      await serviceB.group("bulk").sendToAll("bulk member", { contentType: "text/plain" });
      await inbox.next("bulk member");
      assert.equal(inbox.received.includes("filtered out"), false);

      await serviceB.closeConnection(connectionId, { reason: "closed through node b" });
      assert.match(await disconnected, /closed through node b/);
      await stopped;
      assert.equal(await serviceB.connectionExists(connectionId), false);
    } finally {
      client.stop();
    }
  });

  it("a node that cannot reach Redis refuses to start, naming the URL and how to start Redis", async () => {
    await assert.rejects(
      startWpslinkProcess(["--in-memory", "--redis-url", "redis://127.0.0.1:1"], {
        env: { WPSLINK_FROM_SOURCE: "1" },
      }),
      /cannot reach redis:\/\/127\.0\.0\.1:1 .*redis-server --port 6379/s,
    );
  });
});

describe("a resource created through ARM on two scaled-out processes", () => {
  // Workspaces with the CA this test run trusts, so the SDKs accept both nodes' HTTPS.
  const workspaces = [trustedWorkspace(), trustedWorkspace()];
  const resourceName = `arm-${randomUUID().slice(0, 8)}`;
  const nodes: WpslinkProcess[] = [];

  after(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    for (const workspace of workspaces) rmSync(workspace, { recursive: true, force: true });
  });

  /** Creates the resource on a node through @azure/arm-webpubsub; answers its connection string. */
  async function createResource(node: WpslinkProcess): Promise<string> {
    const endpoint = node.summary.managementUrl;
    assert.ok(endpoint, "the node serves the management API");
    const arm = new WebPubSubManagementClient(
      createLocalCredential({ managementUrl: endpoint }),
      "00000000-0000-0000-0000-000000000000",
      { endpoint, credentialScopes: [`${endpoint}/.default`] },
    );
    await arm.webPubSub.beginCreateOrUpdateAndWait(
      "scaleout",
      resourceName,
      { location: "eastus", sku: { name: "Standard_S1" } },
      { updateIntervalInMs: 50 },
    );
    const keys = await arm.webPubSub.listKeys("scaleout", resourceName);
    assert.ok(keys.primaryConnectionString);
    return keys.primaryConnectionString;
  }

  it("joins the data planes of the same resource name on both nodes", async () => {
    nodes.push(
      ...(await Promise.all(
        // One node takes the flag, the other the environment variable.
        workspaces.map((workspace, index) =>
          startWpslinkProcess(["--location", workspace, ...(index === 0 ? ["--redis-url", redisUrl] : [])], {
            env: { WPSLINK_FROM_SOURCE: "1", ...(index === 1 ? { WPSLINK_REDIS_URL: redisUrl } : {}) },
            timeoutMs: 60_000,
          }),
        ),
      )),
    );
    const [nodeA, nodeB] = nodes as [WpslinkProcess, WpslinkProcess];
    // Each node keeps its own ARM state, so the keys differ: each SDK uses its node's own.
    const serviceA = new WebPubSubServiceClient(await createResource(nodeA), hub);
    const serviceB = new WebPubSubServiceClient(await createResource(nodeB), hub);

    const { url } = await serviceA.getClientAccessToken({ userId: "carol" });
    const client = new WebPubSubClient(url, {
      protocol: WebPubSubJsonProtocol(),
      autoReconnect: false,
      keepAliveIntervalInMs: 0,
      keepAliveTimeoutInMs: 0,
    });
    const inbox = new Inbox();
    client.on("server-message", (e) => inbox.push(e.message.data));
    const connected = new Promise<string>((resolve) =>
      client.on("connected", (e) => resolve(e.connectionId)),
    );
    await client.start();
    try {
      const connectionId = await connected;
      assert.equal(await serviceB.connectionExists(connectionId), true);
      await serviceB.sendToAll({ through: "an ARM resource" });
      await serviceB.sendToUser("carol", "filtered", {
        contentType: "text/plain",
        filter: "userId eq 'carol'",
      });
      await inbox.next({ through: "an ARM resource" });
      await inbox.next("filtered");
    } finally {
      client.stop();
    }
  });
});
