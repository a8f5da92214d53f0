// The Microsoft.Web domain without HTTP: plans, sites, validation, the connection state machine
// with its timers, the site directory the front end reads, and a restart in mid-transition.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProviderError } from "../../../src/arm/web/webErrors.js";
import { WebSiteService, type ConnectionChange } from "../../../src/arm/web/webSiteService.js";
import { MemoryStore } from "./support/memoryStore.js";

const sub = "00000000-0000-0000-0000-000000000000";
const rg = { subscriptionId: sub, resourceGroup: "contoso" };
const planId = `/subscriptions/${sub}/resourceGroups/contoso/providers/Microsoft.Web/serverfarms/contoso-plan`;

async function rejects(promise: Promise<unknown>, status: number, code: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof ProviderError, String(e));
    assert.equal(e.status, status, e.message);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

async function withSite(store = new MemoryStore(), transitionDelayMs = 20) {
  const web = await WebSiteService.open({ store, transitionDelayMs });
  await web.putPlan({ ...rg, name: "contoso-plan" }, { location: "eastus", sku: { name: "EP1" } });
  const { site } = await web.putSite(
    { ...rg, name: "contoso-func" },
    {
      location: "eastus",
      kind: "functionapp",
      properties: {
        serverFarmId: planId,
        siteConfig: { appSettings: [{ name: "WPSLINK_BACKEND_URL", value: "http://127.0.0.1:7071" }] },
      },
    },
  );
  return { web, site, store };
}

describe("Microsoft.Web domain", () => {
  it("validates plans and sites with ARM codes", async () => {
    const web = await WebSiteService.open({ store: new MemoryStore() });
    await rejects(
      web.putPlan({ ...rg, name: "p" }, { location: "eastus", sku: { name: "Z9" } }),
      400,
      "InvalidSku",
    );
    await rejects(web.putPlan({ ...rg, name: "p" }, { sku: { name: "B1" } }), 400, "LocationRequired");
    await rejects(
      web.putPlan({ ...rg, name: "bad name" }, { location: "x", sku: { name: "B1" } }),
      400,
      "InvalidResourceName",
    );
    const { plan } = await web.putPlan({ ...rg, name: "free" }, { location: "eastus", sku: { name: "f1" } });
    assert.deepEqual(plan.sku, { name: "F1", tier: "Free", size: "F1", family: "F", capacity: 1 });
    await rejects(web.putSite({ ...rg, name: "-x" }, { location: "eastus" }), 400, "InvalidResourceName");
    await rejects(
      web.putSite({ ...rg, name: "site1" }, { location: "eastus", properties: {} }),
      400,
      "InvalidRequestContent",
    );
    await rejects(
      web.putSite({ ...rg, name: "site1" }, { location: "eastus", properties: { serverFarmId: planId } }),
      404,
      "NotFound",
    );
    const farm = plan.id;
    const bad = (properties: Record<string, unknown>) =>
      web.putSite(
        { ...rg, name: "site1" },
        { location: "eastus", properties: { serverFarmId: farm, ...properties } },
      );
    await rejects(bad({ publicNetworkAccess: "Maybe" }), 400, "InvalidRequestContent");
    await rejects(
      bad({ siteConfig: { ipSecurityRestrictions: [{ ipAddress: "300.1.1.1", action: "Allow" }] } }),
      400,
      "InvalidRequestContent",
    );
    await rejects(
      bad({ siteConfig: { ipSecurityRestrictions: [{ ipAddress: "Any", action: "Maybe" }] } }),
      400,
      "InvalidRequestContent",
    );
    await rejects(
      bad({ siteConfig: { appSettings: [{ name: "WPSLINK_BACKEND_URL", value: "ftp://x" }] } }),
      400,
      "InvalidRequestContent",
    );
    const { site, created } = await web.putSite(
      { ...rg, name: "site1" },
      { location: "eastus", properties: { serverFarmId: farm } },
    );
    assert.equal(created, true);
    assert.equal(web.planSupportsPrivateEndpoints(site), false);
    // Site names are global.
    await rejects(
      web.putSite(
        { subscriptionId: sub, resourceGroup: "other", name: "SITE1" },
        { location: "eastus", properties: { serverFarmId: farm } },
      ),
      409,
      "Conflict",
    );
    await rejects(web.deletePlan({ ...rg, name: "free" }), 409, "Conflict");
    assert.equal(await web.deleteSite({ ...rg, name: "site1" }), true);
    assert.equal(await web.deletePlan({ ...rg, name: "free" }), true);
    assert.equal(await web.deleteSite({ ...rg, name: "site1" }), false);
  });

  it("keeps site config on a PUT without it and reads network settings into the directory", async () => {
    const { web, site } = await withSite();
    assert.equal(web.planSupportsPrivateEndpoints(site), true);
    await web.putSite(
      { ...rg, name: "contoso-func" },
      { location: "eastus", properties: { publicNetworkAccess: "Disabled" } },
    );
    const entry = web.findSite("contoso-func");
    assert.equal(entry?.backendUrl, "http://127.0.0.1:7071");
    assert.equal(entry?.publicNetworkAccess, "Disabled");
    await web.patchSite(
      { ...rg, name: "contoso-func" },
      {
        properties: {
          siteConfig: {
            publicNetworkAccess: "Enabled",
            ipSecurityRestrictions: [{ ipAddress: "10.0.0.0/8", action: "Deny", priority: 100 }],
          },
        },
      },
    );
    const patched = web.findSite("contoso-func");
    assert.equal(patched?.publicNetworkAccess, "Enabled");
    assert.equal(patched?.ipSecurityRestrictions?.length, 1);
    await web.putAppSettings({ ...rg, name: "contoso-func" }, { WPSLINK_BACKEND_URL: "http://127.0.0.1:9" });
    assert.equal(web.findSite("contoso-func")?.backendUrl, "http://127.0.0.1:9");
    assert.equal(web.findSite("nobody"), undefined);
  });

  it("runs approve, reject and delete through their transitional states", async () => {
    const { web, site, store } = await withSite();
    const changes: ConnectionChange[] = [];
    web.onConnectionChanged((c) => changes.push(c));
    const pending = web.newConnection({
      siteId: site.id,
      namePrefix: "spe",
      description: "please approve",
      address: "10.1.1.4",
      privateEndpointId: "/x/pe",
      owner: { resourceId: "/wps", sharedPrivateLinkName: "spe" },
    });
    await web.writeConnection(store, pending);
    web.adopt(pending);
    assert.match(pending.name, /^spe-[0-9a-f-]{36}$/);
    assert.deepEqual(web.findSite("contoso-func")?.approvedPrivateEndpointAddresses, []);

    const approving = await web.approveOrReject(site.id, pending.name, "Approved", "ok");
    assert.equal(approving.connection.status, "Approving");
    assert.equal(approving.connection.provisioningState, "Pending");
    await rejects(
      web.approveOrReject(site.id, pending.name, "Rejected", null),
      409,
      "PrivateEndpointConnectionOperationInProgress",
    );
    await approving.done;
    const approved = web.connection(site.id, pending.name);
    assert.deepEqual([approved?.status, approved?.provisioningState], ["Approved", "Succeeded"]);
    assert.deepEqual(web.findSite("contoso-func")?.approvedPrivateEndpointAddresses, ["10.1.1.4"]);
    const again = await web.approveOrReject(site.id, pending.name, "Approved", "still ok");
    assert.equal(again.done, null);

    const rejecting = await web.approveOrReject(site.id, pending.name, "Rejected", "no");
    assert.equal(rejecting.connection.status, "Rejecting");
    await rejecting.done;
    assert.equal(web.connection(site.id, pending.name)?.status, "Rejected");
    assert.deepEqual(web.findSite("contoso-func")?.approvedPrivateEndpointAddresses, []);
    await rejects(
      web.approveOrReject(site.id, pending.name, "Approved", null),
      400,
      "PrivateEndpointConnectionRejected",
    );

    const deleting = await web.beginDeleteConnection(site.id, pending.name);
    assert.equal(web.connection(site.id, pending.name)?.status, "Disconnecting");
    await deleting?.done;
    assert.equal(web.connection(site.id, pending.name), undefined);
    assert.equal(await web.beginDeleteConnection(site.id, pending.name), null);
    assert.deepEqual(
      changes.map((c) => c.connection?.status ?? "gone"),
      ["Pending", "Approving", "Approved", "Approved", "Rejecting", "Rejected", "Disconnecting", "gone"],
    );
    assert.equal(changes.at(-1)?.owner?.sharedPrivateLinkName, "spe");
    web.close();
  });

  it("finishes an approval that a restart interrupted", async () => {
    const { web, site, store } = await withSite(new MemoryStore(), 60);
    const c = web.newConnection({
      siteId: site.id,
      namePrefix: "x",
      description: null,
      address: "10.2.1.4",
      privateEndpointId: "/pe",
      owner: null,
    });
    await web.writeConnection(store, c);
    web.adopt(c);
    await web.approveOrReject(site.id, c.name, "Approved", null);
    web.close(); // the process stops while Approving
    const reopened = await WebSiteService.open({ store, transitionDelayMs: 60 });
    assert.equal(reopened.connection(site.id, c.name)?.status, "Approving");
    const settled = new Promise<void>((resolve) =>
      reopened.onConnectionChanged((change) => change.connection?.status === "Approved" && resolve()),
    );
    await settled;
    assert.deepEqual(reopened.findSite("contoso-func")?.approvedPrivateEndpointAddresses, ["10.2.1.4"]);
    reopened.close();
  });
});
