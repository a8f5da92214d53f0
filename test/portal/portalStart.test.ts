// `startWpslink` serves the portal on its management listener: the start summary names the
// portal URL, the app lists the default resource as an ordinary ARM resource and shows its
// endpoint and keys, and the live trace connects.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { configSchema } from "../../src/config/schema.js";
import { startWpslink, type RunningWpslink } from "../../src/composition/root.js";
import { buildPortal } from "../../scripts/build-portal.js";
import { trustedWorkspace } from "../support/wpslinkProcess.js";
import { openPortalBrowser, type PortalBrowser } from "./support/browser.js";

describe("the portal of a started wpslink", () => {
  let running: RunningWpslink;
  let browser: PortalBrowser;

  before(async () => {
    await buildPortal({ typecheck: false });
    running = await startWpslink(
      configSchema.parse({
        location: trustedWorkspace(),
        dataPlaneHttpPort: 0,
        dataPlaneHttpsPort: 0,
        managementPort: 0,
        siteHttpPort: 0,
        siteHttpsPort: 0,
        logLevel: "silent",
        defaultResource: { resourceGroup: "contoso", name: "contoso-webpubsub" },
      }),
    );
    browser = await openPortalBrowser();
  });

  after(async () => {
    await browser?.close();
    await running?.close();
  });

  it("is named in the start summary and lists the default resource with its endpoint and keys", async () => {
    const { summary } = running;
    assert.ok(summary.managementUrl, "the start summary has no management URL");
    assert.equal(summary.portalUrl, `${summary.managementUrl}/portal`);
    const { page } = browser;
    await page.goto(summary.portalUrl!);
    await page
      .locator('section[data-resource-group="contoso"]')
      .getByRole("link", { name: "contoso-webpubsub" })
      .click();
    await page.getByRole("heading", { name: /contoso-webpubsub \| Overview/ }).waitFor();
    const endpoint = page.getByLabel("Endpoint", { exact: true });
    await endpoint.waitFor();
    const expected = /Endpoint=([^;]+)/.exec(
      summary.defaultResource.connectionString ?? summary.defaultResource.httpConnectionString,
    )?.[1];
    assert.equal(await endpoint.inputValue(), expected);
    assert.equal(
      await page.getByLabel("Primary key", { exact: true }).inputValue(),
      summary.defaultResource.primaryKey,
    );
    await page.getByText("Live trace connected").waitFor();
    await browser.screenshot("start-overview");
  });
});
