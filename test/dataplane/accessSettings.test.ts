// The resource's `publicNetworkAccess` and `disableLocalAuth` on client upgrades: raw `ws` and
// the unmodified @azure/web-pubsub-client are refused (403 / 401 with `{code,message}`) as soon
// as a setting changes and accepted again once it is reverted; connections already open stay.
// Last, the same through ARM: @azure/arm-webpubsub updates a resource of a real `startWpslink`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { WebPubSubManagementClient } from "@azure/arm-webpubsub";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { WebPubSubClient } from "@azure/web-pubsub-client";
import { createLocalCredential } from "../../src/arm/auth/localCredential.js";
import { startWpslink, type RunningWpslink } from "../../src/composition/root.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { defaultHubSettings } from "../../src/dataplane/domain/hubSettings.js";
import type { ClientAccessSettings } from "../../src/dataplane/server/dataPlaneServer.js";
import type { TraceRecord } from "../../src/trace/traceBus.js";
import {
  connectJson,
  mintToken,
  openRaw,
  startTestServer,
  testKeys,
  waitFor,
  withTimeout,
  type TestServer,
} from "./support/dataPlaneHarness.js";

const open: ClientAccessSettings = { disableLocalAuth: false, publicNetworkAccess: "Enabled" };
const hub = "gate";

interface Refusal {
  readonly status: number;
  readonly body: { code?: string; message?: string };
}

/** Opens a raw client with a fresh token and reports the refusal, or null (then closes it). */
async function tryRaw(t: TestServer, path = `/client/hubs/${hub}`, token = true): Promise<Refusal | null> {
  const query = token ? `?access_token=${await mintToken(t.port, hub)}` : "";
  const client = openRaw(`ws://localhost:${t.port}${path}${query}`, ["json.webpubsub.azure.v1"]);
  const refusal = await withTimeout(client.refusal, 5000, "the upgrade's answer");
  client.close();
  if (refusal === null) return null;
  return { status: refusal.status, body: JSON.parse(refusal.body) as Refusal["body"] };
}

describe("access settings on client upgrades", () => {
  let t: TestServer;
  let access: ClientAccessSettings = open;
  let service: WebPubSubServiceClient;
  const sdkClients: WebPubSubClient[] = [];

  before(async () => {
    t = await startTestServer({ access: () => access }, true);
    t.hubs.set("lobby", { ...defaultHubSettings, anonymousConnectPolicy: "allow" });
    service = new WebPubSubServiceClient(
      `Endpoint=${t.endpoint};AccessKey=${testKeys.primary};Version=1.0;`,
      hub,
      { allowInsecureConnection: true },
    );
  });
  after(async () => {
    for (const client of sdkClients) client.stop();
    await t.close();
  });

  it("refuses every raw upgrade with 403 while public network access is disabled, keeps open connections", async () => {
    const existing = await connectJson(t, hub, { userId: "early" });
    assert.equal(await tryRaw(t), null);

    access = { ...open, publicNetworkAccess: "Disabled" };
    const refused = await tryRaw(t);
    assert.equal(refused?.status, 403);
    assert.equal(refused?.body.code, "Forbidden");
    assert.match(refused?.body.message ?? "", /public network access .*disabled/i);
    // Anonymous clients and unknown paths learn nothing more than the network refusal.
    assert.equal((await tryRaw(t, "/client/hubs/lobby", false))?.status, 403);
    assert.equal((await tryRaw(t, "/nowhere", false))?.status, 403);
    const traced = t.trace
      .snapshot()
      .filter((r: TraceRecord) => r.kind === "connect.rejected" && r.details?.status === 403);
    assert.ok(traced.length >= 3, "each refusal is traced");

    // The connection opened before the change keeps working.
    await t.server
      .hubs(hub)
      .sendToAll({ from: "server", payload: { dataType: "text", data: Buffer.from("still here") } });
    const message = await existing.client.waitForJson((m) => m.type === "message");
    assert.equal(message.data, "still here");
    assert.equal(existing.client.closed, null);

    access = open;
    assert.equal(await tryRaw(t), null);
    existing.client.close();
  });

  it("refuses key-signed tokens with 401 while local auth is disabled; anonymous hubs still connect", async () => {
    access = { ...open, disableLocalAuth: true };
    const refused = await tryRaw(t);
    assert.equal(refused?.status, 401);
    assert.equal(refused?.body.code, "Unauthorized");
    assert.match(refused?.body.message ?? "", /local \(access key\) authentication is disabled/i);
    assert.match(refused?.body.message ?? "", /Microsoft Entra ID/);
    // Tokens signed with the secondary key are access-key tokens too.
    const secondary = await mintToken(t.port, hub, { key: testKeys.secondary });
    const viaSecondary = openRaw(`ws://localhost:${t.port}/client/hubs/${hub}?access_token=${secondary}`);
    assert.equal((await withTimeout(viaSecondary.refusal, 5000, "the answer"))?.status, 401);
    // No token, no key: a hub that allows anonymous clients is not local auth.
    assert.equal(await tryRaw(t, "/client/hubs/lobby", false), null);
    // Both settings: the network refusal comes first.
    access = { disableLocalAuth: true, publicNetworkAccess: "Disabled" };
    assert.equal((await tryRaw(t))?.status, 403);

    access = open;
    assert.equal(await tryRaw(t), null);
  });

  it("refuses a reliable connection's recovery while the network is closed, allows it without local auth", async () => {
    const reliable = "json.reliable.webpubsub.azure.v1";
    const { client, connectionId, connected } = await connectJson(t, hub, { userId: "rel" }, reliable);
    const held = (): number =>
      t.trace.snapshot((r) => r.kind === "connection.held" && r.connectionId === connectionId).length;
    const heldBefore = held();
    client.socket.terminate();
    await waitFor(() => held() > heldBefore, 5000, "the connection to be held");
    await t.server.hubs(hub).sendToConnection(connectionId, {
      from: "server",
      payload: { dataType: "text", data: Buffer.from("while away") },
    });
    const recoveryUrl = `ws://localhost:${t.port}/client/hubs/${hub}?awps_connection_id=${encodeURIComponent(connectionId)}&awps_reconnection_token=${encodeURIComponent(String(connected.reconnectionToken))}`;

    access = { ...open, publicNetworkAccess: "Disabled" };
    const blocked = openRaw(recoveryUrl, [reliable]);
    assert.equal((await withTimeout(blocked.refusal, 5000, "the answer"))?.status, 403);

    // The reconnection token is no access key: recovery goes on with local auth disabled.
    access = { ...open, disableLocalAuth: true };
    const back = openRaw(recoveryUrl, [reliable]);
    await back.opened;
    const resent = await back.waitForJson((m) => m.type === "message");
    assert.equal(resent.data, "while away");
    back.close();
    access = open;
  });

  it("makes @azure/web-pubsub-client's start fail while a setting is on, and succeed after revert", async () => {
    const startClient = async (): Promise<WebPubSubClient> => {
      const { url } = await service.getClientAccessToken({ userId: "sdk" });
      const client = new WebPubSubClient(url, {
        autoReconnect: false,
        keepAliveIntervalInMs: 0,
        keepAliveTimeoutInMs: 0,
      });
      sdkClients.push(client);
      await withTimeout(client.start(), 5000, "the client's start");
      return client;
    };
    const rejectedStatuses = (): unknown[] =>
      t.trace
        .snapshot()
        .filter((r) => r.kind === "connect.rejected" && r.hub === hub)
        .map((r) => r.details?.status);

    for (const [setting, status] of [
      [{ ...open, publicNetworkAccess: "Disabled" }, 403],
      [{ ...open, disableLocalAuth: true }, 401],
    ] as const) {
      access = setting;
      const before = rejectedStatuses().length;
      await assert.rejects(startClient());
      const after = rejectedStatuses();
      assert.equal(after.length, before + 1, "exactly one refused upgrade");
      assert.equal(after.at(-1), status);

      access = open;
      const client = await startClient();
      const echoed = new Promise<unknown>((resolve) =>
        client.on("server-message", (e) => resolve(e.message.data)),
      );
      await service.sendToAll("back", { contentType: "text/plain" });
      assert.equal(await withTimeout(echoed, 5000, "a server message"), "back");
      client.stop();
    }
  });
});

describe("access settings through ARM on a real wpslink", () => {
  let running: RunningWpslink;
  let arm: WebPubSubManagementClient;

  before(async () => {
    const config = loadConfig({
      flags: {
        inMemory: true,
        dataPlaneHttpPort: 0,
        dataPlaneHttpsPort: 0,
        managementPort: 0,
        siteHttpPort: 0,
        siteHttpsPort: 0,
        logLevel: "silent",
      },
    });
    running = await startWpslink(config);
    // An in-memory start makes its own CA; the SDKs trust exactly that one.
    const ca = readFileSync(running.summary.caCertPath, "utf8");
    const managementUrl = running.summary.managementUrl as string;
    const d = running.summary.defaultResource;
    arm = new WebPubSubManagementClient(
      createLocalCredential({ managementUrl, ca }),
      d.resourceId.split("/")[2] as string,
      { endpoint: managementUrl, credentialScopes: [`${managementUrl}/.default`], tlsOptions: { ca } },
    );
  });
  after(async () => {
    await running?.close();
  });

  it("refuses a client after an update of publicNetworkAccess / disableLocalAuth and accepts it after revert", async () => {
    const d = running.summary.defaultResource;
    const resourceGroup = d.resourceId.split("/")[4] as string;
    const fast = { updateIntervalInMs: 20 };
    const service = new WebPubSubServiceClient(d.httpConnectionString, hub, {
      allowInsecureConnection: true,
    });
    const attempt = async (): Promise<number | null> => {
      const { token } = await service.getClientAccessToken();
      const client = openRaw(`ws://localhost:${d.httpPort}/client/hubs/${hub}?access_token=${token}`, [
        "json.webpubsub.azure.v1",
      ]);
      const refusal = await withTimeout(client.refusal, 5000, "the upgrade's answer");
      client.close();
      return refusal?.status ?? null;
    };
    const location = (await arm.webPubSub.get(resourceGroup, d.name)).location as string;
    assert.equal(await attempt(), null);

    const disabled = await arm.webPubSub.beginUpdateAndWait(
      resourceGroup,
      d.name,
      { location, publicNetworkAccess: "Disabled" },
      fast,
    );
    assert.equal(disabled.publicNetworkAccess, "Disabled");
    assert.equal(await attempt(), 403);

    await arm.webPubSub.beginUpdateAndWait(
      resourceGroup,
      d.name,
      { location, publicNetworkAccess: "Enabled", disableLocalAuth: true },
      fast,
    );
    assert.equal(await attempt(), 401);

    await arm.webPubSub.beginUpdateAndWait(
      resourceGroup,
      d.name,
      { location, disableLocalAuth: false },
      fast,
    );
    assert.equal(await attempt(), null);
  });
});
