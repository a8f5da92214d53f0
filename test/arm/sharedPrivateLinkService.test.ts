// The shared-private-link domain without HTTP: the propagation delay between the site's decision
// and the resource's status (and the network route), and the route-change notifications.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WebSiteService } from "../../src/arm/web/webSiteService.js";
import { SharedPrivateLinkService } from "../../src/arm/webpubsub/sharedPrivateLinkService.js";
import { ManagedNetwork } from "../../src/network/managedNetwork.js";
import { MemoryStore } from "./web/support/memoryStore.js";

const sub = "00000000-0000-0000-0000-000000000000";
const rg = { subscriptionId: sub, resourceGroup: "contoso" };
const parent = {
  id: `/subscriptions/${sub}/resourceGroups/contoso/providers/Microsoft.SignalRService/WebPubSub/contoso-webpubsub`,
  name: "contoso-webpubsub",
  subscriptionId: sub,
  resourceGroup: "contoso",
  location: "eastus",
  sku: { name: "Standard_S1", tier: "Standard" },
};
const siteId = `/subscriptions/${sub}/resourceGroups/contoso/providers/Microsoft.Web/sites/contoso-func`;
const host = "contoso-func.azurewebsites.net";

describe("shared private link propagation", () => {
  it("shows the site's decision only after the propagation delay, and moves the route with it", async () => {
    const store = new MemoryStore();
    const web = await WebSiteService.open({ store, transitionDelayMs: 10 });
    await web.putPlan({ ...rg, name: "plan" }, { location: "eastus", sku: { name: "B1" } });
    await web.putSite(
      { ...rg, name: "contoso-func" },
      {
        location: "eastus",
        properties: {
          serverFarmId: `/subscriptions/${sub}/resourceGroups/contoso/providers/Microsoft.Web/serverfarms/plan`,
        },
      },
    );
    const network = new ManagedNetwork({ siteExists: (n) => web.siteExists(n) });
    const spe = await SharedPrivateLinkService.open({ store, web, network, propagationDelayMs: 250 });
    let routeChanges = 0;
    network.onRoutesChanged(parent.id, () => routeChanges++);
    try {
      const put = await spe.put(parent, "contoso-spe", {
        properties: { groupId: "sites", privateLinkResourceId: siteId, requestMessage: "please" },
      });
      assert.equal(put.created, true);
      assert.equal(put.record.provisioningState, "Creating");
      const created = await put.finish();
      assert.deepEqual([created.provisioningState, created.status], ["Succeeded", "Pending"]);
      const [connection] = web.connections(siteId);
      assert.ok(connection);
      assert.equal(connection.description, "please");
      assert.equal(connection.address, created.address);

      const approval = await web.approveOrReject(siteId, connection.name, "Approved", null);
      await approval.done;
      const approvedAt = Date.now();
      assert.equal(web.connection(siteId, connection.name)?.status, "Approved");
      // The site has decided; the resource has not heard yet.
      assert.equal(spe.get(parent.id, "contoso-spe")?.status, "Pending");
      const early = network.resolve(parent.id, host);
      assert.ok(early.found);
      assert.equal(early.path, "public");
      const deadline = Date.now() + 3000;
      while (spe.get(parent.id, "contoso-spe")?.status !== "Approved" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(spe.get(parent.id, "contoso-spe")?.status, "Approved");
      assert.ok(Date.now() - approvedAt >= 200, "the status arrived before the propagation delay");
      const late = network.resolve(parent.id, host);
      assert.ok(late.found);
      assert.equal(late.path, "private");
      assert.ok(routeChanges >= 1);
      // The stored record carries the new status for the next start.
      const reopened = await SharedPrivateLinkService.open({
        store,
        web,
        network: new ManagedNetwork(),
        propagationDelayMs: 250,
      });
      assert.equal(reopened.get(parent.id, "contoso-spe")?.status, "Approved");
      reopened.close();
    } finally {
      spe.close();
      web.close();
    }
  });
});
