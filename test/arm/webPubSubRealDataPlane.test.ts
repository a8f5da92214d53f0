// A resource created through ARM with @azure/arm-webpubsub gets a real data plane: clients
// connect with tokens signed by its keys, regenerateKey makes the old key useless at once, hub
// settings written through ARM are live, and delete closes the connections and frees the port.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import WebSocket from "ws";
import { WebPubSubManagementClient } from "@azure/arm-webpubsub";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { loadOrCreateLocalCa } from "../../src/pki/localCa.js";
import { createLocalCredential } from "../../src/arm/auth/localCredential.js";
import {
  registerWebPubSubProvider,
  type WebPubSubProvider,
} from "../../src/arm/webpubsub/webPubSubProvider.js";
import { startArmHarness, type ArmHarness } from "./support/armHarness.js";
import { RealDataPlaneHost } from "./support/realDataPlaneHost.js";

const sub = "3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b0a";
const rg = "live";
const name = "live-wps";
const fast = { updateIntervalInMs: 20 };

let harness: ArmHarness;
let host: RealDataPlaneHost;
let provider: WebPubSubProvider;
let client: WebPubSubManagementClient;

before(async () => {
  const ca = loadOrCreateLocalCa(process.env.WPSLINK_TEST_CA_DIR ?? null);
  host = new RealDataPlaneHost(ca.issue(["localhost", "127.0.0.1"]));
  harness = await startArmHarness({
    register: (runtime) => {
      provider = registerWebPubSubProvider(runtime, { host, publicHostname: "localhost" });
    },
  });
  client = new WebPubSubManagementClient(createLocalCredential({ managementUrl: harness.url }), sub, {
    endpoint: harness.url,
    credentialScopes: [`${harness.url}/.default`],
  });
});
after(async () => {
  await provider.stopAll();
  await harness.close();
});

/** Opens a WebSocket and reports how the upgrade ended: "open" or the HTTP status. */
function connect(url: string): Promise<{ outcome: "open" | number; socket?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, "json.webpubsub.azure.v1");
    const timer = setTimeout(() => reject(new Error(`no answer from ${url}`)), 5000);
    socket.once("open", () => {
      clearTimeout(timer);
      resolve({ outcome: "open", socket });
    });
    socket.once("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      res.resume();
      resolve({ outcome: res.statusCode ?? 0 });
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function closed(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) resolve(-1);
    socket.once("close", (code) => resolve(code));
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

describe("webPubSub with a real data plane", () => {
  it("serves clients on the ports it reports, and refuses the old key right after regenerateKey", async () => {
    const created = await client.webPubSub.beginCreateOrUpdateAndWait(
      rg,
      name,
      { location: "eastus", sku: { name: "Standard_S1" } },
      fast,
    );
    assert.ok(created.publicPort && created.publicPort > 0);
    const keys = await client.webPubSub.listKeys(rg, name);
    const oldService = new WebPubSubServiceClient(keys.primaryConnectionString!, "chat");
    assert.equal(new URL(oldService.endpoint).port, String(created.publicPort));

    const before = await oldService.getClientAccessToken({ userId: "alice" });
    const first = await connect(before.url);
    assert.equal(first.outcome, "open");
    await oldService.sendToAll("hello", { contentType: "text/plain" });

    await client.webPubSub.beginRegenerateKeyAndWait(rg, name, { keyType: "Primary" }, fast);
    const stale = await oldService.getClientAccessToken({ userId: "mallory" });
    assert.equal((await connect(stale.url)).outcome, 401);
    await assert.rejects(
      oldService.sendToAll("nope", { contentType: "text/plain" }),
      (e: { statusCode?: number }) => e.statusCode === 401,
    );

    const fresh = new WebPubSubServiceClient(
      (await client.webPubSub.listKeys(rg, name)).primaryConnectionString!,
      "chat",
    );
    const second = await connect((await fresh.getClientAccessToken({ userId: "bob" })).url);
    assert.equal(second.outcome, "open");
    // The secondary key was not touched and still works.
    const secondary = new WebPubSubServiceClient(keys.secondaryConnectionString!, "chat");
    assert.equal((await connect((await secondary.getClientAccessToken()).url)).outcome, "open");

    // Delete closes every connection and frees the port.
    const port = created.publicPort;
    const closing = closed(second.socket!);
    await client.webPubSub.beginDeleteAndWait(rg, name, fast);
    await closing;
    assert.equal(await portIsFree(port), true);
  });

  it("makes hub settings written through ARM the live settings of the data plane", async () => {
    await client.webPubSub.beginCreateOrUpdateAndWait(
      rg,
      "hubs-wps",
      { location: "eastus", sku: { name: "Standard_S1" } },
      fast,
    );
    const get = await client.webPubSub.get(rg, "hubs-wps");
    const anonymousUrl = `wss://localhost:${get.publicPort}/client/hubs/lobby`;
    // Default policy is "deny": a connection without a token is refused.
    assert.equal((await connect(anonymousUrl)).outcome, 401);
    await client.webPubSubHubs.beginCreateOrUpdateAndWait(
      "lobby",
      rg,
      "hubs-wps",
      { properties: { anonymousConnectPolicy: "allow" } },
      fast,
    );
    const opened = await connect(anonymousUrl);
    assert.equal(opened.outcome, "open");
    opened.socket!.close();
    await client.webPubSubHubs.beginDeleteAndWait("lobby", rg, "hubs-wps", fast);
    assert.equal((await connect(anonymousUrl)).outcome, 401);
  });
});
