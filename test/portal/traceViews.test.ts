// How the Live trace reads the bus: the connections open now, and for each upstream call the
// site front end's record of the same request (what the upstream saw in X-Forwarded-For).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  belongsTo,
  liveConnections,
  summarize,
  upstreamCalls,
} from "../../src/portal/ui/pages/webpubsub/traceViews.js";
import type { TraceRecord } from "../../src/portal/ui/api/traceRecord.js";

const wpsId =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contoso/providers/Microsoft.SignalRService/WebPubSub/contoso-webpubsub";
const siteId =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contoso/providers/Microsoft.Web/sites/contoso-func";

function call(
  time: number,
  path: string,
  url = "https://contoso-func.azurewebsites.net/api/connected",
): TraceRecord {
  return {
    time,
    category: "upstream",
    kind: "upstream.call",
    resource: "contoso-webpubsub",
    hub: "chat",
    details: { event: "connected", url, status: 200, latencyMs: 12, path, localAddress: "127.77.0.4:50000" },
  };
}

function siteRequest(
  time: number,
  sourceAddress: string,
  url = "/api/connected",
  site = "contoso-func",
): TraceRecord {
  return {
    time,
    category: "site",
    kind: "site.request",
    resource: siteId,
    details: { site, time, method: "POST", url, sourceAddress, path: "private", status: 200, durationMs: 2 },
  };
}

describe("live trace views", () => {
  it("keeps the records of the resource by name or id, case-insensitively", () => {
    assert.equal(belongsTo(call(1, "private"), wpsId, "contoso-webpubsub"), true);
    assert.equal(
      belongsTo({ ...call(1, "private"), resource: wpsId.toLowerCase() }, wpsId, "contoso-webpubsub"),
      true,
    );
    assert.equal(belongsTo({ ...call(1, "private"), resource: "other" }, wpsId, "contoso-webpubsub"), false);
    assert.equal(belongsTo(siteRequest(1, "10.0.0.4"), wpsId, "contoso-webpubsub"), false);
  });

  it("replays connected, recovered and disconnected into the connections open now", () => {
    const records: TraceRecord[] = [
      {
        time: 1,
        category: "connection",
        kind: "connected",
        connectionId: "a",
        hub: "chat",
        details: { userId: "alice" },
      },
      { time: 2, category: "connection", kind: "connected", connectionId: "b", hub: "chat", details: {} },
      { time: 3, category: "connection", kind: "disconnected", connectionId: "a", hub: "chat" },
      { time: 4, category: "connection", kind: "recovered", connectionId: "b", hub: "chat" },
      { time: 5, category: "connection", kind: "connection.held", connectionId: "c", hub: "chat" },
    ];
    assert.deepEqual(liveConnections(records), [{ connectionId: "b", hub: "chat", userId: "", since: 2 }]);
  });

  it("pairs an upstream call with the site's record of the same request", () => {
    const all = [
      siteRequest(995, "10.0.0.4"),
      siteRequest(990, "203.0.113.1", "/api/other"),
      call(1000, "private"),
    ];
    const [view] = upstreamCalls([all[2]!], all);
    assert.equal(view?.path, "private");
    assert.equal(view?.sourceAddress, "127.77.0.4:50000");
    assert.equal(view?.forwardedFor, "10.0.0.4");
  });

  it("picks the nearest site record in time and ignores other sites and far-away records", () => {
    const all = [
      siteRequest(500, "203.0.113.9"),
      siteRequest(998, "10.0.0.4", "/api/connected", "other-func"),
      siteRequest(996, "10.0.0.5"),
      call(1000, "private"),
    ];
    assert.equal(upstreamCalls([all[3]!], all)[0]?.forwardedFor, "10.0.0.5");
    assert.equal(upstreamCalls([call(5000, "public")], all)[0]?.forwardedFor, null);
  });

  it("says nothing about what the upstream saw for hosts outside the emulated App Service", () => {
    const direct = call(1000, "direct", "http://127.0.0.1:7071/api/connected");
    assert.equal(upstreamCalls([direct], [siteRequest(999, "10.0.0.4"), direct])[0]?.forwardedFor, null);
  });

  it("summarizes scalar details in one line", () => {
    assert.equal(
      summarize({
        time: 0,
        category: "x",
        kind: "y",
        details: { a: 1, b: "two", c: null, d: { nested: true } },
      }),
      "a=1  b=two",
    );
  });
});
