// A real management listener for portal tests: ARM runtime with the providers a test registers,
// the local token issuer, and the portal mounted as the server's extra handler, as the
// composition root mounts it. Also an ARM fetch helper with a valid token.
import { loadOrCreateLocalCa } from "../../../src/pki/localCa.js";
import { openSqliteStore } from "../../../src/store/sqliteStore.js";
import type { Store } from "../../../src/store/store.js";
import { createBearerAuthenticator } from "../../../src/arm/auth/bearerAuthenticator.js";
import { createLocalTokenIssuer } from "../../../src/arm/auth/localTokenIssuer.js";
import { createArmRuntime, type ArmRuntime } from "../../../src/arm/runtime/armRuntime.js";
import { createManagementServer, type ManagementServer } from "../../../src/arm/managementServer.js";
import { TraceBus } from "../../../src/trace/traceBus.js";
import type { SiteRequestLogEntry } from "../../../src/sitefront/requestLog.js";
import { createPortalHandler, type PortalHandler } from "../../../src/portal/portalHandler.js";
import { defaultPortalDistDir } from "../../../src/portal/portalDist.js";
import { buildPortal } from "../../../scripts/build-portal.js";

export interface ManagementStack {
  readonly url: string;
  readonly store: Store;
  readonly trace: TraceBus;
  readonly runtime: ArmRuntime;
  /** An ARM call with a valid bearer; resolves with status and parsed body, throws on network errors. */
  arm(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function startManagementStack(
  options: {
    store?: Store;
    trace?: TraceBus;
    register?: (runtime: ArmRuntime) => void;
    siteRequestLog?: (site: string) => readonly SiteRequestLogEntry[];
  } = {},
): Promise<ManagementStack> {
  await buildPortal({ typecheck: false });
  const ca = loadOrCreateLocalCa(process.env.WPSLINK_TEST_CA_DIR ?? null);
  const store = options.store ?? openSqliteStore({ path: ":memory:" });
  const trace = options.trace ?? new TraceBus();
  const issuer = await createLocalTokenIssuer(store);
  const authenticator = createBearerAuthenticator({ issuer, acceptAnyBearer: false });
  const runtime = createArmRuntime({ store, authenticator });
  options.register?.(runtime);
  await runtime.recover();
  const portal: PortalHandler = createPortalHandler({
    distDir: defaultPortalDistDir(),
    trace,
    authenticator,
    ...(options.siteRequestLog ? { siteRequestLog: options.siteRequestLog } : {}),
  });
  const server: ManagementServer = createManagementServer({
    host: "127.0.0.1",
    port: 0,
    tls: ca.issue(["localhost", "127.0.0.1"]),
    arm: runtime,
    tokenIssuer: issuer,
    extraHandlers: portal,
  });
  await server.start();
  const token = (await issuer.issue({ scope: `${server.url}/.default` })).accessToken;
  return {
    url: server.url,
    store,
    trace,
    runtime,
    async arm(method, path, body) {
      const separator = path.includes("?") ? "&" : "?";
      const apiVersion = path.includes("Microsoft.Web") ? "2025-05-01" : "2024-03-01";
      const response = await fetch(`${server.url}${path}${separator}api-version=${apiVersion}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
    },
    async close() {
      portal.close();
      await server.close();
      if (!options.store) await store.close();
    },
  };
}
