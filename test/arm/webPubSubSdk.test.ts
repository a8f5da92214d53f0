// The webPubSub provider driven by the unmodified @azure/arm-webpubsub 1.2.0 over HTTPS, with a
// fake data-plane host that records what the provider asks of the data plane.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebPubSubManagementClient } from "@azure/arm-webpubsub";
import { startArmHarness, type ArmHarness } from "./support/armHarness.js";
import { FakeDataPlaneHost } from "./support/fakeDataPlaneHost.js";
import { createLocalCredential } from "../../src/arm/auth/localCredential.js";
import {
  registerWebPubSubProvider,
  type WebPubSubProvider,
} from "../../src/arm/webpubsub/webPubSubProvider.js";

const sub = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b";
const rg = "contoso";
const fast = { updateIntervalInMs: 20 };

let harness: ArmHarness;
let host: FakeDataPlaneHost;
let provider: WebPubSubProvider;
let client: WebPubSubManagementClient;

before(async () => {
  host = new FakeDataPlaneHost();
  harness = await startArmHarness({
    pageSize: 2,
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

describe("webPubSub with @azure/arm-webpubsub 1.2.0", () => {
  it("creates a resource as an LRO and starts its data plane", async () => {
    const created = await client.webPubSub.beginCreateOrUpdateAndWait(
      rg,
      "contoso-webpubsub",
      { location: "eastus", sku: { name: "Standard_S1", capacity: 2 }, tags: { team: "a" } },
      fast,
    );
    assert.equal(created.provisioningState, "Succeeded");
    assert.equal(created.name, "contoso-webpubsub");
    assert.equal(created.type, "Microsoft.SignalRService/WebPubSub");
    assert.equal(
      created.id,
      `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.SignalRService/WebPubSub/contoso-webpubsub`,
    );
    assert.deepEqual(created.sku, { name: "Standard_S1", tier: "Standard", size: "S1", capacity: 2 });
    assert.equal(created.hostName, "localhost");
    const start = host.last("start")!;
    assert.equal(start.spec.name, "contoso-webpubsub");
    assert.equal(created.publicPort, start.result.httpsPort);
    assert.equal(created.serverPort, start.result.httpsPort);
    assert.equal(created.version, "1.0");
    assert.equal(created.publicNetworkAccess, "Enabled");
    assert.equal(created.disableLocalAuth, false);
    assert.equal(created.systemData?.createdBy, "local@wpslink");
    assert.ok(created.systemData?.createdAt instanceof Date);
  });

  it("gets and lists by resource group and subscription (paged)", async () => {
    await client.webPubSub.beginCreateOrUpdateAndWait(
      rg,
      "second-wps",
      { location: "eastus", sku: { name: "Free_F1" } },
      fast,
    );
    await client.webPubSub.beginCreateOrUpdateAndWait(
      "other-rg",
      "third-wps",
      { location: "westus", sku: { name: "Premium_P2" } },
      fast,
    );
    const got = await client.webPubSub.get(rg, "second-wps");
    assert.deepEqual(got.sku, { name: "Free_F1", tier: "Free", size: "F1", capacity: 1 });
    const inGroup = [];
    for await (const r of client.webPubSub.listByResourceGroup(rg)) inGroup.push(r.name);
    assert.deepEqual(inGroup.sort(), ["contoso-webpubsub", "second-wps"]);
    const all = [];
    for await (const r of client.webPubSub.listBySubscription()) all.push(r.name);
    // Page size 2 makes this a two-page walk through nextLink.
    assert.deepEqual(all.sort(), ["contoso-webpubsub", "second-wps", "third-wps"]);
    const p2 = await client.webPubSub.get("other-rg", "third-wps");
    assert.equal(p2.sku?.capacity, 100);
  });

  it("lists keys whose connection strings name the data plane, and regenerates them", async () => {
    const keys = await client.webPubSub.listKeys(rg, "contoso-webpubsub");
    const port = host.last("start") && (await client.webPubSub.get(rg, "contoso-webpubsub")).publicPort;
    assert.equal(keys.primaryKey?.length, 44);
    assert.notEqual(keys.primaryKey, keys.secondaryKey);
    assert.equal(
      keys.primaryConnectionString,
      `Endpoint=https://localhost:${port};AccessKey=${keys.primaryKey};Version=1.0;`,
    );

    const regenerated = await client.webPubSub.beginRegenerateKeyAndWait(
      rg,
      "contoso-webpubsub",
      { keyType: "Primary" },
      fast,
    );
    assert.notEqual(regenerated.primaryKey, keys.primaryKey);
    assert.equal(regenerated.secondaryKey, keys.secondaryKey);
    const pushed = host.last("setKeys")!;
    assert.deepEqual(pushed.keys, { primary: regenerated.primaryKey, secondary: keys.secondaryKey });
    assert.match(pushed.id, /contoso-webpubsub$/);
    const secondary = await client.webPubSub.beginRegenerateKeyAndWait(
      rg,
      "contoso-webpubsub",
      { keyType: "Secondary" },
      fast,
    );
    assert.equal(secondary.primaryKey, regenerated.primaryKey);
    assert.notEqual(secondary.secondaryKey, keys.secondaryKey);
    assert.equal(
      (await client.webPubSub.listKeys(rg, "contoso-webpubsub")).secondaryKey,
      secondary.secondaryKey,
    );
  });

  it("creates, reads, lists, updates and deletes hubs, pushing live settings to the data plane", async () => {
    const hub = await client.webPubSubHubs.beginCreateOrUpdateAndWait(
      "chat",
      rg,
      "contoso-webpubsub",
      {
        properties: {
          eventHandlers: [
            {
              urlTemplate: "https://contoso-func.azurewebsites.net/api/{event}",
              userEventPattern: "*",
              systemEvents: ["connect", "connected"],
              auth: { type: "ManagedIdentity", managedIdentity: { resource: "api://contoso" } },
            },
          ],
          anonymousConnectPolicy: "allow",
        },
      },
      fast,
    );
    assert.equal(hub.name, "chat");
    assert.equal(hub.properties.anonymousConnectPolicy, "allow");
    assert.equal(hub.properties.webSocketKeepAliveIntervalInSeconds, 20);
    const live = host.last("setHubs")!.hubs.get("chat")!;
    assert.deepEqual(live, {
      eventHandlers: [
        {
          urlTemplate: "https://contoso-func.azurewebsites.net/api/{event}",
          userEventPattern: "*",
          systemEvents: ["connect", "connected"],
          auth: { type: "ManagedIdentity", managedIdentity: { resource: "api://contoso" } },
        },
      ],
      anonymousConnectPolicy: "allow",
      webSocketKeepAliveIntervalInSeconds: 20,
    });

    await client.webPubSubHubs.beginCreateOrUpdateAndWait(
      "news",
      rg,
      "contoso-webpubsub",
      { properties: {} },
      fast,
    );
    await client.webPubSubHubs.beginCreateOrUpdateAndWait(
      "zeta",
      rg,
      "contoso-webpubsub",
      { properties: { webSocketKeepAliveIntervalInSeconds: 5 } },
      fast,
    );
    const names = [];
    for await (const h of client.webPubSubHubs.list(rg, "contoso-webpubsub")) names.push(h.name);
    assert.deepEqual(names, ["chat", "news", "zeta"]);
    assert.equal(host.last("setHubs")!.hubs.size, 3);

    const got = await client.webPubSubHubs.get("CHAT", rg, "contoso-webpubsub");
    assert.equal(got.properties.eventHandlers?.[0]?.systemEvents?.length, 2);

    await client.webPubSubHubs.beginDeleteAndWait("news", rg, "contoso-webpubsub", fast);
    assert.deepEqual([...host.last("setHubs")!.hubs.keys()].sort(), ["chat", "zeta"]);
    await assert.rejects(
      client.webPubSubHubs.get("news", rg, "contoso-webpubsub"),
      (e: { statusCode?: number; code?: string }) => e.statusCode === 404 && e.code === "ResourceNotFound",
    );
  });

  it("updates with PATCH (LRO, final body from Location) and applies access settings", async () => {
    const updated = await client.webPubSub.beginUpdateAndWait(
      rg,
      "contoso-webpubsub",
      {
        location: "eastus",
        disableLocalAuth: true,
        tags: { team: "b" },
        identity: { type: "SystemAssigned" },
      },
      fast,
    );
    assert.equal(updated.disableLocalAuth, true);
    assert.equal(updated.identity?.type, "SystemAssigned");
    assert.match(updated.identity?.principalId ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(updated.identity?.tenantId, "00000000-0000-0000-0000-000000000000");
    assert.deepEqual(updated.tags, { team: "b" });
    assert.equal(updated.sku?.capacity, 2);
    assert.deepEqual(host.last("setAccess")!.access, {
      disableLocalAuth: true,
      publicNetworkAccess: "Enabled",
    });
  });

  it("answers checkNameAvailability, usages, skus and privateLinkResources", async () => {
    const taken = await client.webPubSub.checkNameAvailability("eastus", {
      type: "Microsoft.SignalRService/WebPubSub",
      name: "CONTOSO-webpubsub",
    });
    assert.deepEqual([taken.nameAvailable, taken.reason], [false, "AlreadyExists"]);
    const free = await client.webPubSub.checkNameAvailability("eastus", {
      type: "Microsoft.SignalRService/WebPubSub",
      name: "brand-new",
    });
    assert.equal(free.nameAvailable, true);
    const invalid = await client.webPubSub.checkNameAvailability("eastus", {
      type: "Microsoft.SignalRService/WebPubSub",
      name: "a",
    });
    assert.deepEqual([invalid.nameAvailable, invalid.reason], [false, "Invalid"]);

    const usages = [];
    for await (const u of client.usages.list("eastus")) usages.push(u);
    const units = usages.find((u) => u.name?.value === "WebPubSubTotalUnits");
    assert.equal(units?.currentValue, 2);
    assert.equal(usages.find((u) => u.name?.value === "FreeTierInstances")?.currentValue, 1);

    const skus = await client.webPubSub.listSkus(rg, "contoso-webpubsub");
    assert.deepEqual(
      skus.value?.map((s) => s.sku?.name),
      ["Free_F1", "Standard_S1", "Premium_P1", "Premium_P2"],
    );
    assert.deepEqual(skus.value?.[1]?.capacity?.allowedValues?.slice(9, 12), [10, 20, 30]);

    const links = [];
    for await (const l of client.webPubSubPrivateLinkResources.list(rg, "contoso-webpubsub")) links.push(l);
    assert.equal(links.length, 1);
    assert.equal(links[0]?.groupId, "webpubsub");
    assert.deepEqual(
      links[0]?.shareablePrivateLinkResourceTypes?.map((t) => [
        t.name,
        t.properties?.groupId,
        t.properties?.type,
      ]),
      [
        ["site", "sites", "Microsoft.Web/sites"],
        ["vault", "vault", "Microsoft.KeyVault/vaults"],
        ["table", "table", "Microsoft.Storage/storageAccounts"],
      ],
    );
    const pecs = [];
    for await (const p of client.webPubSubPrivateEndpointConnections.list(rg, "contoso-webpubsub"))
      pecs.push(p);
    assert.equal(pecs.length, 0);
    const operations = [];
    for await (const o of client.operations.list()) operations.push(o.name);
    assert.ok(operations.includes("Microsoft.SignalRService/webPubSub/write"));
  });

  it("restarts a resource on the same ports", async () => {
    const before = (await client.webPubSub.get(rg, "contoso-webpubsub")).publicPort;
    await client.webPubSub.beginRestartAndWait(rg, "contoso-webpubsub", fast);
    const start = host.last("start")!;
    assert.equal(start.spec.httpsPort, before);
    assert.equal(host.last("stop")!.id, start.spec.resourceId);
  });

  it("stops and starts the data plane with resourceStopped", async () => {
    const id = (await client.webPubSub.get(rg, "contoso-webpubsub")).id!;
    const stopped = await client.webPubSub.beginUpdateAndWait(
      rg,
      "contoso-webpubsub",
      { location: "eastus", resourceStopped: "true" },
      fast,
    );
    assert.equal(stopped.resourceStopped, "true");
    assert.equal(host.running.has(id), false);
    await assert.rejects(
      client.webPubSub.beginRestartAndWait(rg, "contoso-webpubsub", fast),
      (e: { code?: string }) => e.code === "ResourceStopped",
    );
    const started = await client.webPubSub.beginUpdateAndWait(
      rg,
      "contoso-webpubsub",
      { location: "eastus", resourceStopped: "false" },
      fast,
    );
    assert.equal(started.resourceStopped, "false");
    assert.equal(host.running.has(id), true);
    assert.equal(started.publicPort, host.running.get(id)!.httpsPort);
  });

  it("surfaces ARM errors through RestError", async () => {
    const reject = async (call: Promise<unknown>, status: number, code: string) =>
      assert.rejects(call, (e: { statusCode?: number; code?: string; message: string }) => {
        assert.deepEqual([e.statusCode, e.code], [status, code], e.message);
        return true;
      });
    await reject(client.webPubSub.get(rg, "missing-wps"), 404, "ResourceNotFound");
    await reject(client.webPubSub.get("no-such-group", "missing-wps"), 404, "ResourceGroupNotFound");
    await reject(
      client.webPubSub.beginCreateOrUpdateAndWait(rg, "x", {
        location: "eastus",
        sku: { name: "Standard_S1" },
      }),
      400,
      "InvalidResourceName",
    );
    await reject(
      client.webPubSub.beginCreateOrUpdateAndWait(rg, "bad-sku", {
        location: "eastus",
        sku: { name: "Basic_B1" },
      }),
      400,
      "InvalidSku",
    );
    await reject(
      client.webPubSub.beginCreateOrUpdateAndWait(rg, "bad-cap", {
        location: "eastus",
        sku: { name: "Standard_S1", capacity: 11 },
      }),
      400,
      "InvalidCapacity",
    );
    await reject(
      client.webPubSub.beginCreateOrUpdateAndWait("elsewhere", "CONTOSO-WEBPUBSUB", { location: "eastus" }),
      409,
      "NameNotAvailable",
    );
    await reject(
      client.webPubSub.beginCreateOrUpdateAndWait(rg, "contoso-webpubsub", { location: "westus" }),
      409,
      "InvalidResourceLocation",
    );
    await reject(
      client.webPubSubHubs.beginCreateOrUpdateAndWait("bad", rg, "contoso-webpubsub", {
        properties: { eventHandlers: [{ urlTemplate: "https://{hub}.example.com/api" }] },
      }),
      400,
      "InvalidRequestContent",
    );
    await reject(
      client.webPubSubHubs.beginCreateOrUpdateAndWait("1bad", rg, "contoso-webpubsub", { properties: {} }),
      400,
      "InvalidResourceName",
    );
    await reject(
      client.webPubSubHubs.beginCreateOrUpdateAndWait("listeners", rg, "contoso-webpubsub", {
        properties: {
          eventListeners: [
            {
              filter: { type: "EventName" },
              endpoint: { type: "EventHub", fullyQualifiedNamespace: "x", eventHubName: "y" },
            },
          ],
        },
      }),
      501,
      "NotImplemented",
    );
    await reject(
      client.webPubSubReplicas.beginCreateOrUpdateAndWait(rg, "contoso-webpubsub", "replica1", {
        location: "westus",
      }),
      501,
      "NotImplemented",
    );
  });

  it("deletes as an LRO, stops the data plane and frees the name; deleting again is a no-op", async () => {
    const id = (await client.webPubSub.get(rg, "second-wps")).id!;
    await client.webPubSub.beginDeleteAndWait(rg, "second-wps", fast);
    assert.equal(host.last("stop")!.id, id);
    assert.equal(host.running.has(id), false);
    await assert.rejects(
      client.webPubSub.get(rg, "second-wps"),
      (e: { statusCode?: number }) => e.statusCode === 404,
    );
    assert.equal(
      (
        await client.webPubSub.checkNameAvailability("eastus", {
          type: "Microsoft.SignalRService/WebPubSub",
          name: "second-wps",
        })
      ).nameAvailable,
      true,
    );
    await client.webPubSub.beginDeleteAndWait(rg, "second-wps", fast);
  });
});
