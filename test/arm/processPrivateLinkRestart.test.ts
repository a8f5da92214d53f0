// The real `wpslink` process with a persistent workspace, driven by the unmodified
// @azure/arm-webpubsub and @azure/arm-appservice clients over HTTPS: plans, sites, a shared
// private endpoint and its approved connection survive `kill -9`, and after the restart the
// resource's route to the site is still the private one.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { WebPubSubManagementClient } from "@azure/arm-webpubsub";
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { createLocalCredential } from "../../src/arm/auth/localCredential.js";
import { startWpslinkProcess, trustedWorkspace, type WpslinkProcess } from "../support/wpslinkProcess.js";

const sub = "00000000-0000-0000-0000-000000000000";
const rg = "contoso";
const fast = { updateIntervalInMs: 50 };
const workspace = trustedWorkspace();
const processes: WpslinkProcess[] = [];
const flags = ["--location", workspace, "--propagation-delay", "50", "--site-transition-delay", "50"];
const env = { WPSLINK_FROM_SOURCE: "1" };
const siteId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/sites/contoso-func`;

after(async () => {
  for (const p of processes) await p.stop("SIGKILL");
  rmSync(workspace, { recursive: true, force: true });
});

function clients(p: WpslinkProcess): { wps: WebPubSubManagementClient; web: WebSiteManagementClient } {
  const endpoint = p.summary.managementUrl!;
  const credential = createLocalCredential({ managementUrl: endpoint });
  return {
    wps: new WebPubSubManagementClient(credential, sub, {
      endpoint,
      credentialScopes: [`${endpoint}/.default`],
    }),
    web: new WebSiteManagementClient(credential, sub, { endpoint }),
  };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function route(
  p: WpslinkProcess,
  resourceId: string,
): Promise<{ path: string | null; sourceAddress: string | null }> {
  const url = new URL("/_wpslink/network/route", p.summary.managementUrl!);
  url.searchParams.set("resource", resourceId);
  url.searchParams.set("host", "contoso-func.azurewebsites.net");
  const response = await fetch(url);
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as { path: string | null; sourceAddress: string | null };
}

describe("wpslink process: the private path survives kill -9", () => {
  it("keeps plans, sites, the approved connection and the private route", async () => {
    const first = await startWpslinkProcess(flags, { env });
    processes.push(first);
    const { wps, web } = clients(first);

    const resource = await wps.webPubSub.beginCreateOrUpdateAndWait(
      rg,
      "contoso-webpubsub",
      { location: "eastus", sku: { name: "Standard_S1" } },
      fast,
    );
    const plan = await web.appServicePlans.createOrUpdate(
      rg,
      "contoso-plan",
      { location: "eastus", sku: { name: "EP1" } },
      fast,
    );
    await web.webApps.createOrUpdate(
      rg,
      "contoso-func",
      {
        location: "eastus",
        kind: "functionapp",
        serverFarmId: plan.id,
        siteConfig: { appSettings: [{ name: "WPSLINK_BACKEND_URL", value: "http://127.0.0.1:9" }] },
      },
      fast,
    );
    const spe = await wps.webPubSubSharedPrivateLinkResources.beginCreateOrUpdateAndWait(
      "func-pe",
      rg,
      "contoso-webpubsub",
      { groupId: "sites", privateLinkResourceId: siteId, requestMessage: "please approve" },
      fast,
    );
    assert.equal(spe.provisioningState, "Succeeded");
    assert.equal(spe.status, "Pending");
    assert.equal((await route(first, resource.id!)).path, "public");

    const connections = [];
    for await (const c of web.webApps.listPrivateEndpointConnectionList(rg, "contoso-func"))
      connections.push(c);
    assert.equal(connections.length, 1);
    assert.equal(connections[0]!.privateLinkServiceConnectionState?.description, "please approve");
    await web.webApps
      .approveOrRejectPrivateEndpointConnection(
        rg,
        "contoso-func",
        connections[0]!.name!,
        { privateLinkServiceConnectionState: { status: "Approved", description: "ok" } },
        fast,
      )
      .pollUntilDone();
    await until(
      () => wps.webPubSubSharedPrivateLinkResources.get("func-pe", rg, "contoso-webpubsub"),
      (s) => s.status === "Approved",
      "the shared private endpoint to show Approved",
    );
    const before = await route(first, resource.id!);
    assert.equal(before.path, "private");
    assert.match(before.sourceAddress ?? "", /^10\./);

    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));

    const second = await startWpslinkProcess(flags, { env });
    processes.push(second);
    const again = clients(second);
    assert.equal((await again.web.appServicePlans.get(rg, "contoso-plan")).sku?.name, "EP1");
    const site = await again.web.webApps.get(rg, "contoso-func");
    assert.equal(site.kind, "functionapp");
    const settings = await again.web.webApps.listApplicationSettings(rg, "contoso-func");
    assert.equal(settings.properties?.WPSLINK_BACKEND_URL, "http://127.0.0.1:9");
    const restored = [];
    for await (const c of again.web.webApps.listPrivateEndpointConnectionList(rg, "contoso-func"))
      restored.push(c.privateLinkServiceConnectionState?.status);
    assert.deepEqual(restored, ["Approved"]);
    const restoredSpe = await again.wps.webPubSubSharedPrivateLinkResources.get(
      "func-pe",
      rg,
      "contoso-webpubsub",
    );
    assert.equal(restoredSpe.status, "Approved");
    const after = await route(second, resource.id!);
    assert.equal(after.path, "private");
    assert.equal(after.sourceAddress, before.sourceAddress);

    // Errors through the real process come back as the SDK's RestError with ARM codes.
    await assert.rejects(
      again.web.webApps.get(rg, "no-such-site"),
      (error: { statusCode?: number; code?: string }) => {
        assert.equal(error.statusCode, 404);
        return true;
      },
    );
    await assert.rejects(
      again.web.appServicePlans.createOrUpdate(
        rg,
        "bad-plan",
        { location: "eastus", sku: { name: "ZZ9" } },
        fast,
      ),
      (error: { statusCode?: number }) => {
        assert.equal(error.statusCode, 400);
        return true;
      },
    );
  });
});
