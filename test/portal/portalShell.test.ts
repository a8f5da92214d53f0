// The portal in Chromium against the real management server (ARM runtime, local token issuer)
// with no resource providers registered: the app loads from /portal, gets a token, calls ARM, and
// shows ARM's refusals in words; the trace stream connects with the same token.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadOrCreateLocalCa } from "../../src/pki/localCa.js";
import { openSqliteStore } from "../../src/store/sqliteStore.js";
import { createBearerAuthenticator } from "../../src/arm/auth/bearerAuthenticator.js";
import { createLocalTokenIssuer } from "../../src/arm/auth/localTokenIssuer.js";
import { createArmRuntime } from "../../src/arm/runtime/armRuntime.js";
import { createManagementServer, type ManagementServer } from "../../src/arm/managementServer.js";
import { TraceBus } from "../../src/trace/traceBus.js";
import { createPortalHandler, type PortalHandler } from "../../src/portal/portalHandler.js";
import { defaultPortalDistDir } from "../../src/portal/portalDist.js";
import { buildPortal } from "../../scripts/build-portal.js";
import { openPortalBrowser, type PortalBrowser } from "./support/browser.js";

describe("portal shell in a browser", () => {
  const trace = new TraceBus();
  const store = openSqliteStore({ path: ":memory:" });
  let server: ManagementServer;
  let portal: PortalHandler;
  let browser: PortalBrowser;

  before(async () => {
    await buildPortal({ typecheck: false });
    const ca = loadOrCreateLocalCa(process.env.WPSLINK_TEST_CA_DIR ?? null);
    const issuer = await createLocalTokenIssuer(store);
    const authenticator = createBearerAuthenticator({ issuer, acceptAnyBearer: false });
    const arm = createArmRuntime({ store, authenticator });
    portal = createPortalHandler({ distDir: defaultPortalDistDir(), trace, authenticator });
    server = createManagementServer({
      host: "127.0.0.1",
      port: 0,
      tls: ca.issue(["localhost", "127.0.0.1"]),
      arm,
      tokenIssuer: issuer,
      extraHandlers: portal,
    });
    await server.start();
    browser = await openPortalBrowser();
  });

  after(async () => {
    await browser?.close();
    portal?.close();
    await server?.close();
    await store.close();
  });

  it("loads the app, shows ARM errors in words and connects the live trace", async () => {
    const { page } = browser;
    const failedRequests: string[] = [];
    page.on("requestfailed", (request) => failedRequests.push(request.url()));
    await page.goto(`${server.url}/portal`);
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
    await page.goto(`${server.url}/portal/resource${id}/overview`);
    const alert = page.getByRole("alert").first();
    await alert.waitFor();
    assert.match(await alert.innerText(), /Could not load nothing-here/);
    assert.match(await alert.innerText(), /InvalidResourceType/);
    await browser.screenshot("deep-link-error");
  });
});
