// The design.md scenario end to end, through public interfaces only: @azure/arm-webpubsub creates
// the Standard resource, its hub and the shared private endpoint; @azure/arm-appservice creates
// the plan and the Function App (backend: a real @azure/web-pubsub-express app on loopback) and
// approves, rejects and deletes the connection; @azure/web-pubsub-client clients connect and send
// events. What the upstream sees in X-Forwarded-For tells which path each call took.
//
// The composition root does not wire the private path yet, so the test builds the same pieces it
// will: management plane with the three providers, managed network, site front end, and a
// data-plane host whose dispatchers dial through the routing egress dialer of their resource.
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
import { TraceBus, type TraceRecord } from "../../src/trace/traceBus.js";
import { startPrivateLinkStack, type PrivateLinkStack } from "../arm/sharedPrivateLinkHarness.js";
import { clientOptions, dataPlaneHost, until } from "./support/scenarioPieces.js";

const sub = "00000000-0000-0000-0000-000000000000";
const rg = "contoso";
const resource = "contoso-webpubsub";
const site = "contoso-func";
const wpsId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.SignalRService/webPubSub/${resource}`;
const siteId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/sites/${site}`;
const fast = { updateIntervalInMs: 20 };

interface UpstreamCall {
  readonly path: string;
  readonly xff: string | undefined;
  readonly proto: string | undefined;
}

describe("the private path, end to end", () => {
  let ca: LocalCa;
  const trace = new TraceBus(20_000);
  let upstream: http.Server;
  let upstreamUrl: string;
  const calls: UpstreamCall[] = [];
  let front: SiteFront;
  let stack: PrivateLinkStack;
  const planes = new Map<string, ResourceDataPlane>();
  let service: WebPubSubServiceClient;
  const clients: WebPubSubClient[] = [];
  let publicOutbound: string;
  let privateSource: string;

  const startClient = async (userId: string): Promise<WebPubSubClient> => {
    const { url } = await service.getClientAccessToken({ userId });
    const client = new WebPubSubClient(url, clientOptions);
    clients.push(client);
    await client.start();
    return client;
  };

  /** Sends a user event and returns the X-Forwarded-For the upstream saw for it. */
  const eventSeenAs = async (client: WebPubSubClient, event: string): Promise<string | undefined> => {
    const before = calls.length;
    await client.sendEvent(event, "hi", "text");
    const call = await until(
      () => calls.slice(before).find((c) => c.path === `/api/${event}`),
      Boolean,
      `the upstream to get ${event}`,
    );
    return call?.xff;
  };

  const publicRequest = (): Promise<{ status: number; forbiddenIp: string | undefined }> =>
    new Promise((resolve, reject) => {
      const endpoint = front.endpoint();
      assert.ok(endpoint);
      http
        .get(
          {
            host: endpoint.host,
            port: endpoint.httpPort,
            path: "/health",
            headers: { host: `${site}.azurewebsites.net` },
          },
          (res) => {
            res.resume();
            resolve({
              status: res.statusCode ?? 0,
              forbiddenIp: res.headers["x-ms-forbidden-ip"] as string | undefined,
            });
          },
        )
        .on("error", reject);
    });

  const speStatus = async (): Promise<string | undefined> =>
    (await stack.wps.webPubSubSharedPrivateLinkResources.get("contoso-spe", rg, resource)).status;

  const siteConnectionName = async (): Promise<string> => {
    for await (const c of stack.appService.webApps.listPrivateEndpointConnectionList(rg, site))
      if (c.name) return c.name;
    throw new Error("the site has no private endpoint connection");
  };

  const decide = async (status: "Approved" | "Rejected"): Promise<void> => {
    const name = await siteConnectionName();
    await stack.appService.webApps
      .approveOrRejectPrivateEndpointConnection(
        rg,
        site,
        name,
        { privateLinkServiceConnectionState: { status, description: status } },
        fast,
      )
      .pollUntilDone();
    await until(speStatus, (s) => s === status, `the shared private endpoint to show ${status}`);
  };

  const createSharedPrivateEndpoint = async (): Promise<void> => {
    const spe = await stack.wps.webPubSubSharedPrivateLinkResources.beginCreateOrUpdateAndWait(
      "contoso-spe",
      rg,
      resource,
      { groupId: "sites", privateLinkResourceId: siteId, requestMessage: "please approve" },
      fast,
    );
    assert.deepEqual([spe.provisioningState, spe.status], ["Succeeded", "Pending"]);
  };

  const records = (kind: string, since: number): TraceRecord[] =>
    trace.snapshot((r) => r.kind === kind && r.time >= since);

  before(async () => {
    ca = loadOrCreateLocalCa(process.env.WPSLINK_TEST_CA_DIR ?? null);
    // The Function App's code: a real web-pubsub-express app; a first middleware notes what each call carried.
    const app = express();
    app.get("/health", (_req, res) => {
      res.send("ok");
    });
    app.use((req, _res, next) => {
      calls.push({
        path: req.path,
        xff: req.headers["x-forwarded-for"] as string | undefined,
        proto: req.headers["x-forwarded-proto"] as string | undefined,
      });
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

    stack = await startPrivateLinkStack({
      trace,
      transitionDelayMs: 20,
      propagationDelayMs: 30,
      makeHost: (network) => dataPlaneHost(ca, trace, () => front, network, planes),
    });
    front = createSiteFront({
      directory: stack.web,
      certificate: ca.issue(siteFrontCertificateNames),
      host: "127.0.0.1",
      httpPort: 0,
      httpsPort: 0,
      trace,
    });
    await front.start();

    // 1. The Standard resource and its hub, whose handler is the Function App.
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
            {
              urlTemplate: `https://${site}.azurewebsites.net/api/{event}`,
              userEventPattern: "*",
              systemEvents: ["connect"],
            },
          ],
          anonymousConnectPolicy: "deny",
        },
      },
      fast,
    );
    // 2. The Function App on an Elastic Premium plan, fronting the Express app.
    await stack.appService.appServicePlans.createOrUpdate(
      rg,
      "contoso-plan",
      { location: "eastus", sku: { name: "EP1" } },
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

    const keys = await stack.wps.webPubSub.listKeys(rg, resource);
    const plane = planes.get(wpsId.toLowerCase());
    assert.ok(plane, `no data plane among ${[...planes.keys()].join(", ")}`);
    assert.ok(keys.primaryKey);
    service = new WebPubSubServiceClient(
      `Endpoint=http://localhost:${plane.httpPort};AccessKey=${keys.primaryKey};Version=1.0;`,
      "chat",
      {
        allowInsecureConnection: true,
      },
    );
    const vnet = stack.network.vnet(wpsId);
    assert.ok(vnet);
    publicOutbound = vnet.addresses.publicOutboundAddress;
    privateSource = vnet.addresses.serviceAddress;
  });

  after(async () => {
    for (const client of clients) client.stop();
    await stack?.close();
    await front?.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it("before approval the upstream sees the service's public address", async () => {
    const alice = await startClient("alice");
    assert.equal(calls.find((c) => c.path === "/api/connect")?.xff, publicOutbound);
    assert.equal(await eventSeenAs(alice, "before"), publicOutbound);
    assert.equal((await publicRequest()).status, 200);
  });

  it("the shared private endpoint is Pending with a Pending connection on the site until approved", async () => {
    await createSharedPrivateEndpoint();
    const connections = [];
    for await (const c of stack.appService.webApps.listPrivateEndpointConnectionList(rg, site))
      connections.push(c);
    assert.deepEqual(
      connections.map((c) => [
        c.privateLinkServiceConnectionState?.status,
        c.privateLinkServiceConnectionState?.description,
      ]),
      [["Pending", "please approve"]],
    );
    const alice = await startClient("alice-2");
    assert.equal(await eventSeenAs(alice, "pending"), publicOutbound);
  });

  it("after approval calls travel the private path and the public network gets 403", async () => {
    const since = Date.now();
    await decide("Approved");
    const refused = await publicRequest();
    assert.deepEqual(refused, { status: 403, forbiddenIp: "127.0.0.1" });
    const bob = await startClient("bob");
    assert.equal(await eventSeenAs(bob, "private"), privateSource);
    assert.match(privateSource, /^10\.\d+\.0\.4$/);
    const call = records("upstream.call", since).find((r) => r.details?.event === "private");
    assert.equal(call?.details?.path, "private");
    const log = front.requestLog(site);
    assert.ok(log.some((e) => e.path === "private" && e.sourceAddress === privateSource && e.status === 200));
    assert.ok(log.some((e) => e.path === "public" && e.status === 403));
    assert.equal(calls.at(-1)?.proto, "https");
  });

  it("after rejection calls leave the private path; with public access Disabled they fail with the reason traced", async () => {
    await decide("Rejected");
    const carol = await startClient("carol");
    assert.equal(await eventSeenAs(carol, "rejected"), publicOutbound);
    await stack.appService.webApps.updateConfiguration(rg, site, { publicNetworkAccess: "Disabled" });
    const since = Date.now();
    await assert.rejects(carol.sendEvent("refused", "hi", "text"));
    const refusal = await until(
      () => records("site.refused", since),
      (r) => r.length > 0,
      "a site.refused record",
    );
    assert.match(String(refusal[0]?.details?.reason), /public network access to contoso-func is Disabled/);
    const call = records("upstream.call", since).find((r) => r.details?.event === "refused");
    assert.deepEqual([call?.details?.status, call?.details?.path], [403, "public"]);
    // A new client's connect fails the same way.
    const { url } = await service.getClientAccessToken({ userId: "dave" });
    const dave = new WebPubSubClient(url, clientOptions);
    clients.push(dave);
    await assert.rejects(dave.start());
  });

  it("a new approved endpoint restores the private path; deleting the site's connection leaves it Disconnected", async () => {
    await stack.wps.webPubSubSharedPrivateLinkResources.beginDeleteAndWait("contoso-spe", rg, resource, fast);
    await createSharedPrivateEndpoint();
    await decide("Approved");
    const erin = await startClient("erin");
    assert.equal(await eventSeenAs(erin, "private-again"), privateSource);

    await stack.appService.webApps
      .deletePrivateEndpointConnection(rg, site, await siteConnectionName(), fast)
      .pollUntilDone();
    await until(speStatus, (s) => s === "Disconnected", "Disconnected");
    // Public access is still Disabled, so calls now fail; re-enabling it brings the public path back.
    await assert.rejects(erin.sendEvent("disconnected", "hi", "text"));
    await stack.appService.webApps.updateConfiguration(rg, site, { publicNetworkAccess: "Enabled" });
    assert.equal(await eventSeenAs(erin, "public-again"), publicOutbound);
  });
});
