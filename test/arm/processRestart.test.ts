// The real `wpslink` process with a persistent workspace, driven by the unmodified
// @azure/arm-webpubsub: resources, hubs and regenerated keys survive `kill -9`; after the
// restart every data plane is back on its port and only the current keys work.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import WebSocket from "ws";
import { WebPubSubManagementClient } from "@azure/arm-webpubsub";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { createLocalCredential } from "../../src/arm/auth/localCredential.js";
import { startWpslinkProcess, trustedWorkspace, type WpslinkProcess } from "../support/wpslinkProcess.js";

const sub = "00000000-0000-0000-0000-000000000000";
const rg = "restart-rg";
const fast = { updateIntervalInMs: 50 };
const workspace = trustedWorkspace();
const processes: WpslinkProcess[] = [];
// Run the sources under test, never a stale build in dist/.
const fromSource = { WPSLINK_FROM_SOURCE: "1" };

after(async () => {
  for (const p of processes) await p.stop("SIGKILL");
  rmSync(workspace, { recursive: true, force: true });
});

function managementClient(p: WpslinkProcess): WebPubSubManagementClient {
  const url = p.summary.managementUrl;
  assert.ok(url, "wpslink start reports its management URL");
  return new WebPubSubManagementClient(createLocalCredential({ managementUrl: url }), sub, {
    endpoint: url,
    credentialScopes: [`${url}/.default`],
  });
}

function upgrade(url: string): Promise<"open" | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, "json.webpubsub.azure.v1");
    const timer = setTimeout(() => reject(new Error(`no answer from ${url}`)), 5000);
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

describe("wpslink process: state survives kill -9", () => {
  it("brings back resources, hubs, keys and data planes", async () => {
    const first = await startWpslinkProcess(["--location", workspace], { env: fromSource });
    processes.push(first);
    const client = managementClient(first);
    // The default resource is an ordinary ARM resource.
    const defaultResource = await client.webPubSub.get(
      first.summary.defaultResource.resourceId.split("/")[4]!,
      first.summary.defaultResource.name,
    );
    assert.equal(defaultResource.provisioningState, "Succeeded");

    const created = await client.webPubSub.beginCreateOrUpdateAndWait(
      rg,
      "survivor",
      { location: "eastus", sku: { name: "Standard_S1" } },
      fast,
    );
    await client.webPubSubHubs.beginCreateOrUpdateAndWait(
      "lobby",
      rg,
      "survivor",
      { properties: { anonymousConnectPolicy: "allow" } },
      fast,
    );
    const oldKeys = await client.webPubSub.listKeys(rg, "survivor");
    const newKeys = await client.webPubSub.beginRegenerateKeyAndWait(
      rg,
      "survivor",
      { keyType: "Primary" },
      fast,
    );
    assert.equal(await upgrade(`wss://localhost:${created.publicPort}/client/hubs/lobby`), "open");

    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));

    const second = await startWpslinkProcess(["--location", workspace], { env: fromSource });
    processes.push(second);
    const again = managementClient(second);
    const restored = await again.webPubSub.get(rg, "survivor");
    assert.equal(restored.provisioningState, "Succeeded");
    assert.equal(restored.publicPort, created.publicPort);
    const keys = await again.webPubSub.listKeys(rg, "survivor");
    assert.equal(keys.primaryKey, newKeys.primaryKey);
    const hub = await again.webPubSubHubs.get("lobby", rg, "survivor");
    assert.equal(hub.properties.anonymousConnectPolicy, "allow");

    // The data plane is back on its port with its hub settings and keys.
    assert.equal(await upgrade(`wss://localhost:${restored.publicPort}/client/hubs/lobby`), "open");
    const current = new WebPubSubServiceClient(keys.primaryConnectionString!, "chat");
    assert.equal(await upgrade((await current.getClientAccessToken()).url), "open");
    const stale = new WebPubSubServiceClient(oldKeys.primaryConnectionString!, "chat");
    assert.equal(await upgrade((await stale.getClientAccessToken()).url), 401);
  });
});
