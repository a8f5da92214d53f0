// The portal's server side on a real HTTP listener: the built app under /portal with history
// fallback, path safety, the trace stream (snapshot first, then live, filtered, bounded,
// authenticated) and the site request log route.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TraceBus } from "../../src/trace/traceBus.js";
import { createPortalHandler, type PortalHandler } from "../../src/portal/portalHandler.js";
import type { SiteRequestLogEntry } from "../../src/sitefront/requestLog.js";

const validToken = "Bearer good";

interface Running {
  readonly base: string;
  readonly server: Server;
  readonly handler: PortalHandler;
}

async function start(distDir: string, trace: TraceBus, withAuth: boolean, maxStreams = 32): Promise<Running> {
  const log: SiteRequestLogEntry[] = [
    {
      time: 1,
      method: "POST",
      url: "/api/connected",
      sourceAddress: "10.0.0.5",
      path: "private",
      status: 200,
      durationMs: 3,
    },
  ];
  const handler = createPortalHandler({
    distDir,
    trace,
    stream: { maxStreams, heartbeatMs: 60_000 },
    siteRequestLog: (site) => (site === "contoso-func" ? log : []),
    ...(withAuth
      ? {
          authenticator: {
            authenticate: async (authorization: string | undefined) => {
              if (authorization === validToken) return { id: "tester" };
              throw Object.assign(new Error("The token is not valid."), {
                status: 401,
                code: "InvalidAuthenticationToken",
                toBody: () => ({
                  error: { code: "InvalidAuthenticationToken", message: "The token is not valid." },
                }),
              });
            },
          },
        }
      : {}),
  });
  const server = createServer((req, res) => {
    if (!handler(req, res)) res.writeHead(418).end("not the portal's");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, handler };
}

async function stop(running: Running): Promise<void> {
  running.handler.close();
  running.server.closeAllConnections();
  await new Promise<void>((resolve) => running.server.close(() => resolve()));
}

/** Reads SSE events from a fetch response until `count` trace events (and `ready`) arrived, bounded in time. */
async function readEvents(
  response: Response,
  until: (events: Array<{ event: string; data: string }>) => boolean,
): Promise<Array<{ event: string; data: string }>> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: Array<{ event: string; data: string }> = [];
  let buffer = "";
  const deadline = Date.now() + 5000;
  while (!until(events)) {
    if (Date.now() > deadline) throw new Error(`timed out; events so far: ${JSON.stringify(events)}`);
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        if (line.startsWith("data: ")) data += line.slice(6);
      }
      if (data) events.push({ event, data });
    }
  }
  await reader.cancel();
  return events;
}

describe("portal handler", () => {
  let distDir: string;
  const trace = new TraceBus(100);
  let open: Running;
  let secured: Running;

  before(async () => {
    distDir = mkdtempSync(join(tmpdir(), "wpslink-portal-"));
    mkdirSync(join(distDir, "assets"));
    writeFileSync(join(distDir, "index.html"), "<!doctype html><title>portal</title>");
    writeFileSync(join(distDir, "assets", "app.js"), "console.log('app')");
    writeFileSync(join(distDir, "assets", "app.css"), "body{}");
    writeFileSync(join(tmpdir(), "wpslink-portal-secret.txt"), "secret");
    open = await start(distDir, trace, false);
    secured = await start(distDir, trace, true);
  });

  after(async () => {
    await stop(open);
    await stop(secured);
  });

  it("serves index.html for /portal and every app route (history fallback), with a CSP", async () => {
    for (const path of [
      "/portal",
      "/portal/",
      "/portal/resource/subscriptions/x/resourceGroups/my.rg/providers/Microsoft.Web/sites/a/networking",
    ]) {
      const response = await fetch(open.base + path);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get("content-type") ?? "", /text\/html/);
      assert.match(response.headers.get("content-security-policy") ?? "", /default-src 'self'/);
      assert.equal(response.headers.get("cache-control"), "no-cache");
      assert.match(await response.text(), /<title>portal<\/title>/);
    }
  });

  it("serves assets with their content type and answers If-None-Match with 304", async () => {
    const js = await fetch(`${open.base}/portal/assets/app.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get("content-type") ?? "", /text\/javascript/);
    assert.equal(await js.text(), "console.log('app')");
    const etag = js.headers.get("etag");
    assert.ok(etag);
    const again = await fetch(`${open.base}/portal/assets/app.js`, { headers: { "if-none-match": etag } });
    assert.equal(again.status, 304);
    const css = await fetch(`${open.base}/portal/assets/app.css`);
    assert.match(css.headers.get("content-type") ?? "", /text\/css/);
  });

  it("refuses missing assets, escapes from the folder, and writes", async () => {
    const missing = await fetch(`${open.base}/portal/assets/nope.js`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, "NotFound");
    const escape = await fetch(`${open.base}/portal/assets/..%2F..%2Fwpslink-portal-secret.txt`);
    assert.equal(escape.status, 400);
    const post = await fetch(`${open.base}/portal`, { method: "POST" });
    assert.equal(post.status, 405);
  });

  it("leaves every other path to the next handler", async () => {
    const response = await fetch(`${open.base}/subscriptions/x`);
    assert.equal(response.status, 418);
    const near = await fetch(`${open.base}/portalx`);
    assert.equal(near.status, 418);
  });

  it("says how to build the portal when it is not built", async () => {
    const empty = await start(mkdtempSync(join(tmpdir(), "wpslink-portal-empty-")), trace, false);
    try {
      const response = await fetch(`${empty.base}/portal`);
      assert.equal(response.status, 503);
      const body = (await response.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, "PortalNotBuilt");
      assert.match(body.error.message, /scripts\/build-portal\.ts/);
    } finally {
      await stop(empty);
    }
  });

  it("streams the recent records first, then live ones, filtered by resource", async () => {
    trace.publish({ category: "connection", kind: "connected", resource: "res-a", connectionId: "c1" });
    trace.publish({ category: "connection", kind: "connected", resource: "res-b", connectionId: "c2" });
    const response = await fetch(
      `${open.base}/_wpslink/trace/stream?resource=/subscriptions/s/resourceGroups/g/providers/Microsoft.SignalRService/webPubSub/res-a`,
    );
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
    setTimeout(() => {
      trace.publish({ category: "upstream", kind: "upstream.call", resource: "res-b" });
      trace.publish({
        category: "upstream",
        kind: "upstream.call",
        resource: "res-a",
        details: { path: "private" },
      });
    }, 50);
    const events = await readEvents(response, (e) => e.filter((x) => x.event === "trace").length >= 2);
    assert.deepEqual(
      events.map((e) => e.event),
      ["trace", "ready", "trace"],
    );
    const [first, ready, live] = events;
    assert.equal(JSON.parse(first!.data).connectionId, "c1");
    assert.deepEqual(JSON.parse(ready!.data), { snapshot: 1 });
    assert.equal(JSON.parse(live!.data).details.path, "private");
  });

  it("never throws into the publisher, even for a record it cannot serialize", async () => {
    const response = await fetch(`${open.base}/_wpslink/trace/stream?category=network`);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    setTimeout(() => {
      assert.doesNotThrow(() => trace.publish({ category: "network", kind: "bad", details: circular }));
      trace.publish({ category: "network", kind: "good" });
    }, 50);
    const events = await readEvents(response, (e) =>
      e.some((x) => x.event === "trace" && x.data.includes('"good"')),
    );
    assert.equal(events.filter((e) => e.data.includes('"bad"')).length, 0);
  });

  it("requires the bearer token when an authenticator is given, answering ARM's error", async () => {
    const refused = await fetch(`${secured.base}/_wpslink/trace/stream`);
    assert.equal(refused.status, 401);
    assert.equal(
      ((await refused.json()) as { error: { code: string } }).error.code,
      "InvalidAuthenticationToken",
    );
    const accepted = await fetch(`${secured.base}/_wpslink/trace/stream`, {
      headers: { authorization: validToken },
    });
    assert.equal(accepted.status, 200);
    const events = await readEvents(accepted, (e) => e.some((x) => x.event === "ready"));
    assert.ok(events.some((e) => e.event === "ready"));
  });

  it("caps concurrent streams and frees a slot when a reader leaves", async () => {
    const capped = await start(distDir, trace, false, 2);
    try {
      const controllers = [new AbortController(), new AbortController()];
      const streams = await Promise.all(
        controllers.map((c) => fetch(`${capped.base}/_wpslink/trace/stream`, { signal: c.signal })),
      );
      assert.deepEqual(
        streams.map((s) => s.status),
        [200, 200],
      );
      const third = await fetch(`${capped.base}/_wpslink/trace/stream`);
      assert.equal(third.status, 503);
      assert.equal(((await third.json()) as { error: { code: string } }).error.code, "TooManyStreams");
      controllers[0]!.abort();
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const retry = await fetch(`${capped.base}/_wpslink/trace/stream`);
        status = retry.status;
        await retry.body?.cancel();
      }
      assert.equal(status, 200);
      controllers[1]!.abort();
    } finally {
      await stop(capped);
    }
  });

  it("serves a site's request log behind the same authentication", async () => {
    const refused = await fetch(`${secured.base}/_wpslink/sites/contoso-func/requests`);
    assert.equal(refused.status, 401);
    const response = await fetch(`${secured.base}/_wpslink/sites/Contoso-Func/requests`, {
      headers: { authorization: validToken },
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { value: SiteRequestLogEntry[] };
    assert.equal(body.value.length, 1);
    assert.equal(body.value[0]?.sourceAddress, "10.0.0.5");
  });
});
