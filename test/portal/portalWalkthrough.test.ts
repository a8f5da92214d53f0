// The issue-6 walk-through in Chromium, the way a person does it in the portal, against wpslink
// as `startWpslink` composes it (management plane, site front end, data planes on the private
// network): add the shared private endpoint in Networking → Private access (Succeeded /
// Pending), approve it on the Function App (Approved), connect a client, and see in Live trace
// that the upstream call took the private path and that the upstream saw a private
// X-Forwarded-For. The Function App's code is a real @azure/web-pubsub-express app on loopback.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { WebPubSubClient } from "@azure/web-pubsub-client";
import { WebPubSubEventHandler } from "@azure/web-pubsub-express";
import { configSchema } from "../../src/config/schema.js";
import { startWpslink, type RunningWpslink } from "../../src/composition/root.js";
import { buildPortal } from "../../scripts/build-portal.js";
import { trustedWorkspace } from "../support/wpslinkProcess.js";
import { openPortalBrowser, type PortalBrowser } from "./support/browser.js";

const sub = "00000000-0000-0000-0000-000000000000";
const rgPath = `/subscriptions/${sub}/resourceGroups/contoso`;
const wpsId = `${rgPath}/providers/Microsoft.SignalRService/WebPubSub/contoso-webpubsub`;
const planId = `${rgPath}/providers/Microsoft.Web/serverfarms/contoso-plan`;
const siteId = `${rgPath}/providers/Microsoft.Web/sites/contoso-func`;
const privateAddress = /^10\.\d+\.\d+\.\d+$/;

describe("the scenario in the portal", () => {
  let running: RunningWpslink;
  let managementUrl: string;
  let token: string;
  let browser: PortalBrowser;
  let upstream: http.Server;
  /** X-Forwarded-For of every call the Function App's code received, by path. */
  const seen: Array<{ path: string; forwardedFor: string | undefined }> = [];
  const clients: WebPubSubClient[] = [];

  async function armCall(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const apiVersion = path.includes("Microsoft.Web") ? "2025-05-01" : "2024-03-01";
    const response = await fetch(`${managementUrl}${path}?api-version=${apiVersion}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
  }

  async function arm(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await armCall(method, path, body);
    assert.ok(
      response.status < 300,
      `${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`,
    );
    return (response.body ?? {}) as Record<string, unknown>;
  }

  async function succeeded(path: string): Promise<void> {
    for (let i = 0; i < 100; i += 1) {
      const body = await arm("GET", path);
      const state = (body.properties as { provisioningState?: string } | undefined)?.provisioningState;
      if (state === undefined || state === "Succeeded") return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.fail(`${path} did not reach Succeeded`);
  }

  /** Takes a client URL from the Overview's Client URL Generator and connects a client with it. */
  async function connectFromPortal(userId: string): Promise<string> {
    const { page } = browser;
    await page.getByRole("link", { name: "Overview" }).click();
    await page.locator('input[name="client-hub"]').fill("chat");
    await page.locator('input[name="client-user"]').fill(userId);
    await page.getByRole("button", { name: "Generate client URL" }).click();
    const url = await page.getByLabel("Client access URL", { exact: true }).inputValue();
    assert.match(url, /^wss?:\/\/localhost:\d+\/client\/hubs\/chat\?access_token=/);
    return url;
  }

  async function startClient(url: string): Promise<void> {
    // No keep-alive tasks: the SDK's last keep-alive delay would otherwise hold the test process for 20–40 s after stop().
    const client = new WebPubSubClient(url, {
      autoReconnect: false,
      keepAliveIntervalInMs: 0,
      keepAliveTimeoutInMs: 0,
    });
    clients.push(client);
    await client.start();
  }

  before(async () => {
    // The Function App's code: a web-pubsub-express app that notes what each call carried.
    const app = express();
    app.use((req, _res, next) => {
      seen.push({ path: req.path, forwardedFor: req.headers["x-forwarded-for"] as string | undefined });
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
    const backendUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

    await buildPortal({ typecheck: false });
    // Step 1: the Standard resource is wpslink's default resource, named as in the scenario.
    running = await startWpslink(
      configSchema.parse({
        location: trustedWorkspace(),
        dataPlaneHttpPort: 0,
        dataPlaneHttpsPort: 0,
        managementPort: 0,
        siteHttpPort: 0,
        siteHttpsPort: 0,
        propagationDelayMs: 1500,
        logLevel: "silent",
        defaultResource: { resourceGroup: "contoso", name: "contoso-webpubsub" },
      }),
    );
    assert.ok(
      running.summary.managementUrl && running.summary.portalUrl,
      "wpslink serves no management plane",
    );
    managementUrl = running.summary.managementUrl;
    const issued = await fetch(`${managementUrl}/_wpslink/token`, { method: "POST" });
    token = ((await issued.json()) as { access_token: string }).access_token;
    // Steps 2–3, set up through ARM: the hub whose event handler is the Function App, and the
    // Function App on an Elastic Premium plan, fronting the Express app.
    await succeeded(wpsId);
    await arm("PUT", `${wpsId}/hubs/chat`, {
      properties: {
        eventHandlers: [
          {
            urlTemplate: "https://contoso-func.azurewebsites.net/api/{event}",
            userEventPattern: "*",
            systemEvents: ["connect", "connected"],
          },
        ],
      },
    });
    await succeeded(`${wpsId}/hubs/chat`);
    await arm("PUT", planId, { location: "eastus", sku: { name: "EP1" } });
    await arm("PUT", siteId, {
      location: "eastus",
      kind: "functionapp",
      properties: {
        serverFarmId: planId,
        siteConfig: { appSettings: [{ name: "WPSLINK_BACKEND_URL", value: backendUrl }] },
      },
    });
    browser = await openPortalBrowser();
  });

  after(async () => {
    for (const client of clients) client.stop();
    await browser?.close();
    await running?.close();
    upstream?.closeAllConnections();
    if (upstream) await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it("adds the shared private endpoint in Networking → Private access: Succeeded / Pending", async () => {
    const { page } = browser;
    await page.goto(running.summary.portalUrl!);
    await page.getByRole("link", { name: "contoso-webpubsub" }).click();
    await page.getByRole("link", { name: "Networking" }).click();
    await page.getByRole("tab", { name: "Private access" }).click();
    await page.getByRole("button", { name: "Add shared private endpoint" }).click();
    const panel = page.getByRole("dialog", { name: "Add shared private endpoint" });
    await panel.locator('input[name="spe-name"]').fill("contoso-spe");
    await panel
      .locator(`select[name="target-resource"] option[value="${siteId}"]`)
      .waitFor({ state: "attached" });
    await panel.locator('select[name="target-resource"]').selectOption(siteId);
    await panel.locator('select[name="group-id"]').selectOption("sites");
    await panel.locator('textarea[name="request-message"]').fill("please approve");
    await browser.screenshot("walkthrough-01-add-shared-private-endpoint");
    await panel.getByRole("button", { name: "Create" }).click();
    const row = page.locator('tr[data-name="contoso-spe"]');
    await row.locator('[data-column="provisioningState"] [data-status="Succeeded"]').waitFor();
    await row.locator('[data-column="status"] [data-status="Pending"]').waitFor();
    await browser.screenshot("walkthrough-02-succeeded-pending");
  });

  it("approves the connection on the Function App: Approved", async () => {
    const { page } = browser;
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Home" }).click();
    await page.getByRole("link", { name: "contoso-func" }).click();
    await page.getByRole("link", { name: "Networking" }).click();
    const pending = page.locator("tr[data-name]").filter({ hasText: "please approve" });
    await pending.locator('[data-column="status"] [data-status="Pending"]').waitFor();
    const name = await pending.getAttribute("data-name");
    assert.ok(name);
    await browser.screenshot("walkthrough-03-site-pending");
    await pending.click();
    await page.getByRole("button", { name: "Approve" }).click();
    const dialog = page.getByRole("dialog", { name: "Approve connection" });
    await dialog.locator('textarea[name="description"]').fill("Approved for contoso-webpubsub");
    await dialog.getByRole("button", { name: "Yes" }).click();
    const row = page.locator(`tr[data-name="${name}"]`);
    await row.locator('[data-column="status"] [data-status="Approved"]').waitFor();
    assert.match(await row.innerText(), /10\.\d+\.\d+\.\d+/);
    await browser.screenshot("walkthrough-04-site-approved");

    // The decision reaches the shared private endpoint after the propagation delay, live.
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Home" }).click();
    await page.getByRole("link", { name: "contoso-webpubsub" }).click();
    await page.getByRole("link", { name: "Networking" }).click();
    await page.getByRole("tab", { name: "Private access" }).click();
    await page
      .locator('tr[data-name="contoso-spe"] [data-column="status"] [data-status="Approved"]')
      .waitFor();
    await browser.screenshot("walkthrough-05-approved");
  });

  it("shows in Live trace that a client's upstream calls took the private path with a private X-Forwarded-For", async () => {
    const { page } = browser;
    // The person takes a client URL from the Overview's Client URL Generator...
    const url = await connectFromPortal("alice");
    await browser.screenshot("walkthrough-06-client-url");
    // ...and watches Live trace while a client connects with it.
    await page.getByRole("link", { name: "Live trace" }).click();
    await page.getByRole("table", { name: "Upstream calls" }).waitFor();
    await startClient(url);

    const connect = page.locator('table[aria-label="Upstream calls"] tr[data-event="connect"]').first();
    await connect.waitFor();
    assert.equal(await connect.getAttribute("data-path"), "private");
    const forwardedFor = connect.locator('[data-column="forwarded-for"]');
    for (let i = 0; i < 50 && !privateAddress.test((await forwardedFor.innerText()).trim()); i += 1) {
      await page.waitForTimeout(100);
    }
    const shown = (await forwardedFor.innerText()).trim();
    assert.match(shown, privateAddress);
    // The page tells the truth: the Function App's own code saw the same private address.
    assert.equal(seen.find((call) => call.path === "/api/connect")?.forwardedFor, shown);
    const connections = page.getByRole("table", { name: "Connections" });
    await connections.getByText("alice").waitFor();
    await page.locator('table[aria-label="Upstream calls"] tr[data-event="connected"]').first().waitFor();
    await browser.screenshot("walkthrough-07-live-trace-private");
  });

  it("shows the private caller in the Function App's request log", async () => {
    const { page } = browser;
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Home" }).click();
    await page.getByRole("link", { name: "contoso-func" }).click();
    await page.getByRole("link", { name: "Request log" }).click();
    const table = page.getByRole("table", { name: "Request log" });
    await table.getByText("/api/connect", { exact: true }).first().waitFor();
    const row = table.locator("tr").filter({ hasText: "/api/connect" }).first();
    assert.match(await row.innerText(), /10\.\d+\.\d+\.\d+/);
    assert.match(await row.innerText(), /private/);
    await browser.screenshot("walkthrough-08-request-log");
  });

  it("after a reject on the Function App, the next calls take the public path", async () => {
    const { page } = browser;
    await page.getByRole("link", { name: "Networking" }).click();
    const row = page.locator("tr[data-name]").first();
    await row.locator('[data-column="status"] [data-status="Approved"]').waitFor();
    await row.click();
    await page.getByRole("button", { name: "Reject" }).click();
    await page
      .getByRole("dialog", { name: "Reject connection" })
      .getByRole("button", { name: "Yes" })
      .click();
    await row.locator('[data-column="status"] [data-status="Rejected"]').waitFor();

    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Home" }).click();
    await page.getByRole("link", { name: "contoso-webpubsub" }).click();
    await page.getByRole("link", { name: "Networking" }).click();
    await page.getByRole("tab", { name: "Private access" }).click();
    await page
      .locator('tr[data-name="contoso-spe"] [data-column="status"] [data-status="Rejected"]')
      .waitFor();
    await browser.screenshot("walkthrough-09-rejected");

    const url = await connectFromPortal("bob");
    await page.getByRole("link", { name: "Live trace" }).click();
    await page.getByRole("table", { name: "Upstream calls" }).waitFor();
    const before = seen.length;
    await startClient(url);
    const publicCall = page
      .locator('table[aria-label="Upstream calls"] tr[data-event="connect"][data-path="public"]')
      .first();
    await publicCall.waitFor();
    const forwardedFor = publicCall.locator('[data-column="forwarded-for"]');
    for (let i = 0; i < 50 && (await forwardedFor.innerText()).trim() === "—"; i += 1)
      await page.waitForTimeout(100);
    const shown = (await forwardedFor.innerText()).trim();
    assert.doesNotMatch(shown, privateAddress);
    assert.equal(seen.slice(before).find((call) => call.path === "/api/connect")?.forwardedFor, shown);
    await browser.screenshot("walkthrough-10-live-trace-public");
  });

  it("deletes the shared private endpoint; the Function App's connection goes with it", async () => {
    const { page } = browser;
    await page.getByRole("link", { name: "Networking" }).click();
    await page.getByRole("tab", { name: "Private access" }).click();
    const row = page.locator('tr[data-name="contoso-spe"]');
    await row.click();
    await page.getByRole("button", { name: "Delete" }).click();
    await page
      .getByRole("dialog", { name: "Delete shared private endpoint 'contoso-spe'" })
      .getByRole("button", { name: "Delete" })
      .click();
    await row.waitFor({ state: "detached" });
    await page.getByText("No shared private endpoints.", { exact: false }).waitFor();
    for (let i = 0; i < 50; i += 1) {
      const left = (await armCall("GET", `${siteId}/privateEndpointConnections`)).body as {
        value: unknown[];
      };
      if (left.value.length === 0) break;
      await page.waitForTimeout(100);
    }
    const left = (await armCall("GET", `${siteId}/privateEndpointConnections`)).body as {
      value: unknown[];
    };
    assert.deepEqual(left.value, []);
    await browser.screenshot("walkthrough-11-deleted");
  });
});
