// Bodies through the site front end: small bodies of known length (read whole before proxying),
// large and chunked ones (streamed), large answers, a backend that fails mid-answer, and the
// bounded per-site request log.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import http from "node:http";
import type net from "node:net";
import { after, before, describe, it } from "node:test";
import { loadOrCreateLocalCa } from "../../src/pki/localCa.js";
import {
  createSiteFront,
  siteFrontCertificateNames,
  type SiteFront,
} from "../../src/sitefront/siteFrontServer.js";
import type { SiteEntry } from "../../src/sitefront/siteDirectory.js";

const host = "bodies.azurewebsites.net";

interface Seen {
  readonly contentLength: string | undefined;
  readonly transferEncoding: string | undefined;
  readonly size: number;
  readonly sha: string;
}

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

const sha = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

describe("site front end: request and response bodies", () => {
  let backend: http.Server;
  let front: SiteFront;
  const seen: Seen[] = [];

  const call = (path: string, options: { body?: Buffer; chunked?: boolean } = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const endpoint = front.endpoint();
      assert.ok(endpoint);
      const headers: Record<string, string> = { host };
      if (options.body && !options.chunked) headers["content-length"] = String(options.body.length);
      const request = http.request(
        {
          host: endpoint.host,
          port: endpoint.httpPort,
          path,
          method: options.body ? "POST" : "GET",
          headers,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on("error", reject);
        },
      );
      request.on("error", reject);
      if (options.body && options.chunked) {
        // Two writes without a length: the client sends it chunked.
        request.write(options.body.subarray(0, 1000));
        request.end(options.body.subarray(1000));
      } else {
        request.end(options.body);
      }
    });

  before(async () => {
    const ca = loadOrCreateLocalCa(process.env.WPSLINK_TEST_CA_DIR ?? null);
    backend = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        seen.push({
          contentLength: req.headers["content-length"],
          transferEncoding: req.headers["transfer-encoding"],
          size: body.length,
          sha: sha(body),
        });
        if (req.url === "/big") {
          const big = Buffer.alloc(1024 * 1024, "abcdefgh");
          res.writeHead(200, { "content-type": "application/octet-stream", "set-cookie": ["a=1", "b=2"] });
          res.end(big);
        } else if (req.url === "/broken") {
          res.writeHead(200, { "content-length": "100000" });
          res.write("partial");
          setTimeout(() => res.destroy(), 20);
        } else {
          res.writeHead(201, { "content-type": "text/plain", "x-backend": "yes" }).end(`got ${body.length}`);
        }
      });
    });
    await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
    const backendUrl = `http://127.0.0.1:${(backend.address() as net.AddressInfo).port}`;
    const site: SiteEntry = {
      name: "bodies",
      resourceId: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Web/sites/bodies",
      backendUrl,
      state: "Running",
      publicNetworkAccess: null,
      ipSecurityRestrictions: null,
      ipSecurityRestrictionsDefaultAction: null,
      approvedPrivateEndpointAddresses: [],
    };
    front = createSiteFront({
      directory: { findSite: (name) => (name === "bodies" ? site : undefined) },
      certificate: ca.issue(siteFrontCertificateNames),
      host: "127.0.0.1",
      httpPort: 0,
      httpsPort: 0,
      logCapacityPerSite: 3,
    });
    await front.start();
  });

  after(async () => {
    await front.close();
    backend.closeAllConnections();
    await new Promise<void>((resolve) => backend.close(() => resolve()));
  });

  it("passes a small body of known length unchanged, with its length", async () => {
    const body = Buffer.from("hello, site");
    const answer = await call("/small", { body });
    assert.equal(answer.status, 201);
    assert.equal(answer.headers["x-backend"], "yes");
    assert.equal(answer.body.toString(), `got ${body.length}`);
    assert.deepEqual(seen.at(-1), {
      contentLength: String(body.length),
      transferEncoding: undefined,
      size: body.length,
      sha: sha(body),
    });
  });

  it("streams a large body and a chunked body to the backend byte for byte", async () => {
    const large = Buffer.alloc(300 * 1024);
    for (let i = 0; i < large.length; i++) large[i] = (i * 31) & 0xff;
    assert.equal((await call("/large", { body: large })).status, 201);
    assert.deepEqual(seen.at(-1), {
      contentLength: String(large.length),
      transferEncoding: undefined,
      size: large.length,
      sha: sha(large),
    });
    const chunked = large.subarray(0, 5000);
    assert.equal((await call("/chunked", { body: chunked, chunked: true })).status, 201);
    const last = seen.at(-1);
    // undici frames a streamed body chunked, or with its length when the stream has already ended
    // by the time the request is written: either way the backend gets the same bytes.
    assert.ok(
      last?.transferEncoding === "chunked" || last?.contentLength === String(chunked.length),
      JSON.stringify(last),
    );
    assert.equal(last?.size, chunked.length);
    assert.equal(last?.sha, sha(chunked));
  });

  it("relays a large answer in full with repeated headers", async () => {
    const answer = await call("/big");
    assert.equal(answer.status, 200);
    assert.equal(answer.body.length, 1024 * 1024);
    assert.equal(answer.body.subarray(0, 8).toString(), "abcdefgh");
    assert.deepEqual(answer.headers["set-cookie"], ["a=1", "b=2"]);
    assert.equal(answer.headers["content-type"], "application/octet-stream");
  });

  it("cuts the answer when the backend fails mid-answer, and logs a 502 with the reason", async () => {
    await assert.rejects(call("/broken"));
    const deadline = Date.now() + 5000;
    let entries = front.requestLog("bodies");
    while (entries.at(-1)?.url !== "/broken" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      entries = front.requestLog("bodies");
    }
    const last = entries.at(-1);
    assert.equal(last?.url, "/broken");
    assert.equal(last?.status, 502);
    assert.match(last?.reason ?? "", /^backend error: /);
  });

  it("keeps the newest entries per site, oldest first, up to its capacity", async () => {
    for (const path of ["/a", "/b", "/c", "/d"]) assert.equal((await call(path)).status, 201);
    assert.deepEqual(
      front.requestLog("bodies").map((entry) => [entry.url, entry.status]),
      [
        ["/b", 201],
        ["/c", 201],
        ["/d", 201],
      ],
    );
    assert.deepEqual(front.requestLog("other"), []);
  });
});
