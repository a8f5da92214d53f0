// The site front end with the routing egress dialer: real sockets on loopback aliases, real TLS
// for *.azurewebsites.net from the local CA, a real backend. The path a call takes is read from
// the TCP connection, and the forwarding headers follow it.
import assert from "node:assert/strict";
import http from "node:http";
import type net from "node:net";
import { after, before, describe, it } from "node:test";
import { Client } from "undici";
import type { DialRoute } from "../../src/network/egressDialer.js";
import { ManagedNetwork } from "../../src/network/managedNetwork.js";
import { createRoutingDialer } from "../../src/network/routingDialer.js";
import { undiciConnectorFor } from "../../src/network/undiciConnector.js";
import { loadOrCreateLocalCa, type LocalCa } from "../../src/pki/localCa.js";
import {
  createSiteFront,
  siteFrontCertificateNames,
  type SiteFront,
} from "../../src/sitefront/siteFrontServer.js";
import type { SiteEntry } from "../../src/sitefront/siteDirectory.js";
import { TraceBus } from "../../src/trace/traceBus.js";

const wps =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contoso/providers/Microsoft.SignalRService/webPubSub/contoso-webpubsub";
const siteId =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contoso/providers/Microsoft.Web/sites/contoso-func";
const host = "contoso-func.azurewebsites.net";

interface Seen {
  readonly headers: http.IncomingHttpHeaders;
  readonly url: string;
  readonly body: string;
}

describe("site front end and routing dialer", () => {
  let ca: LocalCa;
  let backend: http.Server;
  let backendUrl: string;
  const seen: Seen[] = [];
  const sites = new Map<string, SiteEntry>();
  let front: SiteFront;
  let trace: TraceBus;
  let network: ManagedNetwork;

  const setSite = (patch: Partial<SiteEntry>): void => {
    const current = sites.get("contoso-func");
    assert.ok(current);
    sites.set("contoso-func", { ...current, ...patch });
  };

  /** One call from inside the resource through the routing dialer; returns status, body and the route. */
  const callFromResource = async (
    path: string,
    protocol: "https:" | "http:" = "https:",
  ): Promise<{
    status: number;
    headers: Record<string, unknown>;
    body: string;
    route: DialRoute | undefined;
  }> => {
    const dialer = createRoutingDialer({
      network,
      resourceId: wps,
      siteFront: () => front.endpoint(),
      ca: ca.certPem,
    });
    let route: DialRoute | undefined;
    const client = new Client(`${protocol}//${host}`, {
      connect: undiciConnectorFor(dialer, (_s, r) => (route = r)),
    });
    try {
      const response = await client.request({
        path,
        method: "POST",
        body: "hello",
        headers: { "x-forwarded-for": "6.6.6.6" },
      });
      return {
        status: response.statusCode,
        headers: response.headers,
        body: await response.body.text(),
        route,
      };
    } finally {
      await client.close();
    }
  };

  /** A call from the host itself (the internet): to the front end with the site's Host header. */
  const callFromInternet = (
    headers: Record<string, string> = {},
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> =>
    new Promise((resolve, reject) => {
      const endpoint = front.endpoint();
      assert.ok(endpoint);
      const request = http.request(
        { host: endpoint.host, port: endpoint.httpPort, path: "/api/x", headers: { host, ...headers } },
        (response) => {
          let body = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (body += chunk));
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
          );
        },
      );
      request.on("error", reject);
      request.end();
    });

  before(async () => {
    ca = loadOrCreateLocalCa(process.env.WPSLINK_TEST_CA_DIR ?? null);
    backend = http.createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (c: string) => (body += c));
      req.on("end", () => {
        seen.push({ headers: req.headers, url: req.url ?? "", body });
        res.writeHead(200, { "content-type": "text/plain", "set-cookie": ["a=1", "b=2"] }).end(`ok ${body}`);
      });
    });
    await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
    backendUrl = `http://127.0.0.1:${(backend.address() as net.AddressInfo).port}`;
    sites.set("contoso-func", {
      name: "contoso-func",
      resourceId: siteId,
      backendUrl,
      state: "Running",
      publicNetworkAccess: null,
      ipSecurityRestrictions: null,
      ipSecurityRestrictionsDefaultAction: null,
      approvedPrivateEndpointAddresses: [],
    });
    sites.set("empty", { ...(sites.get("contoso-func") as SiteEntry), name: "empty", backendUrl: null });
    trace = new TraceBus();
    network = new ManagedNetwork({ siteExists: (name) => sites.has(name) });
    network.attachResource(wps, 9);
    front = createSiteFront({
      directory: { findSite: (name) => sites.get(name) },
      certificate: ca.issue(siteFrontCertificateNames),
      host: "127.0.0.1",
      httpPort: 0,
      httpsPort: 0,
      trace,
    });
    await front.start();
  });

  after(async () => {
    await front.close();
    await new Promise<void>((resolve) => backend.close(() => resolve()));
  });

  it("carries a call over the public path with the service's public outbound address", async () => {
    const result = await callFromResource("/api/connect?x=1");
    assert.equal(result.status, 200);
    assert.equal(result.body, "ok hello");
    assert.deepEqual(result.headers["set-cookie"], ["a=1", "b=2"]);
    assert.equal(result.route?.path, "public");
    assert.equal(result.route?.localAddress, "127.99.0.9");
    const last = seen.at(-1);
    assert.equal(last?.url, "/api/connect?x=1");
    assert.equal(last?.headers["x-forwarded-for"], "20.62.134.9");
    assert.equal(last?.headers["x-forwarded-proto"], "https");
    assert.match(String(last?.headers["client-ip"]), /^20\.62\.134\.9:\d+$/);
    assert.equal(last?.headers.host, host);
  });

  it("takes the private path once the endpoint is approved, and refuses the public network", async () => {
    let changed = 0;
    const stop = network.onRoutesChanged(wps, () => changed++);
    const endpoint = network.addPrivateEndpoint(wps, {
      name: "spe",
      targetResourceId: siteId,
      siteName: "contoso-func",
      groupId: "sites",
    });
    setSite({ approvedPrivateEndpointAddresses: [endpoint.address] });
    network.setPrivateEndpointStatus(wps, "spe", "Approved");
    stop();
    assert.equal(changed, 1);
    const result = await callFromResource("/api/message", "http:");
    assert.equal(result.status, 200);
    assert.equal(result.route?.path, "private");
    assert.equal(result.route?.localAddress, "127.109.0.4");
    assert.match(result.route?.note ?? "", /private endpoint spe: 10\.9\.0\.4 → 10\.9\.1\.4/);
    const last = seen.at(-1);
    assert.equal(last?.headers["x-forwarded-for"], "10.9.0.4");
    assert.equal(last?.headers["x-forwarded-proto"], "http");

    const refused = await callFromInternet({ "x-forwarded-for": "10.9.0.4" });
    assert.equal(refused.status, 403);
    assert.equal(refused.headers["x-ms-forbidden-ip"], "127.0.0.1");
    assert.match(refused.body, /Error 403 - Forbidden/);
    const log = front.requestLog("contoso-func");
    assert.deepEqual(
      log.slice(-2).map((e) => [e.path, e.sourceAddress, e.status]),
      [
        ["private", "10.9.0.4", 200],
        ["public", "127.0.0.1", 403],
      ],
    );
    const refusal = trace.snapshot((r) => r.category === "site" && r.kind === "site.refused").at(-1);
    assert.match(String(refusal?.details?.reason), /approved private endpoint/);
  });

  it("falls back to the public path (and the gate's verdict) when the endpoint is rejected", async () => {
    network.setPrivateEndpointStatus(wps, "spe", "Rejected");
    const result = await callFromResource("/api/message");
    assert.equal(result.route?.path, "public");
    // The site still has its approved connection in this step, so the public call is refused.
    assert.equal(result.status, 403);
    assert.equal(result.headers["x-ms-forbidden-ip"], "20.62.134.9");
    setSite({ approvedPrivateEndpointAddresses: [] });
    assert.equal((await callFromResource("/api/message")).status, 200);
  });

  it("answers unknown sites, sites without a backend and dead backends like a front end", async () => {
    const endpoint = front.endpoint();
    assert.ok(endpoint);
    const get = (hostHeader: string): Promise<number> =>
      new Promise((resolve, reject) => {
        http
          .get(
            { host: endpoint.host, port: endpoint.httpPort, path: "/", headers: { host: hostHeader } },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          )
          .on("error", reject);
      });
    assert.equal(await get("nobody.azurewebsites.net"), 404);
    assert.equal(await get("empty.azurewebsites.net"), 503);
    setSite({ httpsOnly: true });
    assert.equal(await get(host), 301);
    setSite({ httpsOnly: false, state: "Stopped" });
    assert.equal(await get(host), 403);
    setSite({ state: "Running", backendUrl: "http://127.0.0.1:1" });
    assert.equal(await get(host), 502);
    setSite({ backendUrl });
    assert.equal(await get(host), 200);
    // Unknown sites do not resolve from inside the resource either.
    const dialer = createRoutingDialer({ network, resourceId: wps, siteFront: () => front.endpoint() });
    const error = await new Promise<Error | null>((resolve) =>
      dialer.connect({ protocol: "https:", host: "nobody.azurewebsites.net", port: 443 }, (e) => resolve(e)),
    );
    assert.equal((error as NodeJS.ErrnoException | null)?.code, "ENOTFOUND");
  });
});
