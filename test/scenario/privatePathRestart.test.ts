// A restart in the middle of an approval, end to end: the site is Approving when everything stops;
// after the restart (same store, new processes' worth of objects) the approval completes, the shared
// private endpoint shows Approved, and a real client's event reaches the upstream over the private
// path again. Built from the same pieces as privatePath.test.ts (the composition root does not wire
// the private path yet).
import assert from "node:assert/strict";
import http from "node:http";
import type net from "node:net";
import { after, before, describe, it } from "node:test";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { WebPubSubClient } from "@azure/web-pubsub-client";
import { WebPubSubEventHandler } from "@azure/web-pubsub-express";
import express from "express";
import type { ResourceDataPlane } from "../../src/composition/resourceDataPlane.js";
import { loadOrCreateLocalCa, type LocalCa } from "../../src/pki/localCa.js";
import {
  createSiteFront,
  siteFrontCertificateNames,
  type SiteFront,
} from "../../src/sitefront/siteFrontServer.js";
import { openSqliteStore } from "../../src/store/sqliteStore.js";
import type { Store } from "../../src/store/store.js";
import { TraceBus } from "../../src/trace/traceBus.js";
import { startPrivateLinkStack, type PrivateLinkStack } from "../arm/sharedPrivateLinkHarness.js";
import { clientOptions, dataPlaneHost, until } from "./support/scenarioPieces.js";

const sub = "00000000-0000-0000-0000-000000000000";
const rg = "contoso";
const resource = "contoso-webpubsub";
const site = "contoso-func";
const wpsId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.SignalRService/webPubSub/${resource}`;
const fast = { updateIntervalInMs: 20 };

interface Running {
  readonly stack: PrivateLinkStack;
  readonly front: SiteFront;
  readonly planes: Map<string, ResourceDataPlane>;
}

describe("restart in the middle of an approval", () => {
  let ca: LocalCa;
  let store: Store;
  let upstream: http.Server;
  let upstreamUrl: string;
  const xffByPath = new Map<string, string | undefined>();
  const trace = new TraceBus();
  const clients: WebPubSubClient[] = [];
  let current: Running | undefined;

  const start = async (): Promise<Running> => {
    const planes = new Map<string, ResourceDataPlane>();
    // The front end reads the sites of the stack built next.
    const built: { web?: PrivateLinkStack["web"] } = {};
    const front = createSiteFront({
      directory: { findSite: (name) => built.web?.findSite(name) },
      certificate: ca.issue(siteFrontCertificateNames),
      host: "127.0.0.1",
      httpPort: 0,
      httpsPort: 0,
      trace,
    });
    const stack = await startPrivateLinkStack({
      store,
      trace,
      transitionDelayMs: 1500,
      propagationDelayMs: 20,
      makeHost: (network) => dataPlaneHost(ca, trace, () => front, network, planes),
    });
    built.web = stack.web;
    await front.start();
    await stack.provider.restore();
    return { stack, front, planes };
  };

  const stop = async (running: Running): Promise<void> => {
    await running.stack.close();
    await running.front.close();
  };

  before(async () => {
    ca = loadOrCreateLocalCa(process.env.WPSLINK_TEST_CA_DIR ?? null);
    store = openSqliteStore({ path: ":memory:" });
    const app = express();
    app.use((req, _res, next) => {
      xffByPath.set(req.path, req.headers["x-forwarded-for"] as string | undefined);
      next();
    });
    app.use(
      new WebPubSubEventHandler("chat", {
        path: "/api/",
        handleConnect: (_req, res) => res.success(),
        handleUserEvent: (_req, res) => res.success(),
      }).getMiddleware(),
    );
    upstream = http.createServer(app);
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`;
  });

  after(async () => {
    for (const client of clients) client.stop();
    if (current) await stop(current);
    await store.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it("comes back with the approval finished and calls on the private path", async () => {
    current = await start();
    const { stack } = current;
    await stack.wps.webPubSub.beginCreateOrUpdateAndWait(
      rg,
      resource,
      { location: "eastus", sku: { name: "Standard_S1" } },
      fast,
    );
    await stack.wps.webPubSubHubs.beginCreateOrUpdateAndWait(
      "chat",
      rg,
      resource,
      {
        properties: {
          eventHandlers: [
            { urlTemplate: `https://${site}.azurewebsites.net/api/{event}`, userEventPattern: "*" },
          ],
        },
      },
      fast,
    );
    await stack.appService.appServicePlans.createOrUpdate(
      rg,
      "contoso-plan",
      { location: "eastus", sku: { name: "P1v3" } },
      fast,
    );
    await stack.appService.webApps.createOrUpdate(
      rg,
      site,
      {
        location: "eastus",
        kind: "functionapp",
        serverFarmId: `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/serverfarms/contoso-plan`,
        siteConfig: { appSettings: [{ name: "WPSLINK_BACKEND_URL", value: upstreamUrl }] },
      },
      fast,
    );
    await stack.wps.webPubSubSharedPrivateLinkResources.beginCreateOrUpdateAndWait(
      "contoso-spe",
      rg,
      resource,
      {
        groupId: "sites",
        privateLinkResourceId: `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/sites/${site}`,
        requestMessage: "please",
      },
      fast,
    );
    let connectionName = "";
    for await (const c of stack.appService.webApps.listPrivateEndpointConnectionList(rg, site))
      connectionName = c.name ?? "";
    const put = await stack.harness.arm(
      `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/sites/${site}/privateEndpointConnections/${connectionName}?api-version=2025-05-01`,
      { method: "PUT", body: { properties: { privateLinkServiceConnectionState: { status: "Approved" } } } },
    );
    assert.equal(put.status, 202);
    await stop(current);
    current = undefined;

    current = await start();
    const after = current.stack;
    const spe = await until(
      () => after.wps.webPubSubSharedPrivateLinkResources.get("contoso-spe", rg, resource),
      (r) => r.status === "Approved",
      "Approved after the restart",
    );
    assert.equal(spe.provisioningState, "Succeeded");
    const keys = await after.wps.webPubSub.listKeys(rg, resource);
    const plane = current.planes.get(wpsId.toLowerCase());
    assert.ok(plane, "the resource's data plane is back");
    const service = new WebPubSubServiceClient(
      `Endpoint=http://localhost:${plane.httpPort};AccessKey=${keys.primaryKey};Version=1.0;`,
      "chat",
      {
        allowInsecureConnection: true,
      },
    );
    const { url } = await service.getClientAccessToken({ userId: "alice" });
    const client = new WebPubSubClient(url, clientOptions);
    clients.push(client);
    await client.start();
    await client.sendEvent("after-restart", "hi", "text");
    const vnet = after.network.vnet(wpsId);
    assert.ok(vnet);
    await until(() => xffByPath.has("/api/after-restart"), Boolean, "the event at the upstream");
    assert.equal(xffByPath.get("/api/after-restart"), vnet.addresses.serviceAddress);
  });
});
