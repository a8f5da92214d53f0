// The Web PubSub pages in Chromium against the real management server with the three providers
// of the private path (webPubSub, Microsoft.Web, shared private link resources; data planes
// recorded by the provider tests' host): Overview keys with copy and regenerate, hub settings
// edited in the page, and the scenario's management steps: add a shared private endpoint in
// Networking → Private access (Succeeded / Pending), approve it on the Function App, and see it
// Approved back on the resource without a reload. The Free tier's refusal shows in words.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { openSqliteStore } from "../../src/store/sqliteStore.js";
import { TraceBus } from "../../src/trace/traceBus.js";
import { WebSiteService } from "../../src/arm/web/webSiteService.js";
import { registerWebProvider } from "../../src/arm/web/registerWebProvider.js";
import { ManagedNetwork } from "../../src/network/managedNetwork.js";
import { SharedPrivateLinkService } from "../../src/arm/webpubsub/sharedPrivateLinkService.js";
import { registerSharedPrivateLinkResources } from "../../src/arm/webpubsub/sharedPrivateLinkRoutes.js";
import {
  registerWebPubSubProvider,
  type WebPubSubProvider,
} from "../../src/arm/webpubsub/webPubSubProvider.js";
import { FakeDataPlaneHost } from "../arm/support/fakeDataPlaneHost.js";
import { openPortalBrowser, type PortalBrowser } from "./support/browser.js";
import { startManagementStack, type ManagementStack } from "./support/managementStack.js";

const sub = "00000000-0000-0000-0000-000000000000";
const rgPath = `/subscriptions/${sub}/resourceGroups/contoso`;
const wpsId = `${rgPath}/providers/Microsoft.SignalRService/WebPubSub/contoso-webpubsub`;
const freeId = `${rgPath}/providers/Microsoft.SignalRService/WebPubSub/contoso-free`;
const siteId = `${rgPath}/providers/Microsoft.Web/sites/contoso-func`;

type Body = { properties?: Record<string, unknown> } & Record<string, unknown>;

describe("Web PubSub pages and private access in a browser", () => {
  const store = openSqliteStore({ path: ":memory:" });
  const trace = new TraceBus();
  let web: WebSiteService;
  let spe: SharedPrivateLinkService;
  let provider: WebPubSubProvider | undefined;
  let stack: ManagementStack;
  let browser: PortalBrowser;

  /** PUT and wait (bounded) until the resource reports Succeeded. */
  async function create(id: string, body: unknown): Promise<void> {
    const put = await stack.arm("PUT", id, body);
    assert.ok(put.status < 300, JSON.stringify(put.body));
    for (let i = 0; i < 100; i += 1) {
      const got = await stack.arm("GET", id);
      const state = (got.body as Body).properties?.provisioningState;
      if (got.status === 200 && (state === undefined || state === "Succeeded")) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.fail(`${id} did not reach Succeeded`);
  }

  before(async () => {
    web = await WebSiteService.open({ store, transitionDelayMs: 500, trace });
    const network = new ManagedNetwork({ siteExists: (name) => web.siteExists(name) });
    spe = await SharedPrivateLinkService.open({ store, web, network, propagationDelayMs: 1500, trace });
    stack = await startManagementStack({
      store,
      trace,
      register: (runtime) => {
        registerWebProvider(runtime, web);
        provider = registerWebPubSubProvider(runtime, {
          host: new FakeDataPlaneHost(),
          publicHostname: "localhost",
        });
        provider.addHooks(registerSharedPrivateLinkResources(runtime, spe));
      },
    });
    await create(wpsId, { location: "eastus", sku: { name: "Standard_S1" } });
    await create(freeId, { location: "eastus", sku: { name: "Free_F1" } });
    await create(`${rgPath}/providers/Microsoft.Web/serverfarms/contoso-plan`, {
      location: "eastus",
      sku: { name: "EP1" },
    });
    await create(siteId, {
      location: "eastus",
      kind: "functionapp",
      properties: { serverFarmId: `${rgPath}/providers/Microsoft.Web/serverfarms/contoso-plan` },
    });
    browser = await openPortalBrowser();
  });

  after(async () => {
    await browser?.close();
    spe?.close();
    web?.close();
    await provider?.stopAll();
    await stack?.close();
    await store.close();
  });

  it("shows the resource's essentials and keys, and regenerates the primary key", async () => {
    const { page } = browser;
    await page.goto(`${stack.url}/portal`);
    await page.getByRole("link", { name: "contoso-webpubsub" }).click();
    await page.getByRole("heading", { name: /contoso-webpubsub \| Overview/ }).waitFor();
    const keys = (await stack.arm("POST", `${wpsId}/listKeys`)).body as Record<string, string>;
    const primary = page.getByLabel("Primary key", { exact: true });
    await primary.waitFor();
    assert.equal(await primary.inputValue(), keys.primaryKey);
    assert.equal(await primary.getAttribute("type"), "password");
    assert.equal(
      await page.getByLabel("Primary connection string", { exact: true }).inputValue(),
      keys.primaryConnectionString,
    );
    assert.match(await page.locator(".essentials").innerText(), /Pricing tier\s+Standard/);
    await browser.screenshot("wps-01-overview");

    await page.getByRole("button", { name: "Regenerate primary key" }).click();
    await page
      .getByRole("dialog", { name: "Regenerate primary key" })
      .getByRole("button", { name: "Regenerate" })
      .click();
    for (let i = 0; i < 50 && (await primary.inputValue()) === keys.primaryKey; i += 1)
      await page.waitForTimeout(100);
    const regenerated = (await stack.arm("POST", `${wpsId}/listKeys`)).body as Record<string, string>;
    assert.notEqual(regenerated.primaryKey, keys.primaryKey);
    assert.equal(await primary.inputValue(), regenerated.primaryKey);
  });

  it("adds a hub with an event handler in Settings", async () => {
    const { page } = browser;
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("button", { name: "Add hub" }).click();
    const panel = page.getByRole("dialog", { name: "Add hub" });
    await panel.getByLabel("Hub name").fill("chat");
    await panel.getByLabel("URL template").fill("https://contoso-func.azurewebsites.net/api/{event}");
    await panel.getByRole("checkbox", { name: "connect", exact: true }).check();
    await panel.getByRole("button", { name: "Save" }).click();
    const card = page.locator('[data-hub="chat"]');
    await card.waitFor();
    assert.match(await card.innerText(), /contoso-func\.azurewebsites\.net\/api\/\{event\}/);
    const hub = (await stack.arm("GET", `${wpsId}/hubs/chat`)).body as Body;
    const handlers = hub.properties?.eventHandlers as Array<{ urlTemplate: string; systemEvents: string[] }>;
    assert.equal(handlers[0]?.urlTemplate, "https://contoso-func.azurewebsites.net/api/{event}");
    assert.deepEqual([...(handlers[0]?.systemEvents ?? [])].sort(), ["connect", "connected", "disconnected"]);
    await browser.screenshot("wps-02-settings");

    // A template ARM refuses: the editor stays open and says why.
    await page.getByRole("button", { name: "Add hub" }).click();
    const bad = page.getByRole("dialog", { name: "Add hub" });
    await bad.getByLabel("Hub name").fill("broken");
    await bad.getByLabel("URL template").fill("not a url");
    await bad.getByRole("button", { name: "Save" }).click();
    const alert = bad.getByRole("alert");
    await alert.waitFor();
    assert.match(await alert.innerText(), /The hub could not be saved/);
    assert.match(await alert.innerText(), /InvalidRequestContent/);
    assert.match(await alert.innerText(), /not a url/);
    await browser.screenshot("wps-02b-settings-error");
    await bad.getByRole("button", { name: "Cancel" }).click();
    assert.equal((await stack.arm("GET", `${wpsId}/hubs/broken`)).status, 404);
  });

  it("adds a shared private endpoint: Succeeded / Pending; approved on the Function App; Approved", async () => {
    const { page } = browser;
    await page.getByRole("link", { name: "Networking" }).click();
    await page.getByRole("tab", { name: "Private access" }).click();
    await page.getByRole("button", { name: "Add shared private endpoint" }).click();
    const panel = page.getByRole("dialog", { name: "Add shared private endpoint" });
    await panel.locator('input[name="spe-name"]').fill("func-pe");
    await panel.locator('select[name="target-resource"] option[value]').nth(1).waitFor({ state: "attached" });
    await panel.locator('select[name="target-resource"]').selectOption(siteId);
    assert.equal(await panel.locator('select[name="group-id"]').inputValue(), "sites");
    await panel.locator('textarea[name="request-message"]').fill("please approve");
    await browser.screenshot("wps-03-add-shared-private-endpoint");
    await panel.getByRole("button", { name: "Create" }).click();
    const row = page.locator('tr[data-name="func-pe"]');
    await row.locator('[data-column="provisioningState"] [data-status="Succeeded"]').waitFor();
    await row.locator('[data-column="status"] [data-status="Pending"]').waitFor();
    await browser.screenshot("wps-04-succeeded-pending");

    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Home" }).click();
    await page.getByRole("link", { name: "contoso-func" }).click();
    await page.getByRole("link", { name: "Networking" }).click();
    // The connection the shared private endpoint asked for carries its request message.
    const pending = page.locator("tr[data-name]").filter({ hasText: "please approve" });
    await pending.locator('[data-status="Pending"]').first().waitFor();
    const connectionName = await pending.getAttribute("data-name");
    assert.match(connectionName ?? "", /^func-pe/);
    const connection = page.locator(`tr[data-name="${connectionName}"]`);
    await connection.click();
    await page.getByRole("button", { name: "Approve" }).click();
    const dialog = page.getByRole("dialog", { name: "Approve connection" });
    await dialog.locator('textarea[name="description"]').fill("Approved for Web PubSub");
    await dialog.getByRole("button", { name: "Yes" }).click();
    await connection.locator('[data-column="status"] [data-status="Approved"]').waitFor();
    await browser.screenshot("wps-05-site-approved");

    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Home" }).click();
    await page.getByRole("link", { name: "contoso-webpubsub" }).click();
    await page.getByRole("link", { name: "Networking" }).click();
    await page.getByRole("tab", { name: "Private access" }).click();
    // The site's decision reaches the shared private endpoint after the propagation delay.
    await row.locator('[data-column="status"] [data-status="Approved"]').waitFor();
    await browser.screenshot("wps-06-approved");
  });

  it("shows the Free tier's refusal in words in the add form", async () => {
    const { page } = browser;
    await page.goto(`${stack.url}/portal/resource${freeId}/networking?tab=private`);
    await page.getByRole("button", { name: "Add shared private endpoint" }).click();
    const panel = page.getByRole("dialog", { name: "Add shared private endpoint" });
    await panel.locator('input[name="spe-name"]').fill("free-pe");
    await panel.getByRole("radio", { name: "Resource ID" }).check();
    await panel.locator('input[name="target-id"]').fill(siteId);
    await panel.getByRole("button", { name: "Create" }).click();
    const alert = panel.getByRole("alert");
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /could not be created/);
    assert.match(text, /BadRequest/);
    assert.match(text, /Standard or Premium tier/);
    await browser.screenshot("wps-07-free-tier-refused");
  });
});
