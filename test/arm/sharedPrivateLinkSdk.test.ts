// Shared private link resources through the unmodified @azure/arm-webpubsub 1.2.0 (and the
// site side through @azure/arm-appservice 19): the LRO create, the site's Pending connection,
// approval reaching the resource after the propagation delay, reject, disconnect, delete,
// validation errors, and a restart in the middle of an approval.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openSqliteStore } from "../../src/store/sqliteStore.js";
import { startPrivateLinkStack, type PrivateLinkStack } from "./sharedPrivateLinkHarness.js";

const sub = "00000000-0000-0000-0000-000000000000";
const rg = "contoso";
const fast = { updateIntervalInMs: 20 };
const siteId = (name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/sites/${name}`;
const planId = (name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/serverfarms/${name}`;
const wpsId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.SignalRService/WebPubSub/contoso-webpubsub`;

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

const restError = (status: number, code: string) => (e: unknown) => {
  const { statusCode, code: actual, message } = e as { statusCode?: number; code?: string; message?: string };
  assert.deepEqual([statusCode, actual], [status, code], message);
  return true;
};

async function createSite(stack: PrivateLinkStack, name: string, plan: string): Promise<void> {
  await stack.appService.webApps.createOrUpdate(
    rg,
    name,
    { location: "eastus", kind: "functionapp", serverFarmId: planId(plan) },
    fast,
  );
}

describe("shared private link resources with @azure/arm-webpubsub", () => {
  let stack: PrivateLinkStack;

  before(async () => {
    stack = await startPrivateLinkStack({ pageSize: 2 });
    await stack.wps.webPubSub.beginCreateOrUpdateAndWait(
      rg,
      "contoso-webpubsub",
      { location: "eastus", sku: { name: "Standard_S1" } },
      fast,
    );
    await stack.wps.webPubSub.beginCreateOrUpdateAndWait(
      rg,
      "free-webpubsub",
      { location: "eastus", sku: { name: "Free_F1" } },
      fast,
    );
    for (const [name, sku] of [
      ["ep-plan", "EP1"],
      ["y1-plan", "Y1"],
      ["free-plan", "F1"],
    ] as const) {
      await stack.appService.appServicePlans.createOrUpdate(
        rg,
        name,
        { location: "eastus", sku: { name: sku } },
        fast,
      );
    }
    for (const name of ["contoso-func", "second-func", "third-func"])
      await createSite(stack, name, "ep-plan");
    await createSite(stack, "consumption-func", "y1-plan");
  });

  after(async () => {
    await stack.close();
  });

  it("creates one as an LRO that ends Succeeded + Pending, with a Pending connection on the site", async () => {
    const raw = await stack.harness.arm(
      `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.SignalRService/webPubSub/contoso-webpubsub/sharedPrivateLinkResources/second-spe?api-version=2024-03-01`,
      {
        method: "PUT",
        body: {
          properties: {
            groupId: "sites",
            privateLinkResourceId: siteId("second-func"),
            requestMessage: "raw",
          },
        },
      },
    );
    assert.equal(raw.status, 201);
    assert.match(
      raw.headers.get("azure-asyncoperation") ?? "",
      /^https:\/\/.+\/operationStatuses\/.+api-version=2024-03-01$/,
    );
    assert.match(raw.headers.get("location") ?? "", /operationResults/);
    const rawBody = (await raw.json()) as { properties: { provisioningState: string; status: string } };
    assert.deepEqual(
      [rawBody.properties.provisioningState, rawBody.properties.status],
      ["Creating", "Pending"],
    );

    const spe = await stack.wps.webPubSubSharedPrivateLinkResources.beginCreateOrUpdateAndWait(
      "contoso-spe",
      rg,
      "contoso-webpubsub",
      { groupId: "sites", privateLinkResourceId: siteId("contoso-func"), requestMessage: "please approve" },
      fast,
    );
    assert.deepEqual([spe.provisioningState, spe.status, spe.name], ["Succeeded", "Pending", "contoso-spe"]);
    assert.equal(spe.type, "Microsoft.SignalRService/WebPubSub/sharedPrivateLinkResources");
    const connections = [];
    for await (const c of stack.appService.webApps.listPrivateEndpointConnectionList(rg, "contoso-func"))
      connections.push(c);
    assert.equal(connections.length, 1);
    assert.equal(connections[0]?.privateLinkServiceConnectionState?.status, "Pending");
    assert.equal(connections[0]?.privateLinkServiceConnectionState?.description, "please approve");
    assert.match(connections[0]?.name ?? "", /^contoso-spe-/);
    // Updating the request message is a 200 PUT; the resource is listed in pages and embedded in its parent.
    const updated = await stack.wps.webPubSubSharedPrivateLinkResources.beginCreateOrUpdateAndWait(
      "contoso-spe",
      rg,
      "contoso-webpubsub",
      { groupId: "sites", privateLinkResourceId: siteId("contoso-func"), requestMessage: "again" },
      fast,
    );
    assert.equal(updated.requestMessage, "again");
    await stack.wps.webPubSubSharedPrivateLinkResources.beginCreateOrUpdateAndWait(
      "third-spe",
      rg,
      "contoso-webpubsub",
      { groupId: "sites", privateLinkResourceId: siteId("third-func") },
      fast,
    );
    const names = [];
    for await (const r of stack.wps.webPubSubSharedPrivateLinkResources.list(rg, "contoso-webpubsub"))
      names.push(r.name);
    assert.deepEqual(names, ["contoso-spe", "second-spe", "third-spe"]);
    const parent = await stack.wps.webPubSub.get(rg, "contoso-webpubsub");
    assert.equal(parent.sharedPrivateLinkResources?.length, 3);
  });

  it("refuses bad requests with ARM errors", async () => {
    const put = (resource: string, name: string, properties: Record<string, unknown>) =>
      stack.wps.webPubSubSharedPrivateLinkResources.beginCreateOrUpdateAndWait(
        name,
        rg,
        resource,
        properties as { groupId: string; privateLinkResourceId: string },
        fast,
      );
    const good = { groupId: "sites", privateLinkResourceId: siteId("contoso-func") };
    await assert.rejects(put("free-webpubsub", "spe1", good), restError(400, "BadRequest"));
    await assert.rejects(
      put("contoso-webpubsub", "spe1", { ...good, groupId: "vault" }),
      restError(400, "InvalidGroupId"),
    );
    await assert.rejects(
      put("contoso-webpubsub", "spe1", { ...good, groupId: "nonsense" }),
      restError(400, "InvalidGroupId"),
    );
    await assert.rejects(
      put("contoso-webpubsub", "spe1", { ...good, privateLinkResourceId: "contoso-func" }),
      restError(400, "LinkedInvalidPropertyId"),
    );
    await assert.rejects(
      put("contoso-webpubsub", "spe1", { ...good, privateLinkResourceId: siteId("nobody") }),
      restError(400, "PrivateLinkResourceNotFound"),
    );
    await assert.rejects(
      put("contoso-webpubsub", "spe1", { ...good, privateLinkResourceId: siteId("consumption-func") }),
      restError(400, "PrivateEndpointNotSupportedByTarget"),
    );
    await assert.rejects(put("contoso-webpubsub", "x", good), restError(400, "InvalidResourceName"));
    await assert.rejects(
      put("contoso-webpubsub", "spe-dup", good),
      restError(409, "DuplicateSharedPrivateLinkResource"),
    );
    await assert.rejects(
      put("contoso-webpubsub", "contoso-spe", { ...good, privateLinkResourceId: siteId("second-func") }),
      restError(400, "PropertyChangeNotAllowed"),
    );
    await assert.rejects(put("no-such-webpubsub", "spe1", good), restError(404, "ResourceNotFound"));
    await assert.rejects(
      put("contoso-webpubsub", "spe1", { groupId: "sites" }),
      restError(400, "InvalidRequestContent"),
    );
    await assert.rejects(
      stack.wps.webPubSubSharedPrivateLinkResources.get("nope", rg, "contoso-webpubsub"),
      restError(404, "ResourceNotFound"),
    );
  });

  it("shows Approved after the site approves and the propagation delay passes; the VNet resolves privately", async () => {
    const [connection] = await collect(stack, "contoso-func");
    assert.ok(connection?.name);
    await stack.appService.webApps
      .approveOrRejectPrivateEndpointConnection(
        rg,
        "contoso-func",
        connection.name,
        { privateLinkServiceConnectionState: { status: "Approved", description: "ok" } },
        fast,
      )
      .pollUntilDone();
    const approved = await until(
      () => stack.wps.webPubSubSharedPrivateLinkResources.get("contoso-spe", rg, "contoso-webpubsub"),
      (r) => r.status === "Approved",
      "Approved",
    );
    assert.equal(approved.provisioningState, "Succeeded");
    const resolution = stack.network.resolve(wpsId, "contoso-func.azurewebsites.net");
    assert.ok(resolution.found);
    assert.equal(resolution.path, "private");
    const [site] = await collect(stack, "contoso-func");
    assert.deepEqual(site?.ipAddresses, [resolution.address]);
  });

  it("shows Rejected, then Disconnected when the site deletes the connection, and a new PUT asks again", async () => {
    const [connection] = await collect(stack, "third-func");
    assert.ok(connection?.name);
    await stack.appService.webApps
      .approveOrRejectPrivateEndpointConnection(
        rg,
        "third-func",
        connection.name,
        { privateLinkServiceConnectionState: { status: "Rejected" } },
        fast,
      )
      .pollUntilDone();
    await until(
      () => stack.wps.webPubSubSharedPrivateLinkResources.get("third-spe", rg, "contoso-webpubsub"),
      (r) => r.status === "Rejected",
      "Rejected",
    );
    await stack.appService.webApps
      .deletePrivateEndpointConnection(rg, "third-func", connection.name, fast)
      .pollUntilDone();
    await until(
      () => stack.wps.webPubSubSharedPrivateLinkResources.get("third-spe", rg, "contoso-webpubsub"),
      (r) => r.status === "Disconnected",
      "Disconnected",
    );
    assert.deepEqual(await collect(stack, "third-func"), []);
    const again = await stack.wps.webPubSubSharedPrivateLinkResources.beginCreateOrUpdateAndWait(
      "third-spe",
      rg,
      "contoso-webpubsub",
      { groupId: "sites", privateLinkResourceId: siteId("third-func"), requestMessage: "once more" },
      fast,
    );
    assert.equal(again.status, "Pending");
    const [fresh] = await collect(stack, "third-func");
    assert.equal(fresh?.privateLinkServiceConnectionState?.description, "once more");
  });

  it("deleting the shared private link resource removes the site's connection; deleting again is fine", async () => {
    await stack.wps.webPubSubSharedPrivateLinkResources.beginDeleteAndWait(
      "second-spe",
      rg,
      "contoso-webpubsub",
      fast,
    );
    assert.deepEqual(await collect(stack, "second-func"), []);
    await assert.rejects(
      stack.wps.webPubSubSharedPrivateLinkResources.get("second-spe", rg, "contoso-webpubsub"),
      restError(404, "ResourceNotFound"),
    );
    const gone = await stack.harness.arm(
      `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.SignalRService/webPubSub/contoso-webpubsub/sharedPrivateLinkResources/second-spe?api-version=2024-03-01`,
      { method: "DELETE" },
    );
    assert.equal(gone.status, 204);
  });

  it("deleting the target site leaves the shared private link resource Disconnected", async () => {
    await createSite(stack, "doomed-func", "ep-plan");
    await stack.wps.webPubSubSharedPrivateLinkResources.beginCreateOrUpdateAndWait(
      "doomed-spe",
      rg,
      "contoso-webpubsub",
      { groupId: "sites", privateLinkResourceId: siteId("doomed-func") },
      fast,
    );
    await stack.appService.webApps.delete(rg, "doomed-func");
    const spe = await until(
      () => stack.wps.webPubSubSharedPrivateLinkResources.get("doomed-spe", rg, "contoso-webpubsub"),
      (r) => r.status === "Disconnected",
      "Disconnected",
    );
    assert.equal(spe.provisioningState, "Succeeded");
    await stack.wps.webPubSubSharedPrivateLinkResources.beginDeleteAndWait(
      "doomed-spe",
      rg,
      "contoso-webpubsub",
      fast,
    );
  });

  it("deleting the Web PubSub resource removes its endpoints, their site connections and its VNet", async () => {
    await stack.wps.webPubSub.beginCreateOrUpdateAndWait(
      rg,
      "short-lived",
      { location: "eastus", sku: { name: "Premium_P1" } },
      fast,
    );
    await stack.wps.webPubSubSharedPrivateLinkResources.beginCreateOrUpdateAndWait(
      "spe",
      rg,
      "short-lived",
      { groupId: "sites", privateLinkResourceId: siteId("second-func") },
      fast,
    );
    assert.equal((await collect(stack, "second-func")).length, 1);
    await stack.wps.webPubSub.beginDeleteAndWait(rg, "short-lived", fast);
    assert.deepEqual(await collect(stack, "second-func"), []);
    assert.equal(stack.network.vnet(wpsId.replace("contoso-webpubsub", "short-lived")), undefined);
  });
});

describe("a restart in the middle of an approval", () => {
  it("brings back the state and finishes the approval and its propagation", async () => {
    const store = openSqliteStore({ path: ":memory:" });
    try {
      const first = await startPrivateLinkStack({ store, transitionDelayMs: 1500, propagationDelayMs: 20 });
      await first.wps.webPubSub.beginCreateOrUpdateAndWait(
        rg,
        "contoso-webpubsub",
        { location: "eastus", sku: { name: "Standard_S1" } },
        fast,
      );
      await first.appService.appServicePlans.createOrUpdate(
        rg,
        "ep-plan",
        { location: "eastus", sku: { name: "EP1" } },
        fast,
      );
      await createSite(first, "contoso-func", "ep-plan");
      await first.wps.webPubSubSharedPrivateLinkResources.beginCreateOrUpdateAndWait(
        "contoso-spe",
        rg,
        "contoso-webpubsub",
        { groupId: "sites", privateLinkResourceId: siteId("contoso-func"), requestMessage: "please" },
        fast,
      );
      const [connection] = await collect(first, "contoso-func");
      assert.ok(connection?.name);
      const address = first.network.privateEndpoint(wpsId, "contoso-spe")?.address;
      // Start approving, then stop everything while the site side is still Approving.
      const put = await first.harness.arm(
        `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/sites/contoso-func/privateEndpointConnections/${connection.name}?api-version=2025-05-01`,
        {
          method: "PUT",
          body: { properties: { privateLinkServiceConnectionState: { status: "Approved" } } },
        },
      );
      assert.equal(put.status, 202);
      assert.equal(
        ((await put.json()) as { properties: { privateLinkServiceConnectionState: { status: string } } })
          .properties.privateLinkServiceConnectionState.status,
        "Approving",
      );
      await first.close();

      const second = await startPrivateLinkStack({ store, transitionDelayMs: 1500, propagationDelayMs: 20 });
      try {
        const [during] = await collect(second, "contoso-func");
        assert.equal(during?.privateLinkServiceConnectionState?.status, "Approving");
        const spe = await until(
          () => second.wps.webPubSubSharedPrivateLinkResources.get("contoso-spe", rg, "contoso-webpubsub"),
          (r) => r.status === "Approved",
          "Approved after restart",
        );
        assert.equal(spe.provisioningState, "Succeeded");
        const resolution = second.network.resolve(wpsId, "contoso-func.azurewebsites.net");
        assert.ok(resolution.found);
        assert.deepEqual([resolution.path, resolution.address], ["private", address]);
      } finally {
        await second.close();
      }
    } finally {
      await store.close();
    }
  });
});

async function collect(stack: PrivateLinkStack, site: string) {
  const all = [];
  for await (const c of stack.appService.webApps.listPrivateEndpointConnectionList(rg, site)) all.push(c);
  return all;
}
