// The emulated App Service front end: HTTPS (`*.azurewebsites.net` from the local CA) and HTTP
// listeners that route by Host to each site's backend URL. Every request passes the access gate,
// which reads the network path from the TCP peer address (see src/network/addressPlan.ts); the
// request is then proxied with App Service's forwarding headers over keep-alive connections.
import http from "node:http";
import https from "node:https";
import type net from "node:net";
import { Pool, type Dispatcher } from "undici";
import type { ServerCertificate } from "../pki/localCa.js";
import type { TraceBus } from "../trace/traceBus.js";
import type { SiteFrontEndpoint } from "../network/routingDialer.js";
import { siteNameOfHost } from "../network/privateDnsZone.js";
import { identifyPeer, type PeerIdentity } from "../network/addressPlan.js";
import { decideAccessFor, type AccessDecision } from "./accessGate.js";
import { badGatewayPage, forbiddenPage, noBackendPage, notFoundPage, stoppedPage } from "./responsePages.js";
import { SiteRequestLog, type SiteRequestLogEntry } from "./requestLog.js";
import type { SiteDirectory, SiteEntry } from "./siteDirectory.js";
import { ProxiedResponse } from "./proxiedResponse.js";

export interface SiteFrontOptions {
  readonly directory: SiteDirectory;
  /** Certificate for `*.azurewebsites.net` (from `localCa.issue(siteFrontCertificateNames)`). */
  readonly certificate: ServerCertificate;
  readonly host: string;
  /** 0 = any free port. */
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly trace?: TraceBus;
  /** Extra CA trusted when a backend URL is https (the local CA). */
  readonly backendCa?: string;
  /** Keep-alive connections per backend origin. Default 64. */
  readonly connectionsPerBackend?: number;
  readonly logCapacityPerSite?: number;
}

export interface SiteFront {
  start(): Promise<SiteFrontEndpoint>;
  /** Where it listens (after start). */
  endpoint(): SiteFrontEndpoint | undefined;
  requestLog(site: string): SiteRequestLogEntry[];
  close(): Promise<void>;
}

/** Names to put in the front end's certificate. */
export const siteFrontCertificateNames = [
  "*.azurewebsites.net",
  "*.scm.azurewebsites.net",
  "azurewebsites.net",
];

const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "host",
  // The front end sets these itself; whatever a caller sends is dropped (never trusted).
  "x-forwarded-for",
  "x-forwarded-proto",
  "client-ip",
  "x-client-ip",
]);

const htmlType = { "content-type": "text/html; charset=utf-8" };

/** Request bodies up to this size (with a Content-Length) are read whole before proxying. */
const maxBufferedBodyBytes = 64 * 1024;

/** The first value of a header in Node's `rawHeaders` list (name compared case-insensitively). */
function firstRawHeader(raw: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? "";
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return raw[i + 1];
  }
  return undefined;
}

export function createSiteFront(options: SiteFrontOptions): SiteFront {
  const log = new SiteRequestLog(options.logCapacityPerSite);
  const pools = new Map<string, Pool>();
  const servers: (http.Server | https.Server)[] = [];
  let listening: SiteFrontEndpoint | undefined;
  // The peer of a connection never changes: decode it once per socket.
  const peers = new WeakMap<net.Socket, PeerIdentity>();
  const peerOf = (socket: net.Socket): PeerIdentity => {
    let peer = peers.get(socket);
    if (!peer) {
      peer = identifyPeer(socket.remoteAddress ?? "");
      peers.set(socket, peer);
    }
    return peer;
  };
  const backends = new Map<string, { origin: string; prefix: string }>();
  const backendOf = (url: string): { origin: string; prefix: string } => {
    let parsed = backends.get(url);
    if (!parsed) {
      const u = new URL(url);
      parsed = { origin: u.origin, prefix: u.pathname === "/" ? "" : u.pathname.replace(/\/$/, "") };
      backends.set(url, parsed);
    }
    return parsed;
  };

  const poolFor = (origin: string): Pool => {
    let pool = pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: options.connectionsPerBackend ?? 64,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        headersTimeout: 120_000,
        bodyTimeout: 120_000,
        ...(options.backendCa ? { connect: { ca: options.backendCa } } : {}),
      });
      pools.set(origin, pool);
    }
    return pool;
  };

  const record = (
    site: SiteEntry,
    request: http.IncomingMessage,
    decision: AccessDecision,
    status: number,
    started: number,
    reason?: string,
  ): void => {
    const entry: SiteRequestLogEntry = {
      time: Date.now(),
      method: request.method ?? "GET",
      url: request.url ?? "/",
      sourceAddress: decision.sourceAddress,
      path: decision.path,
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      ...(reason ? { reason } : {}),
    };
    log.add(site.name, entry);
    options.trace?.publish({
      category: "site",
      kind: reason ? "site.refused" : "site.request",
      resource: site.resourceId,
      details: { site: site.name, ...entry },
    });
  };

  const handle = (
    proto: "http" | "https",
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ): void => {
    const started = performance.now();
    // Read from rawHeaders: touching `request.headers` makes Node build the whole header object.
    const hostHeader = firstRawHeader(request.rawHeaders, "host");
    const host = (hostHeader ?? "").replace(/:\d+$/, "");
    const siteName = siteNameOfHost(host);
    const site = siteName === undefined ? undefined : options.directory.findSite(siteName);
    if (!site) {
      request.resume();
      response.writeHead(404, htmlType).end(notFoundPage(host || "(no Host header)"));
      return;
    }
    const decision = decideAccessFor(site, peerOf(request.socket));
    if (!decision.allowed) {
      request.resume();
      response.writeHead(403, { ...htmlType, "x-ms-forbidden-ip": decision.sourceAddress });
      response.end(forbiddenPage(decision.reason));
      record(site, request, decision, 403, started, decision.reason);
      return;
    }
    if (site.state === "Stopped") {
      request.resume();
      response.writeHead(403, htmlType).end(stoppedPage(site.name));
      record(site, request, decision, 403, started, "the site is stopped");
      return;
    }
    if (site.httpsOnly && proto === "http") {
      request.resume();
      const location = `https://${hostHeader ?? `${site.name}.azurewebsites.net`}${request.url ?? "/"}`;
      response.writeHead(301, { location }).end();
      record(site, request, decision, 301, started);
      return;
    }
    if (!site.backendUrl) {
      request.resume();
      response.writeHead(503, htmlType).end(noBackendPage(site.name));
      record(site, request, decision, 503, started, "the site has no backend URL");
      return;
    }
    proxy(proto, request, response, site, site.backendUrl, hostHeader, decision, started);
  };

  const proxy = (
    proto: "http" | "https",
    request: http.IncomingMessage,
    response: http.ServerResponse,
    site: SiteEntry,
    backendUrl: string,
    hostHeader: string | undefined,
    decision: AccessDecision,
    started: number,
  ): void => {
    const backend = backendOf(backendUrl);
    const headers: Record<string, string | string[]> = {};
    const raw = request.rawHeaders;
    let contentLength: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const name = (raw[i] ?? "").toLowerCase();
      if (hopByHop.has(name)) continue;
      const value = raw[i + 1] ?? "";
      if (name === "content-length") contentLength ??= value;
      const existing = headers[name];
      if (existing === undefined) headers[name] = value;
      else if (Array.isArray(existing)) existing.push(value);
      else headers[name] = [existing, value];
    }
    headers.host = hostHeader ?? `${site.name}.azurewebsites.net`;
    headers["x-forwarded-for"] = decision.sourceAddress;
    headers["x-forwarded-proto"] = proto;
    headers["client-ip"] = `${decision.sourceAddress}:${request.socket.remotePort ?? 0}`;
    headers["x-client-ip"] = decision.sourceAddress;
    const method = request.method ?? "GET";
    const hasBody = method !== "GET" && method !== "HEAD";
    const options: Dispatcher.DispatchOptions = {
      path: backend.prefix + (request.url ?? "/"),
      method,
      headers,
      body: null,
    };
    const relay = new ProxiedResponse(response, (status, error) => {
      if (error) {
        if (!response.headersSent) {
          response.writeHead(502, htmlType).end(badGatewayPage(site.name, error.message));
        } else {
          response.destroy();
        }
        record(site, request, decision, 502, started, `backend error: ${error.message}`);
        return;
      }
      record(site, request, decision, status, started);
    });
    const pool = poolFor(backend.origin);
    if (!hasBody) {
      request.resume();
      pool.dispatch(options, relay);
      return;
    }
    const declared = contentLength === undefined ? NaN : Number(contentLength);
    if (!(declared >= 0 && declared <= maxBufferedBodyBytes)) {
      // Large or unknown-length bodies stream through.
      pool.dispatch({ ...options, body: request }, relay);
      return;
    }
    // A small body of known length is read first and sent as one buffer: far cheaper than
    // streaming it, and the backend sees the same bytes.
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
    });
    request.once("end", () => {
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      pool.dispatch({ ...options, body }, relay);
    });
    request.once("error", (error) => relay.onResponseError(undefined, error));
  };

  const refuseUpgrade = (_request: http.IncomingMessage, socket: net.Socket): void => {
    socket.end(
      "HTTP/1.1 501 Not Implemented\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n" +
        "WebSocket upgrades through the wpslink site front end are not implemented\n",
    );
  };

  const listen = (server: http.Server | https.Server, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, options.host, () => {
        server.off("error", reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });

  return {
    async start() {
      const plain = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => handle("http", req, res));
      const secure = https.createServer(
        { key: options.certificate.key, cert: options.certificate.cert, keepAliveTimeout: 65_000 },
        (req, res) => handle("https", req, res),
      );
      for (const server of [plain, secure]) {
        server.on("upgrade", refuseUpgrade);
        servers.push(server);
      }
      const httpPort = await listen(plain, options.httpPort);
      const httpsPort = await listen(secure, options.httpsPort);
      listening = { host: options.host, httpPort, httpsPort };
      return listening;
    },
    endpoint: () => listening,
    requestLog: (site) => log.entries(site),
    async close() {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      pools.clear();
      listening = undefined;
    },
  };
}
