// Microsoft.Web through the unmodified @azure/arm-appservice 19 client over HTTPS: plans, sites,
// site config, private endpoint connections (list, get, approve/reject pollers, delete poller),
// private link resources, and the ARM errors the SDK surfaces.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { createLocalCredential } from "../../../src/arm/auth/localCredential.js";
import { registerWebProvider } from "../../../src/arm/web/registerWebProvider.js";
import { WebSiteService } from "../../../src/arm/web/webSiteService.js";
import { openSqliteStore } from "../../../src/store/sqliteStore.js";
import type { Store } from "../../../src/store/store.js";
import { startArmHarness, type ArmHarness } from "../support/armHarness.js";

const sub = "00000000-0000-0000-0000-000000000000";
const rg = "contoso";
const fast = { updateIntervalInMs: 20 };

describe("Microsoft.Web with @azure/arm-appservice", () => {
  let store: Store;
  let web: WebSiteService;
  let harness: ArmHarness;
  let client: WebSiteManagementClient;

  before(async () => {
    store = openSqliteStore({ path: ":memory:" });
    web = await WebSiteService.open({ store, transitionDelayMs: 30 });
    harness = await startArmHarness({
      store,
      pageSize: 2,
      register: (runtime) => registerWebProvider(runtime, web),
    });
    client = new WebSiteManagementClient(createLocalCredential({ managementUrl: harness.url }), sub, {
      endpoint: harness.url,
    });
  });

  after(async () => {
    web.close();
    await harness.close();
    await store.close();
  });

  it("creates plans and a function app, lists and reads them", async () => {
    const plan = await client.appServicePlans.createOrUpdate(
      rg,
      "contoso-plan",
      { location: "eastus", sku: { name: "EP1" } },
      fast,
    );
    assert.equal(plan.sku?.tier, "ElasticPremium");
    await client.appServicePlans.createOrUpdate(
      rg,
      "free-plan",
      { location: "eastus", sku: { name: "F1" } },
      fast,
    );
    await client.appServicePlans.createOrUpdate(
      rg,
      "y1-plan",
      { location: "eastus", sku: { name: "Y1" } },
      fast,
    );
    const plans = [];
    for await (const p of client.appServicePlans.listByResourceGroup(rg)) plans.push(p.name);
    assert.deepEqual(plans.sort(), ["contoso-plan", "free-plan", "y1-plan"]);

    const site = await client.webApps.createOrUpdate(
      rg,
      "contoso-func",
      {
        location: "eastus",
        kind: "functionapp",
        serverFarmId: plan.id,
        siteConfig: { appSettings: [{ name: "WPSLINK_BACKEND_URL", value: "http://127.0.0.1:7071" }] },
      },
      fast,
    );
    assert.equal(site.defaultHostName, "contoso-func.azurewebsites.net");
    assert.equal(site.kind, "functionapp");
    const raw = (await (
      await harness.arm(
        `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/sites/contoso-func?api-version=2019-08-01`,
      )
    ).json()) as { properties: { privateEndpointConnections: unknown[] } };
    assert.deepEqual(raw.properties.privateEndpointConnections, []);
    const got = await client.webApps.get(rg, "contoso-func");
    assert.equal(got.serverFarmId, plan.id);
    assert.equal(web.findSite("contoso-func")?.backendUrl, "http://127.0.0.1:7071");
    const names = [];
    for await (const s of client.webApps.list()) names.push(s.name);
    assert.deepEqual(names, ["contoso-func"]);
  });

  it("updates the site's network settings through config/web and app settings", async () => {
    const config = await client.webApps.updateConfiguration(rg, "contoso-func", {
      ipSecurityRestrictions: [{ ipAddress: "127.0.0.1/32", action: "Allow", priority: 100, name: "me" }],
      ipSecurityRestrictionsDefaultAction: "Deny",
      publicNetworkAccess: "Enabled",
    });
    assert.equal(config.ipSecurityRestrictions?.[0]?.name, "me");
    const entry = web.findSite("contoso-func");
    assert.equal(entry?.publicNetworkAccess, "Enabled");
    assert.equal(entry?.ipSecurityRestrictionsDefaultAction, "Deny");
    const settings = await client.webApps.updateApplicationSettings(rg, "contoso-func", {
      properties: { WPSLINK_BACKEND_URL: "http://127.0.0.1:7072", OTHER: "x" },
    });
    assert.equal(settings.properties?.OTHER, "x");
    assert.equal(web.findSite("contoso-func")?.backendUrl, "http://127.0.0.1:7072");
    const listed = await client.webApps.listApplicationSettings(rg, "contoso-func");
    assert.equal(listed.properties?.WPSLINK_BACKEND_URL, "http://127.0.0.1:7072");
  });

  it("stops, starts and restarts a site", async () => {
    await client.webApps.stop(rg, "contoso-func");
    assert.equal((await client.webApps.get(rg, "contoso-func")).state, "Stopped");
    assert.equal(web.findSite("contoso-func")?.state, "Stopped");
    await client.webApps.start(rg, "contoso-func");
    assert.equal((await client.webApps.get(rg, "contoso-func")).state, "Running");
    assert.equal(web.findSite("contoso-func")?.state, "Running");
    await client.webApps.restart(rg, "contoso-func");
  });

  it("lists private link resources only on plans that support private endpoints", async () => {
    const supported = await client.webApps.getPrivateLinkResources(rg, "contoso-func");
    assert.deepEqual(
      supported.value.map((r) => [r.name, r.properties.groupId, r.properties.requiredZoneNames]),
      [["sites", "sites", ["privatelink.azurewebsites.net"]]],
    );
    const freePlanId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/serverfarms/free-plan`;
    await client.webApps.createOrUpdate(
      rg,
      "free-site",
      { location: "eastus", serverFarmId: freePlanId },
      fast,
    );
    assert.deepEqual((await client.webApps.getPrivateLinkResources(rg, "free-site")).value, []);
  });

  it("approves, rejects and deletes a private endpoint connection with the SDK pollers", async () => {
    const site = web.getSite(
      `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/sites/contoso-func`,
    );
    assert.ok(site);
    const created = web.newConnection({
      siteId: site.id,
      namePrefix: "spe",
      description: "please approve",
      address: "10.1.1.4",
      privateEndpointId: "/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/privateEndpoints/spe",
      owner: null,
    });
    await web.writeConnection(store, created);
    web.adopt(created);

    const listed = [];
    for await (const c of client.webApps.listPrivateEndpointConnectionList(rg, "contoso-func"))
      listed.push(c);
    assert.equal(listed.length, 1);
    assert.equal(listed[0]?.privateLinkServiceConnectionState?.status, "Pending");
    assert.equal(listed[0]?.privateLinkServiceConnectionState?.description, "please approve");
    // The az CLI lists connections from the site body (api-version 2019-08-01).
    const siteBody = (await (
      await harness.arm(
        `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/sites/contoso-func?api-version=2019-08-01`,
      )
    ).json()) as {
      properties: { privateEndpointConnections: { name: string; properties: { groupIds: unknown } }[] };
    };
    assert.equal(siteBody.properties.privateEndpointConnections[0]?.name, created.name);

    const poller = client.webApps.approveOrRejectPrivateEndpointConnection(
      rg,
      "contoso-func",
      created.name,
      {
        privateLinkServiceConnectionState: { status: "Approved", description: "ok", actionsRequired: "None" },
      },
      fast,
    );
    const approved = await poller.pollUntilDone();
    assert.equal(approved.privateLinkServiceConnectionState?.status, "Approved");
    assert.equal(approved.provisioningState, "Succeeded");
    assert.deepEqual(approved.ipAddresses, ["10.1.1.4"]);
    const again = await client.webApps.getPrivateEndpointConnection(rg, "contoso-func", created.name);
    assert.equal(again.privateLinkServiceConnectionState?.description, "ok");

    const rejected = await client.webApps
      .approveOrRejectPrivateEndpointConnection(
        rg,
        "contoso-func",
        created.name,
        {
          privateLinkServiceConnectionState: { status: "Rejected", description: "no" },
        },
        fast,
      )
      .pollUntilDone();
    assert.equal(rejected.privateLinkServiceConnectionState?.status, "Rejected");
    assert.deepEqual(rejected.ipAddresses, []);
    await assert.rejects(
      client.webApps
        .approveOrRejectPrivateEndpointConnection(
          rg,
          "contoso-func",
          created.name,
          {
            privateLinkServiceConnectionState: { status: "Approved" },
          },
          fast,
        )
        .pollUntilDone(),
      (e: { statusCode?: number; code?: string }) =>
        e.statusCode === 400 && e.code === "PrivateEndpointConnectionRejected",
    );

    await client.webApps
      .deletePrivateEndpointConnection(rg, "contoso-func", created.name, fast)
      .pollUntilDone();
    await assert.rejects(
      client.webApps.getPrivateEndpointConnection(rg, "contoso-func", created.name),
      (e: { statusCode?: number; code?: string }) => e.statusCode === 404 && e.code === "ResourceNotFound",
    );
  });

  it("answers bad input with ARM errors the SDK surfaces", async () => {
    const expectError = async (promise: Promise<unknown>, status: number, code: string) =>
      assert.rejects(promise, (e: { statusCode?: number; code?: string }) => {
        assert.deepEqual([e.statusCode, e.code], [status, code]);
        return true;
      });
    await expectError(
      client.appServicePlans.createOrUpdate(rg, "p2", { location: "eastus", sku: { name: "XX" } }, fast),
      400,
      "InvalidSku",
    );
    await expectError(client.webApps.get(rg, "nobody"), 404, "ResourceNotFound");
    await expectError(client.webApps.get("no-such-group", "nobody"), 404, "ResourceNotFound");
    await expectError(
      client.webApps.createOrUpdate(
        rg,
        "contoso-func2",
        {
          location: "eastus",
          serverFarmId: "/subscriptions/x/resourceGroups/y/providers/Microsoft.Web/serverfarms/none",
        },
        fast,
      ),
      404,
      "NotFound",
    );
    await expectError(client.appServicePlans.delete(rg, "contoso-plan"), 409, "Conflict");
    await expectError(
      client.webApps.getPrivateEndpointConnection(rg, "contoso-func", "nope"),
      404,
      "ResourceNotFound",
    );
    await expectError(
      client.webApps
        .approveOrRejectPrivateEndpointConnection(
          rg,
          "contoso-func",
          "nope",
          { privateLinkServiceConnectionState: { status: "Approved" } },
          fast,
        )
        .pollUntilDone(),
      404,
      "ResourceNotFound",
    );
    await client.webApps.delete(rg, "free-site");
    await client.webApps.delete(rg, "free-site");
  });
});
