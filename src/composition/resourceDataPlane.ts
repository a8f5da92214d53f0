// Assembles the data plane of one Web PubSub resource from its parts: the WebSocket and REST
// listener, the event-handler dispatcher behind the upstream port, and the live settings
// (keys, hubs) that the management plane may change while it runs.
import { AccessKeyRing, type AccessKeys } from "../dataplane/domain/accessKeys.js";
import {
  defaultHubSettings,
  type HubSettings,
  type HubSettingsSource,
} from "../dataplane/domain/hubSettings.js";
import { createDataPlaneServer } from "../dataplane/server/dataPlaneServer.js";
import { createRestHandler } from "../dataplane/rest/restHandler.js";
import { compileFilter } from "../dataplane/rest/odataFilter.js";
import type { HubOperations } from "../dataplane/domain/hubOperations.js";
import type { Fanout } from "../fanout/fanout.js";
import { createRedisFanout } from "../fanout/redis/redisFanout.js";
import { createUpstreamEvents } from "../events/createUpstreamEvents.js";
import type { EgressDialer } from "../network/egressDialer.js";
import type { ManagedIdentityTokenIssuer } from "../events/managedIdentity.js";
import type { DataPlaneAccessSettings } from "../arm/webpubsub/dataPlaneHost.js";
import type { RestHandler } from "../dataplane/ports/restHandler.js";
import type { TraceBus } from "../trace/traceBus.js";
import type { ServerCertificate } from "../pki/localCa.js";

/** Hub settings held in memory and replaced as a whole; hub names are case-insensitive. */
export class MutableHubSettings implements HubSettingsSource {
  private hubs = new Map<string, HubSettings>();

  constructor(initial: ReadonlyMap<string, HubSettings> = new Map()) {
    this.replace(initial);
  }

  replace(hubs: ReadonlyMap<string, HubSettings>): void {
    this.hubs = new Map([...hubs].map(([name, settings]) => [name.toLowerCase(), settings]));
  }

  get(hub: string): HubSettings {
    return this.hubs.get(hub.toLowerCase()) ?? defaultHubSettings;
  }
}

export interface ResourceDataPlaneOptions {
  readonly resourceId: string;
  readonly name: string;
  readonly keys: AccessKeys;
  readonly hubs: ReadonlyMap<string, HubSettings>;
  readonly host: string;
  readonly publicHostname: string;
  readonly httpPort: number;
  readonly httpsPort: number | null;
  readonly certificate: ServerCertificate;
  readonly trace: TraceBus;
  readonly dialer: EgressDialer;
  readonly skipApiVersionCheck: boolean;
  /** Signs tokens for `ManagedIdentity` event handlers (one identity for the whole emulator). */
  readonly tokenIssuer?: ManagedIdentityTokenIssuer;
  /** Scale-out: the Redis every node serving this resource shares; absent = in-process fan-out. */
  readonly redisUrl?: string;
  /** Problems of the Redis fan-out after start (lost subscription, undecodable messages). */
  readonly onFanoutError?: (error: Error) => void;
}

export interface ResourceDataPlane {
  readonly httpPort: number;
  readonly httpsPort: number | null;
  readonly keys: AccessKeyRing;
  readonly hubSettings: MutableHubSettings;
  connectionCount(): number;
  /** `publicNetworkAccess` / `disableLocalAuth` of the resource (see `accessGate`). */
  setAccess(access: DataPlaneAccessSettings): void;
  close(): Promise<void>;
}

const openAccess: DataPlaneAccessSettings = { disableLocalAuth: false, publicNetworkAccess: "Enabled" };

function refuse(response: Parameters<RestHandler>[1], status: number, code: string, message: string): void {
  response.writeHead(status, { "content-type": "application/json", "x-ms-error-code": code });
  response.end(JSON.stringify({ code, message }));
}

/**
 * The resource's own access settings in front of its REST API: with public network access
 * disabled every caller is refused (wpslink has no inbound private endpoints, so every caller is
 * public), and with local auth disabled access-key signed requests are refused.
 */
function accessGate(inner: RestHandler, access: () => DataPlaneAccessSettings): RestHandler {
  return (request, response) => {
    const current = access();
    if (current.publicNetworkAccess === "Disabled" && !request.url?.startsWith("/api/health")) {
      refuse(response, 403, "Forbidden", "Public network access to this resource is disabled.");
      return;
    }
    if (current.disableLocalAuth && !request.url?.startsWith("/api/health")) {
      refuse(
        response,
        401,
        "Unauthorized",
        "Local (access key) authentication is disabled for this resource; wpslink has no Microsoft Entra ID sign-in, so enable local auth to call it.",
      );
      return;
    }
    inner(request, response);
  };
}

/** Channels of one resource: resource names are unique per emulator and equal on every node. */
export const redisChannelPrefix = "wpslink";

interface ResourceFanout {
  /** Absent = the data plane server's own in-process fan-out. */
  readonly fanout?: Fanout;
  /** The hub operations the REST API acts through. */
  readonly restHubs: (localHubs: (hub: string) => HubOperations) => (hub: string) => HubOperations;
}

async function resourceFanout(options: ResourceDataPlaneOptions): Promise<ResourceFanout> {
  if (options.redisUrl === undefined) return { restHubs: (localHubs) => localHubs };
  const resourceName = options.name.toLowerCase();
  const trace = options.trace;
  // Rejects, naming the URL and how to start Redis, when it cannot be reached: never falls back.
  const fanout = await createRedisFanout({
    url: options.redisUrl,
    channelPrefix: redisChannelPrefix,
    resourceName,
    compileFilter,
    onError: (error) => {
      trace.publish({
        category: "message",
        kind: "fanout.error",
        resource: options.name,
        details: { error: error.message },
      });
      options.onFanoutError?.(error);
    },
  });
  // Group, close and permission operations of the REST API reach the connections of every node.
  return { fanout, restHubs: (localHubs) => fanout.clusterHubs(localHubs) };
}

export async function startResourceDataPlane(options: ResourceDataPlaneOptions): Promise<ResourceDataPlane> {
  const cluster = await resourceFanout(options);
  try {
    return await startWithFanout(options, cluster);
  } catch (error) {
    await cluster.fanout?.close();
    throw error;
  }
}

async function startWithFanout(
  options: ResourceDataPlaneOptions,
  cluster: ResourceFanout,
): Promise<ResourceDataPlane> {
  const keys = new AccessKeyRing(options.keys);
  const hubSettings = new MutableHubSettings(options.hubs);
  const upstream = createUpstreamEvents({
    resourceName: options.name,
    keys,
    hubSettings,
    trace: options.trace,
    dialer: options.dialer,
    ...(options.tokenIssuer ? { tokenIssuer: options.tokenIssuer } : {}),
  });
  let access = openAccess;
  // Called per request (and per request from another node), after `server` below exists.
  const restHubs = cluster.restHubs((hub) => server.hubs(hub));
  const restHandler = createRestHandler({
    hubs: restHubs,
    keys,
    trace: options.trace,
    resourceName: options.name,
    skipApiVersionCheck: options.skipApiVersionCheck,
  });
  const server = createDataPlaneServer({
    resourceName: options.name,
    keys,
    hubSettings,
    upstream,
    trace: options.trace,
    host: options.host,
    httpPort: options.httpPort,
    publicHostname: options.publicHostname,
    restHandler: accessGate(restHandler, () => access),
    ...(cluster.fanout ? { fanout: cluster.fanout } : {}),
    // The same settings on client upgrades (403 / 401 before the handshake).
    access: () => access,
    ...(options.httpsPort === null
      ? {}
      : { https: { port: options.httpsPort, key: options.certificate.key, cert: options.certificate.cert } }),
  });
  const started = await server.start();
  const running = server;
  return {
    httpPort: started.httpPort,
    httpsPort: started.httpsPort,
    keys,
    hubSettings,
    connectionCount: () => running.connectionCount(),
    setAccess: (next) => {
      access = next;
    },
    close: async () => {
      await running.close();
      await upstream.close();
      // The server closes only a fan-out it made itself.
      await cluster.fanout?.close();
    },
  };
}
