// Builds the management plane from its parts: the store, the ARM runtime with its three
// providers (webPubSub, Microsoft.Web, shared private link resources), the managed network, the
// App Service front end and the data planes of every Web PubSub resource.
import { join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { createBearerAuthenticator } from "../arm/auth/bearerAuthenticator.js";
import { createLocalTokenIssuer, type LocalTokenIssuer } from "../arm/auth/localTokenIssuer.js";
import { createArmRuntime, type ArmRuntime } from "../arm/runtime/armRuntime.js";
import { registerWebProvider } from "../arm/web/registerWebProvider.js";
import { WebSiteService } from "../arm/web/webSiteService.js";
import { registerSharedPrivateLinkResources } from "../arm/webpubsub/sharedPrivateLinkRoutes.js";
import { SharedPrivateLinkService } from "../arm/webpubsub/sharedPrivateLinkService.js";
import { registerWebPubSubProvider, type WebPubSubProvider } from "../arm/webpubsub/webPubSubProvider.js";
import type { WpslinkConfig } from "../config/schema.js";
import type { LocalManagedIdentity } from "../events/localManagedIdentity.js";
import { verifyLoopbackAliases } from "../network/loopbackAliases.js";
import { ManagedNetwork } from "../network/managedNetwork.js";
import type { LocalCa, ServerCertificate } from "../pki/localCa.js";
import { createSiteFront, siteFrontCertificateNames, type SiteFront } from "../sitefront/siteFrontServer.js";
import { openSqliteStore } from "../store/sqliteStore.js";
import type { Store } from "../store/store.js";
import type { TraceBus } from "../trace/traceBus.js";
import { WebPubSubDataPlanes } from "./webPubSubDataPlanes.js";

export interface ManagementPlaneParts {
  readonly store: Store;
  readonly issuer: LocalTokenIssuer;
  readonly arm: ArmRuntime;
  readonly web: WebSiteService;
  readonly network: ManagedNetwork;
  readonly spe: SharedPrivateLinkService;
  readonly siteFront: SiteFront;
  readonly webPubSub: WebPubSubProvider;
  readonly dataPlanes: WebPubSubDataPlanes;
  /** The certificate for the host names in printed URLs (data planes and the management listener). */
  readonly serverCertificate: ServerCertificate;
  /** Stops everything in reverse order of construction; the store closes last. */
  close(): Promise<void>;
}

export interface ManagementPlaneInputs {
  readonly config: WpslinkConfig;
  readonly workspaceRoot: string | null;
  readonly ca: LocalCa;
  readonly trace: TraceBus;
  readonly identity: LocalManagedIdentity;
  readonly logger: Logger;
}

export async function buildManagementPlane(inputs: ManagementPlaneInputs): Promise<ManagementPlaneParts> {
  const { config, ca, trace, logger } = inputs;
  // The private path binds sockets to 127.x aliases; without them it cannot be real.
  await verifyLoopbackAliases();
  const store = openSqliteStore({
    path: inputs.workspaceRoot === null ? ":memory:" : join(inputs.workspaceRoot, "wpslink.db"),
  });
  const issuer = await createLocalTokenIssuer(inputs.workspaceRoot === null ? null : store);
  const arm = createArmRuntime({
    store,
    authenticator: createBearerAuthenticator({ issuer, acceptAnyBearer: config.acceptAnyBearer }),
    apiVersionCheck: !config.skipApiVersionCheck,
    log: (entry) => {
      if (entry.failure) logger.error({ ...entry, failure: String(entry.failure) }, "ARM request failed");
      else logger.debug(entry, "ARM request");
      trace.publish({
        category: "arm",
        kind: "arm.request",
        details: { method: entry.method, path: entry.path, status: entry.status, code: entry.code },
      });
    },
  });
  const web = await WebSiteService.open({ store, trace, transitionDelayMs: config.siteTransitionDelayMs });
  const network = new ManagedNetwork({ siteExists: (name) => web.siteExists(name) });
  const spe = await SharedPrivateLinkService.open({
    store,
    web,
    network,
    trace,
    propagationDelayMs: config.propagationDelayMs,
  });
  const siteFront = createSiteFront({
    directory: web,
    certificate: ca.issue([...siteFrontCertificateNames]),
    host: config.host,
    httpPort: config.siteHttpPort,
    httpsPort: config.siteHttpsPort,
    trace,
    backendCa: ca.certPem,
  });
  await siteFront.start();
  const serverCertificate = ca.issue([...new Set([config.publicHostname, "localhost", "127.0.0.1", "::1"])]);
  const dataPlanes = new WebPubSubDataPlanes({
    host: config.host,
    publicHostname: config.publicHostname,
    certificate: serverCertificate,
    caPem: ca.certPem,
    trace,
    network,
    siteFront: () => siteFront.endpoint(),
    tokenIssuer: inputs.identity,
    skipApiVersionCheck: config.skipApiVersionCheck,
    ...(config.redisUrl !== undefined ? { redisUrl: config.redisUrl } : {}),
    onFanoutError: (resourceName, error) =>
      logger.warn({ resource: resourceName, error: error.message }, "Redis fan-out problem"),
  });
  registerWebProvider(arm, web);
  const webPubSub = registerWebPubSubProvider(arm, {
    host: dataPlanes,
    publicHostname: config.publicHostname,
    log: (message, details) => logger.info(details ?? {}, message),
  });
  webPubSub.addHooks(registerSharedPrivateLinkResources(arm, spe));
  await arm.recover();
  return {
    store,
    issuer,
    arm,
    web,
    network,
    spe,
    siteFront,
    webPubSub,
    dataPlanes,
    serverCertificate,
    close: async () => {
      spe.close();
      web.close();
      await webPubSub.stopAll();
      await dataPlanes.closeAll();
      await siteFront.close();
      await arm.close();
      await store.close();
    },
  };
}

/** Tries each handler in turn; true when one answered. */
export function firstHandler(
  ...handlers: ((request: IncomingMessage, response: ServerResponse) => boolean)[]
): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => handlers.some((handle) => handle(request, response));
}
