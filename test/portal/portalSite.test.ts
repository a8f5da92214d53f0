// The Function App pages in Chromium against the real management server with the Microsoft.Web
// provider: the resource list, Overview (backend URL and public network access saved through
// ARM), Networking → Private endpoint connections (a pending connection approved with a
// description, another rejected, then removed; states move without a reload) and the request log.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { openSqliteStore } from "../../src/store/sqliteStore.js";
import { TraceBus } from "../../src/trace/traceBus.js";
import { WebSiteService } from "../../src/arm/web/webSiteService.js";
import { registerWebProvider } from "../../src/arm/web/registerWebProvider.js";
import type { SiteRequestLogEntry } from "../../src/sitefront/requestLog.js";
import { openPortalBrowser, type PortalBrowser } from "./support/browser.js";
import { startManagementStack, type ManagementStack } from "./support/managementStack.js";

const sub = "00000000-0000-0000-0000-000000000000";
const rgPath = `/subscriptions/${sub}/resourceGroups/contoso`;
const siteId = `${rgPath}/providers/Microsoft.Web/sites/contoso-func`;

describe("Function App pages in a browser", () => {
  const store = openSqliteStore({ path: ":memory:" });
  let web: WebSiteService;
  let stack: ManagementStack;
  let browser: PortalBrowser;
  const requests: SiteRequestLogEntry[] = [
    {
      time: Date.now(),
      method: "GET",
      url: "/api/hello",
      sourceAddress: "203.0.113.10",
      path: "public",
      status: 403,
      durationMs: 0.4,
      reason: "public network access is disabled",
    },
  ];

  /** A Pending connection as a private endpoint (here: written through the site domain) asks for one. */
  async function requestConnection(prefix: string, message: string): Promise<string> {
    const created = web.newConnection({
      siteId,
      namePrefix: prefix,
      description: message,
      address: "10.0.0.4",
      privateEndpointId: `/subscriptions/${sub}/resourceGroups/managed/providers/Microsoft.Network/privateEndpoints/${prefix}`,
      owner: null,
    });
    await web.writeConnection(store, created);
    web.adopt(created);
    return created.name;
  }

  before(async () => {
    // The site domain reports connection changes on the trace bus; the portal refreshes on them.
    const trace = new TraceBus();
    web = await WebSiteService.open({ store, transitionDelayMs: 600, trace });
    stack = await startManagementStack({
      store,
      trace,
      register: (runtime) => registerWebProvider(runtime, web),
      siteRequestLog: (site) => (site === "contoso-func" ? requests : []),
    });
    const plan = await stack.arm("PUT", `${rgPath}/providers/Microsoft.Web/serverfarms/contoso-plan`, {
      location: "eastus",
      sku: { name: "EP1" },
    });
    assert.ok(plan.status < 300, JSON.stringify(plan.body));
    const site = await stack.arm("PUT", siteId, {
      location: "eastus",
      kind: "functionapp",
      properties: {
        serverFarmId: `${rgPath}/providers/Microsoft.Web/serverfarms/contoso-plan`,
        siteConfig: { appSettings: [{ name: "WPSLINK_BACKEND_URL", value: "http://127.0.0.1:7071" }] },
      },
    });
    assert.ok(site.status < 300, JSON.stringify(site.body));
    browser = await openPortalBrowser();
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
    web?.close();
    await store.close();
  });

  it("lists the plan and the Function App under their resource group", async () => {
    const { page } = browser;
    await page.goto(`${stack.url}/portal`);
    const group = page.locator('section[data-resource-group="contoso"]');
    await group.getByRole("link", { name: "contoso-func" }).waitFor();
    assert.match(await group.innerText(), /Function App/);
    assert.match(await group.innerText(), /contoso-plan\s+App Service plan/);
    await browser.screenshot("site-01-resource-list");
  });

  it("edits the backend URL and the public network access on the Overview", async () => {
    const { page } = browser;
    await page.getByRole("link", { name: "contoso-func" }).click();
    await page.getByRole("heading", { name: /contoso-func \| Overview/ }).waitFor();
    const backend = page.locator('input[name="backend-url"]');
    // The app settings arrive with their own request; wait (bounded) until the field shows them.
    for (let i = 0; i < 50 && (await backend.inputValue()) !== "http://127.0.0.1:7071"; i += 1) {
      await page.waitForTimeout(100);
    }
    assert.equal(await backend.inputValue(), "http://127.0.0.1:7071");
    await backend.fill("http://127.0.0.1:7072");
    await page.locator('select[name="public-network-access"]').selectOption("Disabled");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Public network accessDisabled").waitFor();
    const settings = await stack.arm("POST", `${siteId}/config/appsettings/list`);
    assert.equal(
      (settings.body as { properties: Record<string, string> }).properties.WPSLINK_BACKEND_URL,
      "http://127.0.0.1:7072",
    );
    const site = await stack.arm("GET", siteId);
    assert.equal(
      (site.body as { properties: { publicNetworkAccess: string } }).properties.publicNetworkAccess,
      "Disabled",
    );
    await browser.screenshot("site-02-overview-saved");

    // A refusal from ARM shows in words.
    await backend.fill("not a url");
    await page.getByRole("button", { name: "Save" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "The site could not be updated" });
    await alert.waitFor();
    assert.match(await alert.innerText(), /InvalidRequestContent/);
    assert.match(await alert.innerText(), /WPSLINK_BACKEND_URL/);
    await browser.screenshot("site-03-overview-error");
    await page.getByRole("button", { name: "Discard" }).click();
  });

  it("approves a pending connection with a description and shows Approved without a reload", async () => {
    const { page } = browser;
    const name = await requestConnection("func-pe", "please approve");
    await page.getByRole("link", { name: "Networking" }).click();
    const row = page.locator(`tr[data-name="${name}"]`);
    await row.locator('[data-column="status"] [data-status="Pending"]').waitFor();
    assert.match(await row.innerText(), /please approve/);
    await browser.screenshot("site-04-connection-pending");
    await row.click();
    await page.getByRole("button", { name: "Approve" }).click();
    const dialog = page.getByRole("dialog", { name: "Approve connection" });
    await dialog.locator('textarea[name="description"]').fill("Approved for the event handler");
    await dialog.getByRole("button", { name: "Yes" }).click();
    await row.locator('[data-column="status"] [data-status="Approved"]').waitFor();
    await row.locator('[data-column="provisioningState"] [data-status="Succeeded"]').waitFor();
    assert.match(await row.innerText(), /Approved for the event handler/);
    assert.match(await row.innerText(), /10\.0\.0\.4/);
    await browser.screenshot("site-05-connection-approved");
  });

  it("rejects and removes another connection", async () => {
    const { page } = browser;
    const name = await requestConnection("other-pe", "let me in");
    const row = page.locator(`tr[data-name="${name}"]`);
    await row.locator('[data-status="Pending"]').first().waitFor();
    await row.click();
    await page.getByRole("button", { name: "Reject" }).click();
    await page
      .getByRole("dialog", { name: "Reject connection" })
      .getByRole("button", { name: "Yes" })
      .click();
    await row.locator('[data-column="status"] [data-status="Rejected"]').waitFor();
    await page.getByRole("button", { name: "Remove" }).click();
    await page
      .getByRole("dialog", { name: "Remove connection" })
      .getByRole("button", { name: "Yes, remove" })
      .click();
    await row.waitFor({ state: "detached" });
    const left = await stack.arm("GET", `${siteId}/privateEndpointConnections`);
    assert.equal((left.body as { value: unknown[] }).value.length, 1);
    await browser.screenshot("site-06-connection-removed");
  });

  it("shows the site's request log", async () => {
    const { page } = browser;
    await page.getByRole("link", { name: "Request log" }).click();
    const table = page.getByRole("table", { name: "Request log" });
    await table.getByText("203.0.113.10").waitFor();
    assert.match(await table.innerText(), /public network access is disabled/);
    await browser.screenshot("site-07-request-log");
  });
});
