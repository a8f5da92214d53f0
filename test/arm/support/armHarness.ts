// Starts a management server on loopback with an in-memory store, the local token issuer and
// whatever routes a test registers; gives a token and an ARM fetch helper.
import { loadOrCreateLocalCa } from "../../../src/pki/localCa.js";
import { openSqliteStore } from "../../../src/store/sqliteStore.js";
import type { Store } from "../../../src/store/store.js";
import { createBearerAuthenticator } from "../../../src/arm/auth/bearerAuthenticator.js";
import { createLocalTokenIssuer, type LocalTokenIssuer } from "../../../src/arm/auth/localTokenIssuer.js";
import { createArmRuntime, type ArmRuntime } from "../../../src/arm/runtime/armRuntime.js";
import { createManagementServer, type ManagementServer } from "../../../src/arm/managementServer.js";

export interface ArmHarness {
  readonly url: string;
  readonly store: Store;
  readonly runtime: ArmRuntime;
  readonly issuer: LocalTokenIssuer;
  readonly server: ManagementServer;
  readonly caPem: string;
  token(): Promise<string>;
  /** fetch against the management URL with a valid bearer unless `headers.authorization` is given. */
  arm(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

export interface ArmHarnessOptions {
  readonly store?: Store;
  readonly acceptAnyBearer?: boolean;
  readonly pageSize?: number;
  readonly lroSettleMs?: number;
  readonly register?: (runtime: ArmRuntime) => void;
}

export async function startArmHarness(options: ArmHarnessOptions = {}): Promise<ArmHarness> {
  const ca = loadOrCreateLocalCa(process.env.WPSLINK_TEST_CA_DIR ?? null);
  const store = options.store ?? openSqliteStore({ path: ":memory:" });
  const issuer = await createLocalTokenIssuer(store);
  const runtime = createArmRuntime({
    store,
    authenticator: createBearerAuthenticator({ issuer, acceptAnyBearer: options.acceptAnyBearer ?? false }),
    pageSize: options.pageSize ?? 100,
    ...(options.lroSettleMs === undefined ? {} : { lroSettleMs: options.lroSettleMs }),
  });
  options.register?.(runtime);
  await runtime.recover();
  const server = createManagementServer({
    host: "127.0.0.1",
    port: 0,
    tls: ca.issue(["localhost", "127.0.0.1"]),
    arm: runtime,
    tokenIssuer: issuer,
  });
  await server.start();
  let cached: string | undefined;
  const token = async () =>
    (cached ??= (await issuer.issue({ scope: `${server.url}/.default` })).accessToken);
  return {
    url: server.url,
    store,
    runtime,
    issuer,
    server,
    caPem: ca.certPem,
    token,
    async arm(path, init = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${await token()}`, ...init.headers };
      const hasBody = init.body !== undefined;
      if (hasBody && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
        headers["content-type"] = "application/json";
      }
      return fetch(new URL(path, server.url), {
        method: init.method ?? "GET",
        headers,
        ...(hasBody ? { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) } : {}),
      });
    },
    async close() {
      await server.close();
      if (!options.store) await store.close();
    },
  };
}
