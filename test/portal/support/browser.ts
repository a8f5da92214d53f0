// Debian's Chromium driven by playwright-core, for the portal's browser tests. Screenshots go to
// test-artifacts/portal/ so a person can look at what the test saw.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { repositoryRoot } from "../../support/wpslinkProcess.js";

export const chromiumPath = "/usr/bin/chromium";
export const screenshotDir = join(repositoryRoot, "test-artifacts", "portal");

export interface PortalBrowser {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Saves a full-page screenshot as test-artifacts/portal/{name}.png and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openPortalBrowser(): Promise<PortalBrowser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `${chromiumPath} is missing: the browser tests need Debian's Chromium. Run: bash scripts/setup.sh`,
    );
  }
  mkdirSync(screenshotDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
  // The management listener's certificate comes from the test CA, which Chromium does not know.
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1440, height: 900 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return {
    browser,
    context,
    page,
    async screenshot(name) {
      const path = join(screenshotDir, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      await browser.close();
    },
  };
}
