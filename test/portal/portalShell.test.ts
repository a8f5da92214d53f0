// The portal in Chromium against the real management server (ARM runtime, local token issuer)
// with no resource providers registered: the app loads from /portal, gets a token, calls ARM, and
// shows ARM's refusals in words; the trace stream connects with the same token; a deep link
// survives a reload.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { openPortalBrowser, type PortalBrowser } from "./support/browser.js";
import { startManagementStack, type ManagementStack } from "./support/managementStack.js";

describe("portal shell in a browser", () => {
  let stack: ManagementStack;
  let browser: PortalBrowser;

  before(async () => {
    stack = await startManagementStack();
    browser = await openPortalBrowser();
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("loads the app, shows ARM errors in words and connects the live trace", async () => {
    const { page } = browser;
    const failedRequests: string[] = [];
    page.on("requestfailed", (request) => failedRequests.push(request.url()));
    await page.goto(`${stack.url}/portal`);
    await page.getByRole("heading", { name: "All resources" }).waitFor();
    // No provider is registered, so listing Web PubSub resources is refused by ARM; the page says so.
    const alert = page.getByRole("alert").first();
    await alert.waitFor();
    assert.match(await alert.innerText(), /Could not list .*resources/);
    assert.match(await alert.innerText(), /InvalidResourceType/);
    assert.match(await alert.innerText(), /Microsoft\.SignalRService\/webPubSub/);
    await page.getByText("Live trace connected").waitFor();
    await browser.screenshot("shell-errors");
    assert.deepEqual(
      failedRequests.filter((url) => !url.includes("/_wpslink/trace/stream")),
      [],
    );
  });

  it("answers a reload on a deep link with the app (history fallback)", async () => {
    const { page } = browser;
    const id =
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contoso/providers/Microsoft.SignalRService/webPubSub/nothing-here";
    await page.goto(`${stack.url}/portal/resource${id}/overview`);
    const alert = page.getByRole("alert").first();
    await alert.waitFor();
    assert.match(await alert.innerText(), /Could not load nothing-here/);
    assert.match(await alert.innerText(), /InvalidResourceType/);
    await page.reload();
    await page.getByRole("alert").first().waitFor();
    await browser.screenshot("deep-link-error");
  });

  it("refuses the trace stream and the request log without the portal's token", async () => {
    const stream = await fetch(`${stack.url}/_wpslink/trace/stream`);
    assert.equal(stream.status, 401);
    assert.equal(((await stream.json()) as { error: { code: string } }).error.code, "AuthenticationFailed");
    const log = await fetch(`${stack.url}/_wpslink/sites/contoso-func/requests`, {
      headers: { authorization: "Bearer not-a-token" },
    });
    assert.equal(log.status, 401);
    assert.equal(
      ((await log.json()) as { error: { code: string } }).error.code,
      "InvalidAuthenticationToken",
    );
  });
});
