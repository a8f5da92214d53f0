// The management plane of the real `wpslink` process driven by the unmodified
// @azure/arm-webpubsub and by raw HTTPS: every webPubSub operation with its LRO poller and
// paging, the default resource as an ordinary resource, and the error surface.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import WebSocket from "ws";
import { WebPubSubManagementClient } from "@azure/arm-webpubsub";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { createLocalCredential } from "../../src/arm/auth/localCredential.js";
import { startWpslinkProcess, trustedWorkspace, type WpslinkProcess } from "../support/wpslinkProcess.js";

const sub = "00000000-0000-0000-0000-000000000000";
const rg = "process-rg";
const fast = { updateIntervalInMs: 50 };
const workspace = trustedWorkspace();
let wpslink: WpslinkProcess;
let url: string;
let client: WebPubSubManagementClient;
let token: string;

before(async () => {
  // A workspace holding the CA this test run trusts (an in-memory start would make its own CA).
  wpslink = await startWpslinkProcess(["--location", workspace], { env: { WPSLINK_FROM_SOURCE: "1" } });
  url = wpslink.summary.managementUrl!;
  assert.ok(url);
  const credential = createLocalCredential({ managementUrl: url });
  client = new WebPubSubManagementClient(credential, sub, {
    endpoint: url,
    credentialScopes: [`${url}/.default`],
  });
  token = (await credential.getToken(`${url}/.default`))!.token;
});
after(async () => {
  await wpslink.stop();
  rmSync(workspace, { recursive: true, force: true });
});

function raw(
  path: string,
  init: { method?: string; body?: string; authorization?: string | null } = {},
): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (init.authorization !== null) headers.authorization = init.authorization ?? `Bearer ${token}`;
  return fetch(new URL(path, url), {
    method: init.method ?? "GET",
    headers,
    ...(init.body ? { body: init.body } : {}),
  });
}

function upgrade(target: string): Promise<"open" | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(target, "json.webpubsub.azure.v1");
    const timer = setTimeout(() => reject(new Error(`no answer from ${target}`)), 5000);
    socket.once("open", () => {
      clearTimeout(timer);
      socket.close();
      resolve("open");
    });
    socket.once("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

describe("wpslink process: webPubSub management with the official SDK", () => {
  it("runs the whole resource life cycle against the real data planes", async () => {
    const created = await client.webPubSub.beginCreateOrUpdateAndWait(
      rg,
      "proc-wps",
      { location: "eastus", sku: { name: "Premium_P1", capacity: 2 } },
      fast,
    );
    assert.equal(created.provisioningState, "Succeeded");
    assert.equal((await client.webPubSub.get(rg, "proc-wps")).sku?.capacity, 2);

    const all = [];
    for await (const r of client.webPubSub.listBySubscription()) all.push(r.name);
    assert.ok(all.includes("proc-wps") && all.includes(wpslink.summary.defaultResource.name), all.join(","));
    const inGroup = [];
    for await (const r of client.webPubSub.listByResourceGroup(rg)) inGroup.push(r.name);
    assert.deepEqual(inGroup, ["proc-wps"]);

    const keys = await client.webPubSub.listKeys(rg, "proc-wps");
    const service = new WebPubSubServiceClient(keys.primaryConnectionString!, "chat");
    assert.equal(await upgrade((await service.getClientAccessToken()).url), "open");
    await client.webPubSub.beginRegenerateKeyAndWait(rg, "proc-wps", { keyType: "Primary" }, fast);
    assert.equal(await upgrade((await service.getClientAccessToken()).url), 401);

    const lobby = `wss://localhost:${created.publicPort}/client/hubs/lobby`;
    assert.equal(await upgrade(lobby), 401);
    await client.webPubSubHubs.beginCreateOrUpdateAndWait(
      "lobby",
      rg,
      "proc-wps",
      { properties: { anonymousConnectPolicy: "allow" } },
      fast,
    );
    assert.equal(await upgrade(lobby), "open");
    const hubs = [];
    for await (const h of client.webPubSubHubs.list(rg, "proc-wps")) hubs.push(h.name);
    assert.deepEqual(hubs, ["lobby"]);
    await client.webPubSubHubs.beginDeleteAndWait("lobby", rg, "proc-wps", fast);
    assert.equal(await upgrade(lobby), 401);

    await client.webPubSub.beginDeleteAndWait(rg, "proc-wps", fast);
    await assert.rejects(
      client.webPubSub.get(rg, "proc-wps"),
      (e: { statusCode?: number; code?: string }) => e.statusCode === 404 && e.code === "ResourceNotFound",
    );
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(created.publicPort, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    assert.equal(free, true);
  });

  it("applies publicNetworkAccess and disableLocalAuth to the running data plane", async () => {
    await client.webPubSub.beginCreateOrUpdateAndWait(
      rg,
      "gated-wps",
      { location: "eastus", sku: { name: "Standard_S1" } },
      fast,
    );
    const keys = await client.webPubSub.listKeys(rg, "gated-wps");
    const service = new WebPubSubServiceClient(keys.primaryConnectionString!, "chat");
    const status = async () => {
      try {
        await service.sendToAll("ping", { contentType: "text/plain" });
        return 202;
      } catch (error) {
        return (error as { statusCode?: number }).statusCode;
      }
    };
    assert.equal(await status(), 202);
    await client.webPubSub.beginUpdateAndWait(
      rg,
      "gated-wps",
      { location: "eastus", publicNetworkAccess: "Disabled" },
      fast,
    );
    assert.equal(await status(), 403);
    await client.webPubSub.beginUpdateAndWait(
      rg,
      "gated-wps",
      { location: "eastus", publicNetworkAccess: "Enabled", disableLocalAuth: true },
      fast,
    );
    assert.equal(await status(), 401);
    await client.webPubSub.beginUpdateAndWait(
      rg,
      "gated-wps",
      { location: "eastus", disableLocalAuth: false },
      fast,
    );
    assert.equal(await status(), 202);
  });

  it("answers bad input with ARM errors", async () => {
    const base = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.SignalRService/webPubSub`;
    const v = "api-version=2024-03-01";
    const cases: [string, Parameters<typeof raw>[1], number, string][] = [
      [`${base}/x1?${v}`, { authorization: null }, 401, "AuthenticationFailed"],
      [
        `${base}/x1?${v}`,
        { authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl" },
        401,
        "InvalidAuthenticationToken",
      ],
      [`${base}/x1?api-version=1999-01-01`, {}, 400, "InvalidApiVersionParameter"],
      [
        `/subscriptions/not-a-guid/resourceGroups/${rg}/providers/Microsoft.SignalRService/webPubSub/x1?${v}`,
        {},
        400,
        "InvalidSubscriptionId",
      ],
      [
        `${base}/x?${v}`,
        { method: "PUT", body: JSON.stringify({ location: "eastus" }) },
        400,
        "InvalidResourceName",
      ],
      [`${base}/good-name?${v}`, { method: "PUT", body: "{oops" }, 400, "InvalidRequestContent"],
      [
        `${base}/good-name?${v}`,
        { method: "PUT", body: JSON.stringify({ location: "eastus", sku: { name: "Gold_G1" } }) },
        400,
        "InvalidSku",
      ],
      [`${base}/good-name?${v}`, {}, 404, "ResourceNotFound"],
    ];
    for (const [path, init, status, code] of cases) {
      const response = await raw(path, init);
      const body = (await response.json()) as { error: { code: string; message: string } };
      assert.deepEqual([response.status, body.error.code], [status, code], `${path}: ${body.error.message}`);
    }
    assert.equal((await raw(`${base}/never-existed?${v}`, { method: "DELETE" })).status, 204);

    // Two racing PUTs of a new resource: exactly one creates it.
    const put = () =>
      raw(`${base}/raced?${v}`, {
        method: "PUT",
        body: JSON.stringify({ location: "eastus", sku: { name: "Standard_S1" } }),
      });
    const statuses = (await Promise.all([put(), put()])).map((r) => r.status).sort();
    assert.ok(
      JSON.stringify(statuses) === "[201,409]" || JSON.stringify(statuses) === "[200,201]",
      String(statuses),
    );
    let state = "";
    for (let i = 0; i < 100 && state !== "Succeeded"; i++) {
      state = (await client.webPubSub.get(rg, "raced")).provisioningState ?? "";
      if (state !== "Succeeded") await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(state, "Succeeded");
  });
});
