// A real management server on loopback for the CLI tests, built from the committed factories
// (store, token issuer, ARM runtime, HTTPS listener), plus a workspace whose runtime.json points
// at it, so the CLI finds it and trusts its CA the way it does with `wpslink start`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOrCreateLocalCa } from "../../../src/pki/localCa.js";
import { openSqliteStore } from "../../../src/store/sqliteStore.js";
import { createBearerAuthenticator } from "../../../src/arm/auth/bearerAuthenticator.js";
import { createLocalTokenIssuer } from "../../../src/arm/auth/localTokenIssuer.js";
import { createArmRuntime } from "../../../src/arm/runtime/armRuntime.js";
import { createManagementServer } from "../../../src/arm/managementServer.js";
import { writeRuntimeFile } from "../../../src/config/runtimeFile.js";
import { runCli, type CliRun } from "../../../src/cli/az/program.js";
import { registerWebPubSubProvider } from "../../../src/arm/webpubsub/webPubSubProvider.js";
import { registerWebProvider } from "../../../src/arm/web/registerWebProvider.js";
import { WebSiteService } from "../../../src/arm/web/webSiteService.js";
import type { Store } from "../../../src/store/store.js";
import { FakeDataPlaneHost } from "../../arm/support/fakeDataPlaneHost.js";
import { registerSharedPrivateLinkResources } from "../../../src/arm/webpubsub/sharedPrivateLinkRoutes.js";
import { SharedPrivateLinkService } from "../../../src/arm/webpubsub/sharedPrivateLinkService.js";
import { ManagedNetwork } from "../../../src/network/managedNetwork.js";

export interface CliServer {
  readonly url: string;
  readonly store: Store;
  /** The Microsoft.Web domain (private endpoint connections are added through it). */
  readonly web: WebSiteService;
  readonly workspace: string;
  readonly caPath: string;
  /** Environment for CLI runs: finds the server through the workspace only. */
  readonly env: NodeJS.ProcessEnv;
  /** Runs `wpslink <args>` in-process against this server. */
  cli(...args: string[]): Promise<CliRun>;
  close(): Promise<void>;
}

/**
 * The Microsoft.SignalRService (with shared private link resources) and Microsoft.Web providers
 * and the managed network are the real ones; the Web PubSub
 * data planes they would start are recorded by the provider tests' fake host (the CLI only sees
 * the management plane).
 */
export async function startCliServer(
  options: { transitionDelayMs?: number; propagationDelayMs?: number } = {},
): Promise<CliServer> {
  const ca = loadOrCreateLocalCa(process.env.WPSLINK_TEST_CA_DIR ?? null);
  const store = openSqliteStore({ path: ":memory:" });
  const issuer = await createLocalTokenIssuer(store);
  const runtime = createArmRuntime({
    store,
    authenticator: createBearerAuthenticator({ issuer, acceptAnyBearer: false }),
    pageSize: 2,
  });
  const web = await WebSiteService.open({ store, transitionDelayMs: options.transitionDelayMs ?? 200 });
  const network = new ManagedNetwork({ siteExists: (name) => web.siteExists(name) });
  const spe = await SharedPrivateLinkService.open({
    store,
    web,
    network,
    propagationDelayMs: options.propagationDelayMs ?? 200,
  });
  registerWebProvider(runtime, web);
  const provider = registerWebPubSubProvider(runtime, {
    host: new FakeDataPlaneHost(),
    publicHostname: "localhost",
  });
  provider.addHooks(registerSharedPrivateLinkResources(runtime, spe));
  await runtime.recover();
  const server = createManagementServer({
    host: "127.0.0.1",
    port: 0,
    tls: ca.issue(["localhost", "127.0.0.1"]),
    arm: runtime,
    tokenIssuer: issuer,
  });
  await server.start();
  const workspace = mkdtempSync(join(tmpdir(), "wpslink-cli-"));
  const caPath = join(workspace, "ca.pem");
  writeFileSync(caPath, ca.certPem);
  writeRuntimeFile(workspace, {
    pid: process.pid,
    managementUrl: server.url,
    caCertPath: caPath,
    startedAt: new Date().toISOString(),
  });
  // No NODE_EXTRA_CA_CERTS: the CLI must trust the CA named in runtime.json on its own.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, WPSLINK_LOCATION: workspace };
  return {
    url: server.url,
    store,
    web,
    workspace,
    caPath,
    env,
    cli: (...args) => runCli(args, { env, cwd: workspace }),
    async close() {
      spe.close();
      web.close();
      await provider.stopAll();
      await server.close();
      await store.close();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}
